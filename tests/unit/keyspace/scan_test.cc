// SCAN's cursor over the open-addressing index: the layout facts it relies on (table_layout.h),
// the guarantee under random growth, shrinking and in-place rehashes between steps, the work
// bound of one step, and Keyspace's iteration calls (Scan, ForEachKey, RandomKey, MemoryUsage).

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/keyspace/keyspace.h"

#include "keyspace/entry_arena.h"
#include "keyspace/entry_internal.h"
#include "keyspace/table_layout.h"

namespace locknode::keyspace {
namespace {

using internal::Entry;
using internal::EntryArena;
using internal::EntryRef;
using internal::KeyEq;
using internal::KeyHash;
using internal::Table;
using internal::TableLayout;

// The index alone (as Keyspace::Impl builds it), so tests can rehash it to any size.
class Index {
 public:
  Index() : table_(0, KeyHash{arena_.space().resolver()}, KeyEq{arena_.space().resolver()}) {}
  ~Index() {
    for (const EntryRef& r : table_) Entry::Destroy(arena_, r.h);
  }
  void Insert(const std::string& key) {
    if (table_.find(std::string_view(key)) != table_.end()) return;
    table_.insert(EntryRef{Entry::Create(arena_, key, std::string_view("v"))});
  }
  void Erase(const std::string& key) {
    auto it = table_.find(std::string_view(key));
    if (it == table_.end()) return;
    const Handle h = it->h;
    table_.erase(it);
    Entry::Destroy(arena_, h);
  }
  std::string KeyOf(const EntryRef& r) const { return std::string(Entry::Get(arena_, r.h)->key()); }
  uint64_t HashOf(const std::string& key) const { return table_.hash_function()(key); }

  // One SCAN step; appends the keys it visited.
  internal::ScanProgress Step(uint64_t cursor, size_t count, size_t max_groups,
                              std::vector<std::string>* out) const {
    return internal::ScanStep(table_, table_.hash_function(), cursor, count, max_groups,
                              [&](const EntryRef& r) { out->push_back(KeyOf(r)); });
  }

  Table& table() { return table_; }

