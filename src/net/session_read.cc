// Session read path: socket bytes -> ReadBuffer -> RequestParser -> Dispatcher (GUIDE §2.4).
#include <algorithm>
#include <string>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <spdlog/spdlog.h>

#include "locknode/base/dcheck.h"
#include "locknode/net/session.h"

namespace locknode::net {

namespace asio = boost::asio;
using boost::system::error_code;
using Status = protocol::RequestParser::Status;

namespace {
// Smallest read worth issuing; below it the buffer is compacted or grown first.
constexpr size_t kMinRead = 4096;
}  // namespace

size_t Session::ReadWant() const {
  // A big bulk announces its size: make room for all of it so it arrives in few reads.
  return std::max(parser_.size_hint(), kMinRead);
}

void Session::StartRead() {
  // A session holding a paused request reads nothing more until it ran: a read may move the
  // buffer under argv_.
  if (reading_ || paused_ || held_bytes_ != 0 || closing_ || closed_) return;
  if (!transport_.is_tls() && rbuf_.Release()) {
    // Nothing of a request is buffered: wait without a buffer (AcquireReadSpace takes one).
    reading_ = true;
    transport_.AsyncReadLazy(
        this, [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
    return;
  }
  const size_t limit = static_cast<size_t>(ctx_.config.client_query_buffer_limit);
  if (!rbuf_.Reserve(ReadWant(), std::max(limit, kInitialReadBuffer))) {
    CloseForLimit(ClientLimit::kQueryBuffer);  // counted and logged like FinishBatch's check
    return;
  }
  reading_ = true;
  const std::span<char> space = rbuf_.free_space();
  transport_.AsyncReadSome(
      asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
}

asio::mutable_buffer Session::AcquireReadSpace() {
  // The buffer is empty (StartRead released it), so this cannot fail on the query limit,
  // which is never below kInitialReadBuffer.
  const size_t limit = static_cast<size_t>(ctx_.config.client_query_buffer_limit);
  rbuf_.Reserve(ReadWant(), std::max(limit, kInitialReadBuffer));
  const std::span<char> space = rbuf_.free_space();
  return asio::buffer(space.data(), space.size());
}

void Session::OnRead(const error_code& ec, size_t n) {
  reading_ = false;
  if (closed_ || closing_) return;
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    // A TLS peer that closes without close_notify shows up as stream_truncated: same thing.
    const bool closed_by_peer = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    Close(closed_by_peer ? std::string("client closed") : ec.message());
    return;
  }
  rbuf_.Commit(n);
  client_.last_interaction_ms = ctx_.clock.NowMs();
  ProcessBatch();
}

// Runs the batch, then compacts the buffer and writes. Always entered with no read in flight,
// so the buffer cannot move underneath the argument views or the read.
void Session::ProcessBatch() {
  LOCKNODE_DCHECK(!reading_);
  RunRequests();
  if (!closed_) FinishBatch();
}

void Session::RunRequests() {
  while (!closing_ && !pause_parked_ && !OverHighWater() &&
         client_.mode() != command::SessionMode::kBlocked) {
    size_t consumed = held_bytes_;  // a request CLIENT PAUSE held: argv_ has it already
    if (consumed == 0) {
      const std::span<char> data = rbuf_.unparsed();
      const Status status = parser_.Parse(data, &consumed);
      if (status != Status::kComplete) {
        if (status == Status::kError) {
          OnProtocolError();
        } else {
          rbuf_.Consume(consumed);  // empty lines and *0 that Redis skips
          // What is left is the start of a request: its deadline runs from the read that
          // brought it.
          if (rbuf_.unparsed_size() == 0) {
            request_deadline_.Clear();
          } else {
            request_deadline_.MarkPartial(client_.last_interaction_ms);
          }
        }
        break;
      }
      if (parser_.args().empty()) {
        rbuf_.Consume(consumed);
        continue;
      }
      BuildArgv(data);
    }
    request_deadline_.Clear();
    held_bytes_ = consumed;
    if (ctx_.pause.active() && HeldByPause()) break;  // one load when nobody paused
    held_bytes_ = 0;
    Dispatch();
    rbuf_.Consume(consumed);
    // Checked per reply, as Redis does on every addReply: one huge reply (MGET of big values)
    // closes the client before the next request adds more.
    if (output_limit_.Exceeded(OutputBytes(), client_.last_interaction_ms, output_limits())) {
      CloseForLimit(ClientLimit::kOutputBuffer);
      return;
    }
  }
}

void Session::BuildArgv(std::span<char> request) {
  argv_.clear();
  for (const protocol::ArgRef& arg : parser_.args()) {
    argv_.emplace_back(request.data() + arg.offset, arg.length);
  }
}

void Session::Dispatch() {
  // What the command changes of the session (protocol, limits, close, mode) arrives through
  // the SessionSignals calls (session_state.cc) while it runs.
  dispatching_ = true;
  ctx_.dispatcher.Execute(command::ArgList(argv_.data(), argv_.size()), client_, writer_);
  dispatching_ = false;
}

void Session::OnProtocolError() {
  const std::string_view error = parser_.error();
  if (ctx_.logs.protocol_error.Allow(ctx_.clock.NowMs())) {
    spdlog::debug("client {} ({}): {}", client_.id, client_.peer, error);
  }
  // Redis replies "-ERR Protocol error: ..." and closes after the reply (CLOSE_AFTER_REPLY).
  if (error.starts_with("ERR ")) {
    writer_.Error(error);
  } else {
    writer_.Error(std::string("ERR ").append(error));  // rare path: one allocation is fine
  }
  closing_ = true;
}

void Session::FinishBatch() {
  if (held_bytes_ == 0) rbuf_.Compact(kInitialReadBuffer);  // a held request's argv_ points in
  ctx_.expiry.Sync();
  StartWrite();
  if (closing_) {
    if (!writing_) Close("close after reply");  // else OnWrite closes once flushed
    return;
  }
  paused_ = OverHighWater();
  if (paused_) return;  // a write is in flight; OnWrite resumes parsing
  const auto limit = static_cast<size_t>(ctx_.config.client_query_buffer_limit);
  // A transaction being queued is request bytes held for the client too: it counts against the
  // same limit (stricter than Redis, which bounds it only by maxmemory-clients), so MULTI cannot
  // park unbounded memory on a lock node.
  const size_t queued =
      client_.mode() == command::SessionMode::kQueuing ? ctx_.dispatcher.ClientMemory(client_) : 0;
  if (rbuf_.unparsed_size() + queued >= limit) {
    // Redis closes such a client without a reply (client-query-buffer-limit).
    CloseForLimit(ClientLimit::kQueryBuffer);
    return;
  }
  StartRead();
}

}  // namespace locknode::net
