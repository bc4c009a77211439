#include "locknode/keyspace/timing_wheel.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "locknode/base/dcheck.h"

namespace locknode::keyspace {
namespace {

constexpr int kBits = 8;
constexpr uint64_t kSlots = uint64_t{1} << kBits;  // 256 per level
constexpr int kLevels = 4;
constexpr int kRangeBits = kBits * kLevels;  // 2^32 ticks below the overflow list
constexpr size_t kWords = kSlots / 64;

// Lists are identified by number: level L slot s is L * kSlots + s, then the overflow list and
// the ready list. A list's first node holds Marker(list) in `prev`; the last one kNoHandle in
// `next`. So the wheel keeps one 4-byte head per list and no sentinel nodes.
constexpr size_t kOverflow = kLevels * kSlots;
constexpr size_t kReady = kOverflow + 1;
constexpr size_t kLists = kReady + 1;
static_assert(HandleSpace::kFirstReserved + kLists <= kNoHandle);

constexpr Handle Marker(size_t list) {
  return HandleSpace::kFirstReserved + static_cast<Handle>(list);
}
// Only for the `prev` of a linked node, which is a node or a marker, never kNoHandle.
constexpr bool IsMarker(Handle prev) { return prev >= HandleSpace::kFirstReserved; }

}  // namespace

// Time is kept in ticks relative to `origin` (unsigned, so the XOR placement below works for any
// Millis). A node with deadline d "expires at" tick e = d - origin + 1: the first tick at which
// deadline < now holds. `cur` is the last tick fully processed: every node with e <= cur sits in
// `ready`. Invariant: a non-empty slot s of level L holds nodes whose e agrees with `cur` on all
// bits above level L and has digit L == s > digit L of `cur`; so slots never alias and the next
// slot to look at is simply the lowest set bit of the lowest non-empty level.
struct TimingWheel::Impl {
  Impl(Millis now, const HandleSpace& space) : origin(now), resolve(space.resolver()) {
    heads.fill(kNoHandle);
  }

  // The tick at which something happens: a level-0 slot fires, a higher slot (level 1..3)
  // cascades, or the overflow list (level == kLevels) cascades.
  struct Event {
    int level;
    uint64_t slot;
    uint64_t tick;
  };

  uint64_t ExpiryTick(Millis deadline) const {
    if (deadline < origin) return 0;
    return static_cast<uint64_t>(deadline) - static_cast<uint64_t>(origin) + 1;
  }
  uint64_t NowTick(Millis now) const {
    if (now < origin) return 0;
    return static_cast<uint64_t>(now) - static_cast<uint64_t>(origin);
  }
  // The latest deadline that is due at tick t (t >= 1), saturating.
  Millis DeadlineBefore(uint64_t t) const {
    const uint64_t room = static_cast<uint64_t>(kNoDeadline) - static_cast<uint64_t>(origin);
    if (t - 1 >= room) return kNoDeadline - 1;
    return static_cast<Millis>(static_cast<uint64_t>(origin) + (t - 1));
  }

  WheelNode& Node(Handle h) const { return *static_cast<WheelNode*>(resolve(h)); }
  bool IsEmpty(size_t list) const { return heads[list] == kNoHandle; }
  static size_t Slot(int level, uint64_t s) { return static_cast<size_t>(level) * kSlots + s; }

  // Order within a list does not matter (Advance promises none), so push at the front: no tail.
  void PushFront(size_t list, Handle h) {
    WheelNode& n = Node(h);
    n.prev = Marker(list);
    n.next = heads[list];
    if (n.next != kNoHandle) Node(n.next).prev = h;
    heads[list] = h;
  }
  // Detaches a whole list; its nodes keep their links (the chain ends at kNoHandle).
  Handle TakeList(size_t list) {
    const Handle first = heads[list];
    heads[list] = kNoHandle;
    return first;
  }
  // Unlinks a linked node and resets its links (not its deadline).
  void Unlink(WheelNode& n) {
    if (n.next != kNoHandle) Node(n.next).prev = n.prev;
    if (IsMarker(n.prev)) {
      const size_t list = n.prev - HandleSpace::kFirstReserved;
      heads[list] = n.next;
      if (n.next == kNoHandle) OnEmptied(list);
    } else {
      Node(n.prev).next = n.next;
    }
    n.prev = n.next = kNoHandle;
  }

  void SetBit(int level, uint64_t s) {
    bits[static_cast<size_t>(level)][s / 64] |= uint64_t{1} << (s % 64);
  }
  void ClearBit(int level, uint64_t s) {
    bits[static_cast<size_t>(level)][s / 64] &= ~(uint64_t{1} << (s % 64));
  }

  // Links an unlinked node by its deadline relative to `cur`. Returns the Millis at which it will
  // next be looked at (its contribution to NextDeadline()).
  Millis Place(Handle h, Millis deadline) {
    const uint64_t e = ExpiryTick(deadline);
    if (e <= cur) {
      PushFront(kReady, h);
      ready_min = std::min(ready_min, deadline);
      return deadline;
    }
    const int level = (static_cast<int>(std::bit_width(e ^ cur)) - 1) / kBits;
    if (level >= kLevels) {
      PushFront(kOverflow, h);
      return DeadlineBefore(OverflowTick());
    }
    const int shift = level * kBits;
    const uint64_t s = (e >> shift) & (kSlots - 1);
    PushFront(Slot(level, s), h);
    SetBit(level, s);
    return DeadlineBefore(SlotTick(level, s));
  }

  uint64_t SlotTick(int level, uint64_t s) const {
    const int span = (level + 1) * kBits;
    return ((cur >> span) << span) | (s << (level * kBits));
  }
  uint64_t OverflowTick() const { return ((cur >> kRangeBits) + 1) << kRangeBits; }

