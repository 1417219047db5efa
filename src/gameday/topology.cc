#include "gameday/topology.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace narwhal::gameday {
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0)
    return Unavailable(fmt::format("cannot write {}: {}", log_path, std::strerror(errno)));
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    return Unavailable(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    // Its own process group: a Ctrl-C at the terminal reaches the run, which heals and
    // stops the children itself, in order.
    ::setpgid(0, 0);
    ::execv(args[0], args.data());
    static const char kFailed[] = "narwhal gameday: exec failed\n";
    (void)!::write(2, kFailed, sizeof kFailed - 1);  // async-signal-safe, unlike stdio
    ::_exit(127);
  }
  ::close(log);
  return pid;
}

Result<pid_t> SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path) {
  // Everything that allocates happens before the fork: this process has other threads
  // (the workload driver), and a forked child may only make async-signal-safe calls.
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0)
    return Unavailable(fmt::format("cannot write {}: {}", log_path, std::strerror(errno)));
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int fds[2];
  if (in < 0 || ::pipe2(fds, O_CLOEXEC) != 0) {
    ::close(log);
    if (in >= 0) ::close(in);
    return Unavailable("pipe");
  }
  pid_t middle = ::fork();
  if (middle < 0) {
    ::close(log);
    ::close(in);
    ::close(fds[0]);
    ::close(fds[1]);
    return Unavailable(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (middle == 0) {
    ::setsid();
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(in, 0);
      ::dup2(log, 1);
      ::dup2(log, 2);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    (void)!::write(fds[1], &pid, sizeof pid);
    ::_exit(0);
  }
  ::close(fds[1]);
  ::close(log);
  ::close(in);
  pid_t pid = -1;
  ssize_t n = 0;
  do {
    n = ::read(fds[0], &pid, sizeof pid);
  } while (n < 0 && errno == EINTR);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != sizeof pid || pid <= 0) return Unavailable(fmt::format("could not start {}", argv[0]));
  return pid;
}

// Waits for `pid` to end, at most `timeout`; true with its wait status when it did.
bool WaitFor(pid_t pid, Millis timeout, int* status) {
  auto deadline = Steady::now() + timeout;
  for (;;) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0) return false;
    if (Steady::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(20));
  }
}

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status)) return fmt::format("ended by signal {}", WTERMSIG(status));
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  return "ended";
}

static int64_t FreeBytes(const std::string& path) {
  struct statvfs s {};
  if (::statvfs(path.c_str(), &s) != 0) return -1;
  return static_cast<int64_t>(s.f_bavail) * static_cast<int64_t>(s.f_frsize);
}

// A free TCP port on loopback (the kernel's choice; the tiny race with another process
// taking it before the server binds is acceptable on a test machine).
Result<uint16_t> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Unavailable("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return Unavailable("no free port on loopback");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

namespace {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  // credentials.csv quotes fields only when needed; names here never hold commas.
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  out.push_back(field);
  return out;
}

}  // namespace

