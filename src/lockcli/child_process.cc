#include "lockcli/child_process.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace locknode::lockcli {

pid_t SpawnChild(const std::vector<std::string>& command,
                 const std::vector<std::pair<std::string, std::string>>& env,
                 const sigset_t& child_mask) {
  // Everything the child needs is built before fork: after it only exec-safe calls remain.
  std::vector<char*> argv;
  argv.reserve(command.size() + 1);
  for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);

  const pid_t pid = ::fork();
  if (pid != 0) {
    // Both sides set the group, so a signal sent right after fork already reaches it.
    if (pid > 0) ::setpgid(pid, pid);
    for (const auto& kv : env) ::unsetenv(kv.first.c_str());
    return pid;
  }
  ::setpgid(0, 0);
  ::signal(SIGPIPE, SIG_DFL);  // the parent ignores it; CMD gets the default back
  ::sigprocmask(SIG_SETMASK, &child_mask, nullptr);
  ::execvp(argv[0], argv.data());
  const int err = errno;
  std::fprintf(stderr, "locknode lock: cannot run %s: %s\n", argv[0], std::strerror(err));
  ::_exit(err == ENOENT ? 127 : 126);
}

int ShellExitCode(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

}  // namespace locknode::lockcli
