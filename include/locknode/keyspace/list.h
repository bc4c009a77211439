#pragma once

// A list (Redis list): a sequence of binary-safe strings, O(1) at both ends.

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "locknode/keyspace/value.h"

namespace locknode::keyspace {

// A deque of strings: O(1) push and pop at both ends and O(1) index (Redis's quicklist has O(n)
// index), O(n) insert and erase in the middle. Redis 7.0 reports every list as "quicklist"
// (the listpack encoding of small lists came in 7.2), and so does this. The heap bytes of
// elements too long for the short-string buffer are tracked as elements come and go, so
// AllocatedBytes is O(1). Views returned live until the next mutation. Single-threaded.
class List final : public Object {
 public:
  List() = default;
  List(const List& other) = default;

  ValueKind kind() const override { return ValueKind::kList; }
  std::string_view encoding() const override { return "quicklist"; }
  size_t AllocatedBytes() const override;
  std::unique_ptr<Object> Clone() const override { return std::make_unique<List>(*this); }

  size_t size() const { return items_.size(); }
  std::string_view At(size_t i) const { return items_[i]; }

  void PushFront(std::string_view value);
  void PushBack(std::string_view value);
  std::string PopFront();
  std::string PopBack();
  void Set(size_t i, std::string_view value);
  // Inserts before position i (i == size() appends).
  void Insert(size_t i, std::string_view value);
  void Erase(size_t i);
  // Erases positions [from, to).
  void EraseRange(size_t from, size_t to);

 private:
  static size_t HeapBytes(const std::string& s);
  std::deque<std::string> items_;
  size_t heap_bytes_ = 0;
};

}  // namespace locknode::keyspace
