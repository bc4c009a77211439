// MONITOR (Redis 7.0 monitorCommand and replicationFeedMonitors) and the funnel's feed.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/command/families.h"
#include "locknode/command/monitors.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/reply_sink.h"

#include "command/funnel.h"

namespace locknode::command {

void Monitors::Add(ClientState& client) {
  client.monitor = true;
  clients_.push_back(&client);
}

void Monitors::Remove(ClientState& client) {
  if (!client.monitor) return;
  client.monitor = false;
  clients_.erase(std::remove(clients_.begin(), clients_.end(), &client), clients_.end());
}

void Monitors::AppendRepr(std::string* out, std::string_view arg) {
  out->push_back('"');
  for (const char c : arg) {
    switch (c) {
      case '\\':
      case '"':
        out->push_back('\\');
        out->push_back(c);
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\a':
        out->append("\\a");
        break;
      case '\b':
        out->append("\\b");
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {  // isprint in the C locale
          out->push_back(c);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
          out->append(hex, 4);
        }
    }
  }
  out->push_back('"');
}

void Monitors::Feed(const ClientState* from, ArgList args, int64_t wall_us) {
  line_.clear();
  char stamp[48];
  const int n = std::snprintf(stamp, sizeof stamp, "%" PRId64 ".%06" PRId64 " [0 ",
                              wall_us / 1000000, wall_us % 1000000);
  line_.append(stamp, static_cast<size_t>(n));
  line_.append(from == nullptr ? std::string_view("lua") : std::string_view(from->peer));
  line_.append("] ");
  for (size_t i = 0; i < args.size(); ++i) {
    if (i != 0) line_.push_back(' ');
    AppendRepr(&line_, args[i]);
  }
  // A monitor closed for its output limit is removed by ClientClosed later, never here.
  for (ClientState* monitor : clients_) {
    if (!monitor->can_push()) continue;
    monitor->PushSink().Simple(line_);
    monitor->PushWritten();
  }
}

namespace {

constexpr std::string_view kRedacted = "(redacted)";

// Redis redactClientCommandArgument: AUTH's credentials and HELLO's AUTH pair are shown as
// "(redacted)". AUTH with too many arguments is redacted whole (Redis would show it).
[[gnu::noinline]] void FeedRedacted(Monitors& monitors, const ClientState* from, ArgList args,
                                    int64_t wall_us, bool hello) {
  std::vector<std::string_view> shown(args.begin(), args.end());
  if (!hello) {
    for (size_t i = 1; i < shown.size(); ++i) shown[i] = kRedacted;
  } else {
    // Redis helloCommand's option walk: AUTH takes two values, SETNAME one.
    for (size_t j = 2; j < shown.size(); ++j) {
      const size_t more = shown.size() - 1 - j;
      if (EqualsIgnoreCase(shown[j], "auth") && more >= 2) {
        shown[j + 1] = kRedacted;
        shown[j + 2] = kRedacted;
        j += 2;
      } else if (EqualsIgnoreCase(shown[j], "setname") && more >= 1) {
        ++j;
      } else {
        break;
      }
    }
  }
  monitors.Feed(from, ArgList(shown.data(), shown.size()), wall_us);
}

}  // namespace

// Redis call(): every command that reached its handler, except admin commands (CONFIG, CLIENT
// KILL, MONITOR...) and those Redis flags skip_monitor (EVAL and friends feed themselves before
// the script runs, so its commands follow them; see FeedsBefore).
void FeedMonitors(Shard& shard, const CommandSpec& cmd, ArgList args, const Caller& caller) {
  if ((cmd.flags & kAdmin) != 0) return;
  const ClientState* from = caller.origin == Origin::kScript ? nullptr : &caller.client;
  const std::string_view name = cmd.name;
  if (name == "auth" || (name == "hello" && args.size() > 2)) {
    FeedRedacted(shard.monitors(), from, args, caller.wall_us, name == "hello");
    return;
  }
  shard.monitors().Feed(from, args, caller.wall_us);
}

bool FeedsBefore(const CommandSpec& cmd) {
  const std::string_view name = cmd.name;
  return name == "eval" || name == "evalsha" || name == "eval_ro" || name == "evalsha_ro" ||
         name == "fcall" || name == "fcall_ro";
}

namespace {

void CmdMonitor(CommandContext& ctx, ArgList /*args*/) {
  // Redis: a client already monitoring gets no reply at all.
  if (ctx.client.monitor) return;
  // A client nothing can be sent to (unit tests, the dispatch fuzzer) is not registered.
  if (ctx.client.can_push()) ctx.shard.monitors().Add(ctx.client);
  ctx.reply.Ok();
}

}  // namespace

void RegisterMonitorCommands(CommandTable& table) {
  table.Add({"monitor",
             1,
             kAdmin | kNoScript | kLoading,
             0,
             0,
             0,
             CmdMonitor,
             {},
             "Listen for all requests received by the server in real time",
             "",
             "server"});
}

}  // namespace locknode::command
