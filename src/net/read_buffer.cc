#include "locknode/net/read_buffer.h"

#include <algorithm>
#include <cstring>

namespace locknode::net {

namespace {
// Below this many consumed bytes a partial request stays where it is (hiredis uses 1024 too):
// the next read still has room behind it and the memmove would be wasted work.
constexpr size_t kCompactThreshold = 1024;
}  // namespace

ReadBuffer::ReadBuffer(size_t initial_capacity)
    : data_(std::make_unique_for_overwrite<char[]>(initial_capacity)),
      capacity_(initial_capacity) {}

bool ReadBuffer::Reserve(size_t want, size_t max_capacity) {
  const size_t unparsed = unparsed_size();
  if (unparsed >= max_capacity) return false;
  if (capacity_ - end_ >= want) return true;
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
  auto fresh = std::make_unique_for_overwrite<char[]>(capacity);
  if (unparsed != 0) std::memcpy(fresh.get(), data_.get() + begin_, unparsed);
  data_ = std::move(fresh);
  capacity_ = capacity;
  begin_ = 0;
  end_ = unparsed;
}

}  // namespace locknode::net
