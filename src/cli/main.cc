// narwhal: the one binary. Subcommands: serve, import, demo, version.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace narwhal {
namespace {

void AddDataOption(CLI::App& app, CommonArgs& common) {
  common.data_dir = DefaultDataDir();
  app.add_option("--data", common.data_dir,
                 "data directory (database and files); default $NARWHAL_DATA or ./narwhal-data");
}

int Main(int argc, char** argv) {
  CLI::App app{"Narwhal: the voter file, volunteers and election day of a field campaign"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "narwhal 0.1.0");

  ServeArgs serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "serve the API and web pages over HTTP");
  AddDataOption(*serve_cmd, serve.common);
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on")->capture_default_str();
  serve_cmd->add_option("--threads", serve.server.threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();

  ImportArgs import;
  std::string format = "ncsbe";
  std::string encoding = "auto";
  CLI::App* import_cmd = app.add_subcommand("import", "import data files");
  import_cmd->require_subcommand(1);
  CLI::App* voters_cmd =
      import_cmd->add_subcommand("voters", "import a voter file or vote history");
  AddDataOption(*voters_cmd, import.common);
  voters_cmd->add_option("--format", format, "ncsbe | ncvhis | ohio | florida | washington | csv")
      ->required();
  voters_cmd->add_option("file", import.import.path, "the file to import")->required();
  voters_cmd->add_option("--mapping", import.import.mapping_path,
                         "column-mapping file (JSON) for --format csv");
  voters_cmd->add_option("--rejects", import.import.rejects_path,
                         "where bad rows go (default FILE.rejects.tsv)");
  voters_cmd->add_option("--encoding", encoding, "auto | utf-8 | latin-1")->capture_default_str();
  voters_cmd->add_flag("--full-refresh", import.import.full_refresh,
                       "mark voters of the file's counties that it no longer lists as removed");
  voters_cmd->add_option("--batch", import.import.batch_rows, "rows per committed batch")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  voters_cmd->add_flag("--quiet", import.quiet, "no progress line");

  DemoArgs demo;
  CLI::App* demo_cmd = app.add_subcommand("demo", "generate a synthetic NC county and import it");
  AddDataOption(*demo_cmd, demo.common);
  demo_cmd->add_option("--voters", demo.demo.voters, "voters to generate")
      ->check(CLI::Range(int64_t{1}, int64_t{20000000}))
      ->capture_default_str();
  demo_cmd->add_option("--precincts", demo.demo.precincts, "precincts")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  demo_cmd->add_option("--seed", demo.demo.seed, "random seed")->capture_default_str();
  demo_cmd->add_option("--dirty", demo.demo.dirty_fraction, "share of deliberately bad rows")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  demo_cmd->add_option("--files-only", demo.files_only_dir,
                       "only write the NC-layout files into this directory");
  demo_cmd->add_flag("--force", demo.force, "replace an existing database in --data");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (*serve_cmd) return RunServe(serve);
  if (*voters_cmd) {
    auto parsed = ParseVoterFormat(format);
    if (!parsed.ok()) {
      std::fprintf(stderr, "narwhal import voters: %s\n", parsed.status().message().c_str());
      return kExitUsage;
    }
    import.import.format = *parsed;
    if (encoding == "auto") {
      import.import.encoding = Encoding::kAuto;
    } else if (encoding == "utf-8" || encoding == "utf8") {
      import.import.encoding = Encoding::kUtf8;
    } else if (encoding == "latin-1" || encoding == "latin1") {
      import.import.encoding = Encoding::kLatin1;
    } else {
      std::fprintf(stderr, "narwhal import voters: --encoding must be auto, utf-8 or latin-1\n");
      return kExitUsage;
    }
    return RunImportVoters(import);
  }
  if (*demo_cmd) return RunDemo(demo);
  return kExitUsage;
}

}  // namespace
}  // namespace narwhal

int main(int argc, char** argv) {
  return narwhal::Main(argc, argv);
}
