// The narwhal subcommands as plain functions, so tests can run them without a shell.
//
// Each returns the process exit code (see ExitCode) and writes human messages to stderr,
// machine-readable results to stdout. Not thread-safe: one command per process.
#ifndef NARWHAL_CLI_COMMANDS_H_
#define NARWHAL_CLI_COMMANDS_H_

#include <cstdint>
#include <string>

#include "demo/generator.h"
#include "http/server.h"
#include "import/importer.h"

namespace narwhal {

// Exit codes scripts can rely on.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,      // the command ran and failed (store unavailable, I/O error, ...)
  kExitUsage = 2,        // bad command line
  kExitBadInput = 3,     // the input file is not what was asked for (wrong format/header)
  kExitUnavailable = 4,  // the data directory or database cannot be opened
};

struct CommonArgs {
  // Holds the database and everything else Narwhal keeps. Default: $NARWHAL_DATA, else
  // ./narwhal-data.
  std::string data_dir;
};

// Default data directory as documented in CommonArgs.
std::string DefaultDataDir();

struct ServeArgs {
  CommonArgs common;
  std::string listen = "127.0.0.1:8080";  // HOST:PORT
  ServerOptions server;                   // host/port filled from `listen`
};
int RunServe(ServeArgs args);

struct ImportArgs {
  CommonArgs common;
  ImportOptions import;
  bool quiet = false;  // no progress line even on a terminal
};
int RunImportVoters(const ImportArgs& args);

struct DemoArgs {
  CommonArgs common;
  DemoOptions demo;
  // When set, only write the generated files into this directory (no import).
  std::string files_only_dir;
  bool force = false;  // replace an existing demo database
};
int RunDemo(const DemoArgs& args);

}  // namespace narwhal

#endif  // NARWHAL_CLI_COMMANDS_H_
