#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

// One connection to one lock node, used by a single thread. RESP is hiredis's: its command
// formatter and its reply reader (Debian bookworm's hiredis 0.14 has no TLS, so the bytes go
// through our own socket, or OpenSSL for --tls). Every operation has a deadline, so a paused or
// partitioned node costs at most the per-node timeout.
struct ssl_ctx_st;
struct ssl_st;
struct redisReader;

namespace locknode::lockcli {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

struct NodeAddress {
  std::string host;
  int port = 0;
  std::string Text() const { return host + ":" + std::to_string(port); }
};

// The parts of a reply the lock needs.
struct Reply {
  enum class Type { kStatus, kError, kInteger, kString, kNil, kOther };
  Type type = Type::kOther;
  long long integer = 0;
  std::string text;  // status, error or string
};

class NodeConn {
 public:
  // tls: a client context (not owned), or null for plain TCP. password: "" for none.
  NodeConn(NodeAddress address, ssl_ctx_st* tls, std::string password);
  ~NodeConn();
  NodeConn(const NodeConn&) = delete;
  NodeConn& operator=(const NodeConn&) = delete;

  // Connects (TCP, TLS handshake, AUTH) unless connected. False with error() on failure.
  bool Connect(Deadline deadline);
  // Sends one command and reads its reply, connecting first if needed. On failure or timeout
  // the connection is closed: a late reply must never be taken for the next request's.
  std::optional<Reply> Call(const std::vector<std::string>& argv, Deadline deadline);

  const NodeAddress& address() const { return address_; }
  const std::string& error() const { return error_; }

 private:
  bool ConnectTcp(Deadline deadline);
  bool Handshake(Deadline deadline);
  bool WriteAll(const std::string& bytes, Deadline deadline);
  std::optional<Reply> ReadReply(Deadline deadline);
  // Waits until fd_ is ready for `events` (POLLIN/POLLOUT); false (error_ set) on the deadline.
  bool WaitFd(short events, Deadline deadline);
  bool Fail(std::string why);  // records why, closes, returns false
  void Close();

  NodeAddress address_;
  ssl_ctx_st* tls_;
  std::string password_;
  int fd_ = -1;
  ssl_st* ssl_ = nullptr;
  redisReader* reader_ = nullptr;
  std::string error_;
};

}  // namespace locknode::lockcli
