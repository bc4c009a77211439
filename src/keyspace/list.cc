#include "locknode/keyspace/list.h"

#include <utility>

namespace locknode::keyspace {
namespace {

// libstdc++'s deque holds its elements in 512-byte blocks through a map of block pointers.
constexpr size_t kDequeBlockBytes = 512;
constexpr size_t kPerBlock = kDequeBlockBytes / sizeof(std::string);
constexpr size_t kShortString = 15;  // libstdc++'s in-object capacity

}  // namespace

// By size, not capacity: the deque move-assigns elements into one another when it inserts or
// erases in the middle, and a moved-into string may keep its old buffer, so capacities change
// behind the list's back while sizes do not.
size_t List::HeapBytes(const std::string& s) { return s.size() > kShortString ? s.size() + 1 : 0; }

size_t List::AllocatedBytes() const {
  const size_t blocks = items_.size() / kPerBlock + 1;
  return sizeof(List) + blocks * (kDequeBlockBytes + sizeof(void*)) + heap_bytes_;
}

void List::PushFront(std::string_view value) {
  items_.emplace_front(value);
  heap_bytes_ += HeapBytes(items_.front());
}

void List::PushBack(std::string_view value) {
  items_.emplace_back(value);
  heap_bytes_ += HeapBytes(items_.back());
}

std::string List::PopFront() {
  std::string value = std::move(items_.front());
  items_.pop_front();
  heap_bytes_ -= HeapBytes(value);
  return value;
}

std::string List::PopBack() {
  std::string value = std::move(items_.back());
  items_.pop_back();
  heap_bytes_ -= HeapBytes(value);
  return value;
}

void List::Set(size_t i, std::string_view value) {
  heap_bytes_ -= HeapBytes(items_[i]);
  items_[i] = std::string(value);
  heap_bytes_ += HeapBytes(items_[i]);
}

void List::Insert(size_t i, std::string_view value) {
  auto it = items_.emplace(items_.begin() + static_cast<std::ptrdiff_t>(i), value);
  heap_bytes_ += HeapBytes(*it);
}

void List::Erase(size_t i) { EraseRange(i, i + 1); }

void List::EraseRange(size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) heap_bytes_ -= HeapBytes(items_[i]);
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(from),
               items_.begin() + static_cast<std::ptrdiff_t>(to));
}

}  // namespace locknode::keyspace
