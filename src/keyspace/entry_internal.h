#pragma once

// Private to the keyspace module: the entry layout and the hash table over it.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>

#include <boost/unordered/unordered_flat_set.hpp>

#include "keyspace/entry_arena.h"
#include "locknode/base/dcheck.h"
#include "locknode/keyspace/timing_wheel.h"

namespace locknode::keyspace::internal {

// One block per key (from the EntryArena's size classes): this 32-byte header, then the key
// bytes, then the value bytes (no terminators, binary-safe). The block never moves while the key lives, except when an
// overwrite changes the value's length (Keyspace re-links the hook then), so the wheel can point
// into it and the hash table can rehash freely: it stores only the pointer.
struct Entry {
  WheelNode hook;  // first member: FromHook() casts back. hook.deadline is the key's deadline.
  uint32_t key_len;
  uint32_t value_len;

  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view key() const { return {data(), key_len}; }
  std::string_view value() const { return {data() + key_len, value_len}; }
  Millis deadline() const { return hook.deadline; }
  // Overwrites the value in place; only for a value of the same length.
  void SetValueSameLength(std::string_view v) {
    LOCKNODE_DCHECK(v.size() == value_len);
    if (!v.empty()) std::memcpy(data() + key_len, v.data(), v.size());
  }

  // Bytes of memory this entry occupies (header, key, value, size-class rounding): what a
  // used-memory count should add per key. O(1).
  size_t AllocatedBytes() const { return EntryArena::BlockBytes(BlockSize(key_len, value_len)); }
  static size_t BlockSize(size_t key_len, size_t value_len) {
    return sizeof(Entry) + key_len + value_len;
  }

  // Allocates an unlinked entry with no deadline.
  static Entry* Create(EntryArena& arena, std::string_view key, std::string_view value) {
    LOCKNODE_DCHECK(key.size() <= UINT32_MAX && value.size() <= UINT32_MAX);
    void* mem = arena.Allocate(BlockSize(key.size(), value.size()));
    auto* e = new (mem)
        Entry{WheelNode{}, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size())};
    // memcpy with a null source is UB even for 0 bytes, and string_view{} has a null data().
    if (!key.empty()) std::memcpy(e->data(), key.data(), key.size());
    if (!value.empty()) std::memcpy(e->data() + key.size(), value.data(), value.size());
    return e;
  }
  static void Destroy(EntryArena& arena, Entry* e) {
    LOCKNODE_DCHECK(!e->hook.linked());
    const size_t size = BlockSize(e->key_len, e->value_len);
    e->~Entry();
    arena.Free(e, size);
  }
  // Entry is standard-layout with the hook first, so the two addresses are interconvertible.
  static Entry* FromHook(WheelNode* n) { return reinterpret_cast<Entry*>(n); }
};
static_assert(std::is_standard_layout_v<Entry>);
static_assert(offsetof(Entry, hook) == 0);
static_assert(sizeof(Entry) == 32);

// 64-bit wyhash (final v4 structure, public domain, by Wang Yi): fast on short keys and
// avalanching, so the flat table can use its low bits directly (no post-mix).
uint64_t HashBytes(std::string_view s, uint64_t seed);

// The table's element: a pointer to the entry. `p` is mutable so a reallocated entry can be
// swapped in place; the key (and hash) never change by that.
struct EntryRef {
  mutable Entry* p;
};

struct KeyHash {
  using is_transparent = void;  // find(std::string_view) without building an EntryRef
  using is_avalanching = void;  // boost::unordered::hash_is_avalanching: skip the post-mix
  uint64_t seed = 0x9e3779b97f4a7c15;
  size_t operator()(std::string_view k) const noexcept { return HashBytes(k, seed); }
  size_t operator()(const EntryRef& r) const noexcept { return HashBytes(r.p->key(), seed); }
};

struct KeyEq {
  using is_transparent = void;
  bool operator()(const EntryRef& a, const EntryRef& b) const { return a.p->key() == b.p->key(); }
  bool operator()(std::string_view a, const EntryRef& b) const { return a == b.p->key(); }
  bool operator()(const EntryRef& a, std::string_view b) const { return a.p->key() == b; }
};

// Open addressing (SIMD-probed groups of 15): ~9 bytes per slot (pointer + metadata byte).
using Table = boost::unordered_flat_set<EntryRef, KeyHash, KeyEq>;
inline constexpr size_t kTableBytesPerSlot = sizeof(EntryRef) + 1;

}  // namespace locknode::keyspace::internal
