#pragma once

// Private to the command module: how EVAL runs a script against the shard (the CommandInvoker
// behind redis.call, the per-script undo log, the native fast path).

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/script/command_invoker.h"
#include "locknode/script/script_cache.h"

namespace locknode::command {

// The state of every key a script wrote, as it was before the script's first write to it, so an
// aborted script can be undone completely (GUIDE §6.2: no half-applied script remains).
class UndoLog {
 public:
  // Saves `key` unless it was saved already during this script.
  void Save(keyspace::Keyspace& ks, std::string_view key, Millis now);
  // Puts every saved key back as it was. `now` is the script's frozen time.
  void Rollback(keyspace::Keyspace& ks, Millis now);
  size_t size() const { return saved_.size(); }

 private:
  // A key as it was: a string or compact value's bytes, or a deep copy of its object (a hash
  // table changed in place must come back as it was, not as the script left it).
  struct Saved {
    bool existed = false;
    keyspace::ValueKind kind = keyspace::ValueKind::kString;
    std::string value;
    std::unique_ptr<keyspace::Object> object;
    Millis deadline = kNoDeadline;
  };
  std::unordered_map<std::string, Saved> saved_;
};

// redis.call / redis.pcall: the command funnel (funnel.h) with Origin::kScript, so the same table,
// flags and write policy as clients plus Redis's script-specific refusals (script.c scriptCall),
// one frozen time snapshot for the whole script, and an undo record taken before every write.
class ScriptInvoker final : public script::CommandInvoker {
 public:
  ScriptInvoker(Shard& shard, Millis now, int64_t wall_us, bool read_only, UndoLog& undo)
      : shard_(shard), now_(now), wall_us_(wall_us), read_only_(read_only), undo_(undo) {}

  void Call(std::span<const std::string_view> args, protocol::ReplySink& sink) override;
  void SetProtocol(int resp) override { client_.SetProtocol(resp); }

 private:
  Shard& shard_;
  Millis now_;
  int64_t wall_us_;
  bool read_only_;
  UndoLog& undo_;
  ClientState client_;  // the script's own client (Redis's Lua client): RESP2, authenticated
};

// Runs a recognised lock script natively when lua-fast-path is on and the call meets the
// preconditions of script/fast_path.h; returns false (nothing replied, nothing changed) if the
// script must run in Lua instead.
bool TryFastPath(CommandContext& ctx, const script::ScriptEntry& entry,
                 std::span<const std::string_view> keys, std::span<const std::string_view> argv,
                 bool read_only);

}  // namespace locknode::command
