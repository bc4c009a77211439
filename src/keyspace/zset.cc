#include "locknode/keyspace/zset.h"

#include <cmath>
#include <cstring>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <unordered_map>
#include <utility>

#include "locknode/base/dcheck.h"

namespace locknode::keyspace {
namespace {

constexpr size_t kScoreBytes = sizeof(double);
constexpr size_t kHeaderBytes = kScoreBytes + 1;  // score + member length byte

struct Key {
  double score;
  std::string member;
};

// Redis zslInsert's order: score, then member bytes (sdscmp: memcmp, unsigned). std::string's
// compare is char_traits<char>::compare, which compares as unsigned char too.
struct KeyLess {
  bool operator()(const Key& a, const Key& b) const {
    if (a.score != b.score) return a.score < b.score;
    return a.member < b.member;
  }
};

using Tree = __gnu_pbds::tree<Key, __gnu_pbds::null_type, KeyLess, __gnu_pbds::rb_tree_tag,
                              __gnu_pbds::tree_order_statistics_node_update>;

// Approximate heap bytes of one tree node and one index node (for used_bytes / maxmemory):
// the key, three links, colour and subtree size; the index's key view, score, link and bucket.
constexpr size_t kTreeNodeBytes = sizeof(Key) + 4 * sizeof(void*) + sizeof(size_t);
constexpr size_t kIndexNodeBytes = sizeof(std::string_view) + sizeof(double) + 3 * sizeof(void*);

size_t HeapString(const std::string& s) { return s.size() > 15 ? s.capacity() + 1 : 0; }

}  // namespace

// The index's views point into the tree's keys: rb-tree nodes never move, so a view stays valid
// until its node is erased (every erase drops the index entry first).
struct ZSet::Ordered {
  Tree tree;
  std::unordered_map<std::string_view, double> index;
  size_t string_bytes = 0;  // heap bytes of members too long for the short-string buffer

