#pragma once

#include <chrono>
#include <optional>
#include <signal.h>
#include <string>
#include <sys/types.h>

#include "lockcli/lock_options.h"
#include "lockcli/redlock.h"

// One `locknode lock` run: acquire with retries, run CMD, keep the lock alive, react to its
// loss and to signals, release. Single-threaded: every signal it cares about is blocked and
// taken synchronously with sigtimedwait, which is also how it sleeps until the next step.
namespace locknode::lockcli {

class LockSession {
 public:
  LockSession(const LockOptions& options, Redlock& lock);
  // The whole run; returns the exit code of `locknode lock`.
  int Run();

 private:
  // Attempts until acquired or --wait runs out; an exit code when not acquired.
  std::optional<int> Acquire();
  // Runs CMD under the held lock until it exits; returns its shell exit code (or kExitLockLost).
  int Supervise(pid_t child);
  // One extend round while CMD runs; updates validity_end_ or declares the lock lost.
  void ExtendOnce();
  void DeclareLost(const char* why);
  // Sleeps until `until` or a signal; returns the signal number or 0.
  int WaitSignal(Clock::time_point until);
  void Log(const std::string& line) const;
  void LogRound(const char* what, const RoundResult& r) const;
  std::chrono::milliseconds Jitter() const;

  const LockOptions& o_;
  Redlock& lock_;
  sigset_t signals_{};     // blocked and waited for: INT TERM HUP CHLD
  sigset_t child_mask_{};  // the mask CMD starts with (what we had before blocking)
  Clock::time_point start_ = Clock::now();
  Clock::time_point validity_end_{};
  Clock::time_point next_extend_{};
  Clock::time_point lost_at_{};
  Clock::time_point kill_at_{};
  bool lost_ = false;
  bool killed_ = false;
  pid_t group_ = -1;
  int attempts_ = 0;
};

}  // namespace locknode::lockcli
