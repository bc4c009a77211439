#include "locknode/keyspace/keyspace.h"

#include <cstring>
#include <type_traits>
#include <utility>

#include "locknode/base/dcheck.h"
#include "locknode/keyspace/timing_wheel.h"

#include "keyspace/entry_internal.h"
#include "keyspace/table_layout.h"

namespace locknode::keyspace {

using internal::CompactValue;
using internal::Entry;
using internal::EntryArena;
using internal::EntryRef;
using internal::KeyEq;
using internal::KeyHash;
using internal::ObjectAccess;
using internal::Table;
using internal::TableLayout;

struct Keyspace::Impl {
  Impl(Millis now, uint64_t* expired, uint64_t* expired_str)
      : wheel(now, arena.space()),
        table(0, KeyHash{arena.space().resolver()}, KeyEq{arena.space().resolver()}),
        expired_total(expired),
        expired_strings(expired_str) {}
  ~Impl() {
    // The wheel is destroyed after this and never touches nodes, so no unlinking is needed.
    for (const EntryRef& r : table) {
      Get(r.h)->hook = WheelNode{};  // only to satisfy Destroy's "unlinked" check
      Entry::Destroy(arena, r.h);    // no accounting: the whole keyspace goes
    }
  }

  Entry* Get(Handle h) const { return Entry::Get(arena, h); }

  // The live entry for `key`, or end(). An expired one is removed on the way (lazy expiry,
  // Redis expireIfNeeded) and counted. Forced inline: with more callers GCC stopped inlining it,
  // and out of line the lock path ran ~45 more instructions per SET and per release (callgrind,
  // BM_KeyspaceLockUnlock).
  [[gnu::always_inline]] Table::iterator Lookup(std::string_view key, Millis now) {
    auto it = table.find(key);
    if (it != table.end() && now > Get(it->h)->deadline()) [[unlikely]] {
      if (Get(it->h)->is_string()) ++*expired_strings;
      Remove(it, KeyChange::kExpired);
      ++*expired_total;
      return table.end();
    }
    return it;
  }

  // Removes the entry and tells the observer (before freeing: the key lives in the entry).
  void Remove(Table::iterator it, KeyChange why) {
    const Handle h = it->h;
    Notify(Get(h)->key(), why);
    DropDeadline(h);
    table.erase(it);
    Free(h);
  }

  void Notify(std::string_view key, KeyChange change) const {
    if (observer != nullptr) [[unlikely]]
      observer->OnKeyChanged(key, change);
  }

  // Every entry is made and freed through these two, so entry_bytes stays exact (maxmemory): an
  // object is charged what it held when stored (or last recounted) and uncharged exactly that.
  // `V` is std::string_view or Object*: the string instantiations of New, Insert, Overwrite and
  // Store carry no object code, so a lock's path is what it was before kinds existed.
  template <typename V>
  Handle New(std::string_view key, V value) {
    const Handle h = Entry::Create(arena, key, value);
    entry_bytes += Get(h)->AllocatedBytes();
    if constexpr (std::is_same_v<V, Object*>) {
      size_t& charged = ObjectAccess::charged_bytes(*value);
      charged = value->AllocatedBytes();
      entry_bytes += charged;
    }
    return h;
  }
  void Free(Handle h) {
    const Entry* e = Get(h);
    entry_bytes -= e->AllocatedBytes();
    if (e->has_object()) entry_bytes -= ObjectAccess::charged_bytes(*e->object());
    Entry::Destroy(arena, h);
  }

  // Redis checkType, decided here only: a live key holding another kind than `kind`.
  static Match Classify(const Entry& e, ValueKind kind) {
    return e.kind() == kind ? Match::kFound : Match::kWrongType;
  }
  static EntryView View(const Entry& e) {
    if (e.is_string()) {
      return EntryView{e.value(), e.deadline(), ValueKind::kString, nullptr, e.encoding()};
    }
    if (e.is_compact()) return EntryView{e.value(), e.deadline(), e.kind(), nullptr};
    return EntryView{{}, e.deadline(), e.kind(), e.object()};
  }

  void DropDeadline(Handle h) {
    Entry* e = Get(h);
    if (e->deadline() == kNoDeadline) return;
    wheel.Cancel(h);
    deadline_sum -= e->deadline();
    e->hook.deadline = kNoDeadline;
    --expires;
  }

  // Invariant: deadline != kNoDeadline <=> the hook is linked (in a slot or the due list).
  void ApplyDeadline(Handle h, Millis deadline) {
    if (Get(h)->deadline() == deadline) return;
    DropDeadline(h);
    if (deadline == kNoDeadline) return;
    // The wheel's report (Seastar timer_set::insert) is kept for the expiry timer's owner.
    if (wheel.Schedule(h, deadline)) earliest_moved = true;
    ++expires;
    deadline_sum += deadline;
  }

