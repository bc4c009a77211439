#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "locknode/base/config.h"
#include "locknode/base/millis.h"

// The bookkeeping behind the per-client and all-client limits (SAFETY.md §5): pure data, `now`
// always a parameter, no Asio, so it is unit-tested without sockets or real time. Session and
// Server (client_sweep.cc) apply the verdicts. Single-threaded like everything in net.
namespace locknode::net {

// Why a client is being closed by a limit: selects the log line and the INFO counter.
enum class ClientLimit : uint8_t {
  kIdle,            // timeout: no byte for that many seconds (Redis semantics)
  kRequestTimeout,  // client-request-timeout-ms: a request started and never finished
  kQueryBuffer,     // client-query-buffer-limit
  kOutputBuffer,    // client-output-buffer-limit normal <hard> <soft> <seconds>
  kEvicted,         // maxmemory-clients: one of the biggest clients while over the total
};

// client-output-buffer-limit for one client class: "normal", or "pubsub" for a client with at
// least one subscription (Redis getClientType).
struct OutputLimits {
  size_t hard = 0;     // bytes; 0 = off
  size_t soft = 0;     // bytes; 0 = off
  Millis soft_ms = 0;  // how long the soft limit may be exceeded without a break
  static OutputLimits FromConfig(const Config& config);
  static OutputLimits PubSubFromConfig(const Config& config);
};

// Redis checkClientOutputBufferLimits for one client. Call it with the client's queued output
// whenever that may have grown, and at least once a second (the sweep). It returns true when the
// client must be closed: queued >= hard, or queued >= soft at every check for more than soft_ms
// since the first check that saw it there (one check below soft restarts the clock, as in Redis).
class OutputLimitTracker {
 public:
  bool Exceeded(size_t queued, Millis now, const OutputLimits& limits);

 private:
  Millis soft_since_ = -1;  // first check that saw queued >= soft; -1 while below
};

// When the request now arriving began. Redis's idle `timeout` restarts on every byte, so a
// client trickling one byte at a time (slowloris) survives it; this deadline runs from the first
// byte of an incomplete request and is reset only when a request completes.
class RequestDeadline {
 public:
  // A request was parsed completely (or the buffer holds no partial request).
  void Clear() { started_ = -1; }
  // The buffer ends with an incomplete request received by `now`; keeps the earliest time.
  void MarkPartial(Millis now) {
    if (started_ < 0) started_ = now;
  }
  // True when a partial request is older than `timeout_ms` (0 = never).
  bool Expired(Millis now, Millis timeout_ms) const {
    return timeout_ms > 0 && started_ >= 0 && now - started_ > timeout_ms;
  }

 private:
  Millis started_ = -1;
};

struct ClientMemory {
  uint64_t id = 0;
  size_t bytes = 0;  // query + output buffers allocated for the client
};

// Client eviction (Redis maxmemory-clients): the ids to close, biggest first (ties: the newer
// client, higher id, first), until what remains sums to at most `limit`. Empty when the total is
// already within the limit or `limit` is 0. O(n log n).
std::vector<uint64_t> PickClientsToEvict(std::vector<ClientMemory> clients, size_t limit);

}  // namespace locknode::net
