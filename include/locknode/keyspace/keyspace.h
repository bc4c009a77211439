#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "locknode/base/millis.h"
#include "locknode/keyspace/value.h"

namespace locknode::keyspace {

// What a live key holds. `value` and `object` point into the keyspace and stay valid until the
// next non-const call on it (every call taking `now` may expire or reallocate entries).
struct EntryView {
  std::string_view value;  // the string when kind == kString; empty otherwise
  Millis deadline;         // monotonic ms, or kNoDeadline
  ValueKind kind = ValueKind::kString;
  Object* object = nullptr;  // the value when kind != kString (owned by the keyspace)
};

// A lookup that expects one kind of value. kWrongType is the one place the keyspace decides
// Redis's WRONGTYPE (checkType): the key is live but holds another kind.
enum class Match : uint8_t { kMissing, kFound, kWrongType };
struct TypedEntry {
  Match match;
  EntryView entry;  // meaningful unless kMissing (for kWrongType: what the key does hold)
};

// The lock fast paths' outcome: no live key; a string other than the token; a non-string, where
// Redis's GET in the lock script would fail with WRONGTYPE (nothing was changed: the caller runs
// the script instead); or exactly the token, and the action was done. Missing and another value
// are told apart for the read-lookup hit/miss counters.
enum class CasResult : uint8_t { kMissing, kOtherValue, kWrongType, kDone };

enum class SetCond : uint8_t { kAlways, kIfAbsent /*NX*/, kIfPresent /*XX*/ };
enum class TtlMode : uint8_t { kClear /*plain SET*/, kKeep /*KEEPTTL*/, kAt /*deadline given*/ };

// The data model of a lock node: binary-safe string keys holding a typed value (a string, or an
// Object of another kind: value.h) with an optional deadline on the monotonic clock.
// Single-threaded (owned by one Shard).
//
// Expiry: a key is expired when now > deadline
// (Redis keyIsExpired). Every call takes `now` and expires lazily, so what callers see is always
// exact; the timing wheel only reclaims memory of keys nobody touches (ExpireDue). Deletes,
// overwrites and persists cancel the key's wheel slot in O(1).
//
// Layout: one arena block per key (24-byte header with the wheel hook and deadline, then key and
// value bytes, or for a non-string the owned Object's pointer; a key and value too big for the
// arena's 256-byte blocks live in a heap buffer the block points to) named by a 32-bit handle,
// indexed by an open-addressing table of handles, so rehashing never moves entries. A lock
// (~11-byte key, 36-byte token) costs a 72-byte block plus ~5 bytes per table slot. The arena's
// handles cover just under 32 GiB of blocks; past that, as when mmap fails, allocation throws
// std::bad_alloc. Keys and values are copied in; the caller's buffers are not retained. Every
// lookup is O(1) expected (one hash of the key); `now` values must not go backwards.
class Keyspace {
 public:
  explicit Keyspace(Millis now);
  ~Keyspace();
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  // The live entry of any kind (TYPE, EXISTS, the TTL family), or nullopt.
  std::optional<EntryView> Find(std::string_view key, Millis now);
  bool Exists(std::string_view key, Millis now) { return Find(key, now).has_value(); }
  // The live entry if it holds `kind` (kFound), else kMissing or kWrongType.
  TypedEntry FindTyped(std::string_view key, ValueKind kind, Millis now);

  // SET with a condition (`value` at most kMaxStringBytes). Replaces a value of any kind.
  // `deadline` is used only with TtlMode::kAt; a deadline that is already past (deadline <= now)
  // stores nothing and deletes any old value, yet still counts as "set" (Redis: SET k v PXAT 1
  // replies +OK and the key is gone). Returns false iff the condition failed (nothing changed).
  bool Set(std::string_view key, std::string_view value, SetCond cond, TtlMode ttl, Millis deadline,
           Millis now);
  // Set's rules for a non-string value (non-null, kind() != kString): the keyspace takes the
  // object when it stores it and deletes it otherwise (condition failed, deadline past).
  bool SetObject(std::string_view key, std::unique_ptr<Object> object, SetCond cond, TtlMode ttl,
                 Millis deadline, Millis now);
  // After mutating a stored object in place: brings used_bytes to its AllocatedBytes(). O(1).
  void Recount(Object& object);

  // Deletes a live key; false if there was none.
  bool Erase(std::string_view key, Millis now);

  // Sets (or with kNoDeadline removes) the deadline of a live key. A deadline <= now
  // deletes the key (Redis PEXPIRE k 0). False if the key is missing.
  bool SetDeadline(std::string_view key, Millis deadline, Millis now);

  // Lock fast paths (the native release/extend of the lock scripts): act only if the key holds
  // exactly the string `token`. CompareAndSetDeadline follows SetDeadline's rules for a past
  // deadline.
  // `deadline`, if given, receives the deleted key's deadline (INFO's release margin).
  CasResult CompareAndDelete(std::string_view key, std::string_view token, Millis now,
                             Millis* deadline = nullptr);
  CasResult CompareAndSetDeadline(std::string_view key, std::string_view token, Millis deadline,
                                  Millis now);

  // Wheel-driven reclamation of at most `budget` keys whose deadline has passed (deadline < now).
  // Returns the number reclaimed: min(budget, keys due), so == budget means more may be due.
  // Cost O(reclaimed + wheel slots cascaded), independent of how long the keyspace sat idle.
  size_t ExpireDue(Millis now, size_t budget);
  // When ExpireDue next may have work, or nullopt if no key has a deadline: a value D <= every
  // stored deadline, so ExpireDue(now) with now > D is the first call that can reclaim anything.
  // D may be a wheel-slot boundary earlier than any deadline (ExpireDue then reclaims 0 and the
  // owner re-arms at the new NextDeadline()). Arm one OS timer at D + 1. O(1) (bitmap scan).
  std::optional<Millis> NextDeadline() const;
  // True once after a deadline was scheduled that moved NextDeadline() earlier (or into an empty
  // wheel), as the wheel reports it (TimingWheel::Schedule); reading clears it. Nothing else
  // makes NextDeadline() earlier, so the owner of the expiry timer re-arms only then. O(1).
  bool TakeEarliestMoved();

  // Deletes every key (FLUSHALL); not counted in expired_total. O(size).
  void Clear();
  size_t size() const;           // keys stored, including expired ones not yet reclaimed (DBSIZE)
  size_t expires_count() const;  // keys with a deadline
  uint64_t expired_total() const { return expired_total_; }  // keys reclaimed or lazily expired
  // Of those, the string keys: with a TTL, a lock that reached its deadline unreleased.
  uint64_t expired_strings_total() const { return expired_strings_total_; }
  // Mean time left of the keys with a deadline (0 if none), exact (INFO keyspace avg_ttl). O(1).
  Millis AverageTtl(Millis now) const;
  // Heap bytes the keys take: entries, their objects (as of the last Recount) and the index
  // (what maxmemory limits). O(1).
  size_t used_bytes() const;
  // The entry arena's blocks in use and its chunks mapped from the OS (not malloc's: INFO adds
  // them to malloc's figures). O(1).
  size_t arena_live_bytes() const;
  size_t arena_mapped_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t expired_total_ = 0;
  uint64_t expired_strings_total_ = 0;
};

}  // namespace locknode::keyspace
