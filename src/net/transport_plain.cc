// Transport's plain-TCP path: the Poller receives when epoll reports bytes and sends at the end
// of its pass (poller.h); this side keeps the handlers, the buffers and the epoll interest.
#include <cerrno>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "locknode/base/dcheck.h"
#include "locknode/net/transport.h"

namespace locknode::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Runs the handler in `slot` and empties the slot first, so the handler may start the next
// operation. Callers make this their last act: the handler may destroy the Transport.
void Complete(IoHandler& slot, const error_code& ec, size_t n) {
  IoHandler handler = slot.Take();
  handler(ec, n);
}

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }
// A result of the Poller's recv/send that means "nothing now, try when epoll says so".
bool Transient(ssize_t result) { return WouldBlock(static_cast<int>(-result)) || result == -EINTR; }

error_code SystemError(int err) { return error_code(err, asio::error::get_system_category()); }

}  // namespace

void Transport::StartPlainRead(asio::mutable_buffer buffer, IoHandler handler) {
  LOCKNODE_DCHECK(!read_handler_);
  read_buffer_ = buffer;
  read_handler_ = std::move(handler);
  if (fd_ < 0) {  // closed: complete later, as Asio would
    CompleteLater(read_handler_, asio::error::bad_descriptor);
    return;
  }
  UpdateInterest();  // usually a no-op: the previous read left EPOLLIN registered
}

void Transport::StartPlainWrite(asio::const_buffer buffer, IoHandler handler) {
  LOCKNODE_DCHECK(!write_handler_);
  write_buffer_ = buffer;
  written_ = 0;
  write_handler_ = std::move(handler);
  if (fd_ < 0 || buffer.size() == 0) {  // nothing will ever be sent: complete later
    CompleteLater(write_handler_, fd_ < 0 ? error_code(asio::error::bad_descriptor) : error_code());
    return;
  }
  if (!flush_queued_) {
    flush_queued_ = true;
    poller_.QueueFlush(this);
  }
}

asio::mutable_buffer Transport::OnReady(uint32_t events) {
  const bool failed = (events & (EPOLLERR | EPOLLHUP)) != 0;
  if (write_waiting_ && ((events & EPOLLOUT) != 0 || failed)) {
    // One completion per call (the handler may destroy *this). Level-triggered epoll reports
    // a waiting read again in the next pass.
    ContinueWrite();
    return {};
  }
  if (read_handler_ && ((events & EPOLLIN) != 0 || failed)) {
    if (read_space_ != nullptr)
      read_buffer_ = std::exchange(read_space_, nullptr)->AcquireReadSpace();
    LOCKNODE_DCHECK(read_buffer_.size() > 0);
    return read_buffer_;  // the Poller receives, batched, and calls OnReceived
  }
  // Ready for something nobody waits for any more (a paused or closing client): stop asking.
  UpdateInterest();
  if (failed && registered_ && interest_ == 0) {
    // epoll reports a hang-up even for no events: leave the set until a read asks again.
    poller_.Remove(fd_, this);
    registered_ = false;
  }
  return {};
}

void Transport::OnReceived(ssize_t result) {
  if (!read_handler_) return;
  if (Transient(result)) return;  // wait for the next report
  if (result > 0) {
    Complete(read_handler_, error_code(), static_cast<size_t>(result));
  } else if (result == 0) {
    Complete(read_handler_, asio::error::eof, 0);
  } else {
    Complete(read_handler_, SystemError(static_cast<int>(-result)), 0);
  }
}

asio::const_buffer Transport::Unsent() {
  flush_queued_ = false;
  if (!write_handler_ || write_waiting_) return {};
  return asio::buffer(write_buffer_ + written_);
}

void Transport::OnSent(ssize_t result) {
  if (!write_handler_) return;
  if (result > 0) written_ += static_cast<size_t>(result);
  if (written_ == write_buffer_.size()) {
    Complete(write_handler_, error_code(), written_);
  } else if (result >= 0 || Transient(result)) {
    ContinueWrite();  // a short send: the rest goes out as the reader makes room
  } else {
    Complete(write_handler_, SystemError(static_cast<int>(-result)), written_);
  }
}

void Transport::ContinueWrite() {
  const auto* data = static_cast<const char*>(write_buffer_.data());
  while (written_ < write_buffer_.size()) {
    const ssize_t n = ::send(fd_, data + written_, write_buffer_.size() - written_, MSG_NOSIGNAL);
    if (n >= 0) {
      written_ += static_cast<size_t>(n);
    } else if (errno == EINTR) {
      continue;
    } else if (WouldBlock(errno)) {
      // The client is not reading: go on when its window opens (backpressure, session.h).
      write_waiting_ = true;
      UpdateInterest();
      return;
    } else {
      write_waiting_ = false;
      Complete(write_handler_, SystemError(errno), written_);
      return;
    }
  }
  if (write_waiting_) {
    write_waiting_ = false;
    UpdateInterest();
  }
  Complete(write_handler_, error_code(), written_);
}

void Transport::UpdateInterest() {
  const uint32_t want = (read_handler_ ? EPOLLIN : 0u) | (write_waiting_ ? EPOLLOUT : 0u);
  if (registered_ && want == interest_) return;
  if (!registered_ && want == 0) return;
  const bool ok = registered_ ? poller_.Modify(fd_, this, want) : poller_.Add(fd_, this, want);
  if (!ok) {
    // Only on resource exhaustion (ENOMEM) or a closed descriptor: fail what waits, later.
    const error_code ec = SystemError(errno);
    CompleteLater(read_handler_, ec);
    CompleteLater(write_handler_, ec);
    write_waiting_ = false;
    return;
  }
  registered_ = true;
  interest_ = want;
}

void Transport::ClosePlain() {
  if (fd_ < 0) return;
  poller_.Remove(fd_, this);  // also drops a queued flush and events of the running pass
  registered_ = false;
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
  fd_ = -1;
  write_waiting_ = false;
  CompleteLater(read_handler_, asio::error::operation_aborted);
  CompleteLater(write_handler_, asio::error::operation_aborted);
}

void Transport::CompleteLater(IoHandler& slot, const error_code& ec) {
  if (!slot) return;
  asio::post(socket_.get_executor(), [h = slot.Take(), ec]() mutable { h(ec, 0); });
}

}  // namespace locknode::net
