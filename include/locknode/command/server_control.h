#pragma once

#include <cstddef>
#include <functional>

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
};

}  // namespace locknode::command
