#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/command/client_state.h"
#include "locknode/command/command_table.h"

namespace locknode::command {

// The clients in MONITOR mode (Redis server.monitors). The funnel asks empty() once per command,
// so nobody monitoring costs one load and a predicted branch; only with monitors is a line built.
// Each line reaches a monitor through its session's PushSink/PushWritten, so its output limit
// (the normal class: a monitor is a normal client in Redis's getClientType) closes a monitor
// that does not read instead of buffering without bound.
class Monitors {
 public:
  bool empty() const { return clients_.empty(); }
  size_t size() const { return clients_.size(); }
  void Add(ClientState& client);
  // Also clears the client's monitor flag. No-op for a client that does not monitor.
  void Remove(ClientState& client);

  // Sends `args` as Redis replicationFeedMonitors does: +<sec>.<usec> [0 <addr>] "arg" ...
  // `from` null: the command came from a script ("lua" in place of the address).
  void Feed(const ClientState* from, ArgList args, int64_t wall_us);

  // Redis sdscatrepr: the argument quoted, with \\ \" \n \r \t \a \b and \xNN escapes.
  static void AppendRepr(std::string* out, std::string_view arg);

 private:
  std::vector<ClientState*> clients_;
  std::string line_;  // reused: built once per command for every monitor
};

}  // namespace locknode::command
