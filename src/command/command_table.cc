#include "locknode/command/command_table.h"

#include <algorithm>

#include "locknode/base/dcheck.h"
#include "locknode/base/strings.h"
#include "locknode/command/families.h"

namespace locknode::command {
namespace {

// Longest command name the table accepts. Lookups of longer names fail without touching the
// table, which lets Find lower-case into a stack buffer (no allocation per command).
constexpr size_t kMaxNameLen = 32;

bool IsLowerCanonical(std::string_view name) {
  return std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool NameLess(const CommandSpec& spec, std::string_view name) { return spec.name < name; }

// A subcommand row may be named "setname" or "client|setname"; lookups match the part after
// the '|'.
std::string_view ShortName(std::string_view name) {
  const size_t bar = name.find('|');
  return bar == std::string_view::npos ? name : name.substr(bar + 1);
}

// The funnel reaches a handler only for a row whose arity it passed: a container needing a
// subcommand (arity <= -2) is never run itself; every write declares its lifetime effect.
bool RowIsConsistent(const CommandSpec& spec) {
  if (spec.handler == nullptr && (spec.subcommands.empty() || spec.arity > -2)) return false;
  if (((spec.flags & kWrite) != 0) != (spec.lifetime != Lifetime::kNone)) return false;
  for (const CommandSpec& sub : spec.subcommands) {
    if (!sub.subcommands.empty() || sub.handler == nullptr || !RowIsConsistent(sub)) return false;
  }
  return true;
}

}  // namespace

// Rows are kept sorted by name so Find is a binary search over a few dozen entries; the table is
// built once at startup, so Add's O(n) insert does not matter.
void CommandTable::Add(const CommandSpec& spec) {
  LOCKNODE_DCHECK(!spec.name.empty() && spec.name.size() <= kMaxNameLen);
  LOCKNODE_DCHECK(IsLowerCanonical(spec.name));
  LOCKNODE_DCHECK(spec.arity != 0);
  LOCKNODE_CHECK(RowIsConsistent(spec));        // once per row at startup, in every build
  LOCKNODE_DCHECK(specs_.size() < UINT16_MAX);  // cache_ holds row index + 1
  auto it = std::lower_bound(specs_.begin(), specs_.end(), spec.name, NameLess);
  LOCKNODE_DCHECK(it == specs_.end() || it->name != spec.name);  // no duplicate rows
  specs_.insert(it, spec);
  cache_.fill(0);  // row indices moved
}

// Case-insensitive like Redis's command dict (dictSdsKeyCaseCompare).
const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (name.empty() || name.size() > kMaxNameLen) return nullptr;
  uint16_t& cached = cache_[CacheSlot(name)];
  if (cached != 0 && EqualsIgnoreCase(specs_[cached - 1].name, name)) return &specs_[cached - 1];
  char lower[kMaxNameLen];
  const std::string_view key = ToLowerAscii(name, lower);
  auto it = std::lower_bound(specs_.begin(), specs_.end(), key, NameLess);
  if (it == specs_.end() || it->name != key) return nullptr;
  cached = static_cast<uint16_t>(it - specs_.begin() + 1);
  return &*it;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view name) {
  for (const CommandSpec& sub : container.subcommands) {
    if (EqualsIgnoreCase(ShortName(sub.name), name)) return &sub;
  }
  return nullptr;
}

CommandTable BuildCommandTable() {
  CommandTable table;
  RegisterStringCommands(table);
  RegisterMultiStringCommands(table);
  RegisterKeyCommands(table);
  RegisterConnectionCommands(table);
  RegisterServerCommands(table);
  RegisterScriptCommands(table);
  RegisterScanCommands(table);
  RegisterMemoryCommands(table);
  RegisterOpsCommands(table);
  RegisterZSetCommands(table);
  RegisterListCommands(table);
  RegisterSetCommands(table);
  RegisterHashCommands(table);
  RegisterCounterCommands(table);
  RegisterStringEditCommands(table);
  RegisterKeyMoveCommands(table);
  RegisterCasCommands(table);
  RegisterPubSubCommands(table);
  RegisterTransactionCommands(table);
  RegisterMonitorCommands(table);
  RegisterBlockingCommands(table);
  return table;
}

}  // namespace locknode::command
