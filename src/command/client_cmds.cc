// CLIENT and its subcommands (split from conn_cmds.cc for size). SETNAME/GETNAME/ID/INFO/LIST
// follow Redis 7.0.15; SETINFO follows Redis 7.2 (COMPAT §0 finding 3: go-redis 9.5.0 fails the
// connection if it errors). KILL, PAUSE, UNPAUSE and NO-TOUCH: client_admin_cmds.cc.
// MAINT_NOTIFICATIONS and CAPA are not rows, so they get
// Redis 7.0's own answer, "unknown subcommand", which every client that sends them ignores.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "client_list.h"
#include "command/blocking_family.h"
#include "command/help_reply.h"
#include "conn_family.h"

namespace locknode::command {
namespace {

namespace errors = protocol;

void CmdClientSetName(CommandContext& ctx, ArgList args) {
  if (!ValidClientAttr(args[2])) {
    ctx.reply.Error(errors::kErrClientName);
    return;
  }
  ctx.client.name = std::string(args[2]);  // "" clears the name, as in Redis
  ctx.reply.Ok();
}

void CmdClientGetName(CommandContext& ctx, ArgList /*args*/) {
  if (ctx.client.name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(ctx.client.name);
  }
}

void CmdClientId(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.id));
}

void CmdClientSetInfo(CommandContext& ctx, ArgList args) {
  // Redis 7.2 clientSetinfoCommand; absent from 7.0, but go-redis 9.5.0 fails the connection
  // if it errors, so locknode answers like 7.2.
  std::string* dest = nullptr;
  if (EqualsIgnoreCase(args[2], "lib-name")) {
    dest = &ctx.client.lib_name;
  } else if (EqualsIgnoreCase(args[2], "lib-ver")) {
    dest = &ctx.client.lib_ver;
  } else {
    ctx.reply.Error("ERR Unrecognized option '" + std::string(args[2]) + "'");
    return;
  }
  if (!ValidClientAttr(args[3])) {
    ctx.reply.Error("ERR " + std::string(args[2]) +
                    " cannot contain spaces, newlines or special characters.");
    return;
  }
  *dest = std::string(args[3]);
  ctx.reply.Ok();
}

void CmdClientInfo(CommandContext& ctx, ArgList /*args*/) {
  std::string line;
  AppendClientInfo(ctx.client, ctx.now, &line);
  ctx.reply.Verbatim(line);
}

// Which clients CLIENT LIST shows. A client with subscriptions is a "pubsub" one (Redis
// getClientType), every other a "normal" one; there are no masters or replicas.
struct ListFilter {
  bool none = false;           // TYPE master/replica: nothing matches
  std::optional<bool> pubsub;  // TYPE normal (false) or pubsub (true)
  std::vector<uint64_t> ids;
};

bool ParseListFilter(CommandContext& ctx, ArgList args, ListFilter* filter) {
  if (args.size() == 2) return true;
  if (args.size() == 4 && EqualsIgnoreCase(args[2], "TYPE")) {
    const std::string_view t = args[3];
    if (EqualsIgnoreCase(t, "normal") || EqualsIgnoreCase(t, "pubsub")) {
      filter->pubsub = EqualsIgnoreCase(t, "pubsub");
      return true;
    }
    if (EqualsIgnoreCase(t, "master") || EqualsIgnoreCase(t, "replica") ||
        EqualsIgnoreCase(t, "slave")) {
      filter->none = true;
      return true;
    }
    ctx.reply.Error("ERR Unknown client type '" + std::string(t) + "'");
    return false;
  }
  if (args.size() > 3 && EqualsIgnoreCase(args[2], "ID")) {
    for (size_t i = 3; i < args.size(); ++i) {
      const std::optional<int64_t> id = ParseInt64(args[i]);
      if (!id || *id <= 0) {
        ctx.reply.Error("ERR Invalid client ID");
        return false;
      }
      filter->ids.push_back(static_cast<uint64_t>(*id));
    }
    return true;
  }
  ctx.reply.Error(errors::kErrSyntax);
  return false;
}

void CmdClientList(CommandContext& ctx, ArgList args) {
  ListFilter filter;
  if (!ParseListFilter(ctx, args, &filter)) return;
  std::string out;
  auto add = [&](const ClientState& c) {
    if (filter.none) return;
    if (filter.pubsub && *filter.pubsub != (c.subscriptions() != 0)) return;
    if (!filter.ids.empty() &&
        std::find(filter.ids.begin(), filter.ids.end(), c.id) == filter.ids.end()) {
      return;
    }
    AppendClientInfo(c, ctx.now, &out);
  };
  if (ctx.shard.control() != nullptr) {
    ctx.shard.control()->ForEachClient(add);
  } else {
    add(ctx.client);  // unit tests: no server around, the caller is the only client
  }
  ctx.reply.Verbatim(out);
}

void CmdClientTracking(CommandContext& ctx, ArgList args) {
  // locknode sends no invalidation messages, so accepting ON would let a client-side cache serve
  // stale values forever. OFF (the state every connection is in) is accepted.
  if (EqualsIgnoreCase(args[2], "off")) {
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(args[2], "on")) {
    ctx.reply.Error("ERR CLIENT TRACKING ON is not supported by this server");
  } else {
    ctx.reply.Error(errors::kErrSyntax);
  }
}

