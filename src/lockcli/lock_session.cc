#include "lockcli/lock_session.h"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

#include "locknode/lockcli/lock_command.h"

#include "lockcli/child_process.h"

namespace locknode::lockcli {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

long long Ms(Clock::duration d) { return duration_cast<milliseconds>(d).count(); }

}  // namespace

LockSession::LockSession(const LockOptions& options, Redlock& lock) : o_(options), lock_(lock) {
  sigemptyset(&signals_);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&signals_, s);
  ::sigprocmask(SIG_BLOCK, &signals_, &child_mask_);
  ::signal(SIGPIPE, SIG_IGN);  // a TLS write to a closed node must be an error, not our death
}

void LockSession::Log(const std::string& line) const {
  if (!o_.verbose) return;
  std::fprintf(stderr, "locknode lock: +%lldms %s\n", Ms(Clock::now() - start_), line.c_str());
}

void LockSession::LogRound(const char* what, const RoundResult& r) const {
  if (!o_.verbose) return;
  std::string line = std::string(what) + ": " + std::to_string(r.ok) + " ok, " +
                     std::to_string(r.refused) + " refused, " + std::to_string(r.silent) +
                     " silent in " + std::to_string(Ms(r.finished - r.started)) + " ms";
  for (const std::string& n : r.notes) line += "; " + n;
  Log(line);
}

milliseconds LockSession::Jitter() const {
  // Uniform in [delay/2, 3*delay/2]: contenders that failed together do not retry together.
  static std::mt19937_64 rng{std::random_device{}()};
  const long long d = o_.retry_delay.count();
  return milliseconds(std::uniform_int_distribution<long long>(d / 2, d + d / 2)(rng));
}

int LockSession::WaitSignal(Clock::time_point until) {
  const auto left = until - Clock::now();
  timespec ts{0, 0};
  if (left > Clock::duration::zero()) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    ts.tv_sec = static_cast<time_t>(ns / 1000000000);
    ts.tv_nsec = static_cast<long>(ns % 1000000000);
  }
  const int sig = ::sigtimedwait(&signals_, nullptr, &ts);
  return sig > 0 ? sig : 0;  // EAGAIN: the time came; EINTR: look again
}

std::optional<int> LockSession::Acquire() {
  const Clock::time_point give_up = start_ + o_.wait;
  RoundResult r;
  while (true) {
    ++attempts_;
    if (auto end = lock_.TryAcquire(&r)) {
      validity_end_ = *end;
      Log("acquired '" + o_.name + "' on " + std::to_string(r.ok) + "/" +
          std::to_string(lock_.size()) + " nodes after " + std::to_string(attempts_) +
          " attempt(s), validity " + std::to_string(Ms(*end - Clock::now())) + " ms");
      return std::nullopt;
    }
    LogRound(("attempt " + std::to_string(attempts_)).c_str(), r);
    const Clock::time_point now = Clock::now();
    if (now >= give_up) break;
    const Clock::time_point retry_at = std::min(give_up, now + Jitter());
    while (Clock::now() < retry_at) {
      if (const int sig = WaitSignal(retry_at); sig != 0 && sig != SIGCHLD) return 128 + sig;
    }
  }
  // Not acquired: tell contention from unreachable nodes by the last attempt's answers.
  const bool reachable = r.ok + r.refused >= lock_.quorum();
  std::fprintf(stderr, "locknode lock: '%s' %s after %d attempt(s) (%d of %d nodes answered)\n",
               o_.name.c_str(), reachable ? "not acquired" : "unavailable: too few nodes answered",
               attempts_, r.ok + r.refused, lock_.size());
  for (const std::string& n : r.notes) {  // why each node said no, unless just "held"
    if (!n.ends_with(": no")) std::fprintf(stderr, "  %s\n", n.c_str());
  }
  return reachable ? kExitNotAcquired : kExitNodesUnreachable;
}

