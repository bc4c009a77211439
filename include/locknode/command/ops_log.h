#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/command/command_table.h"

namespace locknode::command {

// SLOWLOG (Redis slowlog.c): the last `max_len` commands that ran at least
// slowlog-log-slower-than microseconds, newest first. Only slow commands pay anything (a copy of
// at most 32 arguments of at most 128 bytes each).
class SlowLog {
 public:
  static constexpr size_t kMaxArgs = 32;       // SLOWLOG_ENTRY_MAX_ARGC
  static constexpr size_t kMaxArgBytes = 128;  // SLOWLOG_ENTRY_MAX_STRING
  struct Entry {
    uint64_t id;
    int64_t unix_seconds;
    int64_t micros;
    std::vector<std::string> args;
    std::string peer;
    std::string name;
  };
  void Add(ArgList args, int64_t unix_seconds, int64_t micros, std::string_view peer,
           std::string_view name, size_t max_len);
  const std::deque<Entry>& entries() const { return entries_; }  // newest first
  void Reset() { entries_.clear(); }

 private:
  std::deque<Entry> entries_;
  uint64_t next_id_ = 0;
};

// LATENCY (Redis latency.c): per event ("command", "fast-command"), the latest and the largest
// sample and a history of at most 160 samples, one per second (the largest of that second).
class LatencyMonitor {
 public:
  static constexpr size_t kHistory = 160;  // LATENCY_TS_LEN
  struct Sample {
    int64_t unix_seconds;
    int64_t ms;
  };
  struct Event {
    std::deque<Sample> history;  // oldest first
    int64_t max_ms = 0;
  };
  void Add(std::string_view event, int64_t unix_seconds, int64_t ms);
  const std::map<std::string, Event, std::less<>>& events() const { return events_; }
  // Forgets the named events (all with none named); returns how many existed.
  size_t Reset(std::span<const std::string_view> names);

 private:
  std::map<std::string, Event, std::less<>> events_;
};

}  // namespace locknode::command
