// The collection objects (zset.h, list.h, set.h) against simple models: random operations over
// both encodings of each, checked after every step (order, ranks, score bounds, membership,
// conversions, copies), plus the byte accounting the keyspace charges for them.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/keyspace/list.h"
#include "locknode/keyspace/set.h"
#include "locknode/keyspace/zset.h"

namespace locknode::keyspace {
namespace {

using Model = std::set<std::pair<double, std::string>>;

void ExpectSame(const ZSet& z, const Model& m) {
  ASSERT_EQ(z.size(), m.size());
  const std::vector<ZSet::Item> items = z.Items(0, z.size());
  size_t rank = 0;
  for (const auto& [score, member] : m) {
    ASSERT_EQ(items[rank].score, score);
    ASSERT_EQ(items[rank].member, member);
    ASSERT_EQ(z.Rank(member, score), rank);
    ASSERT_EQ(z.Score(member), score);
    ++rank;
  }
  for (const double bound : {-HUGE_VAL, -1.0, 0.0, 2.0, 2.5, 7.0, HUGE_VAL}) {
    for (const bool ex : {false, true}) {
      const auto begin = static_cast<size_t>(std::count_if(m.begin(), m.end(), [&](const auto& e) {
        return ex ? e.first <= bound : e.first < bound;
      }));
      const auto end = static_cast<size_t>(std::count_if(m.begin(), m.end(), [&](const auto& e) {
        return ex ? e.first < bound : e.first <= bound;
      }));
      ASSERT_EQ(z.ScoreBegin(bound, ex), begin) << bound << " " << ex;
      ASSERT_EQ(z.ScoreEnd(bound, ex), end) << bound << " " << ex;
    }
  }
}

// Random adds, updates, removes and rank-range removals on both encodings.
TEST(ZSetTest, MatchesAnOrderedModel) {
  std::mt19937 rng(18);
  for (const size_t universe : {20u, 400u}) {  // 400 members cross the 128-entry limit
    ZSet z;
    Model m;
    std::map<std::string, double> scores;
    bool was_ordered = false;
    for (int step = 0; step < 3000; ++step) {
      const std::string member = "m" + std::to_string(rng() % universe);
      const double score = static_cast<double>(static_cast<int>(rng() % 9) - 2) / 2;
      const int op = static_cast<int>(rng() % 10);
      const auto it = scores.find(member);
      if (op < 6) {
        if (it == scores.end()) {
          z.Add(member, score);
          scores[member] = score;
        } else {
          z.Update(member, it->second, score);
          m.erase({it->second, member});
          it->second = score;
        }
        m.insert({score, member});
      } else if (op < 9) {
        ASSERT_EQ(z.Remove(member), it != scores.end());
        if (it != scores.end()) {
          m.erase({it->second, member});
          scores.erase(it);
        }
      } else if (!m.empty()) {
        const size_t from = rng() % m.size();
        const size_t to = std::min(m.size(), from + rng() % 4);
        z.RemoveRanks(from, to);
        auto first = std::next(m.begin(), static_cast<std::ptrdiff_t>(from));
        auto last = std::next(m.begin(), static_cast<std::ptrdiff_t>(to));
        for (auto e = first; e != last; ++e) scores.erase(e->second);
        m.erase(first, last);
      }
      was_ordered = was_ordered || !z.compact();
      // Never back to compact once converted (Redis keeps the skiplist).
      ASSERT_EQ(z.compact(), !was_ordered);
      if (step % 50 == 0 || universe == 20) ExpectSame(z, m);
    }
    ExpectSame(z, m);
    EXPECT_EQ(was_ordered, universe == 400u);
    // A copy is deep and equal.
    ZSet copy(z);
    ExpectSame(copy, m);
    if (copy.size() > 0) copy.Remove(std::string(copy.Items(0, 1)[0].member));
    ExpectSame(z, m);
  }
}

TEST(ZSetTest, EncodingLimitsAndNegativeZero) {
  ZSet z;
  z.Add("a", -0.0);
  EXPECT_FALSE(std::signbit(*z.Score("a")));  // a listpack stores an integral -0 as 0
  for (int i = 0; i < 127; ++i) z.Add("m" + std::to_string(i), i);
  EXPECT_EQ(z.encoding(), "listpack");
  z.Add("one-more", 1);
  EXPECT_EQ(z.encoding(), "skiplist");
  z.Add("neg", -0.0);
  EXPECT_TRUE(std::signbit(*z.Score("neg")));  // a skiplist keeps the double

  ZSet long_member;
  long_member.Add(std::string(64, 'x'), 1);
  EXPECT_EQ(long_member.encoding(), "listpack");
  long_member.Add(std::string(65, 'y'), 1);
  EXPECT_EQ(long_member.encoding(), "skiplist");
}

TEST(ZSetTest, AllocatedBytesFollowTheContents) {
  ZSet z;
  const size_t empty = z.AllocatedBytes();
  for (int i = 0; i < 10; ++i)
    z.Add(std::string(36, static_cast<char>('a' + i)), 1700000000000.0 + i);
  const size_t ten = z.AllocatedBytes();
  EXPECT_GE(ten, empty + 10 * 36);
  EXPECT_LE(ten, empty + 10 * 64);  // compact: ~9 bytes of overhead per member
  for (int i = 0; i < 200; ++i) z.Add("k" + std::to_string(i), i);
  EXPECT_GT(z.AllocatedBytes(), ten + 200 * 40);
  z.RemoveRanks(0, z.size());
  EXPECT_LT(z.AllocatedBytes(), ten + 200 * 40);
}

TEST(ListTest, MatchesADequeModel) {
  std::mt19937 rng(19);
  List l;
  std::vector<std::string> m;
  for (int step = 0; step < 4000; ++step) {
    const std::string v = std::string(rng() % 3 == 0 ? 40 : 2, static_cast<char>('a' + rng() % 5));
    switch (rng() % 7) {
      case 0:
        l.PushFront(v);
        m.insert(m.begin(), v);
        break;
      case 1:
        l.PushBack(v);
        m.push_back(v);
        break;
      case 2:
        if (!m.empty()) {
          ASSERT_EQ(l.PopFront(), m.front());
          m.erase(m.begin());
        }
        break;
      case 3:
        if (!m.empty()) {
          ASSERT_EQ(l.PopBack(), m.back());
          m.pop_back();
        }
        break;
      case 4: {
        const size_t i = rng() % (m.size() + 1);
        l.Insert(i, v);
        m.insert(m.begin() + static_cast<std::ptrdiff_t>(i), v);
        break;
      }
      case 5:
        if (!m.empty()) {
          const size_t i = rng() % m.size();
          l.Set(i, v);
          m[i] = v;
        }
        break;
      default:
        if (!m.empty()) {
          const size_t from = rng() % m.size();
          const size_t to = std::min(m.size(), from + rng() % 3);
          l.EraseRange(from, to);
          m.erase(m.begin() + static_cast<std::ptrdiff_t>(from),
                  m.begin() + static_cast<std::ptrdiff_t>(to));
        }
    }
    ASSERT_EQ(l.size(), m.size());
    for (size_t i = 0; i < m.size(); ++i) ASSERT_EQ(l.At(i), m[i]);
  }
  List empty;
  while (l.size() > 0) l.PopBack();
  EXPECT_EQ(l.AllocatedBytes(), empty.AllocatedBytes());  // long elements were all uncharged
}

TEST(SetTest, MatchesAModelAcrossEncodings) {
  std::mt19937 rng(20);
  for (const bool words : {false, true}) {
    Set s;
    std::set<std::string> m;
    for (int step = 0; step < 3000; ++step) {
      // ~2/3 of 1000 values present at equilibrium: past the 512-integer intset limit.
      std::string v = std::to_string(static_cast<int>(rng() % 1000) - 100);
      if (words && rng() % 50 == 0) v = "w" + v;
      if (rng() % 3 != 0) {
        ASSERT_EQ(s.Add(v), m.insert(v).second);
      } else {
        ASSERT_EQ(s.Remove(v), m.erase(v) == 1);
      }
      ASSERT_EQ(s.size(), m.size());
      ASSERT_EQ(s.Contains(v), m.count(v) == 1);
    }
    std::vector<std::string> members = s.Members();
    std::sort(members.begin(), members.end());
    EXPECT_EQ(members, std::vector<std::string>(m.begin(), m.end()));
    EXPECT_EQ(s.encoding(), "hashtable");  // > 512 integers, or a word
  }
  Set ints;
  for (const char* v : {"3", "-1", "2"}) ints.Add(v);
  EXPECT_EQ(ints.encoding(), "intset");
  EXPECT_EQ(ints.Members(), (std::vector<std::string>{"-1", "2", "3"}));
  EXPECT_FALSE(ints.Contains("02"));  // not a strict integer: not an intset member
  ints.Add("02");
  EXPECT_EQ(ints.encoding(), "hashtable");
  EXPECT_TRUE(ints.Contains("2"));
  EXPECT_TRUE(ints.Contains("02"));
}

}  // namespace
}  // namespace locknode::keyspace
