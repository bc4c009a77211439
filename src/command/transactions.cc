// MULTI's queue and the WATCH registry (Redis multi.c), on the keyspace's change events.
#include "locknode/command/transactions.h"

#include <algorithm>

#include "locknode/command/command_table.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

void MultiState::Queue(const CommandSpec& cmd, std::span<const std::string_view> args,
                       protocol::ReplySink& reply) {
  // Redis 7.0 queueMultiCommand: "no sense to waste memory if the transaction is already
  // aborted" (a pipelining client may not read the replies before EXEC).
  if (!dirty_cas && !dirty_exec) {
    for (const std::string_view arg : args) {
      args_.push_back({static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(arg.size())});
      arena_.append(arg);
    }
    ends_.push_back(static_cast<uint32_t>(args_.size()));
    cmd_flags |= cmd.flags;
  }
  reply.Simple("QUEUED");
}

void MultiState::CommandArgs(size_t i, std::vector<std::string_view>* out) const {
  out->clear();
  const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
  for (uint32_t a = begin; a < ends_[i]; ++a) {
    out->emplace_back(arena_.data() + args_[a].offset, args_[a].length);
  }
}

size_t MultiState::MemoryBytes() const {
  size_t bytes = arena_.capacity() + args_.capacity() * sizeof(ArgSpan) +
                 ends_.capacity() * sizeof(uint32_t) + watched_.capacity() * sizeof(Watched);
  for (const Watched& w : watched_) bytes += w.key.capacity();
  return bytes;
}

// Keeps the buffers' capacity: a client running transactions in a loop queues without
// allocating once they have grown (bounded by what the client is allowed to queue at all).
void MultiState::ClearQueue() {
  arena_.clear();
  args_.clear();
  ends_.clear();
  cmd_flags = 0;
}

Transactions::~Transactions() { events_.Unsubscribe(this); }

MultiState& Transactions::For(uint64_t client_id) {
  std::unique_ptr<MultiState>& state = clients_[client_id];
  if (state == nullptr) state = std::make_unique<MultiState>();
  return *state;
}

MultiState* Transactions::Find(uint64_t client_id) {
  const auto it = clients_.find(client_id);
  return it == clients_.end() ? nullptr : it->second.get();
}

void Transactions::Drop(uint64_t client_id) {
  const auto it = clients_.find(client_id);
  if (it == clients_.end()) return;
  UnwatchAll(*it->second);
  clients_.erase(it);
}

void Transactions::Watch(MultiState& state, std::string_view key, Millis now) {
  for (const MultiState::Watched& w : state.watched_) {
    if (w.key == key) return;
  }
  // Reclaims the key if it has expired: its other watchers see that as a change.
  const bool existed = keyspace_.Exists(key, now);
  state.watched_.push_back({std::string(key), existed});
  auto it = registry_.find(key);
  if (it == registry_.end())
    it = registry_.emplace(std::string(key), std::vector<MultiState*>{}).first;
  it->second.push_back(&state);
  if (registry_.size() == 1) events_.Subscribe(this);
}

void Transactions::UnwatchAll(MultiState& state) {
  if (state.watched_.empty()) return;
  for (const MultiState::Watched& w : state.watched_) {
    const auto it = registry_.find(w.key);
    if (it == registry_.end()) continue;
    std::erase(it->second, &state);
    if (it->second.empty()) registry_.erase(it);
  }
  state.watched_.clear();
  if (registry_.empty()) events_.Unsubscribe(this);
}

void Transactions::CheckExpired(MultiState& state, Millis now) {
  // A key absent at WATCH and absent now never changed; one live at WATCH and gone now was
  // already reported. So only a key still stored can have expired since: looking it up reclaims
  // it and the change event marks every watcher, this client included.
  for (size_t i = 0; i < state.watched_.size() && !state.dirty_cas; ++i) {
    if (!state.watched_[i].existed) continue;
    const std::string key = state.watched_[i].key;  // Touch clears watched_ under the lookup
    (void)keyspace_.Exists(key, now);
  }
}

void Transactions::End(ClientState& client) {
  if (client.mode() == SessionMode::kQueuing) client.EnterMode(SessionMode::kNormal);
  MultiState* state = Find(client.id);
  if (state == nullptr) return;
  state->ClearQueue();
  state->dirty_cas = false;
  state->dirty_exec = false;
  UnwatchAll(*state);
}

// Redis touchWatchedKey: the client is dirty, and its watches are dropped at once ("no point
// in getting here again"). EXEC will answer the null array.
void Transactions::Touch(MultiState& state) {
  state.dirty_cas = true;
  UnwatchAll(state);
}

void Transactions::OnKeyChanged(std::string_view key, keyspace::KeyChange /*change*/) {
  const auto it = registry_.find(key);
  if (it == registry_.end()) return;
  // Touch erases from the registry: walk a copy.
  const std::vector<MultiState*> watchers = it->second;
  for (MultiState* state : watchers) Touch(*state);
}

// Redis touchAllWatchedKeysInDb: a flush changes the watched keys that existed. A watched key
// that existed at WATCH time and still exists unchanged is exactly one marked `existed` (any
// change since would have dirtied the client and dropped its watches).
void Transactions::OnFlush() {
  for (auto& [id, state] : clients_) {
    const bool hit = std::any_of(state->watched_.begin(), state->watched_.end(),
                                 [](const MultiState::Watched& w) { return w.existed; });
    if (hit) Touch(*state);
  }
}

}  // namespace locknode::command
