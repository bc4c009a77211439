#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace locknode::command {

class ClientState;

// Heterogeneous lookup by string_view: a PUBLISH does not allocate to find its channel.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The three subscription namespaces of Redis 7 (pubsubtype): channels (SUBSCRIBE / PUBLISH),
// patterns (PSUBSCRIBE, matched against PUBLISH's channel) and shard channels (SSUBSCRIBE /
// SPUBLISH; one node owns every slot, so they are plain channels of their own namespace).
enum class SubKind : uint8_t { kChannel = 0, kPattern = 1, kShard = 2 };

// Who is subscribed to what (Redis server.pubsub_channels / pubsub_patterns / the per-client
// dicts), and delivery of a published message to every subscriber through its push sink
// (ClientState::PushSink). Keeps each client's ClientState::subscriptions() current, which is
// what the funnel's RESP2 subscribed-context rule and the session's output-limit class read.
// Single-threaded like the rest of the Shard. A ClientState must be removed (RemoveClient)
// before it is destroyed: the session does it when it closes.
class PubSub {
 public:
  // False if `client` was already subscribed to `name` in that namespace.
  bool Subscribe(ClientState& client, SubKind kind, std::string_view name);
  // False if it was not subscribed.
  bool Unsubscribe(ClientState& client, SubKind kind, std::string_view name);
  // The client's subscriptions in one namespace (what a bare UNSUBSCRIBE walks), copied because
  // the caller unsubscribes while walking. Patterns keep subscription order, as Redis 7.0's list.
  std::vector<std::string> SubscriptionsOf(const ClientState& client, SubKind kind) const;
  // Redis clientSubscriptionsCount (channels + patterns) for kChannel/kPattern confirmations,
  // clientShardSubscriptionsCount for kShard.
  size_t ConfirmCount(const ClientState& client, SubKind kind) const;
  // Drops every subscription of `client` without telling it (connection closed, RESET).
  void RemoveClient(ClientState& client);

  // PUBLISH (kChannel: channel subscribers, then every matching pattern) or SPUBLISH (kShard).
  // Returns the number of deliveries, counting clients that cannot receive (Redis's reply).
  size_t Publish(SubKind kind, std::string_view channel, std::string_view message);

  // PUBSUB CHANNELS / SHARDCHANNELS: active channels matching `pattern` (empty view: all).
  std::vector<std::string_view> ActiveChannels(SubKind kind, std::string_view pattern,
                                               bool match_all) const;
  // PUBSUB NUMSUB / SHARDNUMSUB of one channel.
  size_t NumSub(SubKind kind, std::string_view channel) const;
  // PUBSUB NUMPAT: distinct patterns with at least one subscriber.
  size_t NumPat() const { return by_name_[1].size(); }

 private:
  using Subscribers = std::vector<ClientState*>;  // subscription order, as Redis 7.0's lists
  struct ClientSubs {
    std::unordered_set<std::string, SvHash, std::equal_to<>> channels[2];  // 0, 2
    std::vector<std::string> patterns;
    size_t total() const { return channels[0].size() + channels[1].size() + patterns.size(); }
  };
  using ByName = std::unordered_map<std::string, Subscribers, SvHash, std::equal_to<>>;

  void Sync(ClientState& client, const ClientSubs& subs);
  static void Deliver(ClientState& client, std::string_view type, const std::string* pattern,
                      std::string_view channel, std::string_view message);

  ByName by_name_[3];  // indexed by SubKind
  std::unordered_map<const ClientState*, ClientSubs> clients_;
};

}  // namespace locknode::command