  void Insert(std::string_view member, double score) {
    auto [it, inserted] = tree.insert(Key{score, std::string(member)});
    LOCKNODE_DCHECK(inserted);
    string_bytes += HeapString(it->member);
    index.emplace(std::string_view(it->member), score);
  }
  void Erase(std::string_view member, double score) {
    index.erase(member);
    auto it = tree.find(Key{score, std::string(member)});
    LOCKNODE_DCHECK(it != tree.end());
    string_bytes -= HeapString(it->member);
    tree.erase(it);
  }
};

ZSet::ZSet() = default;
ZSet::~ZSet() = default;

ZSet::ZSet(const ZSet& other) : Object(other), packed_(other.packed_), size_(other.size_) {
  if (other.ordered_ == nullptr) return;
  ordered_ = std::make_unique<Ordered>();
  for (const Key& key : other.ordered_->tree) ordered_->Insert(key.member, key.score);
}

std::string_view ZSet::encoding() const { return compact() ? "listpack" : "skiplist"; }

size_t ZSet::AllocatedBytes() const {
  size_t bytes = sizeof(ZSet) + (packed_.capacity() > 15 ? packed_.capacity() + 1 : 0);
  if (ordered_ != nullptr) {
    bytes += sizeof(Ordered) + size_ * (kTreeNodeBytes + kIndexNodeBytes) +
             ordered_->index.bucket_count() * sizeof(void*) + ordered_->string_bytes;
  }
  return bytes;
}

std::unique_ptr<Object> ZSet::Clone() const { return std::make_unique<ZSet>(*this); }

size_t ZSet::RecordSize(size_t offset) const {
  return kHeaderBytes + static_cast<unsigned char>(packed_[offset + kScoreBytes]);
}

ZSet::Item ZSet::ItemAt(size_t offset) const {
  Item item{};
  std::memcpy(&item.score, packed_.data() + offset, kScoreBytes);
  item.member = std::string_view(packed_).substr(
      offset + kHeaderBytes, static_cast<unsigned char>(packed_[offset + kScoreBytes]));
  return item;
}

size_t ZSet::OffsetOf(size_t rank) const {
  size_t offset = 0;
  for (size_t i = 0; i < rank; ++i) offset += RecordSize(offset);
  return offset;
}

std::optional<double> ZSet::Score(std::string_view member) const {
  if (ordered_ != nullptr) {
    auto it = ordered_->index.find(member);
    if (it == ordered_->index.end()) return std::nullopt;
    return it->second;
  }
  for (size_t offset = 0; offset < packed_.size(); offset += RecordSize(offset)) {
    const Item item = ItemAt(offset);
    if (item.member == member) return item.score;
  }
  return std::nullopt;
}

void ZSet::Add(std::string_view member, double score) {
  LOCKNODE_DCHECK(!std::isnan(score));
  if (compact() && (size_ + 1 > kMaxCompactEntries || member.size() > kMaxCompactValue)) {
    ConvertToOrdered();
  }
  ++size_;
  if (ordered_ != nullptr) {
    ordered_->Insert(member, score);
    return;
  }
  // A listpack stores an integral score as an integer (Redis zzlInsertAt: double2ll first), so a
  // -0 reads back as 0 there (not in a skiplist, which keeps the double).
  if (score == 0) score = 0.0;
  // Insert before the first record ordered after (score, member).
  size_t offset = 0;
  for (; offset < packed_.size(); offset += RecordSize(offset)) {
    const Item item = ItemAt(offset);
    if (item.score > score || (item.score == score && item.member > member)) break;
  }
  char header[kHeaderBytes];
  std::memcpy(header, &score, kScoreBytes);
  header[kScoreBytes] = static_cast<char>(member.size());
  // Grow by what is needed only: a compact set stays as small as its contents.
  if (packed_.capacity() < packed_.size() + kHeaderBytes + member.size()) {
    std::string grown;
    grown.reserve(packed_.size() + kHeaderBytes + member.size());
    grown = packed_;
    packed_.swap(grown);
  }
  packed_.insert(offset, member);
  packed_.insert(offset, header, kHeaderBytes);
}

void ZSet::Update(std::string_view member, double old_score, double score) {
  if (ordered_ != nullptr) {
    ordered_->Erase(member, old_score);
    ordered_->Insert(member, score);
    return;
  }
  const std::string copy(member);  // `member` may point into packed_
  Remove(copy);
  Add(copy, score);
}

bool ZSet::Remove(std::string_view member) {
  if (ordered_ != nullptr) {
    auto it = ordered_->index.find(member);
    if (it == ordered_->index.end()) return false;
    ordered_->Erase(member, it->second);
    --size_;
    return true;
  }
  for (size_t offset = 0; offset < packed_.size(); offset += RecordSize(offset)) {
    if (ItemAt(offset).member == member) {
      packed_.erase(offset, RecordSize(offset));
      --size_;
      return true;
    }
  }
  return false;
}

size_t ZSet::Rank(std::string_view member, double score) const {
  if (ordered_ != nullptr) return ordered_->tree.order_of_key(Key{score, std::string(member)});
  size_t rank = 0;
  for (size_t offset = 0; offset < packed_.size(); offset += RecordSize(offset), ++rank) {
    if (ItemAt(offset).member == member) return rank;
  }
  return rank;
}

std::vector<ZSet::Item> ZSet::Items(size_t from, size_t to) const {
  std::vector<Item> items;
  if (to > size_) to = size_;
  if (from >= to) return items;
  items.reserve(to - from);
  if (ordered_ != nullptr) {
    auto it = ordered_->tree.find_by_order(from);
    for (size_t i = from; i < to; ++i, ++it) items.push_back({it->score, it->member});
    return items;
  }
  size_t offset = OffsetOf(from);
  for (size_t i = from; i < to; ++i, offset += RecordSize(offset)) items.push_back(ItemAt(offset));
  return items;
}

void ZSet::RemoveRanks(size_t from, size_t to) {
  if (to > size_) to = size_;
  if (from >= to) return;
  if (ordered_ != nullptr) {
    auto it = ordered_->tree.find_by_order(from);
    for (size_t i = from; i < to; ++i) {
      auto next = std::next(it);
      ordered_->index.erase(std::string_view(it->member));
      ordered_->string_bytes -= HeapString(it->member);
      ordered_->tree.erase(it);
      it = next;
    }
  } else {
    const size_t begin = OffsetOf(from);
    size_t end = begin;
    for (size_t i = from; i < to; ++i) end += RecordSize(end);
    packed_.erase(begin, end - begin);
  }
  size_ -= to - from;
}

size_t ZSet::ScoreBegin(double min, bool exclusive) const {
  if (ordered_ != nullptr) {
    // The first key >= (min, "") has score >= min; for > min start from the next double up.
    if (exclusive) {
      if (min == HUGE_VAL) return size_;
      min = std::nextafter(min, HUGE_VAL);
    }
    return ordered_->tree.order_of_key(Key{min, std::string()});
  }
  size_t rank = 0;
  for (size_t offset = 0; offset < packed_.size(); offset += RecordSize(offset), ++rank) {
    const double score = ItemAt(offset).score;
    if (exclusive ? score > min : score >= min) break;
  }
  return rank;
}

size_t ZSet::ScoreEnd(double max, bool exclusive) const {
  if (ordered_ != nullptr) {
    // Members with score <= max are those before (next double above max, "").
    if (!exclusive) {
      if (max == HUGE_VAL) return size_;
      max = std::nextafter(max, HUGE_VAL);
    }
    return ordered_->tree.order_of_key(Key{max, std::string()});
  }
  size_t rank = 0;
  for (size_t offset = 0; offset < packed_.size(); offset += RecordSize(offset), ++rank) {
    const double score = ItemAt(offset).score;
    if (exclusive ? score >= max : score > max) break;
  }
  return rank;
}

size_t ZSet::PartitionPoint(const std::function<bool(std::string_view)>& before) const {
  if (ordered_ == nullptr) {
    size_t rank = 0;
    for (size_t offset = 0; offset < packed_.size(); offset += RecordSize(offset), ++rank) {
      if (!before(ItemAt(offset).member)) break;
    }
    return rank;
  }
  size_t lo = 0;
  size_t hi = size_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (before(ordered_->tree.find_by_order(mid)->member)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void ZSet::ConvertToOrdered() {
  auto ordered = std::make_unique<Ordered>();
  for (size_t offset = 0; offset < packed_.size(); offset += RecordSize(offset)) {
    const Item item = ItemAt(offset);
    ordered->Insert(item.member, item.score);
  }
  ordered_ = std::move(ordered);
  std::string().swap(packed_);
}

}  // namespace locknode::keyspace
