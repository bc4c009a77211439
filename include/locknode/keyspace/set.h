#pragma once

// A set (Redis set): distinct binary-safe strings.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "locknode/keyspace/value.h"

namespace locknode::keyspace {

// Redis 7.0's two encodings: "intset" (a sorted array of int64, while every member is a strict
// decimal integer and there are at most set-max-intset-entries 512) and "hashtable". A set
// converts to the hashtable when a non-integer member is added or it passes 512 members, and
// never back (Redis setTypeAdd / setTypeConvert). Members come back in ascending numeric order
// from an intset (as Redis's) and in hash order from the hashtable (Redis's dict order is not
// reproduced). Membership O(log n) / O(1); positional access (random members) O(1) for an intset,
// O(n) for the hashtable. Single-threaded.
class Set final : public Object {
 public:
  static constexpr size_t kMaxIntsetEntries = 512;  // set-max-intset-entries

  Set() = default;
  Set(const Set& other) = default;

  ValueKind kind() const override { return ValueKind::kSet; }
  std::string_view encoding() const override { return intset() ? "intset" : "hashtable"; }
  size_t AllocatedBytes() const override;
  std::unique_ptr<Object> Clone() const override { return std::make_unique<Set>(*this); }

  bool intset() const { return !hashed_; }
  size_t size() const { return hashed_ ? table_.size() : ints_.size(); }
  bool Contains(std::string_view member) const;
  // True if the member was added (was not there).
  bool Add(std::string_view member);
  // True if the member was removed.
  bool Remove(std::string_view member);
  // The member at iteration position i (< size()).
  std::string At(size_t i) const;
  // Every member in iteration order.
  std::vector<std::string> Members() const;

 private:
  void ConvertToTable();

  // Transparent: membership tests look a string_view up without copying it.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  bool hashed_ = false;
  std::vector<int64_t> ints_;  // intset: ascending
  std::unordered_set<std::string, Hash, std::equal_to<>> table_;
  size_t heap_bytes_ = 0;  // hashtable: heap bytes of long members
};

}  // namespace locknode::keyspace