Result<Volunteers> MakeVolunteers(const std::string& binary,
                                  const std::vector<std::string>& store_args,
                                  const std::string& run_dir, const Workload& w,
                                  const std::vector<std::pair<std::string, std::string>>& pairs,
                                  const std::string& url) {
  const std::string logs = run_dir + "/logs";
  std::vector<std::pair<std::string, std::vector<std::string>>> precincts;
  {
    std::map<std::string, size_t> index;
    for (const auto& [precinct, voter] : pairs) {
      auto [it, added] = index.emplace(precinct, precincts.size());
      if (added) precincts.push_back({precinct, {}});
      precincts[it->second].second.push_back(voter);
    }
  }
  if (precincts.empty()) return Unavailable("the voter file has no precincts");

  // Watchers spread over the precincts; each precinct's voters split among its watchers.
  Volunteers v;
  std::vector<std::vector<int>> by_precinct(precincts.size());
  for (int i = 0; i < w.watchers; ++i) {
    size_t p = static_cast<size_t>(i) % precincts.size();
    by_precinct[p].push_back(i);
    v.watcher_plans.push_back({precincts[p].first, {}});
  }
  for (size_t p = 0; p < precincts.size(); ++p) {
    const auto& watchers = by_precinct[p];
    if (watchers.empty()) continue;
    const auto& voters = precincts[p].second;
    for (size_t j = 0; j < voters.size(); ++j) {
      v.watcher_plans[static_cast<size_t>(watchers[j % watchers.size()])].voters.push_back(
          voters[j]);
    }
  }

  // Sign-up sheet -> `narwhal users import` -> credentials.csv: the real credential path.
  std::string signup = run_dir + "/volunteers-signup.csv";
  {
    std::ofstream out(signup);
    out << "name,phone,email,role,county,precinct,field_office\n";
    for (int i = 0; i < w.watchers; ++i) {
      const std::string& key = v.watcher_plans[static_cast<size_t>(i)].precinct;
      size_t slash = key.find('/');
      out << fmt::format("WATCHER {:05d},,,poll_watcher,{},{},Game day\n", i, key.substr(0, slash),
                         key.substr(slash + 1));
    }
    for (int i = 0; i < w.readers; ++i)
      out << fmt::format("HEADQUARTERS {:03d},,,admin,,,Game day\n", i);
  }
  std::string sheets = run_dir + "/volunteers";
  std::vector<std::string> argv = {binary, "users", "import"};
  argv.insert(argv.end(), store_args.begin(), store_args.end());
  argv.insert(argv.end(), {"--out", sheets, "--url", url, signup});
  Result<int> users = RunCommand(argv, logs + "/setup.log", Millis(600'000));
  if (!users.ok() || *users != 0) {
    return Unavailable(fmt::format("narwhal users import failed (see {}/setup.log)", logs));
  }
  std::map<std::string, std::string> codes;  // name -> code
  std::ifstream creds(sheets + "/credentials.csv");
  std::string line;
  std::getline(creds, line);  // header: user_id,name,role,county,precinct,office,code,expires
  while (std::getline(creds, line)) {
    auto f = SplitCsvLine(line);
    if (f.size() >= 7) codes[f[1]] = f[6];
  }
  for (int i = 0; i < w.watchers; ++i) {
    auto it = codes.find(fmt::format("WATCHER {:05d}", i));
    if (it == codes.end()) return Internal(fmt::format("no code for watcher {}", i));
    v.watcher_codes.push_back(it->second);
  }
  for (int i = 0; i < w.readers; ++i) {
    auto it = codes.find(fmt::format("HEADQUARTERS {:03d}", i));
    if (it == codes.end()) return Internal(fmt::format("no code for reader {}", i));
    v.reader_codes.push_back(it->second);
  }
  return v;
}

namespace {

class EmbeddedTopology final : public Topology {
 public:
  explicit EmbeddedTopology(EmbeddedOptions o) : o_(std::move(o)) {
    data_ = o_.run_dir + "/data";
    logs_ = o_.run_dir + "/logs";
  }

  Result<Volunteers> Up() override {
    const TopologySpec& t = o_.scenario.topology;
    std::error_code ec;
    fs::create_directories(logs_, ec);
    fs::create_directories(data_, ec);
    if (ec) return Unavailable(fmt::format("cannot create {}: {}", data_, ec.message()));
    if (t.disk_mib > 0) NARWHAL_RETURN_IF_ERROR(MountSmallDisk(t.disk_mib));

    Result<int> demo =
        RunCommand({o_.binary, "demo", "--data", data_, "--voters", std::to_string(t.voters),
                    "--precincts", std::to_string(t.precincts)},
                   logs_ + "/setup.log", Millis(600'000));
    if (!demo.ok() || *demo != 0) {
      return Unavailable(fmt::format("narwhal demo failed (see {}/setup.log)", logs_));
    }
    NARWHAL_ASSIGN_OR_RETURN(auto pairs, o_.store.voters(data_));
    NARWHAL_ASSIGN_OR_RETURN(port_, FreePort());
    NARWHAL_ASSIGN_OR_RETURN(
        Volunteers v, MakeVolunteers(o_.binary, {"--data", data_}, o_.run_dir, o_.scenario.workload,
                                     pairs, fmt::format("http://127.0.0.1:{}/", port_)));
    auto started = Steady::now();
    NARWHAL_RETURN_IF_ERROR(Start());
    startup_ = std::chrono::duration_cast<Millis>(Steady::now() - started);
    return v;
  }

  std::vector<Endpoint> Nodes() const override { return {{"127.0.0.1", port_}}; }

  void Apply(FaultRecord& r) override {
    switch (r.kind) {
      case FaultKind::kKill: {
        r.resolved = fmt::format("narwhal serve, pid {}", pid_);
        if (pid_ <= 0 || ::kill(pid_, SIGKILL) != 0) {
          r.proof = "no running server to kill";
          return;
        }
        int status = 0;
        if (WaitFor(pid_, Millis(5000), &status)) {
          r.effective = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
          r.proof = fmt::format("pid {} {}", pid_, DescribeExit(status));
          pid_ = -1;
        } else {
          r.proof = fmt::format("pid {} still running 5 s after SIGKILL", pid_);
        }
        return;
      }
      case FaultKind::kPause: {
        r.resolved = fmt::format("narwhal serve, pid {}", pid_);
        if (pid_ <= 0 || ::kill(pid_, SIGSTOP) != 0) {
          r.proof = "no running server to pause";
          return;
        }
        paused_ = true;
        for (int i = 0; i < 50 && ProcessState(pid_) != 'T'; ++i)
          std::this_thread::sleep_for(Millis(20));
        char state = ProcessState(pid_);
        r.effective = state == 'T';
        r.proof = fmt::format("pid {} in state {} ({})", pid_, state == 0 ? '?' : state,
                              state == 'T' ? "stopped" : "not stopped");
        return;
      }
      case FaultKind::kDiskFull: {
        r.resolved = fmt::format("the data filesystem at {}", data_);
        r.effective = Fill(r.proof);
        return;
      }
    }
  }

  void Heal(FaultRecord& r) override {
    switch (r.kind) {
      case FaultKind::kKill: {
        auto t0 = Steady::now();
        Status st = Start();
        r.heal_ok = st.ok();
        r.heal_proof =
            st.ok() ? fmt::format("restarted as pid {}; /readyz 200 after {} ms", pid_,
                                  std::chrono::duration_cast<Millis>(Steady::now() - t0).count())
                    : st.message();
        return;
      }
      case FaultKind::kPause: {
        if (pid_ > 0) ::kill(pid_, SIGCONT);
        paused_ = false;
        for (int i = 0; i < 50 && ProcessState(pid_) == 'T'; ++i)
          std::this_thread::sleep_for(Millis(20));
        char state = ProcessState(pid_);
        Result<int> ready = HttpGetStatus(Nodes()[0], "/readyz", Millis(5000));
        r.heal_ok = state != 'T' && state != 0 && ready.ok() && *ready == 200;
        r.heal_proof = fmt::format("pid {} in state {}; /readyz {}", pid_, state == 0 ? '?' : state,
                                   ready.ok() ? std::to_string(*ready) : ready.status().message());
        return;
      }
      case FaultKind::kDiskFull: {
        std::error_code ec;
        fs::remove(FillPath(), ec);
        int64_t free = FreeBytes(data_);
        r.heal_ok = !ec && free > (1 << 20);
        r.heal_proof = fmt::format("fill file removed; {} MiB free", free >> 20);
        return;
      }
    }
  }

  Status Stop() override {
    if (pid_ <= 0) return Status::Ok();
    if (paused_) ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    int status = 0;
    if (!WaitFor(pid_, Millis(30'000), &status)) {
      ::kill(pid_, SIGKILL);
      WaitFor(pid_, Millis(5000), &status);
      pid_ = -1;
      return Unavailable("narwhal serve did not stop within 30 s of SIGTERM (killed)");
    }
    pid_ = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return Unavailable(fmt::format("narwhal serve {} on SIGTERM", DescribeExit(status)));
    }
    return Status::Ok();
  }

  std::string StoreLocation() const override { return data_; }

  std::vector<std::string> TearDown() override {
    std::vector<std::string> left;
    if (pid_ > 0) {
      ::kill(pid_, SIGCONT);
      ::kill(pid_, SIGKILL);
      int status = 0;
      if (!WaitFor(pid_, Millis(5000), &status)) left.push_back(fmt::format("process {}", pid_));
      pid_ = -1;
    }
    std::error_code ec;
    if (fs::exists(FillPath(), ec)) {
      fs::remove(FillPath(), ec);
      if (ec) left.push_back("fill file " + FillPath());
    }
    if (mounted_) {
      Result<int> rc = RunCommand({"/bin/umount", data_}, logs_ + "/setup.log", Millis(30'000));
      if (!rc.ok() || *rc != 0 || IsMounted(data_)) {
        left.push_back("mount " + data_);
      } else {
        mounted_ = false;
        fs::remove(o_.run_dir + "/disk.img", ec);
      }
    }
    for (std::string& l : SweepLeftovers(o_.run_dir)) left.push_back(std::move(l));
    return left;
  }

  Millis StartupTime() const override { return startup_; }

 private:
  std::string FillPath() const { return data_ + "/gameday-fill"; }

  static bool IsMounted(const std::string& path) {
    std::ifstream mounts("/proc/mounts");
    std::string dev, where;
    std::string rest;
    while (mounts >> dev >> where && std::getline(mounts, rest)) {
      if (where == path) return true;
    }
    return false;
  }

  Status MountSmallDisk(int64_t mib) {
    if (::geteuid() != 0) {
      return FailedPrecondition("topology.disk_mib needs root (a loop-mounted filesystem)");
    }
    std::string image = o_.run_dir + "/disk.img";
    {
      int fd = ::open(image.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0 || ::ftruncate(fd, mib << 20) != 0) {
        if (fd >= 0) ::close(fd);
        return Unavailable(fmt::format("cannot make {}", image));
      }
      ::close(fd);
    }
    std::string log = logs_ + "/setup.log";
    Result<int> mk =
        RunCommand({"/sbin/mkfs.ext4", "-q", "-F", "-m", "0", image}, log, Millis(60'000));
    if (!mk.ok() || *mk != 0) return Unavailable(fmt::format("mkfs.ext4 failed (see {})", log));
    Result<int> mount = RunCommand({"/bin/mount", "-o", "loop", image, data_}, log, Millis(60'000));
    if (!mount.ok() || *mount != 0)
      return Unavailable(fmt::format("mount -o loop failed (see {})", log));
    mounted_ = true;
    return Status::Ok();
  }

  // Fills the data filesystem to its last block; true when a further 4 KiB write fails.
  bool Fill(std::string& proof) {
    int fd = ::open(FillPath().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      proof = fmt::format("cannot create the fill file: {}", std::strerror(errno));
      return false;
    }
    int64_t free = FreeBytes(data_);
    if (free > (1 << 20)) (void)::posix_fallocate(fd, 0, free - (1 << 20));
    std::vector<char> chunk(4096, 0);
    ::lseek(fd, 0, SEEK_END);
    for (int i = 0; i < 1 << 20; ++i) {
      if (::write(fd, chunk.data(), chunk.size()) <= 0) break;
    }
    ::fsync(fd);
    ::close(fd);
    std::string probe_path = data_ + "/gameday-probe";
    int probe = ::open(probe_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool refused = false;
    std::string why;
    if (probe < 0) {
      refused = errno == ENOSPC;
      why = std::strerror(errno);
    } else {
      ssize_t n = ::write(probe, chunk.data(), chunk.size());
      if (n < 0 || ::fsync(probe) != 0) {
        refused = errno == ENOSPC;
        why = std::strerror(errno);
      } else {
        why = "it succeeded";
      }
      ::close(probe);
    }
    ::unlink(probe_path.c_str());
    proof = fmt::format("{} bytes free on {}; a 4 KiB write: {}", FreeBytes(data_), data_, why);
    return refused;
  }

  Status Start() {
    std::vector<std::string> argv = ServeCommand(
        o_.binary, {"--data", data_}, fmt::format("127.0.0.1:{}", port_), o_.scenario.topology);
    NARWHAL_ASSIGN_OR_RETURN(pid_, Spawn(argv, logs_ + "/app1.log"));
    auto deadline = Steady::now() + Millis(60'000);
    while (Steady::now() < deadline) {
      Result<int> s = HttpGetStatus(Nodes()[0], "/readyz", Millis(1000));
      if (s.ok() && *s == 200) return Status::Ok();
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return Unavailable(fmt::format("narwhal serve {} at start (see {}/app1.log)",
                                       DescribeExit(status), logs_));
      }
      std::this_thread::sleep_for(Millis(50));
    }
    return Unavailable(fmt::format("narwhal serve not ready after 60 s (see {}/app1.log)", logs_));
  }

  EmbeddedOptions o_;
  std::string data_;
  std::string logs_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
  bool mounted_ = false;
  Millis startup_{0};
};

}  // namespace

Result<int> RunCommand(const std::vector<std::string>& argv, const std::string& log_path,
                       Millis timeout) {
  NARWHAL_ASSIGN_OR_RETURN(pid_t pid, Spawn(argv, log_path));
  int status = 0;
  if (!WaitFor(pid, timeout, &status)) {
    ::kill(pid, SIGKILL);
    WaitFor(pid, Millis(5000), &status);
    return DeadlineExceeded(
        fmt::format("{} did not finish in {}", argv[0], FormatDuration(timeout)));
  }
  if (!WIFEXITED(status)) return Unavailable(fmt::format("{} {}", argv[0], DescribeExit(status)));
  return WEXITSTATUS(status);
}

pid_t ParentOf(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  char state = 0;
  long ppid = 0;
  rest >> state >> ppid;
  return static_cast<pid_t>(ppid);
}

std::vector<std::string> ServeCommand(const std::string& binary,
                                      const std::vector<std::string>& store_args,
                                      const std::string& listen, const TopologySpec& t) {
  std::vector<std::string> argv = {binary, "serve"};
  argv.insert(argv.end(), store_args.begin(), store_args.end());
  argv.insert(argv.end(), {"--listen", listen, "--election", t.election, "--rate-limit-address",
                           fmt::format("{:g}", t.rate_limit_address), "--rate-limit-login",
                           fmt::format("{:g}", t.rate_limit_login)});
  return argv;
}

std::vector<pid_t> ProcessesMentioning(const std::string& text) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(text) != std::string::npos) out.push_back(pid);
  }
  return out;
}

std::vector<std::string> SweepLeftovers(const std::string& run_dir) {
  // Only the kinds of process a run starts; never a shell, an editor or a `tail -f` of the
  // run's logs, and never a process this one runs under (`timeout narwhal gameday ...`).
  static const std::set<std::string> kOurs = {"narwhal",  "haproxy", "etcd",    "runuser",
                                              "postgres", "patroni", "python3", "sh"};
  std::set<pid_t> ancestors;
  for (pid_t p = ::getppid(); p > 1 && ancestors.insert(p).second;) p = ParentOf(p);
  std::vector<std::string> left;
  for (pid_t pid : ProcessesMentioning(run_dir)) {
    if (ancestors.contains(pid)) continue;
    std::ifstream in(fmt::format("/proc/{}/cmdline", pid), std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string argv0 = cmdline.substr(0, cmdline.find('\0'));
    if (!kOurs.contains(fs::path(argv0).filename().string())) continue;
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    left.push_back(
        fmt::format("process {} in state {}: {}", pid, ProcessState(pid), cmdline.substr(0, 160)));
    ::kill(pid, SIGCONT);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, WNOHANG);
  }
  return left;
}

char ProcessState(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return 0;
  return text[close + 2];
}

std::unique_ptr<Topology> MakeEmbeddedTopology(EmbeddedOptions options) {
  return std::make_unique<EmbeddedTopology>(std::move(options));
}

}  // namespace narwhal::gameday
