#include "locknode/net/read_buffer.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace locknode::net {

namespace {
// Below this many consumed bytes a partial request stays where it is (hiredis uses 1024 too):
// the next read still has room behind it and the memmove would be wasted work.
constexpr size_t kCompactThreshold = 1024;

// The spare kPooledCapacity blocks of this thread (sessions of one server share its thread).
class BlockPool {
 public:
  std::unique_ptr<char[]> Take(size_t capacity) {
    if (capacity != ReadBuffer::kPooledCapacity || spares_.empty()) {
      return std::make_unique_for_overwrite<char[]>(capacity);
    }
    std::unique_ptr<char[]> block = std::move(spares_.back());
    spares_.pop_back();
    return block;
  }
  void Give(std::unique_ptr<char[]> block, size_t capacity) {
    if (capacity == ReadBuffer::kPooledCapacity && spares_.size() < ReadBuffer::kMaxSpares) {
      spares_.push_back(std::move(block));
    }  // else freed here
  }
  size_t size() const { return spares_.size(); }
  ~BlockPool() { gone = true; }

  // Set once this thread's pool is destroyed: a buffer freed later (a session outliving the
  // thread's locals at exit) is freed directly.
  static thread_local bool gone;

 private:
  std::vector<std::unique_ptr<char[]>> spares_;
};

thread_local bool BlockPool::gone = false;

// The pool, or null once it is gone.
BlockPool* Pool() {
  if (BlockPool::gone) return nullptr;
  thread_local BlockPool pool;
  return &pool;
}

std::unique_ptr<char[]> TakeBlock(size_t capacity) {
  BlockPool* pool = Pool();
  return pool != nullptr ? pool->Take(capacity) : std::make_unique_for_overwrite<char[]>(capacity);
}

void GiveBlock(std::unique_ptr<char[]> block, size_t capacity) {
  if (BlockPool* pool = Pool()) pool->Give(std::move(block), capacity);
}

}  // namespace

ReadBuffer::ReadBuffer(size_t initial_capacity) : initial_capacity_(initial_capacity) {}

ReadBuffer::~ReadBuffer() {
  if (data_) GiveBlock(std::move(data_), capacity_);
}

bool ReadBuffer::Release() {
  if (begin_ != end_) return false;
  if (data_) GiveBlock(std::move(data_), capacity_);
  capacity_ = begin_ = end_ = 0;
  return true;
}

size_t ReadBuffer::SpareBlocks() {
  const BlockPool* pool = Pool();
  return pool != nullptr ? pool->size() : 0;
}

bool ReadBuffer::Reserve(size_t want, size_t max_capacity) {
  const size_t unparsed = unparsed_size();
  if (unparsed >= max_capacity) return false;
  if (capacity_ - end_ >= want) return true;
  if (!data_) {
    Reallocate(std::min(std::max(want, initial_capacity_), max_capacity));
    return capacity_ > end_;
  }
  const size_t need = std::min(unparsed + want, max_capacity);
  if (capacity_ >= need) {
    // Room exists once the consumed prefix is dropped.
    std::memmove(data_.get(), data_.get() + begin_, unparsed);
    begin_ = 0;
    end_ = unparsed;
    if (capacity_ > end_) return true;
  }
  // Doubling keeps growth amortized O(1) when the parser cannot tell how much is missing.
  Reallocate(std::min(std::max(need, capacity_ * 2), max_capacity));
  return capacity_ > end_;
}

void ReadBuffer::Compact(size_t initial_capacity) {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    if (capacity_ > initial_capacity * 4) Reallocate(initial_capacity);
    return;
  }
  if (begin_ < kCompactThreshold) return;
  const size_t unparsed = unparsed_size();
  std::memmove(data_.get(), data_.get() + begin_, unparsed);
  begin_ = 0;
  end_ = unparsed;
}

void ReadBuffer::Reallocate(size_t capacity) {
  const size_t unparsed = unparsed_size();
  std::unique_ptr<char[]> fresh = TakeBlock(capacity);
  if (unparsed != 0) std::memcpy(fresh.get(), data_.get() + begin_, unparsed);
  if (data_) GiveBlock(std::move(data_), capacity_);
  data_ = std::move(fresh);
  capacity_ = capacity;
  begin_ = 0;
  end_ = unparsed;
}

}  // namespace locknode::net
