// KillMidStream: the harness of the kill -9 durability tests. Forks a child that writes
// to the store and prints one line per acknowledged write to a pipe; once `kill_after`
// lines have arrived the parent SIGKILLs it while further writes are in flight, reads
// whatever the child managed to report, and returns every line. Tests then reopen the
// store and check each acknowledged write is there.
#ifndef NARWHAL_TESTS_STORAGE_KILL_CHILD_H_
#define NARWHAL_TESTS_STORAGE_KILL_CHILD_H_

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

namespace narwhal::testing {

// `child` runs in the forked process with the pipe's write end and must never return
// (it loops until killed, or _exit()s on failure). Fails the test when the child ended
// before it was killed.
inline std::vector<std::string> KillMidStream(const std::function<void(int fd)>& child,
                                              size_t kill_after) {
  std::vector<std::string> lines;
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  EXPECT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    child(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string buffer;
  char chunk[4096];
  bool killed = false;
  for (;;) {
    ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      lines.push_back(buffer.substr(0, newline));
      buffer.erase(0, newline + 1);
    }
    if (!killed && lines.size() >= kill_after) {
      kill(pid, SIGKILL);  // mid-stream: writes are in flight in the child right now
      killed = true;
    }
  }
  close(fds[0]);
  int wstatus = 0;
  EXPECT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(killed) << "child exited early, status " << wstatus;
  EXPECT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL) << wstatus;
  return lines;
}

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_STORAGE_KILL_CHILD_H_
