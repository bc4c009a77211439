#include "locknode/keyspace/keyspace.h"

#include <cstring>
#include <utility>

#include "locknode/base/dcheck.h"
#include "locknode/keyspace/timing_wheel.h"

#include "keyspace/entry_internal.h"

namespace locknode::keyspace {

using internal::Entry;
using internal::EntryArena;
using internal::EntryRef;
using internal::KeyEq;
using internal::KeyHash;
using internal::Table;

struct Keyspace::Impl {
  Impl(Millis now, uint64_t* expired)
      : wheel(now, arena.space()),
        table(0, KeyHash{arena.space().resolver()}, KeyEq{arena.space().resolver()}),
        expired_total(expired) {}
  ~Impl() {
    // The wheel is destroyed after this and never touches nodes, so no unlinking is needed.
    for (const EntryRef& r : table) {
      Get(r.h)->hook = WheelNode{};  // only to satisfy Destroy's "unlinked" check
      Entry::Destroy(arena, r.h);    // no accounting: the whole keyspace goes
    }
  }

  Entry* Get(Handle h) const { return Entry::Get(arena, h); }

  // The live entry for `key`, or end(). An expired one is removed on the way (lazy expiry,
  // Redis expireIfNeeded) and counted.
  Table::iterator Lookup(std::string_view key, Millis now) {
    auto it = table.find(key);
    if (it != table.end() && now > Get(it->h)->deadline()) {
      Remove(it);
      ++*expired_total;
      return table.end();
    }
    return it;
  }

  void Remove(Table::iterator it) {
    const Handle h = it->h;
    DropDeadline(h);
    table.erase(it);
    Free(h);
  }

  // Every entry is made and freed through these two, so entry_bytes stays exact (maxmemory).
  Handle New(std::string_view key, std::string_view value) {
    const Handle h = Entry::Create(arena, key, value);
    entry_bytes += Get(h)->AllocatedBytes();
    return h;
  }
  void Free(Handle h) {
    entry_bytes -= Get(h)->AllocatedBytes();
    Entry::Destroy(arena, h);
  }

  void DropDeadline(Handle h) {
    Entry* e = Get(h);
    if (e->deadline() == kNoDeadline) return;
    wheel.Cancel(h);
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
  }

  void Insert(std::string_view key, std::string_view value, Millis deadline) {
    const Handle h = New(key, value);
    const bool inserted = table.insert(EntryRef{h}).second;
    LOCKNODE_DCHECK(inserted);
    (void)inserted;
    ApplyDeadline(h, deadline);
  }

  void Overwrite(Table::iterator it, std::string_view value, Millis deadline) {
    Handle h = it->h;
    Entry* e = Get(h);
    if (e->value_len == value.size()) {
      // The common lock case (same-length tokens): no allocation, the hook stays put.
      e->SetValueSameLength(value);
    } else {
      const Handle fresh = New(e->key(), value);
      if (e->hook.linked()) wheel.Replace(h, fresh);  // O(1), keeps slot and deadline
      it->h = fresh;  // same key, same hash: the table needs no rehash
      Free(h);
      h = fresh;
    }
    ApplyDeadline(h, deadline);
  }

  // SetDeadline's rules for a live entry: a deadline <= now deletes (Redis checkAlreadyExpired
  // in expireGenericCommand: PEXPIRE k 0 deletes and replies 1; not counted as expired).
  void SetDeadlineLive(Table::iterator it, Millis deadline, Millis now) {
    if (deadline != kNoDeadline && deadline <= now) {
      Remove(it);
    } else {
      ApplyDeadline(it->h, deadline);
    }
  }

