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
#include "locknode/keyspace/value.h"

#include "keyspace/entry_arena.h"

namespace locknode::keyspace::internal {

// Gives the keyspace the Object field it keeps for accounting (value.h).
class ObjectAccess {
 public:
  static size_t& charged_bytes(Object& o) { return o.charged_bytes_; }
};

// One arena block per key, named by its Handle: this 24-byte header, then the key bytes, then the
// value: a string's bytes, or for any other kind the pointer to the Object the entry owns (no
// terminators, binary-safe). When header, key and value would exceed EntryArena::kMaxSmall, the
// block is a stub (header + one pointer) and key and value live in a heap buffer it owns, so
// every key still has one handle. The block never moves while the key lives, except when an
// overwrite changes the value's length or kind (Keyspace re-links the hook then), so the wheel
// can link to it and the hash table can rehash freely: it stores only the handle.
//
// The kind costs no header bytes: a string is at most kMaxStringBytes (< 2^31) long, so
// `value_len` keeps a string's length below kTypedBit and kTypedBit | kind for an object. A
// compact value (a small hash in its flat encoding, value.h) is bytes stored like a string's:
// kTypedBit | kCompactBit | kind << kCompactKindShift | length, so a one-field hash lock costs
// one block, as a string lock does. A string entry is therefore exactly what it was before
// kinds existed, and its checks are one compare.
// Bytes of the Object pointer a non-string entry stores after its key (written as void*'s size:
// clang-tidy's bugprone-sizeof-expression reads sizeof(Object*) as a mistake).
inline constexpr size_t kObjectPointerBytes = sizeof(void*);

// A compact value's bytes and kind (the value Keyspace::SetCompact stores).
struct CompactValue {
  ValueKind kind;
  std::string_view bytes;
};

// A string's StringEnc (value.h) costs no header bytes either: a request is under 2^31 bytes, so
// the key length's top bit is free. `key_bits` is the length itself, or for a key shorter than
// 2^30 (every real key) kEncBit | (enc bit << 30) | length; for a longer key the encoding is
// not kept (kAuto: by the bytes, as for anything SET writes).
struct Entry {
  static constexpr uint32_t kTypedBit = uint32_t{1} << 31;
  static constexpr uint32_t kCompactBit = uint32_t{1} << 30;
  static constexpr uint32_t kCompactKindShift = 24;
  static constexpr uint32_t kCompactLenMask = (uint32_t{1} << kCompactKindShift) - 1;
  static constexpr uint32_t kEncBit = uint32_t{1} << 31;
  static constexpr uint32_t kEncMask = uint32_t{3} << 30;
  static constexpr uint32_t kMaxEncKeyLen = (uint32_t{1} << 30) - 1;

  WheelNode hook;  // first member, so the entry's handle is the hook's: hook.deadline is the key's
  uint32_t key_bits;
  uint32_t value_len;  // string: its length; other kinds: kTypedBit | ValueKind

  // Branch-free: the two encoding bits are masked off only when kEncBit says they are there.
  uint32_t key_len() const {
    const uint32_t has_enc = 0u - (key_bits >> 31);  // all ones iff kEncBit
    return key_bits & ~(has_enc & kEncMask);
  }
  StringEnc encoding() const {
    return (key_bits & kEncBit) != 0 ? static_cast<StringEnc>(key_bits >> 30) : StringEnc::kAuto;
  }
  void set_encoding(StringEnc enc) {
    const uint32_t len = key_len();
    if (len > kMaxEncKeyLen) return;  // not kept: reported by the bytes
    key_bits = enc == StringEnc::kAuto ? len : (static_cast<uint32_t>(enc) << 30) | len;
  }

  static Entry* Get(const EntryArena& arena, Handle h) {
    return static_cast<Entry*>(arena.Resolve(h));
  }