void CmdClientNoEvict(CommandContext& ctx, ArgList args) {
  // Redis 7.0: ON|OFF -> +OK (locknode never evicts clients), anything else a syntax error.
  if (EqualsIgnoreCase(args[2], "on") || EqualsIgnoreCase(args[2], "off")) {
    ctx.reply.Ok();
  } else {
    ctx.reply.Error(errors::kErrSyntax);
  }
}

// Redis 7.0 clientCommand "unblock": a client blocked on keys gets its timeout reply (or, with
// ERROR, -UNBLOCKED) and resumes; :1 if one was, :0 otherwise (unknown id, not blocked).
void CmdClientUnblock(CommandContext& ctx, ArgList args) {
  if (args.size() > 4) {
    // Redis addReplySubcommandSyntaxError names the subcommand as the client spelled it.
    std::string text = "ERR unknown subcommand or wrong number of arguments for '";
    text.append(args[1]).append("'. Try CLIENT HELP.");
    return ctx.reply.Error(text);
  }
  bool error = false;
  if (args.size() == 4) {
    error = EqualsIgnoreCase(args[3], "error");
    if (!error && !EqualsIgnoreCase(args[3], "timeout")) {
      return ctx.reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  const std::optional<int64_t> id = ParseInt64(args[2]);
  if (!id) return ctx.reply.Error(errors::kErrNotInteger);
  ClientState* target = ctx.shard.blocking().FindById(static_cast<uint64_t>(*id));
  const bool unblocked = target != nullptr && UnblockClient(ctx.shard, *target, error);
  ctx.reply.Integer(unblocked ? 1 : 0);
}

void CmdClientHelp(CommandContext& ctx, ArgList /*args*/);

constexpr uint32_t kClientFlags = kNoScript | kLoading;

constexpr CommandSpec kClientSubcommands[] = {
    {"setname",
     3,
     kClientFlags,
     0,
     0,
     0,
     CmdClientSetName,
     {},
     "Set the current connection name",
     "connection-name",
     "connection"},
    {"getname",
     2,
     kClientFlags,
     0,
     0,
     0,
     CmdClientGetName,
     {},
     "Get the current connection name",
     "",
     "connection"},
    {"id",
     2,
     kClientFlags,
     0,
     0,
     0,
     CmdClientId,
     {},
     "Returns the client ID for the current connection",
     "",
     "connection"},
    {"info",
     2,
     kClientFlags,
     0,
     0,
     0,
     CmdClientInfo,
     {},
     "Returns information about the current client connection.",
     "",
     "connection"},
    {"list",
     -2,
     kAdmin | kClientFlags,
     0,
     0,
     0,
     CmdClientList,
     {},
     "Get the list of client connections",
     "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]",
     "connection"},
    {"setinfo",
     4,
     kClientFlags,
     0,
     0,
     0,
     CmdClientSetInfo,
     {},
     "Set client or connection specific info",
     "LIB-NAME libname|LIB-VER libver",
     "connection"},
    {"tracking",
     -3,
     kClientFlags,
     0,
     0,
     0,
     CmdClientTracking,
     {},
     "Enable or disable server assisted client side caching support",
     "ON|OFF",
     "connection"},
    {"no-evict",
     3,
     kAdmin | kClientFlags,
     0,
     0,
     0,
     CmdClientNoEvict,
     {},
     "Set client eviction mode for the current connection",
     "ON|OFF",
     "connection"},
    {"kill",
     -3,
     kAdmin | kClientFlags,
     0,
     0,
     0,
     CmdClientKill,
     {},
     "Kill open connections",
     "ip:port|[ID client-id] [TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB] [USER username] "
     "[ADDR ip:port] [LADDR ip:port] [SKIPME YES|NO] [MAXAGE maxage]",
     "connection"},
    {"pause",
     -3,
     kAdmin | kClientFlags,
     0,
     0,
     0,
     CmdClientPause,
     {},
     "Stop processing commands from clients for some time",
     "timeout [WRITE|ALL]",
     "connection"},
    {"unpause",
     2,
     kAdmin | kClientFlags,
     0,
     0,
     0,
     CmdClientUnpause,
     {},
     "Resume processing of clients that were paused",
     "",
     "connection"},
    {"no-touch",
     3,
     kClientFlags,
     0,
     0,
     0,
     CmdClientNoTouch,
     {},
     "Controls whether commands sent by the client will alter the LRU/LFU of the keys they "
     "access.",
     "ON|OFF",
     "connection"},
    {"unblock",
     -3,
     kAdmin | kClientFlags,
     0,
     0,
     0,
     CmdClientUnblock,
     {},
     "Unblock a client blocked in a blocking command from a different connection",
     "client-id [TIMEOUT|ERROR]",
     "connection"},
    {"help",
     2,
     kLoading,
     0,
     0,
     0,
     CmdClientHelp,
     {},
     "Show helpful text about the different subcommands",
     "",
     "connection"},
};

void CmdClientHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * ID <client-id>",
      "      Kill connections by client id.",
      "    * MAXAGE <maxage>",
      "      Kill connections older than the specified age.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
  };
  ReplyHelp(ctx, "CLIENT", kLines);
}

}  // namespace

std::span<const CommandSpec> ClientSubcommands() { return kClientSubcommands; }

}  // namespace locknode::command
