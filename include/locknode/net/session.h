#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "locknode/command/client_state.h"
#include "locknode/net/client_limits.h"
#include "locknode/net/client_pause.h"
#include "locknode/net/read_buffer.h"
#include "locknode/net/session_context.h"
#include "locknode/net/transport.h"
#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/request_parser.h"
#include "locknode/protocol/resp_writer.h"

namespace locknode::net {

// One client connection (Asio's http/server `connection` plus Beast's bounded pipelining).
//
// Read path (session_read.cc): bytes land in a contiguous ReadBuffer; every complete request
// in it is parsed in place and dispatched, its reply encoded into `pending_`. Between requests
// a plain-TCP session holds no read buffer: it waits with a lazy read and takes a pooled block
// only when bytes arrive, keeping one past the batch only for a partial request (an idle
// client costs its Session object and little else, as in Redis's shared query buffer). Write path
// (session_write.cc): once the batch is drained, ONE async_write hands all of `pending_` to
// the socket; while it is in flight new replies collect in the other buffer. If queued output
// passes kOutputHighWater, parsing and reading stop until the write completes (backpressure).
//
// TLS (accepted on the tls-port): Start() runs the server handshake first, bounded by
// tls-handshake-timeout, and only then starts reading; after that both kinds of session run
// the same code over their Transport.
//
// Commands change the session through command::SessionSignals (session_state.cc): HELLO the
// protocol, AUTH the parser limits, QUIT the close, MULTI/blocking commands the mode. A blocked
// session runs nothing more of its pipeline until it is woken; it keeps reading, so a peer that
// closes is seen (and bounded by the query-buffer limit).
//
// Lifetime: shared_ptr, held by the Server's registry while open and by every pending
// completion handler. Close() drops the registry's reference; the object dies when the last
// handler returns. All members are touched only on the io_context's single thread.
class Session final : public std::enable_shared_from_this<Session>,
                      private command::SessionSignals,
                      private ReadSpace,
                      private PausedClient {
 public:
  // Queued output (being written + collecting) above which the session stops parsing.
  static constexpr size_t kOutputHighWater = size_t{1024} * 1024;
  // Output buffer capacity kept across writes; a larger one is freed once written.
  static constexpr size_t kKeptOutputCapacity = size_t{4} * 1024;
  // Starting size of the read buffer (Redis PROTO_IOBUF_LEN is 16 KiB as well).
  static constexpr size_t kInitialReadBuffer = size_t{16} * 1024;

  // `tls` null: a plain TCP client; else the Server's TLS context. Both it and `context`
  // outlive the session.
  Session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
          const SessionContext& context, uint64_t id);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Fills the client state (peer, fd, times) and starts reading (after the TLS handshake).
  void Start();
  // Closes the socket now, without flushing, and unregisters. Idempotent. May destroy *this
  // when called from outside a completion handler: it must be the caller's last use.
  void Close(std::string_view reason);

  const command::ClientState& client() const { return client_; }

  // Limits (session_limits.cc). Queued output: replies collecting plus the write in flight,
  // which is held until the socket took all of it. Memory: every buffer's allocation.
  size_t OutputBytes() const { return pending_.size() + in_flight_.size(); }
  size_t MemoryUsage() const;
  // The once-a-second check (Redis clientsCron): which limit, if any, this client is over now.
  std::optional<ClientLimit> SweepCheck(Millis now);
  // Counts, logs (rate-limited) and closes, dropping queued output. Same caveat as Close().
  void CloseForLimit(ClientLimit limit);
  // Copies the buffer sizes into client() for CLIENT LIST.
  void RefreshBufferStats();

 private:
  // TLS handshake (session_tls.cc).
  void StartHandshake();
  void OnHandshake(const boost::system::error_code& ec);

  // Read path.
  void StartRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  // ReadSpace: a lazy read's bytes arrived; the buffer is taken (from the pool) only now.
  boost::asio::mutable_buffer AcquireReadSpace() override;
  // Room for the next read: at least kMinRead, all of a big bulk the parser announced.
  size_t ReadWant() const;
  void ProcessBatch();
  // Runs the complete requests in the buffer until the batch must stop (close, backpressure,
  // a blocked command, or no complete request left). Safe with a read in flight: it only parses
  // and consumes, never moves the buffer.
  void RunRequests();
  // After a blocked command was woken: runs the rest of the pipeline (session_state.cc).
  void Resume();
  // argv_ from the parser's offsets into `request`, then the command.
  void BuildArgv(std::span<char> request);
  void Dispatch();
  // CLIENT PAUSE holds the command in argv_ (session_pause.cc): parks the session, which stops
  // parsing and reading (argv_ points into the buffer, which must not move) until Unpaused().
  bool HeldByPause();
  void Unpaused() override;
  void OnProtocolError();
  void ApplyParserLimits();
  void FinishBatch();

  // command::SessionSignals: what a command changed, applied at once (nothing is polled).
  void ProtocolChanged(int resp_version) override;
  void AuthChanged(bool authenticated) override;
  void CloseAfterReply() override;
  void ModeChanged(command::SessionMode from, command::SessionMode to) override;
  protocol::ReplySink& PushSink() override;
  void PushWritten() override;
  void BlockDeadline(Millis deadline) override;
  // The client-output-buffer-limit class that applies now: pubsub while subscribed.
  const OutputLimits& output_limits() const {
    return client_.subscriptions() != 0 ? ctx_.pubsub_output_limits : ctx_.output_limits;
  }

  // Write path.
  void StartWrite();
  void OnWrite(const boost::system::error_code& ec);
  bool OverHighWater() const { return OutputBytes() > kOutputHighWater; }

  Transport transport_;
  const SessionContext& ctx_;
  command::ClientState client_;
  protocol::RequestParser parser_;
  ReadBuffer rbuf_;
  std::vector<std::string_view> argv_;  // reused: no allocation per request in steady state
  protocol::OutBuffer pending_;         // replies not yet handed to the socket
  protocol::OutBuffer in_flight_;       // the bytes of the async_write in progress
  protocol::RespWriter writer_;         // always encodes into pending_
  OutputLimitTracker output_limit_;
  RequestDeadline request_deadline_;  // client-request-timeout-ms
  // A blocking command's timeout (BLPOP k 0.5). The generation tells a wait that completed
  // after its block ended (woken with the handler already queued) from the current one.
  boost::asio::steady_timer block_timer_;
  uint64_t block_generation_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool paused_ = false;   // over the high-water mark: neither parsing nor reading
  bool closing_ = false;  // QUIT or protocol error: flush what is queued, then close
  bool closed_ = false;
  bool handshaking_ = false;    // TLS handshake in progress: the deadline timer may close
  bool dispatching_ = false;    // inside this session's own command: its batch will write
  bool push_overflow_ = false;  // a push hit the output limit: pushes are dropped, close posted
  bool pause_parked_ = false;   // CLIENT PAUSE holds the parsed request in argv_
  size_t held_bytes_ = 0;       // its length in the read buffer, consumed once it runs
};

}  // namespace locknode::net
