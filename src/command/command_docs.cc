// COMMAND, COMMAND COUNT|LIST|INFO|DOCS|HELP, built from the CommandSpec rows. Interactive
// redis-cli sends COMMAND DOCS at start-up and builds its help and argument hints from it
// (redis-cli.c cliInitHelp / cliInitCommandHelpEntry / cliAddArgument), so the shape follows
// Redis 7.0's reply exactly: name -> map{summary, group, arguments?, subcommands?}, arguments as
// maps {name, type, token?, flags?, arguments?}, flags as *simple* strings (redis-cli asserts
// REDIS_REPLY_STATUS), subcommands keyed "container|sub" (redis-cli splits on the '|').

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/command_table.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/errors.h"
#include "locknode/protocol/reply_sink.h"

#include "command/help_reply.h"
#include "command_hints.h"
#include "glob_match.h"
#include "server_family.h"

namespace locknode::command {
namespace {

using protocol::ReplySink;

// "client|setname" for a subcommand row named "setname" or "client|setname".
std::string FullName(const CommandSpec* container, const CommandSpec& spec) {
  if (container == nullptr || spec.name.find('|') != std::string_view::npos) {
    return std::string(spec.name);
  }
  return std::string(container->name) + "|" + std::string(spec.name);
}

// "client|setname" or "get" -> the row, or nullptr (Redis lookupCommandBySds).
const CommandSpec* LookupByFullName(const CommandTable& table, std::string_view name) {
  const size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* container = table.Find(name.substr(0, bar));
  if (container == nullptr) return nullptr;
  return CommandTable::FindSubcommand(*container, name.substr(bar + 1));
}

std::vector<std::string_view> FlagNames(uint32_t flags) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kWrite, "write"},       {kReadOnly, "readonly"}, {kDenyOom, "denyoom"}, {kAdmin, "admin"},
      {kNoScript, "noscript"}, {kBlocking, "blocking"}, {kLoading, "loading"}, {kFast, "fast"},
      {kNoAuth, "no_auth"},    {kNoMulti, "no_multi"},
  };
  std::vector<std::string_view> out;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) out.push_back(name);
  }
  return out;
}

// ACL categories as Redis derives them (acl.c setImplicitACLCategories) plus the group's.
std::vector<std::string> AclCategories(const CommandSpec& spec) {
  std::vector<std::string> out;
  if (spec.flags & kWrite) out.emplace_back("@write");
  if (spec.flags & kReadOnly) out.emplace_back("@read");
  if (spec.flags & kAdmin) {
    out.emplace_back("@admin");
    out.emplace_back("@dangerous");
  }
  out.emplace_back((spec.flags & kFast) ? "@fast" : "@slow");
  if (spec.group == "generic") {
    out.emplace_back("@keyspace");
  } else if (spec.group == "transactions") {
    out.emplace_back("@transaction");  // the docs' group is plural, the ACL category is not
  } else if (spec.group != "server") {
    // The group "sorted-set" is the category "@sortedset". Built by append, not "@" + string:
    // GCC 12's -Wrestrict false positive.
    std::string category(1, '@');
    for (const char c : spec.group) {
      if (c != '-') category += c;
    }
    out.push_back(std::move(category));
  }
  if (spec.flags & kBlocking) out.emplace_back("@blocking");  // acl.c: implied by the flag
  return out;
}

// One COMMAND INFO entry: the 10-element array of Redis 7.0 (name, arity, flags, first key,
// last key, step, ACL categories, tips, key specs, subcommands). Key specs are left empty;
// clients that route by key use first/last/step.
void ReplyInfo(ReplySink& r, const CommandSpec* container, const CommandSpec& spec) {
  r.Array(10);
  r.Bulk(FullName(container, spec));
  r.Integer(spec.arity);
  const std::vector<std::string_view> flags = FlagNames(spec.flags);
  r.Set(flags.size());
  for (std::string_view f : flags) r.Simple(f);
  r.Integer(spec.first_key);
  r.Integer(spec.last_key);
  r.Integer(spec.key_step);
  const std::vector<std::string> cats = AclCategories(spec);
  r.Set(cats.size());
  for (const std::string& c : cats) r.Simple(c);
  r.Set(0);  // tips
  r.Set(0);  // key specs
  r.Set(spec.subcommands.size());
  for (const CommandSpec& sub : spec.subcommands) ReplyInfo(r, &spec, sub);
}

void ReplyDocArg(ReplySink& r, const DocArg& a) {
  const bool has_flags = a.optional || a.multiple;
  r.Map(2 + (a.token.empty() ? 0 : 1) + (has_flags ? 1 : 0) + (a.children.empty() ? 0 : 1));
  r.Bulk("name");
  r.Bulk(a.name);
  r.Bulk("type");
  r.Bulk(a.type);
  if (!a.token.empty()) {
    r.Bulk("token");
    r.Bulk(a.token);
  }
  if (has_flags) {
    r.Bulk("flags");
    r.Set((a.optional ? 1 : 0) + (a.multiple ? 1 : 0));
    if (a.optional) r.Simple("optional");
    if (a.multiple) r.Simple("multiple");
  }
  if (!a.children.empty()) {
    r.Bulk("arguments");
    r.Array(a.children.size());
    for (const DocArg& child : a.children) ReplyDocArg(r, child);
  }
}

