#pragma once

// Private to net: the Poller's batching of socket calls through io_uring.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

struct io_uring;

namespace locknode::net {

// Many non-blocking recv/send calls in one system call. The Poller already knows, from epoll,
// which sockets have bytes; instead of one recv per socket and one send per reply (each a
// kernel entry, the dominant cost of an unpipelined request), it queues them here and Run()
// submits them together with a single io_uring_enter.
//
// Every call carries MSG_DONTWAIT, so io_uring completes it during the submission (a socket
// with nothing to read or no room answers -EAGAIN) instead of parking it: nothing stays in
// flight after Run(), so no buffer or descriptor has to outlive a pass, and the epoll readiness
// model (and the plain-syscall fallback) stays the one source of truth.
//
// Single-threaded (IORING_SETUP_SINGLE_ISSUER where the kernel has it).
class UringBatch {
 public:
  // nullptr when this kernel or sandbox refuses io_uring (ENOSYS, EPERM from a container's
  // seccomp profile, io_uring_disabled); `why` then says what failed.
  static std::unique_ptr<UringBatch> Create(unsigned entries, std::string* why);
  ~UringBatch();
  UringBatch(const UringBatch&) = delete;
  UringBatch& operator=(const UringBatch&) = delete;

  unsigned capacity() const { return capacity_; }
  size_t queued() const { return queued_; }
  // Queue one call; false when capacity() calls are queued already (Run() first). `tag` comes
  // back with the result. Lengths above 1 GiB are cut to 1 GiB (a short count, as from send).
  bool PrepRecv(int fd, void* buf, size_t len, uint32_t tag);
  bool PrepSend(int fd, const void* buf, size_t len, uint32_t tag);

  // Submits what is queued, waits until all of it completed (in practice: during the submit)
  // and calls on_result(tag, result) for each, result as from recv/send (bytes, or -errno).
  template <typename F>
  void Run(F&& on_result) {
    if (queued_ == 0) return;
    Submit();
    for (size_t i = 0; i < results_count_; ++i) on_result(results_[i].tag, results_[i].res);
    results_count_ = 0;
  }

 private:
  struct Result {
    uint32_t tag;
    int32_t res;
  };
  explicit UringBatch(std::unique_ptr<io_uring> ring);
  void Submit();  // fills results_

  std::unique_ptr<io_uring> ring_;
  unsigned capacity_ = 0;
  size_t queued_ = 0;
  std::unique_ptr<Result[]> results_;
  size_t results_count_ = 0;
};

}  // namespace locknode::net
