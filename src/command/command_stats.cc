#include "locknode/command/command_stats.h"

namespace locknode::command {

CommandStats::CommandStats(const CommandTable& table) : rows_(table.all()) {
  size_t next = rows_.size();
  sub_base_.reserve(rows_.size());
  for (const CommandSpec& c : rows_) {
    sub_base_.push_back(next);
    next += c.subcommands.size();
  }
  counters_.resize(next);
}

void CommandStats::Reset() {
  for (CommandCounters& c : counters_) c = CommandCounters{};
}

std::string CommandStats::FullName(const CommandSpec& container, const CommandSpec* sub) {
  std::string name(container.name);
  if (sub != nullptr) {
    const std::string_view s = sub->name;
    name.append("|").append(s.substr(s.find('|') + 1));  // npos + 1 == 0: the whole name
  }
  return name;
}

void ErrorStats::Count(std::string_view code, uint64_t n) {
  total_ += n;
  auto it = by_code_.find(code);
  if (it != by_code_.end()) {
    it->second += n;
  } else if (by_code_.size() < kMaxCodes) {
    by_code_.emplace(std::string(code), n);
  }
}

}  // namespace locknode::command
