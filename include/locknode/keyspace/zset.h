#pragma once

// A sorted set (Redis zset): members ordered by (score, member bytes), each member once.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/keyspace/value.h"

namespace locknode::keyspace {

// Two encodings, as Redis 7.0 has (OBJECT ENCODING "listpack" / "skiplist"):
// - compact: every (score, member) packed in one buffer, in order. A semaphore with a few holders
//   costs one allocation and ~10 bytes per member beyond the member itself; operations scan it
//   (at most zset-max-listpack-entries 128 members of at most zset-max-listpack-value 64 bytes).
// - ordered: an order-statistic red-black tree of (score, member) plus a hash index from member
//   to score: O(log n) insert, delete, rank and rank -> element (Redis's skiplist + dict).
// A set converts to the ordered encoding when an add passes either limit and never converts
// back (Redis zsetAdd/zsetConvert; removals keep the encoding). Scores are never NaN.
// Views returned point into the set and live until its next mutation. Single-threaded.
class ZSet final : public Object {
 public:
  static constexpr size_t kMaxCompactEntries = 128;  // zset-max-listpack-entries
  static constexpr size_t kMaxCompactValue = 64;     // zset-max-listpack-value

  struct Item {
    double score;
    std::string_view member;
  };

  ZSet();
  ~ZSet() override;
  ZSet(const ZSet& other);

  ValueKind kind() const override { return ValueKind::kZSet; }
  std::string_view encoding() const override;
  size_t AllocatedBytes() const override;
  std::unique_ptr<Object> Clone() const override;

  size_t size() const { return size_; }
  bool compact() const { return ordered_ == nullptr; }

  std::optional<double> Score(std::string_view member) const;
  // Adds a member that is not in the set (Score() was nullopt). O(log n) / O(n) compact.
  void Add(std::string_view member, double score);
  // Moves a present member from `old_score` to `score`.
  void Update(std::string_view member, double old_score, double score);
  // False if the member was not in the set.
  bool Remove(std::string_view member);

  // 0-based ascending rank of a present member with its score.
  size_t Rank(std::string_view member, double score) const;
  // Members with rank in [from, to), ascending. O(log n + count).
  std::vector<Item> Items(size_t from, size_t to) const;
  // Removes ranks [from, to).
  void RemoveRanks(size_t from, size_t to);

  // Number of members ordered before every member with score > min (>= min unless `exclusive`):
  // the first rank of a score range starting at min. ScoreEnd: the rank just past the last
  // member with score < max (<= max unless exclusive). O(log n).
  size_t ScoreBegin(double min, bool exclusive) const;
  size_t ScoreEnd(double max, bool exclusive) const;
  // The first rank at which `before(member)` turns false, for a predicate that is true on a
  // prefix of the order (lexicographic bounds on a set of equal scores, Redis ZRANGEBYLEX).
  // O(log^2 n) ordered, O(n) compact (Redis scans a listpack the same way).
  size_t PartitionPoint(const std::function<bool(std::string_view)>& before) const;

 private:
  struct Ordered;  // the tree + index, zset.cc
  void ConvertToOrdered();
  // Compact encoding: byte offset of the record at `rank`, and record accessors.
  size_t OffsetOf(size_t rank) const;
  Item ItemAt(size_t offset) const;
  size_t RecordSize(size_t offset) const;

  std::string packed_;  // compact: [double score][uint8 length][member] per member, in order
  std::unique_ptr<Ordered> ordered_;
  size_t size_ = 0;
};

}  // namespace locknode::keyspace
