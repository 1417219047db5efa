// The cluster topology: scripts/cluster-up.sh in the run's directory, broken by role.
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "gameday/topology.h"

namespace narwhal::gameday {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using Steady = std::chrono::steady_clock;

// Ports of scripts/cluster-up.sh, moved by the offset.
struct Ports {
  explicit Ports(int offset)
      : http(8080 + offset),
        apps{18081 + offset, 18082 + offset},
        rest{28081 + offset, 28082 + offset, 28083 + offset},
        etcd{23790 + offset, 23791 + offset, 23792 + offset},
        etcd_peer{23800 + offset, 23801 + offset, 23802 + offset} {}
  int http;
  int apps[2];
  int rest[3];
  int etcd[3];
  int etcd_peer[3];
};

bool Alive(pid_t pid) {
  if (pid <= 0) return false;
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return false;  // our child, now reaped
  char state = ProcessState(pid);
  return state != 0 && state != 'Z';
}

// SIGKILL, then waits (up to 5 s) until the process is gone; whether it is.
bool KillAndWait(pid_t pid) {
  if (pid <= 0) return false;
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 250; ++i) {
    if (!Alive(pid)) return true;
    std::this_thread::sleep_for(Millis(20));
  }
  return false;
}

pid_t ReadPid(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

bool WaitUntil(Millis timeout, const std::function<bool()>& ready) {
  auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(Millis(100));
  }
  return false;
}

int Since(Steady::time_point t0) {
  return static_cast<int>(std::chrono::duration_cast<Millis>(Steady::now() - t0).count());
}

class ClusterTopology final : public Topology {
 public:
  explicit ClusterTopology(ClusterOptions o)
      : o_(std::move(o)), ports_(o_.scenario.topology.port_offset) {
    logs_ = o_.run_dir + "/logs";
  }