  template <typename V>
  void Insert(std::string_view key, V value, Millis deadline, StringEnc enc) {
    const Handle h = New(key, value);
    if (enc != StringEnc::kAuto) Get(h)->set_encoding(enc);
    const bool inserted = table.insert(EntryRef{h}).second;
    LOCKNODE_DCHECK(inserted);
    (void)inserted;
    ApplyDeadline(h, deadline);
  }

  template <typename V>
  void Overwrite(Table::iterator it, V value, Millis deadline, StringEnc enc) {
    if constexpr (std::is_same_v<V, std::string_view>) {
      // A non-string's value_len is never a string length, so only a string can match.
      if (Entry* e = Get(it->h); e->value_len == value.size()) {
        // The common lock case (same-length tokens): no allocation, the hook stays put.
        e->SetValueSameLength(value);
        e->set_encoding(enc);
        ApplyDeadline(it->h, deadline);
        return;
      }
    } else if constexpr (std::is_same_v<V, CompactValue>) {
      // Same kind and length (a hash lock's re-entry count 1 -> 2): rewritten in place.
      if (Entry* e = Get(it->h); e->value_len == Entry::CompactLen(value)) {
        e->SetValueSameLength(value.bytes);
        ApplyDeadline(it->h, deadline);
        return;
      }
    }
    const Handle old = it->h;
    const Handle fresh = New(Get(old)->key(), value);
    if (Get(old)->hook.linked()) wheel.Replace(old, fresh);  // O(1), keeps slot and deadline
    it->h = fresh;  // same key, same hash: the table needs no rehash
    if (enc != StringEnc::kAuto) Get(fresh)->set_encoding(enc);
    Free(old);
    ApplyDeadline(fresh, deadline);
  }

  // What Store did: nothing (the condition failed), deleted the key (a past deadline) or stored
  // the value (then an object in it belongs to the entry).
  enum class Stored : uint8_t { kNothing, kDeleted, kValue };

  // Redis setGenericCommand / setKey for a value of any kind.
  template <typename V>
  Stored Store(std::string_view key, V value, SetCond cond, TtlMode ttl, Millis deadline,
               Millis now, StringEnc enc = StringEnc::kAuto) {
    auto it = Lookup(key, now);
    const bool present = it != table.end();
    if ((cond == SetCond::kIfAbsent && present) || (cond == SetCond::kIfPresent && !present)) {
      return Stored::kNothing;
    }
    // Redis setGenericCommand: an already-expired PX/PXAT deletes the old value and stores
    // nothing but still replies OK (checkAlreadyExpired uses when <= now, unlike the lazy check).
    // Redis adds the key (a missing one: "new") and expires it at its next touch.
    if (ttl == TtlMode::kAt && deadline <= now) {
      if (present) {
        Remove(it, KeyChange::kRemovedQuiet);
      } else {
        Notify(key, KeyChange::kCreated);
      }
      return Stored::kDeleted;
    }
    Millis new_deadline = kNoDeadline;
    if (ttl == TtlMode::kAt) {
      new_deadline = deadline;
    } else if (ttl == TtlMode::kKeep && present) {
      new_deadline = Get(it->h)->deadline();
    }
    if (present) {
      Overwrite(it, value, new_deadline, enc);
    } else {
      Insert(key, value, new_deadline, enc);
    }
    Notify(key, present ? KeyChange::kWritten : KeyChange::kCreated);
    return Stored::kValue;
  }

  // The live entry for `key`, in *it, if it holds exactly the string `token`.
  CasResult MatchToken(std::string_view key, std::string_view token, Millis now,
                       Table::iterator* it) {
    *it = Lookup(key, now);
    if (*it == table.end()) return CasResult::kMissing;
    const Entry& e = *Get((*it)->h);
    if (Classify(e, ValueKind::kString) == Match::kWrongType) return CasResult::kWrongType;
    return e.value() == token ? CasResult::kDone : CasResult::kOtherValue;
  }

  // SetDeadline's rules for a live entry: a deadline <= now deletes (Redis checkAlreadyExpired
  // in expireGenericCommand: PEXPIRE k 0 deletes and replies 1; not counted as expired).
  void SetDeadlineLive(Table::iterator it, Millis deadline, Millis now) {
    if (deadline != kNoDeadline && deadline <= now) {
      Remove(it, KeyChange::kDeleted);
    } else {
      ApplyDeadline(it->h, deadline);
      Notify(Get(it->h)->key(), KeyChange::kDeadline);
    }
  }

