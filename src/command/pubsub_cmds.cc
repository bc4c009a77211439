// Pub/sub family: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE,
// PUBLISH, SPUBLISH, PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP. Replies and
// texts follow Redis 7.0 src/pubsub.c (checked against redis-server 7.0.15); the registry and
// delivery are command/pubsub.h.

#include <array>
#include <string>
#include <string_view>

#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/pubsub.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"

namespace locknode::command {
namespace {

struct KindNames {
  std::string_view subscribe;
  std::string_view unsubscribe;
};

KindNames Names(SubKind kind) {
  switch (kind) {
    case SubKind::kChannel:
      return {"subscribe", "unsubscribe"};
    case SubKind::kPattern:
      return {"psubscribe", "punsubscribe"};
    case SubKind::kShard:
      return {"ssubscribe", "sunsubscribe"};
  }
  return {};
}

// Redis addReplyPubsubSubscribed / addReplyPubsubUnsubscribed: a push of (kind, name, count);
// a null name when a bare unsubscribe found nothing to drop.
void Confirm(CommandContext& ctx, std::string_view type, const std::string_view* name,
             SubKind kind) {
  ctx.reply.Push(3);
  ctx.reply.Bulk(type);
  if (name != nullptr) {
    ctx.reply.Bulk(*name);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Integer(static_cast<int64_t>(ctx.shard.pubsub().ConfirmCount(ctx.client, kind)));
}

void SubscribeGeneric(CommandContext& ctx, ArgList args, SubKind kind) {
  for (size_t i = 1; i < args.size(); ++i) {
    ctx.shard.pubsub().Subscribe(ctx.client, kind, args[i]);
    Confirm(ctx, Names(kind).subscribe, &args[i], kind);
  }
}

// With names: one confirmation per name, subscribed or not. Bare: one per subscription dropped,
// or a single one with a null name when there was none (pubsubUnsubscribeAllChannels).
void UnsubscribeGeneric(CommandContext& ctx, ArgList args, SubKind kind) {
  PubSub& pubsub = ctx.shard.pubsub();
  const std::string_view type = Names(kind).unsubscribe;
  if (args.size() > 1) {
    for (size_t i = 1; i < args.size(); ++i) {
      pubsub.Unsubscribe(ctx.client, kind, args[i]);
      Confirm(ctx, type, &args[i], kind);
    }
    return;
  }
  const std::vector<std::string> names = pubsub.SubscriptionsOf(ctx.client, kind);
  for (const std::string& name : names) {
    pubsub.Unsubscribe(ctx.client, kind, name);
    const std::string_view view = name;
    Confirm(ctx, type, &view, kind);
  }
  if (names.empty()) Confirm(ctx, type, nullptr, kind);
}

void CmdSubscribe(CommandContext& ctx, ArgList args) {
  SubscribeGeneric(ctx, args, SubKind::kChannel);
}
void CmdPSubscribe(CommandContext& ctx, ArgList args) {
  SubscribeGeneric(ctx, args, SubKind::kPattern);
}
void CmdSSubscribe(CommandContext& ctx, ArgList args) {
  SubscribeGeneric(ctx, args, SubKind::kShard);
}
void CmdUnsubscribe(CommandContext& ctx, ArgList args) {
  UnsubscribeGeneric(ctx, args, SubKind::kChannel);
}
void CmdPUnsubscribe(CommandContext& ctx, ArgList args) {
  UnsubscribeGeneric(ctx, args, SubKind::kPattern);
}
void CmdSUnsubscribe(CommandContext& ctx, ArgList args) {
  UnsubscribeGeneric(ctx, args, SubKind::kShard);
}

void CmdPublish(CommandContext& ctx, ArgList args) {
  const size_t receivers = ctx.shard.pubsub().Publish(SubKind::kChannel, args[1], args[2]);
  ctx.reply.Integer(static_cast<int64_t>(receivers));
}

void CmdSPublish(CommandContext& ctx, ArgList args) {
  const size_t receivers = ctx.shard.pubsub().Publish(SubKind::kShard, args[1], args[2]);
  ctx.reply.Integer(static_cast<int64_t>(receivers));
}

void ChannelsGeneric(CommandContext& ctx, ArgList args, SubKind kind) {
  const bool all = args.size() < 3;
  const auto names = ctx.shard.pubsub().ActiveChannels(kind, all ? "" : args[2], all);
  ctx.reply.Array(names.size());
  for (std::string_view name : names) ctx.reply.Bulk(name);
}

void NumSubGeneric(CommandContext& ctx, ArgList args, SubKind kind) {
  ctx.reply.Array((args.size() - 2) * 2);  // an array in RESP3 too (Redis 7.0)
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.reply.Bulk(args[i]);
    ctx.reply.Integer(static_cast<int64_t>(ctx.shard.pubsub().NumSub(kind, args[i])));
  }
}

void CmdPubSubChannels(CommandContext& ctx, ArgList args) {
  ChannelsGeneric(ctx, args, SubKind::kChannel);
}
void CmdPubSubShardChannels(CommandContext& ctx, ArgList args) {
  ChannelsGeneric(ctx, args, SubKind::kShard);
}
void CmdPubSubNumSub(CommandContext& ctx, ArgList args) {
  NumSubGeneric(ctx, args, SubKind::kChannel);
}
void CmdPubSubShardNumSub(CommandContext& ctx, ArgList args) {
  NumSubGeneric(ctx, args, SubKind::kShard);
}
void CmdPubSubNumPat(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.shard.pubsub().NumPat()));
}

void CmdPubSubHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::array<std::string_view, 11> kLines = {
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: "
      "'*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
  };
  ReplyHelp(ctx, "PUBSUB", kLines);
}

// Redis 7.0 flags: the subscribe family is noscript (a script cannot receive), allowed while
// loading and in a RESP2 subscribed session; PUBLISH runs anywhere, scripts included.
constexpr uint32_t kSubFlags = kNoScript | kLoading | kPubSubOk;
constexpr uint32_t kPubFlags = kLoading | kFast;
constexpr uint32_t kIntrospect = kLoading;

constexpr CommandSpec PubSubRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                                std::string_view summary, std::string_view arguments) {
  return CommandSpec{.name = name,
                     .arity = arity,
                     .flags = flags,
                     .first_key = 0,
                     .last_key = 0,
                     .key_step = 0,
                     .handler = handler,
                     .summary = summary,
                     .arguments = arguments,
                     .group = "pubsub"};
}

constexpr CommandSpec kPubSubSubcommands[] = {
    PubSubRow("channels", -2, kIntrospect, CmdPubSubChannels, "List active channels", "[pattern]"),
    PubSubRow("help", 2, kLoading, CmdPubSubHelp,
              "Show helpful text about the different subcommands", ""),
    PubSubRow("numpat", 2, kIntrospect, CmdPubSubNumPat,
              "Get the count of unique patterns pattern subscriptions", ""),
    PubSubRow("numsub", -2, kIntrospect, CmdPubSubNumSub,
              "Get the count of subscribers for channels", "[channel [channel ...]]"),
    PubSubRow("shardchannels", -2, kIntrospect, CmdPubSubShardChannels,
              "List active shard channels", "[pattern]"),
    PubSubRow("shardnumsub", -2, kIntrospect, CmdPubSubShardNumSub,
              "Get the count of subscribers for shard channels",
              "[shardchannel [shardchannel ...]]"),
};

constexpr CommandSpec kPubSubCommands[] = {
    PubSubRow("subscribe", -2, kSubFlags, CmdSubscribe,
              "Listen for messages published to the given channels", "channel [channel ...]"),
    PubSubRow("unsubscribe", -1, kSubFlags, CmdUnsubscribe,
              "Stop listening for messages posted to the given channels",
              "[channel [channel ...]]"),
    PubSubRow("psubscribe", -2, kSubFlags, CmdPSubscribe,
              "Listen for messages published to channels matching the given patterns",
              "pattern [pattern ...]"),
    PubSubRow("punsubscribe", -1, kSubFlags, CmdPUnsubscribe,
              "Stop listening for messages posted to channels matching the given patterns",
              "[pattern [pattern ...]]"),
    PubSubRow("ssubscribe", -2, kSubFlags, CmdSSubscribe,
              "Listen for messages published to the given shard channels",
              "shardchannel [shardchannel ...]"),
    PubSubRow("sunsubscribe", -1, kSubFlags, CmdSUnsubscribe,
              "Stop listening for messages posted to the given shard channels",
              "[shardchannel [shardchannel ...]]"),
    PubSubRow("publish", 3, kPubFlags, CmdPublish, "Post a message to a channel",
              "channel message"),
    PubSubRow("spublish", 3, kPubFlags, CmdSPublish, "Post a message to a shard channel",
              "shardchannel message"),
    {.name = "pubsub",
     .arity = -2,
     .flags = 0,
     .first_key = 0,
     .last_key = 0,
     .key_step = 0,
     .handler = nullptr,  // a container: the funnel resolves the subcommand row
     .subcommands = kPubSubSubcommands,
     .summary = "A container for Pub/Sub commands",
     .group = "pubsub"},
};

}  // namespace

void RegisterPubSubCommands(CommandTable& table) {
  for (const CommandSpec& spec : kPubSubCommands) table.Add(spec);
}

}  // namespace locknode::command
