#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "locknode/command/key_events.h"
#include "locknode/command/pubsub.h"

namespace locknode::command {

class ClientState;

// What a blocked client will do when one of its keys gets data (Redis client->bpop).
enum class BlockOp : uint8_t {
  kListPop,   // BLPOP / BRPOP: reply [key, element]
  kListMove,  // BLMOVE / BRPOPLPUSH: move to `dest`, reply the element
  kZPop,      // BZPOPMIN / BZPOPMAX: reply [key, member, score]
};

struct BlockedPop {
  BlockOp op = BlockOp::kListPop;
  bool from_front = true;  // LPOP side / LEFT source / ZPOPMIN
  bool to_front = true;    // BLMOVE's destination side
  std::string dest;        // kListMove only
  int64_t count = -1;      // BLMPOP/BZMPOP's COUNT (reply [key, [elements]]); -1: single pop
  std::vector<std::string> keys;
};

// Who is blocked on which key (Redis db->blocking_keys, c->bpop, server.ready_keys), Redis 7.0
// blocking.c's bookkeeping. Each key keeps its waiters in the order they blocked (served FIFO).
// While anyone is blocked the registry listens to the keyspace (KeyEvents): a write to a key
// with waiters marks it ready once (signalKeyAsReady); the dispatcher serves the ready keys
// after the top-level command that wrote them (a script or EXEC therefore runs to the end
// first). With nobody blocked it does not listen, so writes pay nothing for it.
// Single-threaded like the Shard. A ClientState must be removed before it is destroyed.
class Blocking final : private KeyListener {
 public:
  explicit Blocking(KeyEvents& events) : events_(events) {}
  ~Blocking();
  Blocking(const Blocking&) = delete;
  Blocking& operator=(const Blocking&) = delete;

  // Registers `client` (not already blocked) as waiting on pop.keys.
  void Block(ClientState& client, BlockedPop pop);
  // Forgets `client`'s wait and returns it; nullopt if it was not blocked. Changes no session
  // mode.
  std::optional<BlockedPop> Take(ClientState& client);
  bool Remove(ClientState& client) { return Take(client).has_value(); }
  // The client's wait, or null.
  const BlockedPop* Find(const ClientState& client) const;
  // A blocked client by id (CLIENT UNBLOCK), or null. O(blocked clients).
  ClientState* FindById(uint64_t id) const;
  size_t blocked_count() const { return clients_.size(); }  // INFO blocked_clients

  // Keys written since the last TakeReady that have waiters, in the order they were written.
  bool has_ready() const { return !ready_.empty(); }
  std::vector<std::string> TakeReady();
  // Offers `key`'s waiters, oldest first, to `serve(ClientState&)`, which returns false to stop
  // (the key has no more data). `serve` may Take the client it is given (and nothing else);
  // each waiter present at the start is offered at most once. No copy of the waiter list.
  template <typename Serve>
  void ForEachWaiter(std::string_view key, Serve&& serve) {
    auto kit = by_key_.find(key);
    if (kit == by_key_.end()) return;
    size_t remaining = kit->second.size();
    auto it = kit->second.begin();
    // Taking the current waiter erases only its node (and the list once it is empty, which can
    // only happen when it was the last node: remaining is then 0 and `it` is not used again).
    while (remaining-- > 0) {
      ClientState& client = **it++;
      if (!serve(client)) return;
    }
  }

 private:
  using Waiters = std::list<ClientState*>;
  struct Entry {
    BlockedPop pop;
    std::vector<Waiters::iterator> positions;  // parallel to pop.keys
  };

  void OnKeyChanged(std::string_view key, keyspace::KeyChange change) override;
  void OnFlush() override {}

  KeyEvents& events_;
  std::unordered_map<std::string, Waiters, SvHash, std::equal_to<>> by_key_;
  std::unordered_map<const ClientState*, Entry> clients_;
  std::vector<std::string> ready_;
  std::unordered_set<std::string, SvHash, std::equal_to<>> ready_set_;
};

}  // namespace locknode::command
