#include "keyspace/entry_arena.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "keyspace/entry_internal.h"
#include "support/fake_object.h"

namespace locknode::keyspace::internal {
namespace {

TEST(EntryArenaTest, BlockBytesRoundsToTheGranule) {
  EXPECT_EQ(EntryArena::BlockBytes(1), 8u);
  EXPECT_EQ(EntryArena::BlockBytes(8), 8u);
  EXPECT_EQ(EntryArena::BlockBytes(71), 72u);  // a lock entry: 24 + 11 + 36
  EXPECT_EQ(EntryArena::BlockBytes(257), 264u);
}

TEST(EntryArenaTest, FreedBlockIsReusedBySameClass) {
  EntryArena arena;
  const Handle a = arena.Allocate(71);
  void* at = arena.Resolve(a);
  arena.Free(a, 71);
  const Handle b = arena.Allocate(72);  // 71 and 72 share the 72-byte class
  EXPECT_EQ(b, a);
  EXPECT_EQ(arena.Resolve(b), at);
}

// Enough blocks for several chunks: handles are unique and outside the reserved range, resolve to
// distinct aligned addresses that stay put while other chunks are added, and are consecutive
// (one class's blocks are laid out back to back) within a chunk.
TEST(EntryArenaTest, HandlesRoundTripAcrossChunks) {
  EntryArena arena;
  constexpr size_t kBlock = 72;
  const size_t count = 3 * EntryArena::kChunkBytes / kBlock + 17;
  std::vector<Handle> handles;
  std::vector<void*> addresses;
  for (size_t i = 0; i < count; ++i) {
    const Handle h = arena.Allocate(kBlock);
    ASSERT_LT(h, HandleSpace::kFirstReserved);
    handles.push_back(h);
    addresses.push_back(arena.Resolve(h));
    ASSERT_EQ(reinterpret_cast<uintptr_t>(addresses.back()) % EntryArena::kGranule, 0u);
    std::memcpy(addresses.back(), &i, sizeof(i));
  }
  EXPECT_EQ(arena.space().regions(), 4u);
  EXPECT_EQ(std::set<Handle>(handles.begin(), handles.end()).size(), count);
  EXPECT_EQ(std::set<void*>(addresses.begin(), addresses.end()).size(), count);
  EXPECT_EQ(handles[1] - handles[0], kBlock / EntryArena::kGranule);
  for (size_t i = 0; i < count; ++i) {
    ASSERT_EQ(arena.Resolve(handles[i]), addresses[i]);
    size_t stored = 0;
    std::memcpy(&stored, addresses[i], sizeof(stored));
    ASSERT_EQ(stored, i);
  }
}

// Random allocate/free of every small size: every live block is aligned, keeps its bytes and
// never overlaps another (each is filled with its own pattern and checked before its free).
TEST(EntryArenaTest, LiveBlocksNeverOverlap) {
  EntryArena arena;
  std::mt19937 rng(7);
  struct Block {
    size_t size;
    unsigned char fill;
  };
  std::map<Handle, Block> live;
  auto check = [&](Handle h, const Block& b) {
    const auto* p = static_cast<const unsigned char*>(arena.Resolve(h));
    for (size_t i = 0; i < b.size; ++i) {
      if (p[i] != b.fill) return false;
    }
    return true;
  };
  for (int step = 0; step < 40000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      const size_t size = 1 + rng() % EntryArena::kMaxSmall;
      const Handle h = arena.Allocate(size);
      void* p = arena.Resolve(h);
      ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % alignof(void*), 0u);
      const auto fill = static_cast<unsigned char>(step);
      std::memset(p, fill, size);
      ASSERT_TRUE(live.emplace(h, Block{size, fill}).second) << "block handed out twice";
    } else {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      ASSERT_TRUE(check(it->first, it->second)) << "block overwritten by another";
      arena.Free(it->first, it->second.size);
      live.erase(it);
    }
  }
  for (auto& [h, b] : live) {
    ASSERT_TRUE(check(h, b));
    arena.Free(h, b.size);
  }
}

