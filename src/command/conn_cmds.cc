// Connection commands: PING ECHO HELLO AUTH SELECT QUIT RESET and the CLIENT container. Texts
// and orders of checks follow redis 7.0.15 byte for byte (checked against the real server), with
// Redis 7.2's CLIENT SETINFO added because every modern client sends it (COMPAT §0 finding 3).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/password_digest.h"
#include "locknode/base/strings.h"
#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"
#include "locknode/command/families.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "conn_family.h"

namespace locknode::command {
namespace {

namespace errors = protocol;

constexpr std::string_view kDefaultUser = "default";

// The only user is "default" (no ACLs). With no requirepass it is "nopass" and any password
// opens it (Redis: `AUTH default x` -> +OK); another user name always fails, case-sensitively.
bool CheckUser(const Shard& shard, std::string_view user, std::string_view pass) {
  if (user != kDefaultUser) return false;
  // Digests, not the passwords: equal lengths, so the compare leaks neither length nor prefix.
  return shard.config().requirepass.empty() || PasswordMatches(shard.requirepass_digest(), pass);
}

void CmdPing(CommandContext& ctx, ArgList args) {
  // Arity is -1 so one optional message; more is Redis's arity error (pingCommand checks it).
  if (args.size() > 2) {
    ctx.reply.Error("ERR wrong number of arguments for 'ping' command");
  } else if (ctx.client.subscribed_context()) {
    // A RESP2 subscriber reads every reply as a message: Redis answers ["pong", message or ""].
    ctx.reply.Array(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(args.size() == 2 ? args[1] : "");
  } else if (args.size() == 2) {
    ctx.reply.Bulk(args[1]);
  } else {
    ctx.reply.Simple("PONG");
  }
}

void CmdEcho(CommandContext& ctx, ArgList args) { ctx.reply.Bulk(args[1]); }

void CmdSelect(CommandContext& ctx, ArgList args) {
  // getIntFromObjectOrReply: strict parse and int range, then selectDb's range check. locknode
  // has one database (CONFIG GET databases -> 1), so only 0 is valid.
  const std::optional<int64_t> db = ParseInt64(args[1]);
  if (!db || *db < INT32_MIN || *db > INT32_MAX) {
    ctx.reply.Error(errors::kErrNotInteger);
  } else if (*db != 0) {
    ctx.reply.Error(errors::kErrDbIndex);
  } else {
    ctx.reply.Ok();
  }
}

void CmdAuth(CommandContext& ctx, ArgList args) {
  // acl.c authCommand: > 2 arguments is a syntax error; the 1-argument form errors out when no
  // password is configured (ioredis matches that text and carries on); a failed AUTH leaves an
  // already authenticated connection authenticated.
  if (args.size() > 3) {
    ctx.reply.Error(errors::kErrSyntax);
    return;
  }
  if (args.size() == 2 && ctx.shard.config().requirepass.empty()) {
    ctx.reply.Error(errors::kErrAuthNoPassword);
    return;
  }
  const std::string_view user = args.size() == 3 ? args[1] : kDefaultUser;
  const std::string_view pass = args.size() == 3 ? args[2] : args[1];
  if (!CheckUser(ctx.shard, user, pass)) {
    ctx.reply.Error(errors::kErrWrongPass);
    return;
  }
  ctx.client.SetAuthenticated(true);
  ctx.reply.Ok();
}

struct HelloOptions {
  int64_t version = 0;  // 0: keep the current protocol
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
};

// Parses HELLO's arguments; on error replies and returns false (networking.c helloCommand).
bool ParseHello(CommandContext& ctx, ArgList args, HelloOptions* opt) {
  if (args.size() >= 2) {
    const std::optional<int64_t> v = ParseInt64(args[1]);
    if (!v) {
      ctx.reply.Error(errors::kErrHelloProtoNotInteger);
      return false;
    }
    if (*v < 2 || *v > 3) {
      ctx.reply.Error(errors::kErrNoProto);
      return false;
    }
    opt->version = *v;
  }
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t more = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "AUTH") && more >= 2) {
      opt->has_auth = true;
      opt->user = args[j + 1];
      opt->pass = args[j + 2];
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "SETNAME") && more >= 1) {
      opt->has_name = true;
      opt->name = args[++j];
    } else {
      ctx.reply.Error("ERR Syntax error in HELLO option '" + std::string(args[j]) + "'");
      return false;
    }
  }
  return true;
}