  bool is_string() const { return value_len < kTypedBit; }
  bool is_compact() const {
    return (value_len & (kTypedBit | kCompactBit)) == (kTypedBit | kCompactBit);
  }
  // A non-string that is not compact: the entry owns an Object.
  bool has_object() const { return (value_len & (kTypedBit | kCompactBit)) == kTypedBit; }
  ValueKind kind() const {
    if (is_string()) return ValueKind::kString;
    if (is_compact())
      return static_cast<ValueKind>((value_len & ~(kTypedBit | kCompactBit)) >> kCompactKindShift);
    return static_cast<ValueKind>(value_len & ~kTypedBit);
  }
  // What value_len holds for a compact value (its length fits kCompactLenMask).
  static uint32_t CompactLen(const CompactValue& v) {
    LOCKNODE_DCHECK(v.bytes.size() <= kCompactLenMask);
    return kTypedBit | kCompactBit | static_cast<uint32_t>(v.kind) << kCompactKindShift |
           static_cast<uint32_t>(v.bytes.size());
  }
  char* data() { return out_of_line() ? body() : tail(); }
  const char* data() const { return out_of_line() ? body() : tail(); }
  std::string_view key() const { return {data(), key_len()}; }
  // Only for a string or a compact entry: its bytes.
  std::string_view value() const {
    LOCKNODE_DCHECK(!has_object());
    return {data() + key_len(), ValueSize()};
  }
  // Only for an entry owning an object.
  Object* object() const {
    LOCKNODE_DCHECK(has_object());
    Object* o = nullptr;  // memcpy: the bytes after the key are unaligned
    std::memcpy(&o, data() + key_len(), kObjectPointerBytes);
    return o;
  }
  Millis deadline() const { return hook.deadline; }
  // Overwrites a string or compact value in place; only for one of the same kind and length.
  void SetValueSameLength(std::string_view v) {
    LOCKNODE_DCHECK(!has_object() && v.size() == ValueSize());
    if (!v.empty()) std::memcpy(data() + key_len(), v.data(), v.size());
  }

  // Bytes of memory this entry occupies (block with size-class rounding, plus an out-of-line
  // body's bytes; malloc's own header on that body is not counted), not counting an object's
  // own bytes: what a used-memory count should add per key. O(1).
  size_t AllocatedBytes() const {
    return EntryArena::BlockBytes(BlockSize()) +
           (out_of_line() ? size_t{key_len()} + ValueSize() : 0);
  }

  // Allocates an unlinked string entry with no deadline.
  static Handle Create(EntryArena& arena, std::string_view key, std::string_view value) {
    LOCKNODE_DCHECK(value.size() <= kMaxStringBytes);
    const Handle h = Make(arena, key, static_cast<uint32_t>(value.size()));
    // memcpy with a null source is UB even for 0 bytes, and string_view{} has a null data().
    if (!value.empty()) std::memcpy(Get(arena, h)->data() + key.size(), value.data(), value.size());
    return h;
  }
  // Allocates an unlinked compact entry with no deadline.
  static Handle Create(EntryArena& arena, std::string_view key, CompactValue value) {
    const Handle h = Make(arena, key, CompactLen(value));
    if (!value.bytes.empty()) {
      std::memcpy(Get(arena, h)->data() + key.size(), value.bytes.data(), value.bytes.size());
    }
    return h;
  }
  // Allocates an unlinked entry with no deadline owning `object` (non-null, not a string) once
  // this returns; if it throws, the caller still owns the object.
  static Handle Create(EntryArena& arena, std::string_view key, Object* object) {
    const Handle h = Make(arena, key, kTypedBit | static_cast<uint32_t>(object->kind()));
    std::memcpy(Get(arena, h)->data() + key.size(), &object, kObjectPointerBytes);
    return h;
  }
  // Frees the entry and, for a non-string, deletes its object.
  static void Destroy(EntryArena& arena, Handle h) {
    Entry* e = Get(arena, h);
    LOCKNODE_DCHECK(!e->hook.linked());
    const size_t size = e->BlockSize();
    if (e->has_object()) delete e->object();
    if (e->out_of_line()) ::operator delete(e->body());
    e->~Entry();
    arena.Free(h, size);
  }

 private:
  // An entry with its key copied in; the value's bytes are the caller's to write.
  static Handle Make(EntryArena& arena, std::string_view key, uint32_t value_len) {
    LOCKNODE_DCHECK(key.size() <= UINT32_MAX);
    const Entry shape{WheelNode{}, static_cast<uint32_t>(key.size()), value_len};
    const Handle h = arena.Allocate(shape.BlockSize());
    auto* e = new (arena.Resolve(h)) Entry{shape};
    if (e->out_of_line()) {
      char* body = nullptr;
      try {
        body = static_cast<char*>(::operator new(key.size() + e->ValueSize()));
      } catch (const std::bad_alloc&) {
        arena.Free(h, shape.BlockSize());
        throw;
      }
      std::memcpy(e->tail(), &body, sizeof(body));
    }
    if (!key.empty()) std::memcpy(e->data(), key.data(), key.size());
    return h;
  }
  // Bytes after the key: the string, the compact value, or the object pointer.
  size_t ValueSize() const {
    if (is_string()) return value_len;
    return is_compact() ? (value_len & kCompactLenMask) : kObjectPointerBytes;
  }
  size_t InlineSize() const { return sizeof(Entry) + key_len() + ValueSize(); }
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
