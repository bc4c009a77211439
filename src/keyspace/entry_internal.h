#pragma once

// Private to the keyspace module: the entry layout and the hash table over it.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>

#include <boost/unordered/unordered_flat_set.hpp>

#include "locknode/base/dcheck.h"
#include "locknode/keyspace/timing_wheel.h"

#include "keyspace/entry_arena.h"

namespace locknode::keyspace::internal {

// One arena block per key, named by its Handle: this 24-byte header, then the key bytes, then the
// value bytes (no terminators, binary-safe). When header, key and value would exceed
// EntryArena::kMaxSmall, the block is a stub (header + one pointer) and key and value live in a
// heap buffer it owns, so every key still has one handle. The block never moves while the key
// lives, except when an overwrite changes the value's length (Keyspace re-links the hook then),
// so the wheel can link to it and the hash table can rehash freely: it stores only the handle.
struct Entry {
  WheelNode hook;  // first member, so the entry's handle is the hook's: hook.deadline is the key's
  uint32_t key_len;
  uint32_t value_len;

  static Entry* Get(const EntryArena& arena, Handle h) {
    return static_cast<Entry*>(arena.Resolve(h));
  }

  char* data() { return out_of_line() ? body() : tail(); }
  const char* data() const { return out_of_line() ? body() : tail(); }
  std::string_view key() const { return {data(), key_len}; }
  std::string_view value() const { return {data() + key_len, value_len}; }
  Millis deadline() const { return hook.deadline; }
  // Overwrites the value in place; only for a value of the same length.
  void SetValueSameLength(std::string_view v) {
    LOCKNODE_DCHECK(v.size() == value_len);
    if (!v.empty()) std::memcpy(data() + key_len, v.data(), v.size());
  }

  // Bytes of memory this entry occupies (block with size-class rounding, plus an out-of-line
  // body's bytes; malloc's own header on that body is not counted): what a used-memory count
  // should add per key. O(1).
  size_t AllocatedBytes() const {
    return EntryArena::BlockBytes(BlockSize()) + (out_of_line() ? size_t{key_len} + value_len : 0);
  }

  // Allocates an unlinked entry with no deadline.
  static Handle Create(EntryArena& arena, std::string_view key, std::string_view value) {
    LOCKNODE_DCHECK(key.size() <= UINT32_MAX && value.size() <= UINT32_MAX);
    const Entry shape{WheelNode{}, static_cast<uint32_t>(key.size()),
                      static_cast<uint32_t>(value.size())};
    const Handle h = arena.Allocate(shape.BlockSize());
    auto* e = new (arena.Resolve(h)) Entry{shape};
    if (e->out_of_line()) {
      char* body = static_cast<char*>(::operator new(key.size() + value.size()));
      std::memcpy(e->tail(), &body, sizeof(body));
    }
    // memcpy with a null source is UB even for 0 bytes, and string_view{} has a null data().
    if (!key.empty()) std::memcpy(e->data(), key.data(), key.size());
    if (!value.empty()) std::memcpy(e->data() + key.size(), value.data(), value.size());
    return h;
  }
  static void Destroy(EntryArena& arena, Handle h) {
    Entry* e = Get(arena, h);
    LOCKNODE_DCHECK(!e->hook.linked());
    const size_t size = e->BlockSize();
    if (e->out_of_line()) ::operator delete(e->body());
    e->~Entry();
    arena.Free(h, size);
  }

 private:
  size_t InlineSize() const { return sizeof(Entry) + key_len + value_len; }
  bool out_of_line() const { return InlineSize() > EntryArena::kMaxSmall; }
  size_t BlockSize() const { return out_of_line() ? sizeof(Entry) + sizeof(char*) : InlineSize(); }
  // The bytes after the header: key and value, or the pointer to the out-of-line body.
  char* tail() const { return const_cast<char*>(reinterpret_cast<const char*>(this + 1)); }
  char* body() const {
    char* p = nullptr;
    std::memcpy(&p, tail(), sizeof(p));
    return p;
  }
};
static_assert(std::is_standard_layout_v<Entry>);
static_assert(offsetof(Entry, hook) == 0);
static_assert(sizeof(Entry) == 24);

// 64-bit wyhash (final v4 structure, public domain, by Wang Yi): fast on short keys and
// avalanching, so the flat table can use its low bits directly (no post-mix).
uint64_t HashBytes(std::string_view s, uint64_t seed);

// The table's element: the entry's handle. `h` is mutable so a reallocated entry can be swapped
// in place; the key (and hash) never change by that.
struct EntryRef {
  mutable Handle h;
};

// Both functors resolve handles through the arena's space (which outlives the table).
inline std::string_view KeyOf(HandleSpace::Resolver resolve, const EntryRef& r) {
  return static_cast<const Entry*>(resolve(r.h))->key();
}

struct KeyHash {
  using is_transparent = void;  // find(std::string_view) without building an EntryRef
  using is_avalanching = void;  // boost::unordered::hash_is_avalanching: skip the post-mix
  HandleSpace::Resolver resolve;
  uint64_t seed = 0x9e3779b97f4a7c15;
  size_t operator()(std::string_view k) const noexcept { return HashBytes(k, seed); }
  size_t operator()(const EntryRef& r) const noexcept { return HashBytes(KeyOf(resolve, r), seed); }
};

struct KeyEq {
  using is_transparent = void;
  HandleSpace::Resolver resolve;
  bool operator()(const EntryRef& a, const EntryRef& b) const {
    return KeyOf(resolve, a) == KeyOf(resolve, b);
  }
  bool operator()(std::string_view a, const EntryRef& b) const { return a == KeyOf(resolve, b); }
  bool operator()(const EntryRef& a, std::string_view b) const { return KeyOf(resolve, a) == b; }
};

// Open addressing (SIMD-probed groups of 15): ~5 bytes per slot (handle + metadata byte).
using Table = boost::unordered_flat_set<EntryRef, KeyHash, KeyEq>;
inline constexpr size_t kTableBytesPerSlot = sizeof(EntryRef) + 1;

}  // namespace locknode::keyspace::internal