  Result<Volunteers> Up() override {
    const TopologySpec& t = o_.scenario.topology;
    if (::geteuid() != 0)
      return FailedPrecondition("the cluster topology needs root (PostgreSQL runs as postgres)");
    std::error_code ec;
    fs::create_directories(logs_, ec);
    // The cluster's own directory must be reachable by the postgres user, which the run's
    // directory (made by whoever ran it, perhaps 0700 under a private temp dir) need not
    // be: it lives in /tmp, with a link to it from the run's directory.
    char dir[] = "/tmp/narwhal-gameday-XXXXXX";
    if (::mkdtemp(dir) == nullptr) return Unavailable("cannot make a directory in /tmp");
    dir_ = dir;
    fs::create_directory_symlink(dir_, o_.run_dir + "/cluster", ec);
    ::setenv("CLUSTER_DIR", dir_.c_str(), 1);
    ::setenv("CLUSTER_PORT_OFFSET", std::to_string(t.port_offset).c_str(), 1);
    ::setenv("NARWHAL_BIN", o_.binary.c_str(), 1);
    ::setenv("NARWHAL_ELECTION", t.election.c_str(), 1);
    ::setenv("NARWHAL_SERVE_ARGS", ServeArgs().c_str(), 1);
    up_ = true;
    auto t0 = Steady::now();
    Result<int> rc = RunCommand({"/bin/bash", o_.scripts_dir + "/cluster-up.sh"},
                                logs_ + "/cluster-up.log", Millis(300'000));
    if (!rc.ok() || *rc != 0) {
      return Unavailable(
          fmt::format("scripts/cluster-up.sh failed (see {}/cluster-up.log)", logs_));
    }
    startup_ = Millis(Since(t0));
    std::ifstream env(dir_ + "/env");
    std::string line;
    while (std::getline(env, line)) {
      // export NAME='value'
      size_t eq = line.find('=');
      if (line.rfind("export ", 0) != 0 || eq == std::string::npos) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
        value = value.substr(1, value.size() - 2);
      env_[line.substr(7, eq - 7)] = value;
    }
    conninfo_ = env_["NARWHAL_STORE"];
    {
      std::istringstream urls(env_["NARWHAL_PATRONI_URLS"]);
      std::string url;
      pg_nodes_ = 0;
      while (urls >> url) ++pg_nodes_;
    }
    if (conninfo_.empty()) return Unavailable(fmt::format("no NARWHAL_STORE in {}/env", dir_));
    ::setenv("PGPASSWORD", env_["PGPASSWORD"].c_str(), 1);

    Result<int> demo = RunCommand(
        {o_.binary, "demo", "--store", conninfo_, "--data", o_.run_dir + "/demo", "--voters",
         std::to_string(t.voters), "--precincts", std::to_string(t.precincts)},
        logs_ + "/setup.log", Millis(600'000));
    if (!demo.ok() || *demo != 0)
      return Unavailable(fmt::format("narwhal demo failed (see {}/setup.log)", logs_));
    NARWHAL_ASSIGN_OR_RETURN(auto pairs, o_.store.voters(conninfo_));
    return MakeVolunteers(o_.binary, {"--store", conninfo_}, o_.run_dir, o_.scenario.workload,
                          pairs, fmt::format("http://127.0.0.1:{}/", ports_.http));
  }

  std::vector<Endpoint> Nodes() const override {
    return {{"127.0.0.1", static_cast<uint16_t>(ports_.http)}};
  }

  void Apply(FaultRecord& r) override {
    if (r.target == "haproxy") return ApplyToProcess(r, "haproxy", "HAProxy");
    if (r.target == "app[1]" || r.target == "app[2]") {
      int i = r.target == "app[1]" ? 1 : 2;
      return ApplyToProcess(r, fmt::format("app{}", i), fmt::format("narwhal serve app{}", i));
    }
    if (r.target == "etcd.leader") return ApplyToEtcdLeader(r);
    // PostgreSQL roles, resolved now through Patroni.
    int node = r.target == "pg.primary" ? NodeAnswering("/primary") : NodeAnswering("/sync");
    if (node < 0) {
      r.proof = fmt::format("no node answers as {} now", r.target);
      return;
    }
    r.resolved = fmt::format("pg{} (Patroni REST 127.0.0.1:{})", node + 1, ports_.rest[node]);
    resolved_node_[r.id] = node;
    std::vector<pid_t> pids = PgPids(node);
    if (r.kind == FaultKind::kKill) {
      auto t0 = Steady::now();
      bool gone = true;
      for (pid_t pid : pids) gone = KillAndWait(pid) && gone;
      std::string proof =
          fmt::format("Patroni and postmaster of pg{} (pids {}) {}", node + 1, Join(pids),
                      gone ? "gone after SIGKILL" : "STILL RUNNING after SIGKILL");
      if (r.target == "pg.primary") {
        int promoted = -1;
        WaitUntil(Millis(90'000), [&] {
          promoted = NodeAnswering("/primary");
          return promoted >= 0 && promoted != node;
        });
        proof += promoted >= 0 && promoted != node
                     ? fmt::format("; pg{} promoted {} ms after the kill", promoted + 1, Since(t0))
                     : std::string("; NO node promoted within 90 s");
        r.effective = gone && promoted >= 0 && promoted != node;
      } else {
        r.effective = gone;
      }
      r.proof = proof;
      return;
    }
    // pause: Patroni, the postmaster and its children, and runuser (which stops itself
    // when its child stops and would otherwise never reap Patroni).
    std::vector<pid_t> stop = pids;
    pid_t pm = pids.size() > 1 ? pids[1] : 0;
    for (pid_t child : Children(pm)) stop.push_back(child);
    pid_t parent = ParentOf(pids.empty() ? 0 : pids[0]);
    if (parent > 1) stop.push_back(parent);
    for (pid_t pid : stop) ::kill(pid, SIGSTOP);
    paused_[r.id] = stop;
    bool all = WaitUntil(Millis(2000), [&] {
      for (pid_t pid : pids) {
        if (ProcessState(pid) != 'T') return false;
      }
      return true;
    });
    r.effective = all && !pids.empty();
    r.proof = fmt::format("{} processes of pg{} stopped (state T): {}", stop.size(), node + 1,
                          Join(stop));
  }

  void Heal(FaultRecord& r) override {
    if (auto it = paused_.find(r.id); it != paused_.end()) {
      for (pid_t pid : it->second) ::kill(pid, SIGCONT);
      // runuser stops itself again when it sees its child stopped, sometimes after the
      // child was continued: continue whatever is stopped until nothing has been for a
      // second (five looks, 200 ms apart).
      int settled = 0;
      bool running = WaitUntil(Millis(6000), [&] {
        bool all = true;
        for (pid_t pid : it->second) {
          if (ProcessState(pid) == 'T') {
            ::kill(pid, SIGCONT);
            all = false;
          }
        }
        settled = all ? settled + 1 : 0;
        if (settled < 5) std::this_thread::sleep_for(Millis(100));
        return settled >= 5;
      });
      r.heal_ok = running;
      r.heal_proof =
          running ? "SIGCONT: every process running again" : "a process is still stopped";
      paused_.erase(it);
      return;
    }
    auto t0 = Steady::now();
    if (r.target == "haproxy") {
      Result<pid_t> pid = SpawnDetached({"/usr/sbin/haproxy", "-f", dir_ + "/haproxy.cfg"},
                                        dir_ + "/logs/haproxy.log");
      if (pid.ok()) WritePid("haproxy", *pid);
      bool up =
          pid.ok() && WaitUntil(Millis(20'000), [&] { return HttpOk(ports_.http, "/healthz"); });
      r.heal_ok = up;
      r.heal_proof = up ? fmt::format("HAProxy restarted (pid {}); /healthz through it after {} ms",
                                      *pid, Since(t0))
                        : "HAProxy did not come back";
      return;
    }
    if (r.target == "etcd.leader") {
      auto it = resolved_node_.find(r.id);
      int member = it == resolved_node_.end() ? -1 : it->second;
      Result<pid_t> pid =
          member < 0 ? Result<pid_t>(Unavailable("the fault never resolved"))
                     : SpawnDetached(EtcdCommand(member),
                                     fmt::format("{}/logs/{}.log", dir_, EtcdName(member)));
      if (pid.ok()) WritePid(EtcdName(member), *pid);
      bool up = pid.ok() &&
                WaitUntil(Millis(30'000), [&] { return HttpOk(ports_.etcd[member], "/health"); });
      r.heal_ok = up;
      r.heal_proof = up ? fmt::format("{} restarted (pid {}); /health 200 after {} ms",
                                      EtcdName(member), *pid, Since(t0))
                        : "etcd member did not come back: " +
                              (pid.ok() ? std::string("no /health") : pid.status().message());
      return;
    }
    if (r.target == "app[1]" || r.target == "app[2]") {
      int i = r.target == "app[1]" ? 0 : 1;
      Result<pid_t> pid =
          SpawnDetached(AppCommand(i), dir_ + fmt::format("/logs/app{}.log", i + 1));
      if (pid.ok()) WritePid(fmt::format("app{}", i + 1), *pid);
      bool up =
          pid.ok() && WaitUntil(Millis(30'000), [&] { return HttpOk(ports_.apps[i], "/readyz"); });
      r.heal_ok = up;
      r.heal_proof = up ? fmt::format("app{} restarted (pid {}); /readyz 200 after {} ms", i + 1,
                                      *pid, Since(t0))
                        : fmt::format("app{} did not come back", i + 1);
      return;
    }
    auto it = resolved_node_.find(r.id);
    if (it == resolved_node_.end()) {
      r.heal_proof = "nothing to heal: the fault never resolved";
      return;
    }
    int node = it->second;
    Status st = StartPatroni(node);
    bool back =
        st.ok() && WaitUntil(Millis(120'000), [&] { return RestStatus(node, "/replica") == 200; });
    r.heal_ok = back;
    r.heal_proof =
        back ? fmt::format("pg{}'s Patroni restarted; it rejoined as a replica after {} ms",
                           node + 1, Since(t0))
             : fmt::format("pg{} did not rejoin as a replica within 120 s: {}", node + 1,
                           st.message());
  }

  Status Stop() override {
    for (int i = 1; i <= 2; ++i) {
      pid_t pid = ReadPid(fmt::format("{}/app{}.pid", dir_, i));
      if (Alive(pid)) ::kill(pid, SIGTERM);
    }
    bool stopped = WaitUntil(Millis(30'000), [&] {
      return !Alive(ReadPid(dir_ + "/app1.pid")) && !Alive(ReadPid(dir_ + "/app2.pid"));
    });
    return stopped ? Status::Ok() : Unavailable("an app node did not stop within 30 s of SIGTERM");
  }

  std::string StoreLocation() const override { return conninfo_; }

  std::vector<std::string> TearDown() override {
    std::vector<std::string> left;
    if (!up_) return left;
    for (auto& [id, pids] : paused_) {
      for (pid_t pid : pids) ::kill(pid, SIGCONT);
    }
    // Anything of the cluster still stopped (a runuser that stopped itself again) is
    // continued first, or it would never reap its child and stay behind.
    for (pid_t pid : ProcessesMentioning(dir_)) {
      if (ProcessState(pid) == 'T') ::kill(pid, SIGCONT);
    }
    // Every pid the cluster recorded, read before cluster-down removes the directory.
    std::vector<std::pair<std::string, pid_t>> recorded;
    for (const char* name :
         {"haproxy", "app1", "app2", "pg1", "pg2", "pg3", "etcd", "etcd2", "etcd3"}) {
      recorded.emplace_back(name, ReadPid(fmt::format("{}/{}.pid", dir_, name)));
    }
    for (int node = 0; node < pg_nodes_; ++node) {
      recorded.emplace_back(fmt::format("postgres pg{}", node + 1),
                            ReadPid(fmt::format("{}/pg{}/data/postmaster.pid", dir_, node + 1)));
    }
    Result<int> rc = RunCommand({"/bin/bash", o_.scripts_dir + "/cluster-down.sh"},
                                logs_ + "/cluster-down.log", Millis(300'000));
    if (!rc.ok() || *rc != 0)
      left.push_back(fmt::format("cluster-down.sh failed (see {}/cluster-down.log)", logs_));
    for (const auto& [name, pid] : recorded) {
      if (Alive(pid)) left.push_back(fmt::format("{} (pid {}) still running", name, pid));
    }
    // Children of ours that cluster-down stopped: reap them.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    for (const std::string& where : {o_.run_dir, dir_}) {
      for (std::string& l : SweepLeftovers(where)) left.push_back(std::move(l));
    }
    std::error_code ec;
    fs::remove(o_.run_dir + "/cluster", ec);  // the link; cluster-down removed the directory
    if (fs::exists(dir_, ec)) left.push_back("directory " + dir_);
    return left;
  }

  Millis StartupTime() const override { return startup_; }

 private:
  std::string ServeArgs() const {
    const TopologySpec& t = o_.scenario.topology;
    return fmt::format("--rate-limit-address {:g} --rate-limit-login {:g}", t.rate_limit_address,
                       t.rate_limit_login);
  }

  std::vector<std::string> AppCommand(int i) const {
    return ServeCommand(o_.binary,
                        {"--store", conninfo_, "--data", fmt::format("{}/app{}", dir_, i + 1)},
                        fmt::format("127.0.0.1:{}", ports_.apps[i]), o_.scenario.topology);
  }

  void WritePid(const std::string& name, pid_t pid) const {
    std::ofstream(fmt::format("{}/{}.pid", dir_, name)) << pid << "\n";
  }

  // etcd members are etcd, etcd2, etcd3 (pid files and data directories alike).
  static std::string EtcdName(int member) {
    return member == 0 ? "etcd" : fmt::format("etcd{}", member + 1);
  }
  int EtcdMembers() const {
    int n = 0;
    while (n < 3 && fs::exists(fmt::format("{}/{}.pid", dir_, EtcdName(n)))) ++n;
    return n;
  }
  // As scripts/cluster-up.sh starts a member; on a restart etcd takes its identity from
  // the data directory and ignores the initial-cluster flags.
  std::vector<std::string> EtcdCommand(int member) const {
    std::string initial;
    for (int i = 0; i < EtcdMembers(); ++i) {
      initial += fmt::format("{}narwhal-etcd{}=http://127.0.0.1:{}", initial.empty() ? "" : ",",
                             i + 1, ports_.etcd_peer[i]);
    }
    std::string client = fmt::format("http://127.0.0.1:{}", ports_.etcd[member]);
    std::string peer = fmt::format("http://127.0.0.1:{}", ports_.etcd_peer[member]);
    return {"/usr/bin/etcd",
            "--name",
            fmt::format("narwhal-etcd{}", member + 1),
            "--data-dir",
            fmt::format("{}/{}", dir_, EtcdName(member)),
            "--listen-client-urls",
            client,
            "--advertise-client-urls",
            client,
            "--listen-peer-urls",
            peer,
            "--initial-advertise-peer-urls",
            peer,
            "--initial-cluster",
            initial,
            "--initial-cluster-state",
            "new"};
  }
  // The member that is the Raft leader now, from the members' status (each names itself
  // and the leader; the ids are decimal strings); -1 when no member that answers names
  // one of the others that answer. `except` is not asked (it was just killed).
  int EtcdLeader(int except = -1) const {
    std::vector<std::string> ids(static_cast<size_t>(EtcdMembers()));
    std::string leader;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (static_cast<int>(i) == except) continue;
      Result<HttpAnswer> a = HttpCall({"127.0.0.1", static_cast<uint16_t>(ports_.etcd[i])}, "POST",
                                      "/v3/maintenance/status", "{}", Millis(1000));
      if (!a.ok() || a->status != 200) continue;
      boost::system::error_code ec;
      json::value v = json::parse(a->body, ec);
      if (ec || !v.is_object()) continue;
      const json::value* header = v.as_object().if_contains("header");
      const json::value* self = header != nullptr && header->is_object()
                                    ? header->as_object().if_contains("member_id")
                                    : nullptr;
      const json::value* named = v.as_object().if_contains("leader");
      if (self != nullptr && self->is_string()) ids[i] = self->as_string();
      if (named != nullptr && named->is_string()) leader = named->as_string();
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!leader.empty() && ids[i] == leader) return static_cast<int>(i);
    }
    return -1;
  }

  void ApplyToEtcdLeader(FaultRecord& r) {
    int leader = EtcdLeader();
    if (leader < 0) {
      r.proof = "no etcd member names a leader";
      return;
    }
    resolved_node_[r.id] = leader;
    if (r.kind == FaultKind::kPause) return ApplyToProcess(r, EtcdName(leader), EtcdName(leader));
    pid_t pid = ReadPid(fmt::format("{}/{}.pid", dir_, EtcdName(leader)));
    r.resolved =
        fmt::format("{} (client 127.0.0.1:{}), pid {}", EtcdName(leader), ports_.etcd[leader], pid);
    auto t0 = Steady::now();
    bool gone = KillAndWait(pid);
    int next = -1;
    bool elected = WaitUntil(Millis(30'000), [&] {
      next = EtcdLeader(leader);
      return next >= 0 && next != leader;
    });
    r.effective = gone && elected;
    r.proof = fmt::format(
        "{} (pid {}) {}; {}", EtcdName(leader), pid, gone ? "gone after SIGKILL" : "STILL RUNNING",
        elected ? fmt::format("{} elected leader {} ms after the kill", EtcdName(next), Since(t0))
                : std::string("no new leader within 30 s"));
  }

  void ApplyToProcess(FaultRecord& r, const std::string& pidfile, const std::string& what) {
    pid_t pid = ReadPid(fmt::format("{}/{}.pid", dir_, pidfile));
    r.resolved = fmt::format("{}, pid {}", what, pid);
    if (!Alive(pid)) {
      r.proof = fmt::format("{} is not running", what);
      return;
    }
    if (r.kind == FaultKind::kKill) {
      r.effective = KillAndWait(pid);
      r.proof = fmt::format("pid {} {}", pid,
                            r.effective ? "gone after SIGKILL" : "still running after SIGKILL");
      return;
    }
    ::kill(pid, SIGSTOP);
    paused_[r.id] = {pid};
    r.effective = WaitUntil(Millis(2000), [&] { return ProcessState(pid) == 'T'; });
    r.proof = fmt::format("pid {} in state {}", pid, ProcessState(pid));
  }

  int RestStatus(int node, const std::string& path) const {
    Result<int> s =
        HttpGetStatus({"127.0.0.1", static_cast<uint16_t>(ports_.rest[node])}, path, Millis(1000));
    return s.ok() ? *s : 0;
  }
  int NodeAnswering(const std::string& path) const {
    for (int node = 0; node < pg_nodes_; ++node) {
      if (RestStatus(node, path) == 200) return node;
    }
    return -1;
  }
  static bool HttpOk(int port, const std::string& path) {
    Result<int> s = HttpGetStatus({"127.0.0.1", static_cast<uint16_t>(port)}, path, Millis(1000));
    return s.ok() && *s == 200;
  }

  // Patroni's pid (as cluster-up.sh recorded it) and the postmaster's.
  std::vector<pid_t> PgPids(int node) const {
    std::vector<pid_t> pids;
    pid_t patroni = ReadPid(fmt::format("{}/pg{}.pid", dir_, node + 1));
    if (patroni > 0) pids.push_back(patroni);
    pid_t pm = ReadPid(fmt::format("{}/pg{}/data/postmaster.pid", dir_, node + 1));
    if (pm > 0) pids.push_back(pm);
    return pids;
  }

  static std::vector<pid_t> Children(pid_t parent) {
    std::vector<pid_t> out;
    if (parent <= 0) return out;
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      pid_t pid = static_cast<pid_t>(std::stol(name));
      if (ParentOf(pid) == parent) out.push_back(pid);
    }
    return out;
  }

  static std::string Join(const std::vector<pid_t>& pids) {
    std::string out;
    for (pid_t p : pids) out += fmt::format("{}{}", out.empty() ? "" : " ", p);
    return out;
  }

  Status StartPatroni(int node) const {
    std::string name = fmt::format("pg{}", node + 1);
    std::string home = fmt::format("{}/{}", dir_, name);
    fs::remove(home + "/patroni.pid");
    // As scripts/cluster-up.sh does: the pid file holds Patroni's own pid (exec).
    Result<pid_t> pid = SpawnDetached(
        {"/usr/sbin/runuser", "-u", "postgres", "--", "sh", "-c",
         fmt::format("echo $$ > '{}/patroni.pid'; exec patroni '{}/patroni.yml'", home, home)},
        fmt::format("{}/logs/{}.log", dir_, name));
    if (!pid.ok()) return pid.status();
    if (!WaitUntil(Millis(10'000), [&] { return ReadPid(home + "/patroni.pid") > 0; })) {
      return Unavailable(fmt::format("{}'s Patroni did not start", name));
    }
    std::error_code ec;
    fs::copy_file(home + "/patroni.pid", fmt::format("{}/{}.pid", dir_, name),
                  fs::copy_options::overwrite_existing, ec);
    return Status::Ok();
  }

  ClusterOptions o_;
  Ports ports_;
  std::string dir_;
  std::string logs_;
  std::string conninfo_;
  std::map<std::string, std::string> env_;
  std::map<int, int> resolved_node_;          // fault id -> pg node
  std::map<int, std::vector<pid_t>> paused_;  // fault id -> stopped processes
  bool up_ = false;
  int pg_nodes_ = 2;
  Millis startup_{0};
};

}  // namespace

std::unique_ptr<Topology> MakeClusterTopology(ClusterOptions options) {
  return std::make_unique<ClusterTopology>(std::move(options));
}

}  // namespace narwhal::gameday
