// CLIENT KILL, PAUSE, UNPAUSE and NO-TOUCH: the operator's side of CLIENT (client_cmds.cc holds
// the rows). KILL follows Redis 7.4 clientCommand (7.0's filters plus MAXAGE), PAUSE/UNPAUSE
// Redis 7.0, NO-TOUCH Redis 7.2. The server does the closing and the holding
// (ServerControl::KillClient / PauseClients); this file parses and picks the clients.

#include <cstdint>
#include <limits>
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

#include "conn_family.h"

namespace locknode::command {
namespace {

// Redis getClientType: a client with subscriptions is "pubsub"; locknode has no master or
// replica connections, and a MONITOR client counts as normal (as in Redis).
enum class ClientType { kAny, kNormal, kPubSub, kNone };

std::optional<ClientType> ParseClientType(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (EqualsIgnoreCase(name, "master") || EqualsIgnoreCase(name, "replica") ||
      EqualsIgnoreCase(name, "slave")) {
    return ClientType::kNone;
  }
  return std::nullopt;
}

// The filters of one CLIENT KILL; a client must pass all that are set.
struct KillFilter {
  std::string_view addr;
  std::string_view laddr;
  ClientType type = ClientType::kAny;
  uint64_t id = 0;
  int64_t max_age = 0;  // seconds
  bool skipme = true;

