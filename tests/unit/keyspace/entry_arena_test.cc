#include "keyspace/entry_arena.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace locknode::keyspace::internal {
namespace {

TEST(EntryArenaTest, BlockBytesRoundsToTheGranule) {
  EXPECT_EQ(EntryArena::BlockBytes(1), 8u);
  EXPECT_EQ(EntryArena::BlockBytes(8), 8u);
  EXPECT_EQ(EntryArena::BlockBytes(79), 80u);  // a lock entry: 32 + 11 + 36
  EXPECT_EQ(EntryArena::BlockBytes(257), 264u);
}

TEST(EntryArenaTest, FreedBlockIsReusedBySameClass) {
  EntryArena arena;
  void* a = arena.Allocate(79);
  arena.Free(a, 79);
  EXPECT_EQ(arena.Allocate(80), a);  // 79 and 80 share the 80-byte class
}

// Random allocate/free of small and large sizes: every live block is aligned, keeps its bytes
// and never overlaps another (each is filled with its own pattern and checked before its free).
TEST(EntryArenaTest, LiveBlocksNeverOverlap) {
  EntryArena arena;
  std::mt19937 rng(7);
  struct Block {
    size_t size;
    unsigned char fill;
  };
  std::map<char*, Block> live;
  auto check = [](char* p, const Block& b) {
    for (size_t i = 0; i < b.size; ++i) {
      if (static_cast<unsigned char>(p[i]) != b.fill) return false;
    }
    return true;
  };
  for (int step = 0; step < 40000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      const size_t size = rng() % 4 == 0 ? 1 + rng() % 600 : 1 + rng() % EntryArena::kMaxSmall;
      auto* p = static_cast<char*>(arena.Allocate(size));
      ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % alignof(void*), 0u);
      const auto fill = static_cast<unsigned char>(step);
      std::memset(p, fill, size);
      ASSERT_TRUE(live.emplace(p, Block{size, fill}).second) << "block handed out twice";
    } else {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      ASSERT_TRUE(check(it->first, it->second)) << "block overwritten by another";
      arena.Free(it->first, it->second.size);
      live.erase(it);
    }
  }
  for (auto& [p, b] : live) {
    ASSERT_TRUE(check(p, b));
    arena.Free(p, b.size);
  }
}

}  // namespace
}  // namespace locknode::keyspace::internal
