#pragma once

// Private to the INFO files (info_cmd.cc, info_stats.cc): the text builder and Redis's number
// formats.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"

namespace locknode::command {

class InfoText {
 public:
  void Header(std::string_view name) {
    if (!text_.empty()) text_ += "\r\n";  // a blank line between sections
    text_.append("# ").append(name).append("\r\n");
  }
  void Line(std::string_view key, std::string_view value) {
    text_.append(key).append(":").append(value).append("\r\n");
  }
  template <typename T>
  requires std::is_integral_v<T>
  void Line(std::string_view key, T value) { Line(key, IntText(static_cast<int64_t>(value)).view); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class Shard;

// What INFO memory and MEMORY STATS report (info_cmd.cc says how each is measured). Also
// raises the recorded peak.
struct MemoryFigures {
  uint64_t used = 0;     // malloc in use (all threads) + the entry arena's live blocks
  uint64_t active = 0;   // what both took from the OS
  uint64_t rss = 0;      // resident set
  uint64_t dataset = 0;  // the keys (as maxmemory counts them)
  uint64_t peak = 0;
};
MemoryFigures ReadMemory(Shard& shard);

// Redis bytesToHuman: B, K, M, G with two decimals.
std::string HumanBytes(uint64_t n);

// Redis's "%.2f" and "%.3f" (usec_per_call, latency percentiles).
std::string Fixed(double v, int decimals);

// The sections of info_stats.cc, in the order INFO prints them.
void AddCommandStats(CommandContext& ctx, InfoText& info);
void AddErrorStats(CommandContext& ctx, InfoText& info);
void AddLatencyStats(CommandContext& ctx, InfoText& info);
void AddLocks(CommandContext& ctx, InfoText& info);

}  // namespace locknode::command