  bool Matches(const ClientState& c, const ClientState& self, Millis now) const {
    if (!addr.empty() && c.peer != addr) return false;
    if (!laddr.empty() && c.local != laddr) return false;
    if (type != ClientType::kAny) {
      const ClientType is = c.subscriptions() != 0 ? ClientType::kPubSub : ClientType::kNormal;
      if (type != is) return false;
    }
    if (id != 0 && c.id != id) return false;
    if (skipme && c.id == self.id) return false;
    if (max_age != 0 && (now - c.created_ms) / 1000 < max_age) return false;
    return true;
  }
};

// The new form's option/value pairs, in Redis's order of checks; false after replying the error.
bool ParseKillOptions(CommandContext& ctx, ArgList args, KillFilter* f) {
  for (size_t i = 2; i < args.size(); i += 2) {
    const std::string_view opt = args[i];
    const bool more = i + 1 < args.size();
    const std::string_view val = more ? args[i + 1] : std::string_view();
    if (more && EqualsIgnoreCase(opt, "id")) {
      const std::optional<int64_t> id = ParseInt64(val);
      if (!id || *id < 1) {
        ctx.reply.Error("ERR client-id should be greater than 0");
        return false;
      }
      f->id = static_cast<uint64_t>(*id);
    } else if (more && EqualsIgnoreCase(opt, "maxage")) {
      const std::optional<int64_t> age = ParseInt64(val);
      if (!age) {
        ctx.reply.Error("ERR maxage is not an integer or out of range");
        return false;
      }
      if (*age <= 0) {
        ctx.reply.Error("ERR maxage should be greater than 0");
        return false;
      }
      f->max_age = *age;
    } else if (more && EqualsIgnoreCase(opt, "type")) {
      const std::optional<ClientType> type = ParseClientType(val);
      if (!type) {
        ctx.reply.Error("ERR Unknown client type '" + std::string(val) + "'");
        return false;
      }
      f->type = *type;
    } else if (more && EqualsIgnoreCase(opt, "addr")) {
      f->addr = val;
    } else if (more && EqualsIgnoreCase(opt, "laddr")) {
      f->laddr = val;
    } else if (more && EqualsIgnoreCase(opt, "user")) {
      // requirepass is the "default" user's password: the only user there is.
      if (val != "default") {
        ctx.reply.Error("ERR No such user '" + std::string(val) + "'");
        return false;
      }
    } else if (more && EqualsIgnoreCase(opt, "skipme")) {
      if (EqualsIgnoreCase(val, "yes")) {
        f->skipme = true;
      } else if (EqualsIgnoreCase(val, "no")) {
        f->skipme = false;
      } else {
        ctx.reply.Error(protocol::kErrSyntax);
        return false;
      }
    } else {
      ctx.reply.Error(protocol::kErrSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace

// CLIENT KILL ip:port  |  CLIENT KILL <filter> <value> ...
void CmdClientKill(CommandContext& ctx, ArgList args) {
  const bool old_form = args.size() == 3;
  KillFilter filter;
  if (old_form) {
    filter.addr = args[2];
    filter.skipme = false;  // with the old form a client may kill itself
  } else if (!ParseKillOptions(ctx, args, &filter)) {
    return;
  }
  // A type no client can have still parses (Redis answers 0), but matches nothing.
  std::vector<uint64_t> victims;
  bool kill_self = false;
  auto consider = [&](const ClientState& c) {
    if (filter.type == ClientType::kNone || !filter.Matches(c, ctx.client, ctx.now)) return;
    if (c.id == ctx.client.id) {
      kill_self = true;
    } else {
      victims.push_back(c.id);
    }
  };
  ServerControl* control = ctx.shard.control();
  if (control != nullptr) {
    control->ForEachClient(consider);
  } else {
    consider(ctx.client);  // unit tests: the caller is the only client
  }
  // Collected first: closing a client changes the registry being walked.
  if (control != nullptr) {
    for (uint64_t id : victims) control->KillClient(id);
  }
  const size_t killed = victims.size() + (kill_self ? 1 : 0);
  if (old_form) {
    if (killed == 0) {
      ctx.reply.Error("ERR No such client");
    } else {
      ctx.reply.Ok();
    }
  } else {
    ctx.reply.Integer(static_cast<int64_t>(killed));
  }
  // Redis sets CLOSE_AFTER_REPLY only once the reply is queued: the caller still gets it.
  if (kill_self) ctx.client.RequestClose();
}

// CLIENT PAUSE timeout [WRITE|ALL] (Redis 7.0: the mode is checked before the timeout).
void CmdClientPause(CommandContext& ctx, ArgList args) {
  if (args.size() > 4) {  // Redis addReplySubcommandSyntaxError
    ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                    std::string(args[1]) + "'. Try CLIENT HELP.");
    return;
  }
  bool all = true;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "write")) {
      all = false;
    } else if (!EqualsIgnoreCase(args[3], "all")) {
      ctx.reply.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  // Redis getTimeoutFromObjectOrReply with UNIT_MILLISECONDS.
  const std::optional<int64_t> ms = ParseInt64(args[2]);
  if (!ms) {
    ctx.reply.Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (*ms < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return;
  }
  // Redis 7.0 adds the timeout to the unix time in ms without a range check (7.2 answers
  // "timeout is out of range"): past that sum the end wraps negative, so the reply is +OK and
  // nothing is paused. 0 pauses nothing either (an end of 0 has always passed). The end is
  // kept on the monotonic clock, so a wall-clock step does not stretch or cut a pause.
  Millis end = 0;
  if (*ms > 0 && *ms <= std::numeric_limits<int64_t>::max() - ctx.wall_us / 1000) {
    end = ctx.now + *ms;
  }
  if (ServerControl* control = ctx.shard.control()) control->PauseClients(end, all);
  ctx.reply.Ok();
}

void CmdClientUnpause(CommandContext& ctx, ArgList /*args*/) {
  if (ServerControl* control = ctx.shard.control()) control->UnpauseClients();
  ctx.reply.Ok();
}

// CLIENT NO-TOUCH ON|OFF (Redis 7.2). Keys here keep no access clock (no OBJECT IDLETIME), so
// the flag changes nothing but CLIENT LIST's flags; accepted so that clients that send it work.
void CmdClientNoTouch(CommandContext& ctx, ArgList args) {
  if (EqualsIgnoreCase(args[2], "on")) {
    ctx.client.no_touch = true;
  } else if (EqualsIgnoreCase(args[2], "off")) {
    ctx.client.no_touch = false;
  } else {
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  ctx.reply.Ok();
}

}  // namespace locknode::command