  EntryArena arena;  // declared first: outlives the table and the wheel, which resolve through it
  TimingWheel wheel;
  Table table;
  size_t expires = 0;
  bool earliest_moved = false;  // see Keyspace::TakeEarliestMoved
  size_t entry_bytes = 0;       // arena bytes of all entries (size-class blocks)
  uint64_t* expired_total;
};

Keyspace::Keyspace(Millis now) : impl_(std::make_unique<Impl>(now, &expired_total_)) {}

Keyspace::~Keyspace() = default;

std::optional<EntryView> Keyspace::Find(std::string_view key, Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return std::nullopt;
  const Entry* e = impl_->Get(it->h);
  return EntryView{e->value(), e->deadline()};
}

bool Keyspace::Set(std::string_view key, std::string_view value, SetCond cond, TtlMode ttl,
                   Millis deadline, Millis now) {
  auto it = impl_->Lookup(key, now);
  const bool present = it != impl_->table.end();
  if ((cond == SetCond::kIfAbsent && present) || (cond == SetCond::kIfPresent && !present)) {
    return false;
  }
  // Redis setGenericCommand: an already-expired PX/PXAT deletes the old value and stores nothing
  // but still replies OK (checkAlreadyExpired uses when <= now, unlike the lazy check).
  if (ttl == TtlMode::kAt && deadline <= now) {
    if (present) impl_->Remove(it);
    return true;
  }
  Millis new_deadline = kNoDeadline;
  if (ttl == TtlMode::kAt) {
    new_deadline = deadline;
  } else if (ttl == TtlMode::kKeep && present) {
    new_deadline = impl_->Get(it->h)->deadline();
  }
  if (present) {
    impl_->Overwrite(it, value, new_deadline);
  } else {
    impl_->Insert(key, value, new_deadline);
  }
  return true;
}

bool Keyspace::Erase(std::string_view key, Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return false;
  impl_->Remove(it);
  return true;
}

bool Keyspace::SetDeadline(std::string_view key, Millis deadline, Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return false;
  impl_->SetDeadlineLive(it, deadline, now);
  return true;
}

CompareOutcome Keyspace::CompareAndDelete(std::string_view key, std::string_view token,
                                          Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end()) return CompareOutcome::kMissing;
  if (impl_->Get(it->h)->value() != token) return CompareOutcome::kOtherValue;
  impl_->Remove(it);
  return CompareOutcome::kMatched;
}

bool Keyspace::CompareAndSetDeadline(std::string_view key, std::string_view token, Millis deadline,
                                     Millis now) {
  auto it = impl_->Lookup(key, now);
  if (it == impl_->table.end() || impl_->Get(it->h)->value() != token) return false;
  impl_->SetDeadlineLive(it, deadline, now);
  return true;
}

size_t Keyspace::ExpireDue(Millis now, size_t budget) {
  Impl& ks = *impl_;
  return ks.wheel.Advance(now, budget, [&](Handle h) {
    // The wheel's "due" (deadline < now) is exactly the lazy check's "expired".
    Entry* e = ks.Get(h);
    LOCKNODE_DCHECK(e->deadline() < now);
    auto it = ks.table.find(e->key());
    LOCKNODE_DCHECK(it != ks.table.end() && it->h == h);
    ks.table.erase(it);
    e->hook.deadline = kNoDeadline;
    --ks.expires;
    ++expired_total_;
    ks.Free(h);
  });
}

std::optional<Millis> Keyspace::NextDeadline() const { return impl_->wheel.NextDeadline(); }

bool Keyspace::TakeEarliestMoved() { return std::exchange(impl_->earliest_moved, false); }

void Keyspace::Clear() {
  impl_->wheel.Clear();
  for (const EntryRef& r : impl_->table) Entry::Destroy(impl_->arena, r.h);
  impl_->table.clear();
  impl_->expires = 0;
  impl_->entry_bytes = 0;
}

size_t Keyspace::used_bytes() const {
  return impl_->entry_bytes + impl_->table.bucket_count() * internal::kTableBytesPerSlot;
}

size_t Keyspace::size() const { return impl_->table.size(); }

size_t Keyspace::expires_count() const { return impl_->expires; }

}  // namespace locknode::keyspace
