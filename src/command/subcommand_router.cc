#include "subcommand_router.h"

#include <cstddef>
#include <string>

#include "locknode/base/strings.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {
namespace {

// Redis formats these errors with %.128s and then maps CR/LF to spaces (addReplyErrorFormat), so
// a client can never break the framing with a crafted subcommand name.
std::string Sanitized(std::string_view s, size_t max) {
  std::string out(s.substr(0, max));
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

std::string UpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

bool ArityOk(int arity, size_t argc) {
  if (arity >= 0) return argc == static_cast<size_t>(arity);
  return argc >= static_cast<size_t>(-arity);
}

}  // namespace

const CommandSpec* FindSubcommand(std::span<const CommandSpec> subcommands, std::string_view name) {
  for (const CommandSpec& spec : subcommands) {
    if (EqualsIgnoreCase(spec.name, name)) return &spec;
  }
  return nullptr;
}

void RunSubcommand(CommandContext& ctx, ArgList args, std::span<const CommandSpec> subcommands) {
  const CommandSpec* sub = args.size() >= 2 ? FindSubcommand(subcommands, args[1]) : nullptr;
  if (sub == nullptr) {
    const std::string_view given = args.size() >= 2 ? args[1] : std::string_view();
    ctx.reply.Error("ERR unknown subcommand '" + Sanitized(given, 128) + "'. Try " +
                    UpperAscii(Sanitized(args[0], 128)) + " HELP.");
    return;
  }
  if (!ArityOk(sub->arity, args.size())) {
    char lower[128];
    const std::string_view container = ToLowerAscii(args[0].substr(0, sizeof(lower)), lower);
    ctx.reply.Error("ERR wrong number of arguments for '" + std::string(container) + "|" +
                    std::string(sub->name) + "' command");
    return;
  }
  sub->handler(ctx, args);
}

void ReplyHelp(CommandContext& ctx, std::string_view container_upper,
               std::span<const std::string_view> lines) {
  ctx.reply.Array(lines.size() + 3);
  ctx.reply.Simple(std::string(container_upper) +
                   " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) ctx.reply.Simple(line);
  ctx.reply.Simple("HELP");
  ctx.reply.Simple("    Prints this help.");
}

}  // namespace locknode::command
