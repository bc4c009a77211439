// The pub/sub registry (command/pubsub.h): Redis 7.0 pubsub.c's bookkeeping and delivery.
#include "locknode/command/pubsub.h"

#include <algorithm>

#include "locknode/command/client_state.h"
#include "locknode/protocol/reply_sink.h"

#include "glob_match.h"

namespace locknode::command {

namespace {

size_t Index(SubKind kind) { return static_cast<size_t>(kind); }

// The per-client set of a non-pattern namespace: [0] channels, [1] shard channels.
size_t SetIndex(SubKind kind) { return kind == SubKind::kShard ? 1 : 0; }

}  // namespace

void PubSub::Sync(ClientState& client, const ClientSubs& subs) {
  client.set_subscriptions(subs.total());
  if (subs.total() == 0) clients_.erase(&client);
}

bool PubSub::Subscribe(ClientState& client, SubKind kind, std::string_view name) {
  ClientSubs& subs = clients_[&client];
  if (kind == SubKind::kPattern) {
    if (std::find(subs.patterns.begin(), subs.patterns.end(), name) != subs.patterns.end()) {
      return false;
    }
    subs.patterns.emplace_back(name);
  } else if (!subs.channels[SetIndex(kind)].emplace(name).second) {
    return false;
  }
  ByName& by_name = by_name_[Index(kind)];
  auto it = by_name.find(name);
  if (it == by_name.end()) it = by_name.emplace(std::string(name), Subscribers{}).first;
  it->second.push_back(&client);
  client.set_subscriptions(subs.total());
  return true;
}

bool PubSub::Unsubscribe(ClientState& client, SubKind kind, std::string_view name) {
  auto cit = clients_.find(&client);
  if (cit == clients_.end()) return false;
  ClientSubs& subs = cit->second;
  if (kind == SubKind::kPattern) {
    auto p = std::find(subs.patterns.begin(), subs.patterns.end(), name);
    if (p == subs.patterns.end()) return false;
    subs.patterns.erase(p);
  } else {
    auto& set = subs.channels[SetIndex(kind)];
    auto c = set.find(name);
    if (c == set.end()) return false;
    set.erase(c);
  }
  ByName& by_name = by_name_[Index(kind)];
  auto it = by_name.find(name);
  if (it != by_name.end()) {
    Subscribers& list = it->second;
    list.erase(std::find(list.begin(), list.end(), &client));
    if (list.empty()) by_name.erase(it);  // PUBSUB CHANNELS lists only active channels
  }
  Sync(client, subs);
  return true;
}

std::vector<std::string> PubSub::SubscriptionsOf(const ClientState& client, SubKind kind) const {
  auto it = clients_.find(&client);
  if (it == clients_.end()) return {};
  if (kind == SubKind::kPattern) return it->second.patterns;
  const auto& set = it->second.channels[SetIndex(kind)];
  return {set.begin(), set.end()};
}

size_t PubSub::ConfirmCount(const ClientState& client, SubKind kind) const {
  auto it = clients_.find(&client);
  if (it == clients_.end()) return 0;
  const ClientSubs& subs = it->second;
  if (kind == SubKind::kShard) return subs.channels[1].size();
  return subs.channels[0].size() + subs.patterns.size();
}

void PubSub::RemoveClient(ClientState& client) {
  for (SubKind kind : {SubKind::kChannel, SubKind::kPattern, SubKind::kShard}) {
    for (const std::string& name : SubscriptionsOf(client, kind)) Unsubscribe(client, kind, name);
  }
  client.set_subscriptions(0);
}

// Redis addReplyPubsubMessage / addReplyPubsubPatMessage: a push of 3 (message, smessage) or
// 4 (pmessage) elements.
void PubSub::Deliver(ClientState& client, std::string_view type, const std::string* pattern,
                     std::string_view channel, std::string_view message) {
  if (!client.can_push()) return;
  protocol::ReplySink& sink = client.PushSink();
  sink.Push(pattern != nullptr ? 4 : 3);
  sink.Bulk(type);
  if (pattern != nullptr) sink.Bulk(*pattern);
  sink.Bulk(channel);
  sink.Bulk(message);
  client.PushWritten();
}

// Redis pubsubPublishMessage: the channel's subscribers in subscription order, then every
// pattern that matches (case-sensitive glob), each pattern's subscribers in order. A client
// subscribed both ways receives both messages. Delivery never changes the registry
// (PushWritten defers any close), so iterating while delivering is safe.
size_t PubSub::Publish(SubKind kind, std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  const bool shard = kind == SubKind::kShard;
  const ByName& channels = by_name_[Index(shard ? SubKind::kShard : SubKind::kChannel)];
  if (auto it = channels.find(channel); it != channels.end()) {
    for (ClientState* client : it->second) {
      Deliver(*client, shard ? "smessage" : "message", nullptr, channel, message);
      ++receivers;
    }
  }
  if (shard) return receivers;
  for (const auto& [pattern, subscribers] : by_name_[Index(SubKind::kPattern)]) {
    if (!GlobMatch(pattern, channel, /*nocase=*/false)) continue;
    for (ClientState* client : subscribers) {
      Deliver(*client, "pmessage", &pattern, channel, message);
      ++receivers;
    }
  }
  return receivers;
}

std::vector<std::string_view> PubSub::ActiveChannels(SubKind kind, std::string_view pattern,
                                                     bool match_all) const {
  std::vector<std::string_view> out;
  for (const auto& [name, subscribers] : by_name_[Index(kind)]) {
    if (match_all || GlobMatch(pattern, name, /*nocase=*/false)) out.emplace_back(name);
  }
  return out;
}

size_t PubSub::NumSub(SubKind kind, std::string_view channel) const {
  const ByName& by_name = by_name_[Index(kind)];
  auto it = by_name.find(channel);
  return it == by_name.end() ? 0 : it->second.size();
}

}  // namespace locknode::command
