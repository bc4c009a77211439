#pragma once

#include <signal.h>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace locknode::lockcli {

// Forks and execs `command` (PATH lookup) in a new process group whose id is its pid, with
// `env` added to the environment and `child_mask` as its signal mask. Exec failures end the
// child with 127 (not found) or 126, as shells do. Returns the pid, or -1 if fork failed.
pid_t SpawnChild(const std::vector<std::string>& command,
                 const std::vector<std::pair<std::string, std::string>>& env,
                 const sigset_t& child_mask);

// A waitpid status as a shell reports it: the exit code, or 128 + the terminating signal.
int ShellExitCode(int wait_status);

}  // namespace locknode::lockcli
