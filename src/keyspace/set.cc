#include "locknode/keyspace/set.h"

#include <algorithm>
#include <iterator>

#include "locknode/base/strings.h"

namespace locknode::keyspace {
namespace {

constexpr size_t kShortString = 15;  // libstdc++'s in-object capacity
// A hash node: the string, the next link and the cached hash; plus its bucket pointer.
constexpr size_t kNodeBytes = sizeof(std::string) + 2 * sizeof(void*) + sizeof(void*);

size_t HeapBytes(std::string_view s) { return s.size() > kShortString ? s.size() + 1 : 0; }

}  // namespace

size_t Set::AllocatedBytes() const {
  if (!hashed_) return sizeof(Set) + ints_.capacity() * sizeof(int64_t);
  return sizeof(Set) + table_.size() * kNodeBytes + table_.bucket_count() * sizeof(void*) +
         heap_bytes_;
}

bool Set::Contains(std::string_view member) const {
  if (hashed_) return table_.find(member) != table_.end();
  const auto v = ParseInt64(member);
  return v && std::binary_search(ints_.begin(), ints_.end(), *v);
}

bool Set::Add(std::string_view member) {
  if (!hashed_) {
    const auto v = ParseInt64(member);
    if (v) {
      auto it = std::lower_bound(ints_.begin(), ints_.end(), *v);
      if (it != ints_.end() && *it == *v) return false;
      ints_.insert(it, *v);
      if (ints_.size() > kMaxIntsetEntries) ConvertToTable();
      return true;
    }
    ConvertToTable();
  }
  const bool added = table_.emplace(member).second;
  if (added) heap_bytes_ += HeapBytes(member);
  return added;
}

bool Set::Remove(std::string_view member) {
  if (hashed_) {
    const bool removed = table_.erase(std::string(member)) > 0;
    if (removed) heap_bytes_ -= HeapBytes(member);
    return removed;
  }
  const auto v = ParseInt64(member);
  if (!v) return false;
  auto it = std::lower_bound(ints_.begin(), ints_.end(), *v);
  if (it == ints_.end() || *it != *v) return false;
  ints_.erase(it);
  return true;
}

std::string Set::At(size_t i) const {
  if (!hashed_) return std::to_string(ints_[i]);
  return *std::next(table_.begin(), static_cast<std::ptrdiff_t>(i));
}

std::vector<std::string> Set::Members() const {
  std::vector<std::string> out;
  out.reserve(size());
  if (hashed_) {
    out.assign(table_.begin(), table_.end());
  } else {
    for (const int64_t v : ints_) out.push_back(std::to_string(v));
  }
  return out;
}

void Set::ConvertToTable() {
  hashed_ = true;
  table_.reserve(ints_.size() + 1);
  for (const int64_t v : ints_) {
    const std::string s = std::to_string(v);
    heap_bytes_ += HeapBytes(s);
    table_.insert(s);
  }
  std::vector<int64_t>().swap(ints_);
}

}  // namespace locknode::keyspace