void CmdHello(CommandContext& ctx, ArgList args) {
  HelloOptions opt;
  if (!ParseHello(ctx, args, &opt)) return;
  // Order as in helloCommand: authenticate, then require authentication, then SETNAME.
  if (opt.has_auth) {
    if (!CheckUser(ctx.shard, opt.user, opt.pass)) {
      ctx.reply.Error(errors::kErrWrongPass);
      return;
    }
    ctx.client.SetAuthenticated(true);
  }
  if (!ctx.client.authenticated()) {
    ctx.reply.Error(errors::kErrHelloNoAuth);
    return;
  }
  if (opt.has_name) {
    if (!ValidClientAttr(opt.name)) {
      ctx.reply.Error(errors::kErrClientName);
      return;
    }
    ctx.client.name = std::string(opt.name);
  }
  // Redis sets c->resp before writing the reply, so "HELLO 3" is itself answered in RESP3.
  if (opt.version != 0) {
    ctx.client.SetProtocol(static_cast<int>(opt.version));
    ctx.reply.SetProtocol(ctx.client.resp_version());
  }
  // RESP2 *14 / RESP3 %7. proto and id must be integers (Lettuce casts id to Long; Jedis 8 and
  // redis-py check proto).
  ctx.reply.Map(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  // Clients gate features on it (option redis-version, README "Reported version"); locknode's
  // own version is INFO's locknode_version.
  ctx.reply.Bulk(ctx.shard.config().redis_version);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(ctx.client.resp_version());
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.id));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk("standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("modules");
  ctx.reply.Array(0);
}

void CmdQuit(CommandContext& ctx, ArgList /*args*/) {
  // Redis 7.0 quitCommand: +OK, then CLIENT_CLOSE_AFTER_REPLY (extra arguments are ignored).
  ctx.reply.Ok();
  ctx.client.RequestClose();
}

void CmdReset(CommandContext& ctx, ArgList /*args*/) {
  // clearClientConnectionState: back to RESP2, name dropped, and the default user re-applied,
  // which leaves the connection authenticated only if no password is required. lib-name and
  // lib-ver survive, as in Redis 7.2.
  ctx.client.SetProtocol(2);
  ctx.reply.SetProtocol(2);
  ctx.client.name.clear();
  ctx.client.SetAuthenticated(ctx.shard.config().requirepass.empty());
  ctx.shard.pubsub().RemoveClient(ctx.client);  // silently, out of subscribed mode
  ctx.shard.transactions().End(ctx.client);     // discardTransaction: queue and watches go
  ctx.shard.monitors().Remove(ctx.client);      // out of MONITOR mode
  ctx.reply.Simple("RESET");
}

}  // namespace

void RegisterConnectionCommands(CommandTable& table) {
  constexpr uint32_t kConn = kNoScript | kLoading | kFast | kNoAuth;  // Redis: no_auth, allow_busy
  table.Add({"ping",
             -1,
             kFast | kPubSubOk,
             0,
             0,
             0,
             CmdPing,
             {},
             "Ping the server",
             "[message]",
             "connection"});
  table.Add({"echo",
             2,
             kFast | kLoading,
             0,
             0,
             0,
             CmdEcho,
             {},
             "Echo the given string",
             "message",
             "connection"});
  table.Add({"hello",
             -1,
             kConn,
             0,
             0,
             0,
             CmdHello,
             {},
             "Handshake with Redis",
             "[protover [AUTH username password] [SETNAME clientname]]",
             "connection"});
  table.Add({"auth",
             -2,
             kConn,
             0,
             0,
             0,
             CmdAuth,
             {},
             "Authenticate to the server",
             "[username] password",
             "connection"});
  table.Add({"select",
             2,
             kFast | kLoading,
             0,
             0,
             0,
             CmdSelect,
             {},
             "Change the selected database for the current connection",
             "index",
             "connection"});
  // QUIT and RESET run at once even while a transaction is queued, and in a subscribed session.
  constexpr uint32_t kSession = kConn | kPubSubOk | kNotQueued;
  table.Add({"quit", -1, kSession, 0, 0, 0, CmdQuit, {}, "Close the connection", "", "connection"});
  table.Add(
      {"reset", 1, kSession, 0, 0, 0, CmdReset, {}, "Reset the connection", "", "connection"});
  table.Add({"client", -2, 0, 0, 0, 0, nullptr, ClientSubcommands(),
             "A container for client connection commands", "", "connection"});
}

}  // namespace locknode::command