// summary and group are always present: redis-cli prints the summary and compares the group
// for "help @group" without a NULL check.
void ReplyDocs(ReplySink& r, const CommandSpec& spec) {
  const std::vector<DocArg> args = ParseArgumentHint(spec.arguments);
  r.Map(2 + (args.empty() ? 0 : 1) + (spec.subcommands.empty() ? 0 : 1));
  r.Bulk("summary");
  r.Bulk(spec.summary);
  r.Bulk("group");
  r.Bulk(spec.group);
  if (!args.empty()) {
    r.Bulk("arguments");
    r.Array(args.size());
    for (const DocArg& a : args) ReplyDocArg(r, a);
  }
  if (!spec.subcommands.empty()) {
    r.Bulk("subcommands");
    r.Map(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      r.Bulk(FullName(&spec, sub));
      ReplyDocs(r, sub);
    }
  }
}

// The container of `spec` if it is a subcommand row of some table row, else nullptr.
const CommandSpec* ContainerOf(const CommandTable& table, const CommandSpec* spec) {
  for (const CommandSpec& row : table.all()) {
    for (const CommandSpec& sub : row.subcommands) {
      if (&sub == spec) return &row;
    }
  }
  return nullptr;
}

void CmdCommandInfo(CommandContext& ctx, ArgList args) {
  const CommandTable& table = ctx.shard.table();
  if (args.size() == 2) return CmdCommand(ctx, args);  // no names: every command
  ctx.reply.Array(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    const CommandSpec* spec = LookupByFullName(table, args[i]);
    if (spec == nullptr) {
      ctx.reply.Null();  // Redis: a null entry per unknown name
    } else {
      ReplyInfo(ctx.reply, ContainerOf(table, spec), *spec);
    }
  }
}

void CmdCommandDocs(CommandContext& ctx, ArgList args) {
  const CommandTable& table = ctx.shard.table();
  std::vector<const CommandSpec*> found;
  if (args.size() == 2) {
    for (const CommandSpec& spec : table.all()) found.push_back(&spec);
  } else {
    for (size_t i = 2; i < args.size(); ++i) {  // unknown names are left out
      if (const CommandSpec* spec = LookupByFullName(table, args[i])) found.push_back(spec);
    }
  }
  ctx.reply.Map(found.size());
  for (const CommandSpec* spec : found) {
    const CommandSpec* container = ContainerOf(table, spec);
    ctx.reply.Bulk(FullName(container, *spec));
    ReplyDocs(ctx.reply, *spec);
  }
}

void CmdCommandCount(CommandContext& ctx, ArgList /*args*/) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.shard.table().all().size()));
}

// COMMAND LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p]: every command and subcommand name.
bool ListFilterMatches(ArgList args, const CommandSpec& spec, const std::string& full) {
  if (args.size() == 2) return true;
  if (EqualsIgnoreCase(args[3], "PATTERN")) return GlobMatch(args[4], full, /*nocase=*/true);
  if (EqualsIgnoreCase(args[3], "ACLCAT")) {
    for (const std::string& cat : AclCategories(spec)) {
      if (EqualsIgnoreCase(std::string_view(cat).substr(1), args[4])) return true;
    }
  }
  return false;  // MODULE: locknode has no modules
}

void CmdCommandList(CommandContext& ctx, ArgList args) {
  if (args.size() != 2 &&
      (args.size() != 5 || !EqualsIgnoreCase(args[2], "FILTERBY") ||
       !(EqualsIgnoreCase(args[3], "MODULE") || EqualsIgnoreCase(args[3], "ACLCAT") ||
         EqualsIgnoreCase(args[3], "PATTERN")))) {
    ctx.reply.Error(protocol::kErrSyntax);
    return;
  }
  std::vector<std::string> names;
  for (const CommandSpec& spec : ctx.shard.table().all()) {
    std::string full = FullName(nullptr, spec);
    if (ListFilterMatches(args, spec, full)) names.push_back(std::move(full));
    for (const CommandSpec& sub : spec.subcommands) {
      std::string sub_full = FullName(&spec, sub);
      if (ListFilterMatches(args, sub, sub_full)) names.push_back(std::move(sub_full));
    }
  }
  ctx.reply.Array(names.size());
  for (const std::string& n : names) ctx.reply.Bulk(n);
}

void CmdCommandHelp(CommandContext& ctx, ArgList /*args*/) {
  static constexpr std::string_view kLines[] = {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
  };
  ReplyHelp(ctx, "COMMAND", kLines);
}

constexpr CommandSpec kCommandSubcommands[] = {
    {"docs",
     -2,
     kLoading,
     0,
     0,
     0,
     CmdCommandDocs,
     {},
     "Get array of specific Redis command documentation",
     "[command-name [command-name ...]]",
     "server"},
    {"count",
     2,
     kLoading,
     0,
     0,
     0,
     CmdCommandCount,
     {},
     "Get total number of Redis commands",
     "",
     "server"},
    {"info",
     -2,
     kLoading,
     0,
     0,
     0,
     CmdCommandInfo,
     {},
     "Get array of specific Redis command details, or all when no argument is given",
     "[command-name [command-name ...]]",
     "server"},
    {"list",
     -2,
     kLoading,
     0,
     0,
     0,
     CmdCommandList,
     {},
     "Get an array of Redis command names",
     "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]",
     "server"},
    {"help",
     2,
     kLoading,
     0,
     0,
     0,
     CmdCommandHelp,
     {},
     "Show helpful text about the different subcommands",
     "",
     "server"},
};

}  // namespace

std::span<const CommandSpec> CommandSubcommands() { return kCommandSubcommands; }

// Bare COMMAND (the funnel resolves "COMMAND <sub>" to the subcommand rows above): every
// command's info, redis-cli's legacy fallback.
void CmdCommand(CommandContext& ctx, ArgList /*args*/) {
  const CommandTable& table = ctx.shard.table();
  ctx.reply.Array(table.all().size());
  for (const CommandSpec& spec : table.all()) ReplyInfo(ctx.reply, nullptr, spec);
}

}  // namespace locknode::command
