#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "locknode/command/server_control.h"

namespace locknode::command {

// A ServerControl for unit tests: a fixed list of clients, a port, and a flag for SHUTDOWN.
class FakeControl final : public ServerControl {
 public:
  size_t ClientCount() const override { return clients.size(); }
  void ForEachClient(const std::function<void(const ClientState&)>& fn) const override {
    for (const ClientState* c : clients) fn(*c);
  }
  void RequestShutdown() override { shutdown_requested = true; }
  int BoundPort() const override { return port; }

  std::vector<const ClientState*> clients;
  bool shutdown_requested = false;
  int port = 7777;
};

}  // namespace locknode::command
