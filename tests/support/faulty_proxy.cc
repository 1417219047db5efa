#include "faulty_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>
#include <utility>

namespace narwhal::testing {
namespace {

constexpr int kPollMs = 50;  // how soon a thread notices stop_

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<FaultyProxy>> FaultyProxy::Start(int upstream_port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Internal("proxy: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return Internal("proxy: cannot listen on loopback");
  }
  return std::unique_ptr<FaultyProxy>(
      new FaultyProxy(fd, ntohs(addr.sin_port), upstream_port));  // private constructor
}

FaultyProxy::FaultyProxy(int listen_fd, int port, int upstream_port)
    : listen_fd_(listen_fd),
      port_(port),
      upstream_port_(upstream_port),
      acceptor_([this] { Accept(); }) {}

FaultyProxy::~FaultyProxy() {
  stop_ = true;
  acceptor_.join();
  std::vector<std::thread> pumps = pumps_.With([](auto& p) { return std::move(p); });
  for (std::thread& t : pumps) t.join();
  close(listen_fd_);
}

void FaultyProxy::CutAfterClientSends(std::string marker) {
  marker_.With([&](std::string& m) { m = std::move(marker); });
}

void FaultyProxy::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    const int upstream = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    if (upstream < 0 || connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (upstream >= 0) close(upstream);
      close(client);
      continue;
    }
    pumps_.With(
        [&](auto& p) { p.emplace_back([this, client, upstream] { Pump(client, upstream); }); });
  }
}

void FaultyProxy::Pump(int client_fd, int upstream_fd) {
  char buf[64 * 1024];
  std::string recent;  // the tail of what the client sent, so a marker split by reads is seen
  bool open = true;
  while (open && !stop_) {
    pollfd fds[2] = {{client_fd, POLLIN, 0}, {upstream_fd, POLLIN, 0}};
    if (poll(fds, 2, kPollMs) <= 0) continue;
    if (fds[0].revents != 0) {
      const ssize_t n = recv(client_fd, buf, sizeof buf, 0);
      if (n <= 0 || !WriteAll(upstream_fd, buf, static_cast<size_t>(n))) break;
      const std::string marker = marker_.With([](const std::string& m) { return m; });
      if (!marker.empty()) {
        recent.append(buf, static_cast<size_t>(n));
        if (recent.find(marker) != std::string::npos) {
          ++cuts_;
          open = false;  // forwarded; the answer never comes back
          break;
        }
        if (recent.size() > marker.size()) recent.erase(0, recent.size() - marker.size());
      }
    }
    if (fds[1].revents != 0) {
      const ssize_t n = recv(upstream_fd, buf, sizeof buf, 0);
      if (n <= 0 || !WriteAll(client_fd, buf, static_cast<size_t>(n))) break;
    }
  }
  shutdown(client_fd, SHUT_RDWR);
  close(client_fd);
  close(upstream_fd);
}

}  // namespace narwhal::testing