void LockSession::DeclareLost(const char* why) {
  lost_ = true;
  lost_at_ = Clock::now();
  kill_at_ = lost_at_ + o_.kill_after;
  ::kill(-group_, SIGTERM);
  std::fprintf(stderr, "locknode lock: +%lldms lock '%s' lost (%s): SIGTERM sent to CMD\n",
               Ms(lost_at_ - start_), o_.name.c_str(), why);
}

void LockSession::ExtendOnce() {
  RoundResult r;
  if (auto end = lock_.Extend(validity_end_, &r)) {
    validity_end_ = *end;
    next_extend_ = r.started + o_.extend_every;
    Log("extended: validity " + std::to_string(Ms(*end - Clock::now())) + " ms");
    return;
  }
  LogRound("extend failed", r);
  if (r.ok + r.silent < lock_.quorum()) {  // a quorum answered "not yours": gone already
    DeclareLost("a quorum of nodes no longer holds our token");
    return;
  }
  // Retry soon: the lock stays ours until validity_end_ if nothing else succeeds.
  next_extend_ = Clock::now() + std::max(o_.node_timeout, o_.ttl / 20);
}

int LockSession::Supervise(pid_t child) {
  group_ = child;
  next_extend_ = Clock::now() + o_.extend_every;
  while (true) {
    const Clock::time_point now = Clock::now();
    if (!lost_ && now >= validity_end_) DeclareLost("validity ran out before a quorum extended it");
    if (lost_ && !killed_ && now >= kill_at_) {
      ::kill(-group_, SIGKILL);
      killed_ = true;
      std::fprintf(stderr, "locknode lock: CMD still running %lld ms after SIGTERM: SIGKILL\n",
                   static_cast<long long>(o_.kill_after.count()));
    }
    if (!lost_ && now >= next_extend_) {
      ExtendOnce();
      continue;
    }
    Clock::time_point wake = lost_ ? (killed_ ? now + std::chrono::seconds(1) : kill_at_)
                                   : std::min(next_extend_, validity_end_);
    const int sig = WaitSignal(wake);
    if (sig == SIGCHLD || sig == 0) {
      int status = 0;
      if (::waitpid(child, &status, WNOHANG) == child) {
        Log("CMD exited: " + std::to_string(ShellExitCode(status)));
        return lost_ ? kExitLockLost : ShellExitCode(status);
      }
    } else {
      Log("forwarding signal " + std::to_string(sig) + " to CMD");
      ::kill(-group_, sig);
    }
  }
}

int LockSession::Run() {
  RoundResult r;
  if (lock_.ConnectAll(o_.connect_timeout, &r) < lock_.quorum()) LogRound("connect", r);
  if (auto code = Acquire()) return *code;
  // Interrupted while the last attempt ran: do not start CMD just to stop it.
  if (const int sig = WaitSignal(Clock::now()); sig != 0 && sig != SIGCHLD) {
    lock_.Release(&r);
    return 128 + sig;
  }
  const std::vector<std::pair<std::string, std::string>> env = {
      {"LOCKNODE_LOCK_NAME", o_.name},
      {"LOCKNODE_LOCK_TOKEN", lock_.token()},
      {"LOCKNODE_LOCK_TTL_MS", std::to_string(o_.ttl.count())},
      {"LOCKNODE_LOCK_VALIDITY_MS", std::to_string(Ms(validity_end_ - Clock::now()))},
  };
  const pid_t child = SpawnChild(o_.command, env, child_mask_);
  if (child < 0) std::perror("locknode lock: fork");
  const int code = child < 0 ? kExitCannotExecute : Supervise(child);
  lock_.Release(&r);
  LogRound("released", r);
  if (lost_) {
    Log("lost after " + std::to_string(Ms(lost_at_ - start_)) + " ms; " +
        std::to_string(attempts_) + " attempt(s) to acquire");
  }
  return code;
}

}  // namespace locknode::lockcli
