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
  std::string_view value;  // the string when kind == kString; a compact value's bytes; else empty
  Millis deadline;         // monotonic ms, or kNoDeadline
  ValueKind kind = ValueKind::kString;
  // The value when it is an Object (owned by the keyspace); null for a string or a compact
  // value (kind != kString, bytes in `value`, encoding CompactEncoding(kind)).
  Object* object = nullptr;
  StringEnc encoding = StringEnc::kAuto;  // a string's OBJECT ENCODING rule (value.h)
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

// What happened to a key, as its watchers need it: WATCH (any change dirties), keyspace
// notifications (the event name) and blocked pops (a write may have made a key ready).
enum class KeyChange : uint8_t {
  kWritten,   // a value was stored over a live key, or an object changed in place
  kCreated,   // a value was stored where no key was live (Redis dbAdd: the "new" event)
  kDeadline,  // the deadline was set, changed or removed (EXPIRE, PERSIST, the extend script)
  kDeleted,   // removed by a command (DEL, a release, EXPIRE with a past deadline)
  kExpired,   // removed because its deadline passed (lazily or by the wheel)
  // Removed by a command that names its own events, with no "del" (Redis dbDelete without
  // notifying): a store with an already-past deadline (SET k v PXAT <past>, which Redis stores
  // and expires at the next touch: "set", "expire", "expired"), RENAME's source ("rename_from"),
  // the old destination RENAME and COPY REPLACE overwrite. A watcher sees a change.
  kRemovedQuiet,
};

// Told of every change to the keyspace, after it happened (Redis signalModifiedKey /
// touchAllWatchedKeysInDb). Called synchronously from inside the Keyspace call that made the
// change: it must not call back into the keyspace. `key` is valid only during the call.
class KeyObserver {
 public:
  virtual void OnKeyChanged(std::string_view key, KeyChange change) = 0;
  // Every key is gone (FLUSHALL / FLUSHDB).
  virtual void OnFlush() = 0;

 protected:
  ~KeyObserver() = default;
};

// Receives the keys of Keyspace::Scan and ForEachKey: the key's bytes and deadline, valid during
// the call only. It must not call the keyspace.
class KeyVisitor {
 public:
  virtual ~KeyVisitor() = default;
  virtual void Visit(std::string_view key, Millis deadline) = 0;
};

// What one Scan step did: where the next step starts (0: the scan is complete) and its work.
struct ScanResult {
  uint64_t cursor = 0;
  size_t home_groups = 0;      // index groups (15 slots each) whose keys were visited
  size_t groups_examined = 0;  // groups read, the probe sequences of overflowed groups included
};

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
  // replies +OK and the key is gone; the observer hears kRemovedQuiet for a live key, kCreated for
  // a missing one). Returns false iff the condition failed (nothing changed). `enc`: how OBJECT
  // ENCODING reports the stored string (value.h StringEnc).
  bool Set(std::string_view key, std::string_view value, SetCond cond, TtlMode ttl, Millis deadline,
           Millis now, StringEnc enc = StringEnc::kAuto);
  // Set's rules for a non-string value (non-null, kind() != kString): the keyspace takes the
  // object when it stores it and deletes it otherwise (condition failed, deadline past).
  bool SetObject(std::string_view key, std::unique_ptr<Object> object, SetCond cond, TtlMode ttl,
                 Millis deadline, Millis now);
  // Set's rules for a compact value (value.h): `bytes` (at most kMaxCompactBytes) of a non-string
  // `kind`, stored in the key's entry like a string, with no object. Overwriting a compact value
  // of the same kind and length rewrites it in place (no allocation). The keyspace never reads
  // the bytes; their format is the kind's family's.
  bool SetCompact(std::string_view key, ValueKind kind, std::string_view bytes, SetCond cond,
                  TtlMode ttl, Millis deadline, Millis now);
  // After mutating the object stored under `key` in place: brings used_bytes to its
  // AllocatedBytes() and tells the observer (kWritten). O(1).
  void ObjectChanged(std::string_view key, Object& object);

  // Deletes a live key; false if there was none. `why` is what the observer hears: kDeleted
  // (DEL: "del") or kRemovedQuiet (the command names its events).
  bool Erase(std::string_view key, Millis now, KeyChange why = KeyChange::kDeleted);

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

  // The one observer of changes (the Shard's fan-out), or null. With none, a change costs one
  // branch: the lock path stays what it was.
  void set_observer(KeyObserver* observer);
  // One step of SCAN (Redis scanGenericCommand on the main dict). Visits every stored key,
  // expired ones included (the caller expires them lazily, as Redis filters them), whose 64-bit
  // hash lies in [cursor, result.cursor), or [cursor, 2^64) when result.cursor is 0. Stops after
  // `count` keys or `max_groups` index groups (at least one), whichever comes first.
  //
  // Guarantee: a full scan (cursor 0, then each returned cursor until 0 comes back) visits every
  // key present throughout it, whatever happened to the index between steps (growth,
  // shrinking, rehashing in place), and visits no key twice unless it was deleted and re-added.
  // Why: a key's hash never changes (fixed seed); the cursors of one scan strictly increase and
  // the steps' ranges [c_i, c_i+1) partition [0, 2^64); the index places a key in the group
  // named by the top bits of its hash or along that group's probe sequence, so a step that walks
  // home groups G..G' of the index as it is at that moment finds exactly the keys hashed into
  // [G, G'+1) at that size (table_layout.h has the probing argument). A cursor is therefore a
  // position in hash order, meaningful at every index size (unlike Redis's reverse-binary cursor,
  // which needs chained buckets). Const: never expires or moves anything. O(keys visited +
  // groups walked); on a sparse index the group cap bounds it.
  ScanResult Scan(uint64_t cursor, size_t count, size_t max_groups, KeyVisitor& visitor) const;
  // Every stored key, expired ones included (KEYS filters them without deleting, as Redis).
  // O(size + index slots).
  void ForEachKey(KeyVisitor& visitor) const;
  // A live key picked with `random` (RANDOMKEY), or nullopt when none is live. Expired keys met
  // on the way are deleted (Redis dbRandomKey). A random index group, then a random occupied
  // slot of it; empty groups are skipped forward, so O(index groups + expired keys deleted) at
  // worst and O(1) expected on an index that is not sparse. The view is valid until the next
  // non-const call.
  std::optional<std::string_view> RandomKey(uint64_t random, Millis now);
  // Bytes a live key costs (MEMORY USAGE): its entry block (and out-of-line body), its object,
  // and its share of the index (index bytes / keys, rounded up). nullopt for a missing key.
  std::optional<size_t> MemoryUsage(std::string_view key, Millis now);

  // Deletes every key (FLUSHALL); not counted in expired_total. O(size).
  void Clear();
  size_t size() const;           // keys stored, including expired ones not yet reclaimed (DBSIZE)
  size_t expires_count() const;  // keys with a deadline
  uint64_t expired_total() const { return expired_total_; }  // keys reclaimed or lazily expired
  // Of those, the string keys: with a TTL, a lock that reached its deadline unreleased.
  uint64_t expired_strings_total() const { return expired_strings_total_; }
  // Mean time left of the keys with a deadline (0 if none), exact (INFO keyspace avg_ttl). O(1).
  Millis AverageTtl(Millis now) const;
  // Heap bytes the keys take: entries, their objects (as of the last ObjectChanged) and the index
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
