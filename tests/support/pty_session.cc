#include "support/pty_session.h"

#include <cerrno>
#include <cstdlib>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace locknode::test {

PtySession::PtySession(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // A wide terminal so long hints are not wrapped or cut by linenoise.
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 200;
  int master = -1;
  pid_t parent = getpid();
  pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) return;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    // linenoise refuses to edit on "dumb" terminals; hints need a real one.
    setenv("TERM", "xterm", 1);
    // No ~/.redisclirc or history file from the developer's home may change the behaviour.
    setenv("HOME", "/nonexistent", 1);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  master_fd_ = master;
  pid_ = pid;
}

PtySession::~PtySession() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (master_fd_ >= 0) close(master_fd_);
}

bool PtySession::Type(std::string_view keys) {
  if (master_fd_ < 0) return false;
  while (!keys.empty()) {
    ssize_t n = write(master_fd_, keys.data(), keys.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    keys.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool PtySession::ReadSome(std::chrono::milliseconds timeout) {
  if (master_fd_ < 0) return false;
  pollfd pfd{master_fd_, POLLIN, 0};
  int ready = poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return ready == 0 || errno == EINTR;
  char chunk[4096];
  ssize_t n = read(master_fd_, chunk, sizeof(chunk));
  if (n <= 0) return false;  // EIO once the child has exited
  screen_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool PtySession::WaitFor(std::string_view needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (Recent().find(needle) != std::string::npos) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (!ReadSome(left)) return Recent().find(needle) != std::string::npos;
  }
}

void PtySession::Drain(std::chrono::milliseconds quiet) {
  size_t before;
  do {
    before = screen_.size();
    if (!ReadSome(quiet)) return;
  } while (screen_.size() != before);
}

std::string PtySession::Recent() const {
  return StripAnsi(std::string_view(screen_).substr(mark_));
}

std::string StripAnsi(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\x1b') {
      if (i + 1 < raw.size() && raw[i + 1] == '[') {
        // CSI: parameters and intermediates until a final byte in 0x40..0x7e.
        i += 2;
        while (i < raw.size() && !(raw[i] >= 0x40 && raw[i] <= 0x7e)) ++i;
      } else {
        ++i;  // two-byte escape
      }
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out;
}

}  // namespace locknode::test
