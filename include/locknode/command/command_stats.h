#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/latency_histogram.h"
#include "locknode/base/millis.h"
#include "locknode/command/command_table.h"

namespace locknode::command {

// Redis's per-command runtime data (struct redisCommand: calls, microseconds, rejected_calls,
// failed_calls, latency_histogram) for INFO commandstats and latencystats.
struct CommandCounters {
  uint64_t calls = 0;
  uint64_t ns = 0;  // total time in the handler (Redis keeps usec; INFO divides)
  uint64_t rejected = 0;
  uint64_t failed = 0;
  std::unique_ptr<LatencyHistogram> latency;  // ns; made at the first call (Redis: the same)
};

// One CommandCounters per table row and per subcommand row, found from a resolved command by
// pointer arithmetic (no lookup on the command path). Built from the final table.
class CommandStats {
 public:
  explicit CommandStats(const CommandTable& table);

  CommandCounters& For(const ResolvedCommand& found) {
    const auto row = static_cast<size_t>(found.container - rows_.data());
    if (found.cmd == found.container) return counters_[row];
    return counters_[sub_base_[row] +
                     static_cast<size_t>(found.cmd - found.container->subcommands.data())];
  }

  // Every row with its Redis full name ("get", "client|list"), in table order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t row = 0; row < rows_.size(); ++row) {
      const CommandSpec& c = rows_[row];
      fn(FullName(c, nullptr), counters_[row]);
      for (size_t i = 0; i < c.subcommands.size(); ++i) {
        fn(FullName(c, &c.subcommands[i]), counters_[sub_base_[row] + i]);
      }
    }
  }

  void Reset();  // CONFIG RESETSTAT

 private:
  static std::string FullName(const CommandSpec& container, const CommandSpec* sub);
  std::span<const CommandSpec> rows_;
  std::vector<size_t> sub_base_;
  std::vector<CommandCounters> counters_;
};

// INFO errorstats (Redis afterErrorReply): error replies by code, at most kMaxCodes distinct
// codes (Redis ERROR_STATS_NUMBER); later new codes count in total_error_replies only.
class ErrorStats {
 public:
  static constexpr size_t kMaxCodes = 128;
  void Count(std::string_view code, uint64_t n);
  uint64_t total() const { return total_; }
  const std::map<std::string, uint64_t, std::less<>>& by_code() const { return by_code_; }
  void Reset() {
    by_code_.clear();
    total_ = 0;
  }

 private:
  std::map<std::string, uint64_t, std::less<>> by_code_;  // sorted, as Redis's rax
  uint64_t total_ = 0;
};

// The # Locks section (README "Operating"). A lock is a string key written by SET ... NX with a
// TTL; the counters are bumped where the lock operations run (SET NX, the native release and
// extend of the lock scripts, DELEX IFEQ and DELIFEQ), the expiries come from the keyspace.
struct LockStats {
  uint64_t acquired = 0;        // SET NX + TTL that set the key
  uint64_t refused = 0;         // SET NX + TTL refused: the key was held (contention)
  uint64_t released = 0;        // compare-and-delete with the owner's token: deleted
  uint64_t release_missed = 0;  // compare-and-delete that found another token or no key
  uint64_t extended = 0;        // compare-and-extend with the owner's token
  uint64_t extend_missed = 0;   // compare-and-extend that found another token or no key
  // Time a lock still had before its deadline when its owner released it (ms).
  LatencyHistogram release_margin_ms;
  void Reset() { *this = LockStats{}; }
  // A compare-and-delete with a token: done (with the deadline the deleted key had, kNoDeadline
  // for none) or a miss: the lock had expired or was someone else's.
  void CountRelease(bool done, Millis deadline, Millis now) {
    if (!done) {
      ++release_missed;
      return;
    }
    ++released;
    if (deadline != kNoDeadline) release_margin_ms.Record(static_cast<uint64_t>(deadline - now));
  }
};

}  // namespace locknode::command
