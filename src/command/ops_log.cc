#include "locknode/command/ops_log.h"

#include <string>

namespace locknode::command {

// Redis slowlogCreateEntry: past 32 arguments the last slot says how many more there were, and
// an argument past 128 bytes is cut with how many more bytes it had.
void SlowLog::Add(ArgList args, int64_t unix_seconds, int64_t micros, std::string_view peer,
                  std::string_view name, size_t max_len) {
  if (max_len == 0) return;
  Entry e{next_id_++, unix_seconds, micros, {}, std::string(peer), std::string(name)};
  const size_t kept = args.size() > kMaxArgs ? kMaxArgs : args.size();
  e.args.reserve(kept);
  for (size_t i = 0; i < kept; ++i) {
    if (kept != args.size() && i == kept - 1) {
      e.args.push_back("... (" + std::to_string(args.size() - kMaxArgs + 1) + " more arguments)");
    } else if (args[i].size() > kMaxArgBytes) {
      e.args.push_back(std::string(args[i].substr(0, kMaxArgBytes)) + "... (" +
                       std::to_string(args[i].size() - kMaxArgBytes) + " more bytes)");
    } else {
      e.args.emplace_back(args[i]);
    }
  }
  entries_.push_front(std::move(e));
  while (entries_.size() > max_len) entries_.pop_back();
}

// Redis latencyAddSample: a sample in the same second as the last one keeps the larger.
void LatencyMonitor::Add(std::string_view event, int64_t unix_seconds, int64_t ms) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Event{}).first;
  Event& e = it->second;
  if (ms > e.max_ms) e.max_ms = ms;
  if (!e.history.empty() && e.history.back().unix_seconds == unix_seconds) {
    if (ms > e.history.back().ms) e.history.back().ms = ms;
    return;
  }
  e.history.push_back({unix_seconds, ms});
  if (e.history.size() > kHistory) e.history.pop_front();
}

size_t LatencyMonitor::Reset(std::span<const std::string_view> names) {
  if (names.empty()) {
    const size_t n = events_.size();
    events_.clear();
    return n;
  }
  size_t n = 0;
  for (std::string_view name : names) {
    auto it = events_.find(name);
    if (it == events_.end()) continue;
    events_.erase(it);
    ++n;
  }
  return n;
}

}  // namespace locknode::command
