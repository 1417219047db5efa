// FaultyProxy: a TCP proxy on loopback between a client and a server, for tests that
// prove recovery from faults the server cannot produce on its own (a connection that
// dies after the client sent COMMIT and before the answer came back).
//
//   auto proxy = FaultyProxy::Start(server_port);          // then connect to proxy->port()
//   proxy->CutAfterClientSends(std::string("COMMIT\0", 7));  // arm
//
// Thread-safety: the methods may be called from any thread. The proxy owns one
// listening thread and one thread per connection; the destructor stops and joins them.
#ifndef NARWHAL_TESTS_SUPPORT_FAULTY_PROXY_H_
#define NARWHAL_TESTS_SUPPORT_FAULTY_PROXY_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/guarded.h"
#include "base/status.h"

namespace narwhal::testing {

class FaultyProxy {
 public:
  // Listens on a free loopback port and forwards every connection to
  // 127.0.0.1:upstream_port.
  static Result<std::unique_ptr<FaultyProxy>> Start(int upstream_port);
  ~FaultyProxy();
  FaultyProxy(const FaultyProxy&) = delete;
  FaultyProxy& operator=(const FaultyProxy&) = delete;

  int port() const { return port_; }

  // From now on, a connection on which the client sends bytes containing `marker` has
  // them forwarded to the server and is then cut both ways, before any answer returns.
  // An empty marker disarms.
  void CutAfterClientSends(std::string marker);
  int cuts() const { return cuts_.load(); }

 private:
  FaultyProxy(int listen_fd, int port, int upstream_port);
  void Accept();
  void Pump(int client_fd, int upstream_fd);

  const int listen_fd_;
  const int port_;
  const int upstream_port_;
  std::atomic<bool> stop_{false};
  std::atomic<int> cuts_{0};
  Guarded<std::string> marker_;
  Guarded<std::vector<std::thread>> pumps_;
  std::thread acceptor_;  // last: started once everything above exists
};

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_SUPPORT_FAULTY_PROXY_H_
