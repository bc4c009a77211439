#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

// A command started in the background (for `locknode lock` and the commands it guards), to be
// signalled and waited for while it runs; RunTool (server_process.h) only runs to completion.
namespace locknode::test {

class CommandProcess {
 public:
  // Starts argv (PATH lookup) with `env` ("KEY=VALUE") added, stdin from /dev/null and
  // stdout+stderr into a log; null if fork failed.
  static std::unique_ptr<CommandProcess> Start(const std::vector<std::string>& argv,
                                               const std::vector<std::string>& env = {});
  // SIGKILL and reap if still running; removes the log.
  ~CommandProcess();
  CommandProcess(const CommandProcess&) = delete;
  CommandProcess& operator=(const CommandProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // The exit code as a shell reports it (128 + signal if killed), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Everything it wrote so far.
  std::string Output() const;

 private:
  CommandProcess() = default;
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> code_;
};

}  // namespace locknode::test
