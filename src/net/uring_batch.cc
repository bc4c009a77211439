#include "net/uring_batch.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <liburing.h>
#include <sys/socket.h>

namespace locknode::net {

namespace {

constexpr size_t kMaxCallBytes = size_t{1} << 30;  // io_uring lengths are 32-bit

// Newest flags first; older kernels reject what they do not know with EINVAL.
constexpr unsigned kFlagSets[] = {
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
    IORING_SETUP_SUBMIT_ALL, 0};

}  // namespace

std::unique_ptr<UringBatch> UringBatch::Create(unsigned entries, std::string* why) {
  auto ring = std::make_unique<io_uring>();
  int rc = -EINVAL;
  for (unsigned flags : kFlagSets) {
    io_uring_params params{};
    params.flags = flags;
    rc = io_uring_queue_init_params(entries, ring.get(), &params);
    if (rc != -EINVAL) break;
  }
  if (rc < 0) {
    if (why != nullptr) *why = std::string("io_uring_setup: ") + std::strerror(-rc);
    return nullptr;
  }
  return std::unique_ptr<UringBatch>(new UringBatch(std::move(ring)));
}

UringBatch::UringBatch(std::unique_ptr<io_uring> ring)
    : ring_(std::move(ring)),
      capacity_(ring_->sq.ring_entries),
      results_(std::make_unique<Result[]>(capacity_)) {}

UringBatch::~UringBatch() { io_uring_queue_exit(ring_.get()); }

bool UringBatch::PrepRecv(int fd, void* buf, size_t len, uint32_t tag) {
  io_uring_sqe* sqe = queued_ < capacity_ ? io_uring_get_sqe(ring_.get()) : nullptr;
  if (sqe == nullptr) return false;
  io_uring_prep_recv(sqe, fd, buf, len < kMaxCallBytes ? len : kMaxCallBytes, MSG_DONTWAIT);
  io_uring_sqe_set_data64(sqe, tag);
  ++queued_;
  return true;
}

bool UringBatch::PrepSend(int fd, const void* buf, size_t len, uint32_t tag) {
  io_uring_sqe* sqe = queued_ < capacity_ ? io_uring_get_sqe(ring_.get()) : nullptr;
  if (sqe == nullptr) return false;
  io_uring_prep_send(sqe, fd, buf, len < kMaxCallBytes ? len : kMaxCallBytes,
                     MSG_DONTWAIT | MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, tag);
  ++queued_;
  return true;
}

void UringBatch::Submit() {
  const auto want = static_cast<unsigned>(queued_);
  int rc = 0;
  // Transient refusals only (signals, a momentary shortage of kernel memory); the queued calls
  // stay in the ring meanwhile, so giving up would let them run later on stale buffers.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    rc = io_uring_submit_and_wait(ring_.get(), want);
    if (rc >= 0 || (rc != -EINTR && rc != -EAGAIN && rc != -EBUSY && rc != -ENOMEM)) break;
  }
  if (rc < 0) {
    std::fprintf(stderr, "io_uring_enter failed: %s\n", std::strerror(-rc));
    std::abort();  // as on bad_alloc: no state to recover into
  }
  results_count_ = 0;
  while (results_count_ < queued_) {
    io_uring_cqe* cqe = nullptr;
    const int wait_rc = io_uring_wait_cqe(ring_.get(), &cqe);
    if (wait_rc == -EINTR) continue;
    if (wait_rc < 0 || cqe == nullptr) {
      std::fprintf(stderr, "io_uring_wait_cqe failed: %s\n", std::strerror(-wait_rc));
      std::abort();
    }
    results_[results_count_++] = {static_cast<uint32_t>(io_uring_cqe_get_data64(cqe)), cqe->res};
    io_uring_cqe_seen(ring_.get(), cqe);
  }
  queued_ = 0;
}

}  // namespace locknode::net
