#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "locknode/base/millis.h"
#include "locknode/keyspace/handle_space.h"

namespace locknode::keyspace {

// Intrusive hook embedded in whatever the wheel schedules (a keyspace entry), named by the
// Handle of its first byte in the wheel's HandleSpace. Links are handles, not pointers, so the
// hook takes 16 bytes instead of 24. Linking and unlinking never allocate; Cancel is O(1). A node
// is in at most one wheel list at a time; the first node of a list has a reserved handle in
// `prev` that names the list (so lists need no sentinel nodes in the space).
// `deadline` is written by Schedule and left untouched by Cancel and by hand-over, so an owner
// may use it as its own copy of the deadline (the keyspace does: it saves 8 bytes per key).
struct WheelNode {
  Handle prev = kNoHandle;
  Handle next = kNoHandle;
  Millis deadline = kNoDeadline;
  bool linked() const { return prev != kNoHandle; }
};

// Hierarchical timing wheel (Varghese & Lauck scheme 7; folly HHWheelTimer layout): 1 ms ticks,
// 4 levels x 256 slots (a 2^32 ms, ~49.7 day, range), plus one overflow list above the top level
// for deadlines past the range, re-cascaded each time time crosses a 2^32 ms boundary. It never
// reads a clock and never calls Asio: the owner passes `now` and arms one OS timer at
// NextDeadline(). It does not tick while idle: per-level bitmaps of non-empty slots let Advance
// jump straight to the next non-empty slot, so an idle gap costs O(1), not O(gap in ms).
//
// A node is due when deadline < now (Redis keyIsExpired: `now > when`).
// Deadlines are reclamation hints only: the keyspace's lazy check decides what clients see, so
// a late wheel wastes memory for a while and never changes a reply.
//
// The wheel does not own nodes; it reaches them through `space`, which must outlive it and
// resolve every handle passed in. Single-threaded. Destroying the wheel does not touch nodes that
// are still linked (their hooks are left dangling), so owners free or Clear() them first/instead.
class TimingWheel {
 public:
  // `now` is the wheel's origin; times before it are simply "in the past".
  TimingWheel(Millis now, const HandleSpace& space);
  ~TimingWheel();
  TimingWheel(const TimingWheel&) = delete;
  TimingWheel& operator=(const TimingWheel&) = delete;

  // Links `node` (which must not be linked) to fire at `deadline` (!= kNoDeadline). A deadline
  // already in the past is handed over by the next Advance. O(1), no allocation. Returns true iff
  // NextDeadline() moved earlier (or the wheel was empty) (Seastar timer_set::insert), i.e. the
  // OS timer must re-arm.
  bool Schedule(Handle node, Millis deadline);
  // Unlinks `node` if linked (no-op otherwise). O(1). Never makes NextDeadline() earlier.
  void Cancel(Handle node);
  // `replacement` (unlinked) takes `linked`'s place and deadline; `linked` ends unlinked. O(1).
  // Used when the owner reallocates the object that embeds the hook.
  void Replace(Handle linked, Handle replacement);
  // Unlinks every node (resetting their hooks). O(size).
  void Clear();

  // Moves time to `now` and hands at most `budget` due nodes (deadline < now) to `on_due`, by
  // Handle, each unlinked before it is handed over. Nodes are handed over in no particular order.
  // The callback may Cancel or Schedule any node (including the one handed over) and may free
  // the handed-over node: the wheel re-reads its state after every call. Returns how many were
  // handed over; it is min(budget, number of due nodes), so if it equals `budget`, more may be
  // due and the caller should come back soon. Cost: O(handed over + slots cascaded), never
  // O(elapsed ms).
  template <typename F>
  size_t Advance(Millis now, size_t budget, F&& on_due) {
    size_t n = 0;
    while (n < budget) {
      const Handle node = PopDue(now);
      if (node == kNoHandle) break;
      on_due(node);
      ++n;
    }
    return n;
  }

  // Earliest time at which something may be due, or nullopt when empty. Precisely: a value D
  // with D <= min(deadline) over all linked nodes, so Advance(now) with now > D is the earliest
  // call that can find work. D is either an exact deadline (a level-0 slot or an already-due
  // node) or the last millisecond before a higher-level slot (or the overflow list) cascades, in
  // which case Advance past it may only cascade and hand nothing over; call NextDeadline() again
  // afterwards. O(levels x 4 words) bitmap scan.
  std::optional<Millis> NextDeadline() const;
  size_t size() const { return size_; }

 private:
  Handle PopDue(Millis now);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t size_ = 0;
};

}  // namespace locknode::keyspace
