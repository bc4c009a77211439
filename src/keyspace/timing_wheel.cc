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

// Every list is circular through a sentinel, so unlinking needs no head pointer and a node's
// `prev != nullptr` means "linked". An empty list is a sentinel pointing at itself.
void InitSentinel(WheelNode* s) { s->prev = s->next = s; }
bool IsEmpty(const WheelNode* s) { return s->next == s; }

void LinkTail(WheelNode* s, WheelNode* n) {
  n->prev = s->prev;
  n->next = s;
  s->prev->next = n;
  s->prev = n;
}

// Moves every node of `from` to the tail of `to` in O(1).
void SpliceTail(WheelNode* from, WheelNode* to) {
  if (IsEmpty(from)) return;
  WheelNode* first = from->next;
  WheelNode* last = from->prev;
  first->prev = to->prev;
  to->prev->next = first;
  last->next = to;
  to->prev = last;
  InitSentinel(from);
}

}  // namespace

// Time is kept in ticks relative to `origin` (unsigned, so the XOR placement below works for any
// Millis). A node with deadline d "expires at" tick e = d - origin + 1: the first tick at which
// deadline < now holds. `cur` is the last tick fully processed: every node with e <= cur sits in
// `ready`. Invariant: a non-empty slot s of level L holds nodes whose e agrees with `cur` on all
// bits above level L and has digit L == s > digit L of `cur`; so slots never alias and the next
// slot to look at is simply the lowest set bit of the lowest non-empty level.
struct TimingWheel::Impl {
  explicit Impl(Millis now) : origin(now) {
    for (WheelNode& s : slots) InitSentinel(&s);
    InitSentinel(&overflow);
    InitSentinel(&ready);
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

  WheelNode* Slot(int level, uint64_t s) { return &slots[static_cast<size_t>(level) * kSlots + s]; }
  void SetBit(int level, uint64_t s) {
    bits[static_cast<size_t>(level)][s / 64] |= uint64_t{1} << (s % 64);
  }
  void ClearBit(int level, uint64_t s) {
    bits[static_cast<size_t>(level)][s / 64] &= ~(uint64_t{1} << (s % 64));
  }

  // Links an unlinked node by its deadline relative to `cur`. Returns the Millis at which it will
  // next be looked at (its contribution to NextDeadline()).
  Millis Place(WheelNode* n) {
    const uint64_t e = ExpiryTick(n->deadline);
    if (e <= cur) {
      LinkTail(&ready, n);
      ready_min = std::min(ready_min, n->deadline);
      return n->deadline;
    }
    const int level = (static_cast<int>(std::bit_width(e ^ cur)) - 1) / kBits;
    if (level >= kLevels) {
      LinkTail(&overflow, n);
      return DeadlineBefore(OverflowTick());
    }
    const int shift = level * kBits;
    const uint64_t s = (e >> shift) & (kSlots - 1);
    LinkTail(Slot(level, s), n);
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
    if (!IsEmpty(&overflow)) return Event{kLevels, 0, OverflowTick()};
    return std::nullopt;
  }

  // Moves `cur` to the event's tick and empties its slot: a level-0 slot is due as a whole
  // (all its nodes share e == tick), higher slots re-place their nodes relative to the new `cur`.
  // Every lower level is empty here, or its earlier event would have been chosen.
  void Process(const Event& ev) {
    cur = ev.tick;
    if (ev.level == 0) {
      SpliceTail(Slot(0, ev.slot), &ready);
      ClearBit(0, ev.slot);
      ready_min = std::min(ready_min, DeadlineBefore(ev.tick));
      return;
    }
    WheelNode* s = ev.level < kLevels ? Slot(ev.level, ev.slot) : &overflow;
    WheelNode* n = s->next;
    s->prev->next = nullptr;  // terminate the detached chain
    InitSentinel(s);
    if (ev.level < kLevels) ClearBit(ev.level, ev.slot);
    while (n != nullptr) {
      WheelNode* next = n->next;
      Place(n);
      n = next;
    }
  }

  // Called when unlinking left sentinel `s` alone: keeps the bitmaps exact.
  void OnEmptied(WheelNode* s) {
    if (s == &ready) {
      ready_min = kNoDeadline;
    } else if (s != &overflow) {
      const auto idx = static_cast<uint64_t>(s - slots.data());
      LOCKNODE_DCHECK(idx < slots.size());
      ClearBit(static_cast<int>(idx / kSlots), idx % kSlots);
    }
  }

  Millis origin;
  uint64_t cur = 0;
  std::array<WheelNode, kLevels * kSlots> slots;
  std::array<std::array<uint64_t, kWords>, kLevels> bits{};
  WheelNode overflow;
  WheelNode ready;  // due nodes not yet handed over
  // <= the smallest deadline in `ready` (may be stale-low after a Cancel, which is allowed).
  Millis ready_min = kNoDeadline;
};

TimingWheel::TimingWheel(Millis now) : impl_(std::make_unique<Impl>(now)) {}

TimingWheel::~TimingWheel() = default;

bool TimingWheel::Schedule(WheelNode* node, Millis deadline) {
  LOCKNODE_DCHECK(!node->linked());
  LOCKNODE_DCHECK(deadline != kNoDeadline);
  const std::optional<Millis> before = NextDeadline();
  node->deadline = deadline;
  const Millis at = impl_->Place(node);
  ++size_;
  return !before.has_value() || at < *before;
}

void TimingWheel::Cancel(WheelNode* node) {
  if (!node->linked()) return;
  WheelNode* p = node->prev;
  WheelNode* n = node->next;
  p->next = n;
  n->prev = p;
  node->prev = node->next = nullptr;
  --size_;
  // The circle always contains its sentinel, so a single remaining member is the sentinel.
  if (p == n) impl_->OnEmptied(p);
}

void TimingWheel::Replace(WheelNode* linked, WheelNode* replacement) {
  LOCKNODE_DCHECK(linked->linked());
  LOCKNODE_DCHECK(!replacement->linked());
  replacement->prev = linked->prev;
  replacement->next = linked->next;
  replacement->deadline = linked->deadline;
  replacement->prev->next = replacement;
  replacement->next->prev = replacement;
  linked->prev = linked->next = nullptr;
}

void TimingWheel::Clear() {
  Impl& w = *impl_;
  auto reset = [](WheelNode* s) {
    for (WheelNode* n = s->next; n != s;) {
      WheelNode* next = n->next;
      n->prev = n->next = nullptr;
      n = next;
    }
    InitSentinel(s);
  };
  for (WheelNode& s : w.slots) reset(&s);
  reset(&w.overflow);
  reset(&w.ready);
  for (auto& words : w.bits) words.fill(0);
  w.ready_min = kNoDeadline;
  size_ = 0;
}

WheelNode* TimingWheel::PopDue(Millis now) {
  Impl& w = *impl_;
  const uint64_t target = w.NowTick(now);
  // Process only as many events as needed to find one due node, so a small budget never pays
  // for collecting everything that is due.
  while (IsEmpty(&w.ready)) {
    const std::optional<Impl::Event> ev = w.NextEvent();
    if (!ev.has_value() || ev->tick > target) {
      // Nothing changes placement before `target`, so jumping there keeps the invariant.
      w.cur = std::max(w.cur, target);
      return nullptr;
    }
    w.Process(*ev);
  }
  WheelNode* node = w.ready.next;
  Cancel(node);
  return node;
}

std::optional<Millis> TimingWheel::NextDeadline() const {
  const Impl& w = *impl_;
  // Ready nodes have e <= cur < every slot's tick, so they are always the earliest.
  if (!IsEmpty(&w.ready)) return w.ready_min;
  const std::optional<Impl::Event> ev = w.NextEvent();
  if (!ev.has_value()) return std::nullopt;
  return w.DeadlineBefore(ev->tick);
}

}  // namespace locknode::keyspace
