#include "support/command_process.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace locknode::test {

std::unique_ptr<CommandProcess> CommandProcess::Start(const std::vector<std::string>& args,
                                                      const std::vector<std::string>& env) {
  std::unique_ptr<CommandProcess> p(new CommandProcess());
  char tmpl[] = "/tmp/locknode-cmd-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) return nullptr;
  close(fd);
  p->log_path_ = tmpl;
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  p->pid_ = fork();
  if (p->pid_ < 0) return nullptr;
  if (p->pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test binary
    if (getppid() != parent) _exit(126);
    for (const std::string& kv : env) putenv(const_cast<char*>(kv.c_str()));
    const int log = open(p->log_path_.c_str(), O_WRONLY | O_TRUNC);
    const int null_in = open("/dev/null", O_RDONLY);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    dup2(null_in, STDIN_FILENO);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  return p;
}

CommandProcess::~CommandProcess() {
  if (!code_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

void CommandProcess::Signal(int sig) {
  if (!code_ && pid_ > 0) kill(pid_, sig);
}

std::optional<int> CommandProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!code_) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } else if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return code_;
}

std::string CommandProcess::Output() const {
  std::ifstream in(log_path_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace locknode::test