 private:
  EntryArena arena_;
  Table table_;
};

// Keys whose hash puts them in home group `group` of a table of `groups` groups (brute force).
std::vector<std::string> KeysHomedAt(const Index& index, size_t groups, size_t group, size_t n) {
  std::vector<std::string> keys;
  const unsigned shift = 64 - static_cast<unsigned>(__builtin_ctzll(groups));
  for (uint64_t i = 0; keys.size() < n; ++i) {
    std::string key = "collide:" + std::to_string(i);
    if ((index.HashOf(key) >> shift) == group) keys.push_back(std::move(key));
  }
  return keys;
}

// The layout facts, checked against the table itself: for every element, walking its home
// group's probe sequence (as ScanStep does) finds it, and finds nothing homed elsewhere. Run
// with one group overfilled, so the probe-sequence path (overflow bits) is really taken; a boost
// upgrade that changes the layout fails here.
TEST(TableLayoutTest, EveryElementIsFoundFromItsHomeGroup) {
  Index index;
  index.table().reserve(500);
  const size_t groups = TableLayout(index.table()).groups();
  ASSERT_GE(groups, 32u);
  for (const std::string& k : KeysHomedAt(index, groups, 3, 40)) index.Insert(k);  // 40 > 15
  for (int i = 0; i < 400; ++i) index.Insert("fill:" + std::to_string(i));
  const TableLayout layout(index.table());
  ASSERT_EQ(layout.groups(), groups) << "the table must not have grown";

  std::multiset<std::string> found;
  size_t examined = 0;
  for (size_t g = 0; g < groups; ++g) {
    examined +=
        layout.ForEachHomedAt(g, index.table().hash_function(), [&](const EntryRef& r, uint64_t h) {
          EXPECT_EQ(layout.HomeGroup(h), g);
          found.insert(index.KeyOf(r));
        });
  }
  std::multiset<std::string> all;
  for (const EntryRef& r : index.table()) all.insert(index.KeyOf(r));
  EXPECT_EQ(found, all);
  EXPECT_GT(examined, groups) << "group 3 overflowed: its probe sequence must have been walked";
}

// The guarantee, as a model test: keys present for a whole scan are all returned (exactly once),
// while between steps other keys come and go and the index grows, shrinks (rehash to fewer
// groups) or is rebuilt at the same size. Many random interleavings, each checked.
TEST(ScanCursorTest, PresentKeysSurviveGrowthShrinkAndRehash) {
  std::mt19937_64 rng(20261207);
  size_t grew = 0;
  size_t shrank = 0;
  for (int round = 0; round < 300; ++round) {
    Index index;
    const int stable_n = static_cast<int>(rng() % 300);
    std::set<std::string> stable;
    for (int i = 0; i < stable_n; ++i) {
      const std::string key = "s" + std::to_string(round) + ":" + std::to_string(i);
      stable.insert(key);
      index.Insert(key);
    }
    std::vector<std::string> transient;
    std::map<std::string, int> seen;
    uint64_t cursor = 0;
    int steps = 0;
    do {
      std::vector<std::string> out;
      const size_t count = 1 + rng() % 20;
      const internal::ScanProgress p = index.Step(cursor, count, count * 10, &out);
      for (const std::string& k : out) {
        ++seen[k];
        EXPECT_GE(index.HashOf(k), cursor) << "a step returned a key below its cursor";
      }
      if (p.next_cursor != 0) {
        ASSERT_GT(p.next_cursor, cursor) << "cursors of one scan must increase";
      }
      cursor = p.next_cursor;
      // Between steps: churn, and sometimes a resize of the index either way.
      const size_t before = index.table().bucket_count();
      switch (rng() % 4) {
        case 0:
          for (int i = 0, n = static_cast<int>(rng() % 400); i < n; ++i) {
            transient.push_back("t" + std::to_string(rng()));
            index.Insert(transient.back());
          }
          break;
        case 1:
          for (int i = 0, n = static_cast<int>(rng() % 400); i < n && !transient.empty(); ++i) {
            const size_t at = rng() % transient.size();
            index.Erase(transient[at]);
            transient[at] = transient.back();
            transient.pop_back();
          }
          break;
        case 2:
          index.table().rehash(0);  // as small as the current size allows
          break;
        default:
          index.table().rehash(rng() % 4000);  // any size at least what the keys need
          break;
      }
      const size_t after = index.table().bucket_count();
      grew += after > before;
      shrank += after < before;
      ASSERT_LT(++steps, 100000) << "the scan must end";
    } while (cursor != 0);
    for (const std::string& k : stable) {
      EXPECT_EQ(seen[k], 1) << "round " << round << ": a key present throughout, seen " << seen[k]
                            << " times";
    }
  }
  // The test means something only if both kinds of resize happened mid-scan.
  EXPECT_GT(grew, 100u);
  EXPECT_GT(shrank, 100u);
}

// A cursor is a hash position, so it survives a rebuild at any size: the keys with hash >=
// cursor are exactly the ones still to come.
TEST(ScanCursorTest, AStepFromAnyCursorVisitsExactlyTheKeysAboveIt) {
  Index index;
  for (int i = 0; i < 2000; ++i) index.Insert("k" + std::to_string(i));
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    const uint64_t cursor = rng();
    std::vector<std::string> out;
    uint64_t c = cursor;
    do {
      c = index.Step(c, 50, 500, &out).next_cursor;
    } while (c != 0);
    std::set<std::string> expected;
    for (const EntryRef& r : index.table()) {
      const std::string k = index.KeyOf(r);
      if (index.HashOf(k) >= cursor) expected.insert(k);
    }
    EXPECT_EQ(std::set<std::string>(out.begin(), out.end()), expected);
    EXPECT_EQ(out.size(), expected.size());
  }
}

// Redis bounds a step at COUNT * 10 buckets; on an index left sparse by mass deletion (boost
// never shrinks on erase) a step must still stop after that many groups, however empty.
TEST(ScanWorkTest, AStepOnASparseIndexStopsAtTheGroupCap) {
  Keyspace ks(0);
  constexpr int kKeys = 300000;
  for (int i = 0; i < kKeys; ++i)
    ks.Set("lock:" + std::to_string(i), "t", SetCond::kAlways, TtlMode::kClear, kNoDeadline, 0);
  for (int i = 5; i < kKeys; ++i) ks.Erase("lock:" + std::to_string(i), 0);
  ASSERT_EQ(ks.size(), 5u);

  struct Collect final : KeyVisitor {
    void Visit(std::string_view key, Millis) override { keys.insert(std::string(key)); }
    std::set<std::string> keys;
  } collect;
  uint64_t cursor = 0;
  size_t steps = 0;
  size_t max_examined = 0;
  do {
    const ScanResult r = ks.Scan(cursor, 10, 100, collect);
    EXPECT_LE(r.home_groups, 100u);
    max_examined = std::max(max_examined, r.groups_examined);
    cursor = r.cursor;
    ++steps;
  } while (cursor != 0);
  EXPECT_EQ(collect.keys.size(), 5u);
  // ~20k groups at 100 per step: the index really was sparse and the cap really applied.
  EXPECT_GT(steps, 100u);
  EXPECT_LE(max_examined, 200u) << "probe walks stay short";
}

// On a dense index a step stops once COUNT keys were visited: a few groups, not the table.
TEST(ScanWorkTest, AStepOnADenseIndexStopsAfterCountKeys) {
  Keyspace ks(0);
  for (int i = 0; i < 100000; ++i) {
    ks.Set("lock:" + std::to_string(i), "t", SetCond::kAlways, TtlMode::kClear, kNoDeadline, 0);
  }
  struct Count final : KeyVisitor {
    void Visit(std::string_view, Millis) override { ++n; }
    size_t n = 0;
  } count;
  const ScanResult r = ks.Scan(0, 10, 100, count);
  EXPECT_NE(r.cursor, 0u);
  EXPECT_GE(count.n, 10u);
  EXPECT_LE(r.home_groups, 2u);  // ~13 keys per group at boost's load factor
  EXPECT_LE(count.n, 60u);
}

struct KeyList final : KeyVisitor {
  void Visit(std::string_view key, Millis deadline) override {
    keys.emplace(std::string(key), deadline);
  }
  std::map<std::string, Millis> keys;
};

TEST(KeyspaceIterationTest, ScanAndForEachKeyIncludeExpiredKeysForTheCallerToFilter) {
  Keyspace ks(0);
  ks.Set("live", "v", SetCond::kAlways, TtlMode::kClear, kNoDeadline, 0);
  ks.Set("dying", "v", SetCond::kAlways, TtlMode::kAt, 10, 0);
  KeyList all;
  ks.ForEachKey(all);
  EXPECT_EQ(all.keys, (std::map<std::string, Millis>{{"live", kNoDeadline}, {"dying", 10}}));
  KeyList scanned;
  EXPECT_EQ(ks.Scan(0, 10, 100, scanned).cursor, 0u);
  EXPECT_EQ(scanned.keys, all.keys);
  EXPECT_EQ(ks.size(), 2u) << "iteration never deletes";
}

TEST(KeyspaceIterationTest, EmptyKeyspaces) {
  Keyspace ks(0);
  KeyList none;
  EXPECT_EQ(ks.Scan(0, 10, 100, none).cursor, 0u);
  EXPECT_EQ(ks.Scan(12345, 10, 100, none).cursor, 0u);
  EXPECT_TRUE(none.keys.empty());
  EXPECT_EQ(ks.RandomKey(42, 0), std::nullopt);
  ks.Set("k", "v", SetCond::kAlways, TtlMode::kClear, kNoDeadline, 0);
  ks.Clear();  // keeps the index's groups: now empty but allocated
  EXPECT_EQ(ks.Scan(0, 10, 100, none).cursor, 0u);
  EXPECT_EQ(ks.RandomKey(42, 0), std::nullopt);
}

TEST(KeyspaceIterationTest, RandomKeyReturnsLiveKeysAndDeletesExpiredOnes) {
  Keyspace ks(0);
  for (int i = 0; i < 10; ++i) {
    ks.Set("live:" + std::to_string(i), "v", SetCond::kAlways, TtlMode::kClear, kNoDeadline, 0);
  }
  for (int i = 0; i < 200; ++i) {
    ks.Set("dead:" + std::to_string(i), "v", SetCond::kAlways, TtlMode::kAt, 5, 0);
  }
  std::mt19937_64 rng(1);
  std::set<std::string> picked;
  for (int i = 0; i < 500; ++i) {
    const auto key = ks.RandomKey(rng(), 10);
    ASSERT_TRUE(key.has_value());
    ASSERT_EQ(key->substr(0, 5), "live:");
    picked.insert(std::string(*key));
  }
  EXPECT_EQ(picked.size(), 10u) << "every live key can be picked";
  EXPECT_LT(ks.size(), 210u) << "expired keys met on the way were deleted";
  EXPECT_EQ(ks.expired_total(), 210u - ks.size());
}

TEST(KeyspaceIterationTest, RandomKeyWithOnlyExpiredKeysEmptiesTheKeyspace) {
  Keyspace ks(0);
  for (int i = 0; i < 1000; ++i) {
    ks.Set("dead:" + std::to_string(i), "v", SetCond::kAlways, TtlMode::kAt, 5, 0);
  }
  EXPECT_EQ(ks.RandomKey(99, 10), std::nullopt);
  EXPECT_EQ(ks.size(), 0u);
  EXPECT_EQ(ks.expired_total(), 1000u);
}

TEST(KeyspaceIterationTest, MemoryUsageIsTheEntryPlusItsIndexShare) {
  Keyspace ks(0);
  EXPECT_EQ(ks.MemoryUsage("lock:order:42", 0), std::nullopt);
  const std::string token(36, 't');  // a UUID-sized lock token
  ks.Set("lock:order:42", token, SetCond::kAlways, TtlMode::kAt, 100, 0);
  const auto bytes = ks.MemoryUsage("lock:order:42", 0);
  ASSERT_TRUE(bytes.has_value());
  // 24-byte header + 13 + 36 rounded to the 8-byte class: 80; the index of one key is small.
  const size_t index_bytes = ks.used_bytes() - 80;
  EXPECT_EQ(*bytes, ks.used_bytes()) << "one key: it pays for the whole index";
  EXPECT_GT(index_bytes, 0u);
  EXPECT_EQ(ks.MemoryUsage("lock:order:42", 101), std::nullopt) << "expired: gone";
  EXPECT_EQ(ks.size(), 0u);
}

}  // namespace
}  // namespace locknode::keyspace