  EntryArena arena;  // declared first: outlives the table and the wheel, which resolve through it
  TimingWheel wheel;
  Table table;
  size_t expires = 0;
  // Sum of every stored deadline (exact, so INFO's avg_ttl is too); 128 bits: a 64-bit sum of
  // monotonic-ms deadlines could overflow with a few million keys.
  __extension__ __int128 deadline_sum = 0;
  bool earliest_moved = false;  // see Keyspace::TakeEarliestMoved
  KeyObserver* observer = nullptr;
  size_t entry_bytes = 0;  // arena bytes of all entries (size-class blocks) plus their objects
  uint64_t* expired_total;
  uint64_t* expired_strings;
};

Keyspace::Keyspace(Millis now)
    : impl_(std::make_unique<Impl>(now, &expired_total_, &expired_strings_total_)) {}

Keyspace::~Keyspace() = default;

std::optional<EntryView> Keyspace::Find(std::string_view key, Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return std::nullopt;
  return Impl::View(*impl_->Get(it->h));
}

TypedEntry Keyspace::FindTyped(std::string_view key, ValueKind kind, Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return TypedEntry{Match::kMissing, EntryView{{}, kNoDeadline}};
  const Entry& e = *impl_->Get(it->h);
  return TypedEntry{Impl::Classify(e, kind), Impl::View(e)};
}

bool Keyspace::Set(std::string_view key, std::string_view value, SetCond cond, TtlMode ttl,
                   Millis deadline, Millis now, StringEnc enc) {
  return impl_->Store(key, value, cond, ttl, deadline, now, enc) != Impl::Stored::kNothing;
}

bool Keyspace::SetObject(std::string_view key, std::unique_ptr<Object> object, SetCond cond,
                         TtlMode ttl, Millis deadline, Millis now) {
  LOCKNODE_DCHECK(object != nullptr && object->kind() != ValueKind::kString);
  const Impl::Stored stored = impl_->Store(key, object.get(), cond, ttl, deadline, now);
  if (stored == Impl::Stored::kValue) (void)object.release();  // the entry owns it now
  return stored != Impl::Stored::kNothing;
}

bool Keyspace::SetCompact(std::string_view key, ValueKind kind, std::string_view bytes,
                          SetCond cond, TtlMode ttl, Millis deadline, Millis now) {
  LOCKNODE_DCHECK(kind != ValueKind::kString && bytes.size() <= kMaxCompactBytes);
  return impl_->Store(key, CompactValue{kind, bytes}, cond, ttl, deadline, now) !=
         Impl::Stored::kNothing;
}

void Keyspace::ObjectChanged(std::string_view key, Object& object) {
  size_t& charged = ObjectAccess::charged_bytes(object);
  const size_t now_bytes = object.AllocatedBytes();
  impl_->entry_bytes = impl_->entry_bytes - charged + now_bytes;
  charged = now_bytes;
  impl_->Notify(key, KeyChange::kWritten);
}

bool Keyspace::Erase(std::string_view key, Millis now, KeyChange why) {
  LOCKNODE_DCHECK(why == KeyChange::kDeleted || why == KeyChange::kRemovedQuiet);
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return false;
  impl_->Remove(it, why);
  return true;
}

bool Keyspace::SetDeadline(std::string_view key, Millis deadline, Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return false;
  impl_->SetDeadlineLive(it, deadline, now);
  return true;
}

CasResult Keyspace::CompareAndDelete(std::string_view key, std::string_view token, Millis now,
                                     Millis* deadline) {
  Table::iterator it;
  const CasResult r = impl_->MatchToken(key, token, now, &it);
  if (r != CasResult::kDone) return r;
  if (deadline != nullptr) *deadline = impl_->Get(it->h)->deadline();
  impl_->Remove(it, KeyChange::kDeleted);
  return r;
}

CasResult Keyspace::CompareAndSetDeadline(std::string_view key, std::string_view token,
                                          Millis deadline, Millis now) {
  Table::iterator it;
  const CasResult r = impl_->MatchToken(key, token, now, &it);
  if (r == CasResult::kDone) impl_->SetDeadlineLive(it, deadline, now);
  return r;
}

size_t Keyspace::ExpireDue(Millis now, size_t budget) {
  Impl& ks = *impl_;
  return ks.wheel.Advance(now, budget, [&](Handle h) {
    // The wheel's "due" (deadline < now) is exactly the lazy check's "expired".
    Entry* e = ks.Get(h);
    LOCKNODE_DCHECK(e->deadline() < now);
    auto it = ks.table.find(e->key());
    LOCKNODE_DCHECK(it != ks.table.end() && it->h == h);
    ks.Notify(e->key(), KeyChange::kExpired);
    ks.table.erase(it);
    ks.deadline_sum -= e->deadline();
    e->hook.deadline = kNoDeadline;
    --ks.expires;
    ++expired_total_;
    if (e->is_string()) ++expired_strings_total_;
    ks.Free(h);
  });
}

std::optional<Millis> Keyspace::NextDeadline() const { return impl_->wheel.NextDeadline(); }

bool Keyspace::TakeEarliestMoved() { return std::exchange(impl_->earliest_moved, false); }

ScanResult Keyspace::Scan(uint64_t cursor, size_t count, size_t max_groups,
                          KeyVisitor& visitor) const {
  const Impl& ks = *impl_;
  const internal::ScanProgress p = internal::ScanStep(ks.table, ks.table.hash_function(), cursor,
                                                      count, max_groups, [&](const EntryRef& r) {
                                                        const Entry* e = ks.Get(r.h);
                                                        visitor.Visit(e->key(), e->deadline());
                                                      });
  return ScanResult{p.next_cursor, p.home_groups, p.groups_examined};
}

void Keyspace::ForEachKey(KeyVisitor& visitor) const {
  for (const EntryRef& r : impl_->table) {
    const Entry* e = impl_->Get(r.h);
    visitor.Visit(e->key(), e->deadline());
  }
}

std::optional<std::string_view> Keyspace::RandomKey(uint64_t random, Millis now) {
  Impl& ks = *impl_;
  const size_t groups = TableLayout(ks.table).groups();
  if (ks.table.empty() || groups == 0) return std::nullopt;
  size_t g = static_cast<size_t>(random % groups);
  const auto pick = static_cast<unsigned>(random >> 32);
  // Each group is left once it has no live key, so this ends after at most `groups` moves plus
  // one deletion per expired key met (a deletion never moves other elements).
  for (size_t moves = 0; moves <= groups;) {
    const TableLayout layout(ks.table);  // re-read: a deletion below changes the group's bits
    unsigned bits = layout.Occupied(g);
    if (bits == 0) {
      g = (g + 1) % groups;
      ++moves;
      continue;
    }
    // The (pick mod occupied)-th occupied slot of the group.
    for (unsigned skip = pick % static_cast<unsigned>(__builtin_popcount(bits)); skip > 0; --skip) {
      bits &= bits - 1;
    }
    const Entry* e = ks.Get(layout.Slot(g, static_cast<unsigned>(__builtin_ctz(bits))).h);
    if (now <= e->deadline()) return e->key();
    ks.Lookup(e->key(), now);  // expired: deleted and counted as Redis dbRandomKey does
    if (ks.table.empty()) return std::nullopt;
  }
  return std::nullopt;  // unreachable while a key is stored: some group holds it
}

std::optional<size_t> Keyspace::MemoryUsage(std::string_view key, Millis now) {
  Impl& ks = *impl_;
  auto it = ks.Lookup(key, now);
  if (it == ks.table.end()) return std::nullopt;
  const Entry* e = ks.Get(it->h);
  size_t bytes = e->AllocatedBytes();
  if (e->has_object()) bytes += ObjectAccess::charged_bytes(*e->object());
  const size_t index_bytes = ks.table.bucket_count() * internal::kTableBytesPerSlot;
  const size_t keys = ks.table.size();  // >= 1: the key was just found
  return bytes + (index_bytes + keys - 1) / keys;
}

void Keyspace::Clear() {
  impl_->wheel.Clear();
  for (const EntryRef& r : impl_->table) Entry::Destroy(impl_->arena, r.h);
  impl_->table.clear();
  impl_->expires = 0;
  impl_->deadline_sum = 0;
  impl_->entry_bytes = 0;
  if (impl_->observer != nullptr) impl_->observer->OnFlush();
}

void Keyspace::set_observer(KeyObserver* observer) { impl_->observer = observer; }

size_t Keyspace::used_bytes() const {
  return impl_->entry_bytes + impl_->table.bucket_count() * internal::kTableBytesPerSlot;
}

size_t Keyspace::arena_live_bytes() const { return impl_->arena.live_bytes(); }

size_t Keyspace::arena_mapped_bytes() const { return impl_->arena.mapped_bytes(); }

size_t Keyspace::size() const { return impl_->table.size(); }

size_t Keyspace::expires_count() const { return impl_->expires; }

Millis Keyspace::AverageTtl(Millis now) const {
  if (impl_->expires == 0) return 0;
  const auto mean = static_cast<Millis>(impl_->deadline_sum / impl_->expires);
  return mean > now ? mean - now : 0;
}

}  // namespace locknode::keyspace