// Entries on both sides of kMaxSmall (24 + 10 + 222 = 256 is the last inline size): contents
// round-trip, the block stays in the arena (a stub for big ones), and the accounting matches the
// layout.
TEST(EntryTest, SmallAndOutOfLineEntriesRoundTrip) {
  EntryArena arena;
  for (size_t value_len : {size_t{0}, size_t{36}, size_t{222}, size_t{223}, size_t{5000}}) {
    const std::string key(10, 'k');
    std::string value(value_len, 'v');
    if (!value.empty()) value.back() = 'z';
    const Handle h = Entry::Create(arena, key, std::string_view(value));
    Entry* e = Entry::Get(arena, h);
    EXPECT_TRUE(e->is_string());
    EXPECT_EQ(e->kind(), ValueKind::kString);
    EXPECT_EQ(e->key(), key);
    EXPECT_EQ(e->value(), value);
    EXPECT_FALSE(e->hook.linked());
    EXPECT_EQ(e->deadline(), kNoDeadline);
    const size_t inline_size = sizeof(Entry) + key.size() + value.size();
    const size_t expected = inline_size <= EntryArena::kMaxSmall
                                ? EntryArena::BlockBytes(inline_size)
                                : sizeof(Entry) + sizeof(char*) + key.size() + value.size();
    EXPECT_EQ(e->AllocatedBytes(), expected) << value_len;
    if (!value.empty()) {
      value.front() = 'a';
      e->SetValueSameLength(value);
      EXPECT_EQ(e->value(), value);
    }
    Entry::Destroy(arena, h);
  }
}

// A non-string entry keeps the same 24-byte header (the kind rides in value_len's top bit) and
// one pointer after the key; it owns the object, inline or, for a key past the small blocks
// (24 + 224 + 8 = 256 is the last inline size), in the out-of-line body.
TEST(EntryTest, ObjectEntriesOwnTheirObject) {
  EntryArena arena;
  for (size_t key_len : {size_t{0}, size_t{11}, size_t{224}, size_t{225}, size_t{5000}}) {
    const std::string key(key_len, 'k');
    auto object = test::MakeFake(ValueKind::kZSet, "payload");
    Object* raw = object.get();
    const Handle h = Entry::Create(arena, key, raw);
    (void)object.release();  // the entry owns it now
    const Entry* e = Entry::Get(arena, h);
    EXPECT_FALSE(e->is_string());
    EXPECT_EQ(e->kind(), ValueKind::kZSet);
    EXPECT_EQ(e->key(), key);
    EXPECT_EQ(e->object(), raw);
    const size_t inline_size = sizeof(Entry) + key_len + sizeof(Object*);
    const size_t expected = inline_size <= EntryArena::kMaxSmall
                                ? EntryArena::BlockBytes(inline_size)
                                : sizeof(Entry) + sizeof(char*) + key_len + sizeof(Object*);
    EXPECT_EQ(e->AllocatedBytes(), expected) << key_len;
    EXPECT_EQ(test::FakeObject::live(), 1);
    Entry::Destroy(arena, h);
    EXPECT_EQ(test::FakeObject::live(), 0) << key_len;
  }
}

// Every kind fits the tag, and no string length can be mistaken for one.
TEST(EntryTest, KindTagNeverCollidesWithAStringLength) {
  EXPECT_LT(kMaxStringBytes, size_t{Entry::kTypedBit});
  EntryArena arena;
  for (ValueKind kind : {ValueKind::kList, ValueKind::kSet, ValueKind::kZSet, ValueKind::kHash}) {
    const Handle h = Entry::Create(arena, "k", test::MakeFake(kind).release());
    EXPECT_EQ(Entry::Get(arena, h)->kind(), kind);
    EXPECT_GE(Entry::Get(arena, h)->value_len, Entry::kTypedBit);
    Entry::Destroy(arena, h);
  }
}

}  // namespace
}  // namespace locknode::keyspace::internal
