#include "locknode/command/dispatcher.h"

#include "locknode/base/dcheck.h"
#include "locknode/base/strings.h"
#include "locknode/protocol/errors.h"

#include "command/reply_text.h"
#include "command/write_admission.h"

namespace locknode::command {
namespace {

// Redis commandCheckExistence prints the name with "%.128s" and stops adding arguments once
// their text reaches 128 characters.
constexpr size_t kErrNameMax = 128;
constexpr size_t kErrArgsMax = 128;

// A subcommand row may be named "setname" or "client|setname"; lookups match the part after
// the '|', errors and CLIENT LIST print "<container>|<sub>".
std::string_view ShortName(std::string_view name) {
  const size_t bar = name.find('|');
  return bar == std::string_view::npos ? name : name.substr(bar + 1);
}

const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view name) {
  for (const CommandSpec& sub : container.subcommands) {
    if (EqualsIgnoreCase(ShortName(sub.name), name)) return &sub;
  }
  return nullptr;
}

// Redis full name: "get", or "client|setname" for a subcommand.
template <size_t N>
void AppendFullName(FixedText<N>& text, const CommandSpec& container, const CommandSpec& cmd) {
  if (&cmd == &container) {
    text.Append(cmd.name);
  } else {
    text.Append(container.name).Append("|").Append(ShortName(cmd.name));
  }
}

// "ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' " -- note the trailing space,
// and that each argument is cut so the list stops right after passing 128 characters (Redis
// 7.0 server.c commandCheckExistence: "'%.*s' " with 128 - sdslen(args)).
void ReplyUnknownCommand(ArgList args, protocol::ReplySink& reply) {
  FixedText<512> text;
  text.Append("ERR unknown command '")
      .AppendMapped(CStringPrefix(args[0]).substr(0, kErrNameMax))
      .Append("', with args beginning with: ");
  size_t args_len = 0;
  for (size_t i = 1; i < args.size() && args_len < kErrArgsMax; ++i) {
    const std::string_view arg = CStringPrefix(args[i]).substr(0, kErrArgsMax - args_len);
    text.Append("'").AppendMapped(arg).Append("' ");
    args_len += arg.size() + 3;
  }
  reply.Error(text.view());
}

// "ERR unknown subcommand 'foo'. Try CLIENT HELP." (container name upper-cased).
void ReplyUnknownSubcommand(std::string_view container, std::string_view sub,
                            protocol::ReplySink& reply) {
  char upper[64];
  size_t n = 0;
  for (; n < container.size() && n < sizeof(upper); ++n) {
    const char c = container[n];
    upper[n] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  FixedText<256> text;
  text.Append("ERR unknown subcommand '")
      .AppendMapped(CStringPrefix(sub).substr(0, kErrNameMax))
      .Append("'. Try ")
      .Append({upper, n})
      .Append(" HELP.");
  reply.Error(text.view());
}

void ReplyWrongArity(const CommandSpec& container, const CommandSpec& cmd,
                     protocol::ReplySink& reply) {
  FixedText<160> text;
  text.Append("ERR wrong number of arguments for '");
  AppendFullName(text, container, cmd);
  text.Append("' command");
  reply.Error(text.view());
}

// Redis commandCheckArity: N means exactly N arguments, -N at least N (name included).
bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

// Short names fit the string's inline buffer (or reuse its capacity), so this does not allocate.
void SetLastCommand(ClientState& client, const CommandSpec& container, const CommandSpec& cmd) {
  client.last_command.assign(container.name);
  if (&cmd != &container) client.last_command.append("|").append(ShortName(cmd.name));
}

}  // namespace

// Redis processCommand order: existence, then arity, then authentication, then the write
// refusals (OOM, restart quarantine); only then the command runs and counts (rejected commands do not add to total_commands_processed).
void Dispatcher::Execute(ArgList args, ClientState& client, protocol::ReplySink& reply) {
  LOCKNODE_DCHECK(!args.empty());
  const CommandSpec* container = shard_.table().Find(args[0]);
  if (container == nullptr) {
    client.last_command.clear();  // Redis: c->lastcmd = NULL (CLIENT LIST shows cmd=NULL)
    ReplyUnknownCommand(args, reply);
    return;
  }
  // Redis lookupCommandLogic: a container called with no subcommand is the container itself
  // (its own arity decides: bare CLIENT is an arity error, bare COMMAND runs).
  const CommandSpec* cmd = container;
  if (!container->subcommands.empty() && args.size() > 1) {
    cmd = FindSubcommand(*container, args[1]);
    if (cmd == nullptr) {
      client.last_command.clear();
      ReplyUnknownSubcommand(container->name, args[1], reply);
      return;
    }
  }
  // Redis sets c->lastcmd at lookup, so rejected-for-arity/auth commands still show in CLIENT LIST.
  SetLastCommand(client, *container, *cmd);
  if (!ArityOk(cmd->arity, args.size())) {
    ReplyWrongArity(*container, *cmd, reply);
    return;
  }
  if (!client.authenticated && (cmd->flags & kNoAuth) == 0) {
    reply.Error(protocol::kErrNoAuth);
    return;
  }
  LOCKNODE_DCHECK(cmd->handler != nullptr);
  // One time snapshot per command (Redis commandTimeSnapshot): a key cannot expire halfway
  // through it, and PXAT conversions use the same instant as the lazy-expiry checks.
  const Clock& clock = shard_.clock();
  CommandContext ctx{shard_, client, reply, clock.NowMs(), clock.WallUs()};
  if (!AdmitWrite(shard_, *cmd, ctx.now, reply)) return;
  ++shard_.stats().commands_processed;
  cmd->handler(ctx, args);
}

}  // namespace locknode::command
