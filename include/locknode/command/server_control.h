#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "locknode/base/millis.h"
#include "locknode/command/client_state.h"

namespace locknode::command {

// What commands need from the server around them, implemented by net (dependency inversion:
// command never includes net). INFO counts clients, CLIENT LIST walks them, SHUTDOWN stops the
// loop.
class ServerControl {
 public:
  virtual ~ServerControl() = default;
  virtual size_t ClientCount() const = 0;
  virtual void ForEachClient(const std::function<void(const ClientState&)>& fn) const = 0;
  virtual void RequestShutdown() = 0;
  virtual int BoundPort() const = 0;
  // The TLS port actually bound (tls-port may be 0 with tls-port-file); 0 when TLS is off.
  virtual int BoundTlsPort() const { return 0; }
  // CLIENT KILL: closes another client now, dropping its queued output (Redis freeClient); its
  // subscriptions, transaction and MONITOR go with it. Unknown ids are ignored.
  virtual void KillClient(uint64_t /*id*/) {}
  // CLIENT PAUSE (Redis pauseClientsByClient): until `end` (monotonic ms) hold every command
  // (`all`) or those that write; a later end and ALL win over what is already in force.
  virtual void PauseClients(Millis /*end*/, bool /*all*/) {}
  // CLIENT UNPAUSE: held clients run their commands again.
  virtual void UnpauseClients() {}
};

}  // namespace locknode::command
