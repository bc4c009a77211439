#pragma once

// One node process in a unit test: its own config, a shard and a dispatcher over a shared clock.
// A "restart" is a new Node on the same lease file and clock. Replies are the exact RESP bytes.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/command/dispatcher.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

namespace locknode::command {

struct Node {
  Node(Config c, const Clock& clock)
      : config(std::move(c)), shard(config, clock, nullptr), dispatcher(shard), writer(&out) {}
  std::string Run(std::vector<std::string_view> args) {
    out.Clear();
    dispatcher.Execute(ArgList(args.data(), args.size()), client, writer);
    return std::string(out.view());
  }
  std::string RunStrings(const std::vector<std::string>& args) {
    return Run(std::vector<std::string_view>(args.begin(), args.end()));
  }

  Config config;  // the shard keeps a reference; lua-fast-path and maxmemory are read per call
  Shard shard;
  Dispatcher dispatcher;
  ClientState client;
  protocol::OutBuffer out;
  protocol::RespWriter writer;
};

}  // namespace locknode::command
