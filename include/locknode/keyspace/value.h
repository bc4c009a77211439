#pragma once

// What a key holds: its kind (Redis TYPE) and, for every kind but strings, an owned object.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace locknode::keyspace {

// Redis's value types (the TYPE reply). A string lives inline in its key's entry, as today; every
// other kind is an Object that the entry owns through one pointer, so adding a kind never changes
// the layout or the code path of string entries.
enum class ValueKind : uint8_t { kString, kList, kSet, kZSet, kHash };

// Redis's TYPE name: "string", "list", "set", "zset", "hash".
std::string_view TypeName(ValueKind kind);

namespace internal {
class ObjectAccess;
}

// A non-string value (hash, sorted set, list, set): one subclass per kind, added by the family
// that implements it. The keyspace owns each stored object (it deletes it with the key: DEL,
// overwrite, expiry, FLUSHALL). A caller gets a pointer from Keyspace::FindTyped and may mutate
// the object in place until its next call on the keyspace, then calls Keyspace::ObjectChanged so
// that used_bytes (maxmemory) follows the object's size and watchers learn of the change.
// Single-threaded like the keyspace.
class Object {
 public:
  virtual ~Object() = default;
  Object& operator=(const Object&) = delete;

  // Constant for the object's life, never kString.
  virtual ValueKind kind() const = 0;
  // The OBJECT ENCODING reply ("listpack", "hashtable", "skiplist", "quicklist", "intset"...).
  virtual std::string_view encoding() const = 0;
  // Heap bytes the object holds, itself included: what used_bytes counts for it.
  virtual size_t AllocatedBytes() const = 0;
  // A deep copy (what a script's undo log or COPY needs).
  virtual std::unique_ptr<Object> Clone() const = 0;

 protected:
  Object() = default;
  Object(const Object&) = default;

 private:
  friend class internal::ObjectAccess;
  size_t charged_bytes_ = 0;  // what the keyspace's used_bytes currently counts for it
};

// A compact value: a small non-string (a hash below Redis's listpack thresholds) kept as flat
// bytes inside its key's entry instead of as an Object, so it costs no allocation of its own
// (Redis's listpack, without the robj around it). The bytes' format belongs to the kind's family;
// the keyspace stores, copies and frees them like a string. At most this many bytes (the entry
// keeps the length in 24 bits).
inline constexpr size_t kMaxCompactBytes = (size_t{1} << 24) - 1;

// The OBJECT ENCODING reply of a compact value of `kind` ("listpack").
std::string_view CompactEncoding(ValueKind kind);

// Largest string a key can hold: an entry keeps a string's length in 31 bits and uses the top
// bit to mark a non-string (keyspace/entry_internal.h). The request parser caps a whole request
// at 2^31 bytes, so no bulk argument reaches this; a command that grows a string (APPEND,
// SETRANGE) must check it.
inline constexpr size_t kMaxStringBytes = (size_t{1} << 31) - 1;

// How a string's OBJECT ENCODING is decided. kAuto: by its bytes, as Redis stores what SET, SETNX,
// SETEX, PSETEX, MSET, GETSET and INCR write (tryObjectEncoding). Two Redis commands build strings
// without that step and the reply depends on history, so the entry keeps it: kEmbstr for
// INCRBYFLOAT's result (createStringObject: "embstr" up to 44 bytes even when it looks like an
// integer, "10"), kRaw for what APPEND and SETRANGE modified in place (always "raw").
enum class StringEnc : uint8_t { kAuto = 0, kEmbstr = 2, kRaw = 3 };

// Redis's OBJECT ENCODING of a string value: with kAuto "int" for a strict decimal int64 of at
// most 20 characters, else "embstr" up to 44 bytes, else "raw".
std::string_view StringEncoding(std::string_view value, StringEnc enc = StringEnc::kAuto);

// Redis's OBJECT REFCOUNT of a string value: int-encoded 0..9999 are its shared integers
// (refcount INT_MAX) under the noeviction policy, the only one locknode has; anything else is 1.
int64_t StringRefCount(std::string_view value, StringEnc enc = StringEnc::kAuto);

}  // namespace locknode::keyspace
