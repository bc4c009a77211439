// Session write path: one async_write per batch, double-buffered, with a high-water mark.
#include <utility>

#include <boost/asio/error.hpp>

#include "locknode/net/session.h"

namespace locknode::net {

namespace asio = boost::asio;
using boost::system::error_code;

// Hands everything collected so far to the socket in one write (Redis beforeSleep, Dragonfly
// batch mode). On plain TCP the Poller sends it at the end of its pass, one send per client
// for all the replies of the pass.
void Session::StartWrite() {
  if (writing_ || closed_ || pending_.empty()) return;
  std::swap(pending_, in_flight_);  // writer_ keeps encoding into pending_, now empty
  writing_ = true;
  transport_.AsyncWrite(
      asio::buffer(in_flight_.data(), in_flight_.size()),
      [self = shared_from_this()](const error_code& ec, size_t /*n*/) { self->OnWrite(ec); });
}

void Session::OnWrite(const error_code& ec) {
  writing_ = false;
  if (closed_) return;
  if (ec) {
    Close(ec.message());  // EPIPE/ECONNRESET: the client is gone
    return;
  }
  in_flight_.Clear();
  // Keep the capacity for the next batch, unless it is more than a usual batch needs: an idle
  // client should not keep the memory of its largest reply (Redis frees its reply list too).
  if (in_flight_.capacity() > kKeptOutputCapacity) in_flight_.Release();
  if (!pending_.empty()) {
    StartWrite();
  } else if (closing_) {
    Close("close after reply");
    return;
  }
  if (paused_ && !OverHighWater()) {
    paused_ = false;
    ProcessBatch();  // requests already buffered first, then reading resumes
  }
}

}  // namespace locknode::net
