#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lockcli/node_conn.h"

// The Redlock algorithm as redis.io's "Distributed Locks with Redis" specifies it, for one lock
// name and one token: the nodes are tried one after the other with a per-node timeout that is
// small next to the TTL; the lock is held when a majority (N/2+1) granted it and
// validity = TTL - elapsed - drift is still positive, drift being the reference clients'
// TTL * 1% + 2 ms. A failed attempt releases every node (a grant whose reply was lost included).
namespace locknode::lockcli {

using Millis = std::chrono::milliseconds;

// What one round (acquire, extend or release) saw, node by node.
struct RoundResult {
  int ok = 0;       // granted / extended / deleted
  int refused = 0;  // answered, but no (held by another, not ours, or an error reply)
  int silent = 0;   // no answer: refused connection, timeout, closed
  Clock::time_point started{};
  Clock::time_point finished{};
  std::vector<std::string> notes;  // "host:port: why" for each node that did not say yes
};

// The end of the validity window of a round that started at `started` and ended at
// `finished`, or nullopt when it has no quorum of `ok` among `nodes` or no validity left.
std::optional<Clock::time_point> ValidityEnd(int ok, int nodes, Clock::time_point started,
                                             Clock::time_point finished, Millis ttl);
Millis DriftFor(Millis ttl);
// 20 bytes from the kernel's CSPRNG, hex-encoded: the lock's owner token.
std::string RandomToken();

class Redlock {
 public:
  Redlock(std::vector<std::unique_ptr<NodeConn>> nodes, std::string name, std::string token,
          Millis ttl, Millis node_timeout);

  // Connects to every node (outside any lock's timing); returns how many answered.
  int ConnectAll(Millis timeout, RoundResult* result);
  // One attempt: SET name token NX PX ttl on every node. The validity end on success; on
  // failure every node is released before returning.
  std::optional<Clock::time_point> TryAcquire(RoundResult* result);
  // The owner-checked extend script (PEXPIRE only if the value is still our token) on every
  // node; the new validity end if a quorum extended in time. No node is waited for past
  // `cutoff` (the current validity end: an answer after it could not save the lock).
  std::optional<Clock::time_point> Extend(Clock::time_point cutoff, RoundResult* result);
  // The owner-checked release script (DEL only if the value is still our token) on every node.
  void Release(RoundResult* result);

  int quorum() const { return static_cast<int>(nodes_.size()) / 2 + 1; }
  int size() const { return static_cast<int>(nodes_.size()); }
  const std::string& token() const { return token_; }

 private:
  // Runs argv on every node in order; `yes` says which replies count as ok.
  RoundResult Round(const std::vector<std::string>& argv, bool (*yes)(const Reply&),
                    Clock::time_point cutoff = Clock::time_point::max());

  std::vector<std::unique_ptr<NodeConn>> nodes_;
  std::string name_;
  std::string token_;
  Millis ttl_;
  Millis node_timeout_;
};

}  // namespace locknode::lockcli
