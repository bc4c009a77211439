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

void Session::StartRead() {
  if (reading_ || paused_ || closing_ || closed_) return;
  const size_t limit = static_cast<size_t>(ctx_.config.client_query_buffer_limit);
  // A big bulk announces its size: make room for all of it so it arrives in few reads.
  const size_t want = std::max(parser_.size_hint(), kMinRead);
  if (!rbuf_.Reserve(want, std::max(limit, kInitialReadBuffer))) {
    CloseForLimit(ClientLimit::kQueryBuffer);  // counted and logged like FinishBatch's check
    return;
  }
  reading_ = true;
  const std::span<char> space = rbuf_.free_space();
  transport_.AsyncReadSome(
      asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
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
  while (!closing_ && !OverHighWater() && client_.mode() != command::SessionMode::kBlocked) {
    const std::span<char> data = rbuf_.unparsed();
    size_t consumed = 0;
    const Status status = parser_.Parse(data, &consumed);
    if (status == Status::kNeedMore) {
      rbuf_.Consume(consumed);  // empty lines and *0 that Redis skips
      // What is left is the start of a request: its deadline runs from the read that brought it.
      if (rbuf_.unparsed_size() == 0) {
        request_deadline_.Clear();
      } else {
        request_deadline_.MarkPartial(client_.last_interaction_ms);
      }
      break;
    }
    if (status == Status::kError) {
      OnProtocolError();
      break;
    }
    request_deadline_.Clear();
    Dispatch(data);
    rbuf_.Consume(consumed);
    // Checked per reply, as Redis does on every addReply: one huge reply (MGET of big values)
    // closes the client before the next request adds more.
    if (output_limit_.Exceeded(OutputBytes(), client_.last_interaction_ms, output_limits())) {
      CloseForLimit(ClientLimit::kOutputBuffer);
      return;
    }
  }
}

void Session::Dispatch(std::span<char> request) {
  const std::span<const protocol::ArgRef> args = parser_.args();
  if (args.empty()) return;
  argv_.clear();
  for (const protocol::ArgRef& arg : args) {
    argv_.emplace_back(request.data() + arg.offset, arg.length);
  }
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
  rbuf_.Compact(kInitialReadBuffer);
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
