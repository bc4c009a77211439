#include "client_list.h"

#include "locknode/base/strings.h"

namespace locknode::command {
namespace {

void Field(std::string* out, std::string_view key, std::string_view value) {
  out->append(key);
  out->push_back('=');
  out->append(value);
  out->push_back(' ');
}

void Field(std::string* out, std::string_view key, int64_t value) {
  Field(out, key, IntText(value).view);
}

}  // namespace

void AppendClientInfo(const ClientState& client, Millis now, std::string* out) {
  Field(out, "id", static_cast<int64_t>(client.id));
  Field(out, "addr", client.peer);
  Field(out, "laddr", client.local);
  Field(out, "fd", client.fd);
  Field(out, "name", client.name);
  Field(out, "age", (now - client.created_ms) / 1000);
  Field(out, "idle", (now - client.last_interaction_ms) / 1000);
  // Redis 7.2 catClientInfoString order, for the flags locknode has: O (monitor), b (blocked),
  // T (no-touch).
  char flags[4];
  size_t n = 0;
  if (client.monitor) flags[n++] = 'O';
  if (client.mode() == SessionMode::kBlocked) flags[n++] = 'b';  // Redis CLIENT_BLOCKED
  if (client.no_touch) flags[n++] = 'T';
  if (n == 0) flags[n++] = 'N';
  Field(out, "flags", std::string_view(flags, n));
  Field(out, "db", 0);
  Field(out, "sub", 0);
  Field(out, "psub", 0);
  Field(out, "ssub", 0);
  Field(out, "multi", -1);
  Field(out, "watch", 0);
  Field(out, "qbuf", client.qbuf);
  Field(out, "qbuf-free", client.qbuf_free);
  Field(out, "argv-mem", 0);
  Field(out, "multi-mem", 0);
  Field(out, "rbs", 0);
  Field(out, "rbp", 0);
  Field(out, "obl", 0);
  Field(out, "oll", 0);
  Field(out, "omem", client.omem);
  Field(out, "tot-mem", client.tot_mem);
  Field(out, "events", "r");
  const std::string_view cmd = client.last_command.empty() ? std::string_view("NULL")
                                                           : std::string_view(client.last_command);
  Field(out, "cmd", cmd);
  Field(out, "user", "default");
  Field(out, "redir", -1);
  Field(out, "resp", client.resp_version());
  Field(out, "lib-name", client.lib_name);
  out->append("lib-ver=");
  out->append(client.lib_ver);
  out->push_back('\n');
}

}  // namespace locknode::command