  std::optional<Event> NextEvent() const {
    for (int level = 0; level < kLevels; ++level) {
      const auto& words = bits[static_cast<size_t>(level)];
      for (size_t w = 0; w < kWords; ++w) {
        if (words[w] == 0) continue;
        const uint64_t s = w * 64 + static_cast<uint64_t>(std::countr_zero(words[w]));
        LOCKNODE_DCHECK(s > ((cur >> (level * kBits)) & (kSlots - 1)));
        return Event{level, s, SlotTick(level, s)};
      }
    }
    if (!IsEmpty(kOverflow)) return Event{kLevels, 0, OverflowTick()};
    return std::nullopt;
  }

  // Moves `cur` to the event's tick and empties its slot: a level-0 slot is due as a whole
  // (all its nodes share e == tick), higher slots re-place their nodes relative to the new `cur`.
  // Every lower level is empty here, or its earlier event would have been chosen. Only called
  // while `ready` is empty (PopDue), so a due slot becomes the ready list as a whole.
  void Process(const Event& ev) {
    cur = ev.tick;
    if (ev.level == 0) {
      LOCKNODE_DCHECK(IsEmpty(kReady) && !IsEmpty(Slot(0, ev.slot)));
      heads[kReady] = TakeList(Slot(0, ev.slot));
      Node(heads[kReady]).prev = Marker(kReady);
      ClearBit(0, ev.slot);
      ready_min = DeadlineBefore(ev.tick);
      return;
    }
    Handle h = TakeList(ev.level < kLevels ? Slot(ev.level, ev.slot) : kOverflow);
    if (ev.level < kLevels) ClearBit(ev.level, ev.slot);
    while (h != kNoHandle) {
      WheelNode& n = Node(h);
      const Handle next = n.next;
      Place(h, n.deadline);
      h = next;
    }
  }

  // Called when unlinking emptied `list`: keeps the bitmaps exact.
  void OnEmptied(size_t list) {
    if (list == kReady) {
      ready_min = kNoDeadline;
    } else if (list != kOverflow) {
      ClearBit(static_cast<int>(list / kSlots), list % kSlots);
    }
  }

  Millis origin;
  HandleSpace::Resolver resolve;
  uint64_t cur = 0;
  std::array<Handle, kLists> heads;  // first node of each list; kReady: due, not handed over
  std::array<std::array<uint64_t, kWords>, kLevels> bits{};
  // <= the smallest deadline in `ready` (may be stale-low after a Cancel, which is allowed).
  Millis ready_min = kNoDeadline;
};

TimingWheel::TimingWheel(Millis now, const HandleSpace& space)
    : impl_(std::make_unique<Impl>(now, space)) {}

TimingWheel::~TimingWheel() = default;

bool TimingWheel::Schedule(Handle node, Millis deadline) {
  WheelNode& n = impl_->Node(node);
  LOCKNODE_DCHECK(!n.linked());
  LOCKNODE_DCHECK(deadline != kNoDeadline);
  const std::optional<Millis> before = NextDeadline();
  n.deadline = deadline;
  const Millis at = impl_->Place(node, deadline);
  ++size_;
  return !before.has_value() || at < *before;
}

void TimingWheel::Cancel(Handle node) {
  WheelNode& n = impl_->Node(node);
  if (!n.linked()) return;
  impl_->Unlink(n);
  --size_;
}

void TimingWheel::Replace(Handle linked, Handle replacement) {
  Impl& w = *impl_;
  WheelNode& old = w.Node(linked);
  WheelNode& r = w.Node(replacement);
  LOCKNODE_DCHECK(old.linked());
  LOCKNODE_DCHECK(!r.linked());
  r = old;
  if (r.next != kNoHandle) w.Node(r.next).prev = replacement;
  if (IsMarker(r.prev)) {
    w.heads[r.prev - HandleSpace::kFirstReserved] = replacement;
  } else {
    w.Node(r.prev).next = replacement;
  }
  old.prev = old.next = kNoHandle;
}

void TimingWheel::Clear() {
  Impl& w = *impl_;
  for (size_t list = 0; list < kLists; ++list) {
    for (Handle h = w.TakeList(list); h != kNoHandle;) {
      WheelNode& n = w.Node(h);
      h = n.next;
      n.prev = n.next = kNoHandle;
    }
  }
  for (auto& words : w.bits) words.fill(0);
  w.ready_min = kNoDeadline;
  size_ = 0;
}

Handle TimingWheel::PopDue(Millis now) {
  Impl& w = *impl_;
  const uint64_t target = w.NowTick(now);
  // Process only as many events as needed to find one due node, so a small budget never pays
  // for collecting everything that is due.
  while (w.IsEmpty(kReady)) {
    const std::optional<Impl::Event> ev = w.NextEvent();
    if (!ev.has_value() || ev->tick > target) {
      // Nothing changes placement before `target`, so jumping there keeps the invariant.
      w.cur = std::max(w.cur, target);
      return kNoHandle;
    }
    w.Process(*ev);
  }
  const Handle node = w.heads[kReady];
  w.Unlink(w.Node(node));
  --size_;
  return node;
}

std::optional<Millis> TimingWheel::NextDeadline() const {
  const Impl& w = *impl_;
  // Ready nodes have e <= cur < every slot's tick, so they are always the earliest.
  if (!w.IsEmpty(kReady)) return w.ready_min;
  const std::optional<Impl::Event> ev = w.NextEvent();
  if (!ev.has_value()) return std::nullopt;
  return w.DeadlineBefore(ev->tick);
}

}  // namespace locknode::keyspace
