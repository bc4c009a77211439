#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "locknode/base/millis.h"
#include "locknode/command/client_state.h"
#include "locknode/command/key_events.h"
#include "locknode/keyspace/keyspace.h"

namespace locknode::command {

class Transactions;

// Heterogeneous lookup by string_view (no std::string made to find a key).
struct WatchKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

// One client's MULTI/WATCH state (Redis client->mstate, c->watched_keys and the DIRTY flags).
// It is the CommandQueue the funnel fills while the client is in SessionMode::kQueuing.
class MultiState final : public CommandQueue {
 public:
  MultiState() = default;
  MultiState(const MultiState&) = delete;
  MultiState& operator=(const MultiState&) = delete;

  // CommandQueue. Redis queueMultiCommand: once the transaction is doomed (dirty) nothing more
  // is kept, but the reply is still +QUEUED.
  void Queue(const CommandSpec& cmd, std::span<const std::string_view> args,
             protocol::ReplySink& reply) override;
  void MarkFailed() override { dirty_exec = true; }

  size_t queued() const { return ends_.size(); }
  // The arguments of queued command `i` (< queued()) as views into this object, into `out`
  // (cleared first); valid until the queue changes.
  void CommandArgs(size_t i, std::vector<std::string_view>* out) const;
  // Heap bytes held: queued arguments, their index, the watched keys (Redis
  // multiStateMemOverhead); counted in the client's memory.
  size_t MemoryBytes() const;
  void ClearQueue();

  bool dirty_cas = false;   // a watched key changed (CLIENT_DIRTY_CAS): EXEC answers null
  bool dirty_exec = false;  // a command was refused while queuing: EXEC answers EXECABORT
  uint32_t cmd_flags = 0;   // union of the queued commands' flags (mstate.cmd_flags)

 private:
  friend class Transactions;

  // Heterogeneous lookup by string_view (no std::string made to find a key).
  struct WatchKeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct ArgSpan {
    uint32_t offset, length;
  };
  struct Watched {
    std::string key;
    bool existed;  // live when watched; unchanged since, or this client would be dirty
  };
  std::string arena_;           // every queued argument's bytes, back to back
  std::vector<ArgSpan> args_;   // into arena_
  std::vector<uint32_t> ends_;  // per queued command: one past its last index in args_
  std::vector<Watched> watched_;
};

// All clients' transaction state and the WATCH registry (Redis db->watched_keys), owned by the
// Shard. State is keyed by client id and created on a client's first MULTI or WATCH; the
// session drops it when the connection closes (Dispatcher::ClientClosed), so nothing here
// points at a ClientState. While at least one key is watched it listens to KeyEvents and marks
// every watcher of a changed key dirty (touchWatchedKey), then drops that client's watches as
// Redis does; with nothing watched it is unsubscribed and costs the keyspace nothing.
class Transactions final : private KeyListener {
 public:
  Transactions(KeyEvents& events, keyspace::Keyspace& keyspace)
      : events_(events), keyspace_(keyspace) {}
  ~Transactions();
  Transactions(const Transactions&) = delete;
  Transactions& operator=(const Transactions&) = delete;

  // The client's state, created if absent.
  MultiState& For(uint64_t client_id);
  MultiState* Find(uint64_t client_id);
  // Connection closed: queue and watches go. O(watched keys).
  void Drop(uint64_t client_id);

  // WATCH one key (Redis watchForKey): a key already watched by this client is skipped; else
  // its liveness at `now` is recorded (an expired key is reclaimed on the way: for every
  // watcher that is a change, as Redis's expired-at-EXEC check would find).
  void Watch(MultiState& state, std::string_view key, Millis now);
  // Redis unwatchAllKeys.
  void UnwatchAll(MultiState& state);
  // Redis isWatchedKeyExpired at EXEC: a watched key whose deadline passed since WATCH is a
  // change. Looks each key up (reclaiming it), which marks the watchers dirty.
  void CheckExpired(MultiState& state, Millis now);
  // Redis discardTransaction: queue, dirty flags and watches go, and a client queuing goes back
  // to SessionMode::kNormal (EXEC, DISCARD, RESET).
  void End(ClientState& client);

  size_t watched_keys() const { return registry_.size(); }

 private:
  void OnKeyChanged(std::string_view key, keyspace::KeyChange change) override;
  void OnFlush() override;
  void Touch(MultiState& state);

  KeyEvents& events_;
  keyspace::Keyspace& keyspace_;
  std::unordered_map<uint64_t, std::unique_ptr<MultiState>> clients_;
  // Watched key -> its watchers, in WATCH order.
  std::unordered_map<std::string, std::vector<MultiState*>, WatchKeyHash, std::equal_to<>>
      registry_;
};

}  // namespace locknode::command
