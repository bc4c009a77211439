#pragma once

#include <cstddef>
#include <memory>
#include <span>

namespace locknode::net {

// The contiguous input buffer of one session: [begin, end) holds bytes received but not yet
// consumed by the parser, [end, capacity) is where the next read lands. Requests are parsed in
// place (the parser yields offsets), so bytes never move while a request's arguments are in
// use; they move only in Compact()/Reserve(), between batches. Single-threaded.
//
// Memory is held only while needed (Redis 7.4's shared query buffer, for the same reason: an
// idle client should cost next to nothing). The buffer starts empty and is allocated by the
// first Reserve(); Release() gives it back once no partial request is left in it. Blocks of
// kPooledCapacity go to a per-thread pool of spares that the next reading session takes, so a
// busy server does not malloc/free per read and an idle one holds at most kMaxSpares blocks.
class ReadBuffer {
 public:
  static constexpr size_t kPooledCapacity = size_t{16} * 1024;
  static constexpr size_t kMaxSpares = 64;

  // Allocates nothing: the first Reserve() allocates at least `initial_capacity`.
  explicit ReadBuffer(size_t initial_capacity);
  ~ReadBuffer();
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;

  // Bytes received and not yet consumed. Mutable: the inline parser unescapes in place.
  std::span<char> unparsed() { return {data_.get() + begin_, end_ - begin_}; }
  size_t unparsed_size() const { return end_ - begin_; }
  size_t capacity() const { return capacity_; }
  void Consume(size_t n) { begin_ += n; }

  // Where the next read lands, and how many bytes of it arrived.
  std::span<char> free_space() { return {data_.get() + end_, capacity_ - end_}; }
  size_t free_size() const { return capacity_ - end_; }
  void Commit(size_t n) { end_ += n; }

  // Makes room for at least `want` more bytes (fewer if `max_capacity` caps it) by moving the
  // unparsed tail to the front and, if that is not enough, by reallocating. Returns false only
  // when the unparsed bytes already fill `max_capacity` (the query buffer limit). O(unparsed).
  bool Reserve(size_t want, size_t max_capacity);

  // End-of-batch housekeeping (hiredis sdsrange when pos >= 1024): an empty buffer rewinds for
  // free; a partial request moves to the front only once enough consumed bytes precede it to
  // be worth the memmove. After a burst, an empty oversized buffer shrinks back to `initial`.
  void Compact(size_t initial_capacity);

  // Frees the memory (to the pool when its size fits) if no unparsed byte is left; returns
  // whether it did. The next Reserve() allocates again.
  bool Release();

  // Spare blocks in this thread's pool (for tests).
  static size_t SpareBlocks();

 private:
  void Reallocate(size_t capacity);

  size_t initial_capacity_;

  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace locknode::net
