#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "locknode/base/millis.h"

namespace locknode::keyspace {

// Intrusive hook embedded in whatever the wheel schedules (a keyspace entry). Linking and
// unlinking never allocate; Cancel is O(1). A node is in at most one wheel slot at a time.
struct WheelNode {
  WheelNode* prev = nullptr;
  WheelNode* next = nullptr;
  Millis deadline = kNoDeadline;
  bool linked() const { return prev != nullptr; }
};

// Hierarchical timing wheel (Varghese & Lauck scheme 7; folly HHWheelTimer layout): 1 ms ticks,
// 4 levels x 256 slots, deadlines past the range park in the top level and re-cascade. It never
// reads a clock and never calls Asio: the owner passes `now` and arms one OS timer at
// NextDeadline(). It does not tick while idle.
//
// Deadlines are reclamation hints only: the keyspace's lazy check decides what clients see, so
// a late wheel wastes memory for a while and never changes a reply.
class TimingWheel {
 public:
  explicit TimingWheel(Millis now);
  ~TimingWheel();
  TimingWheel(const TimingWheel&) = delete;
  TimingWheel& operator=(const TimingWheel&) = delete;

  // Links `node` (which must not be linked) to fire at `deadline`. Returns true iff the wheel's
  // earliest deadline moved earlier (Seastar timer_set::insert), i.e. the OS timer must re-arm.
  bool Schedule(WheelNode* node, Millis deadline);
  // Unlinks `node` if linked. O(1).
  void Cancel(WheelNode* node);

  // Moves time to `now` and hands at most `budget` due nodes (deadline < now) to
  // `on_due`, unlinked, collected before any is handed over. Returns how many were handed over;
  // if that equals `budget`, more may be due and the caller should come back soon.
  template <typename F>
  size_t Advance(Millis now, size_t budget, F&& on_due) {
    size_t n = 0;
    while (n < budget) {
      WheelNode* node = PopDue(now);
      if (node == nullptr) break;
      on_due(node);
      ++n;
    }
    return n;
  }

  // Earliest time at which something may be due, or nullopt when empty. May be earlier than the
  // true earliest deadline (a slot boundary), never later.
  std::optional<Millis> NextDeadline() const;
  size_t size() const { return size_; }

 private:
  WheelNode* PopDue(Millis now);
  struct Impl;
  Impl* impl_;
  size_t size_ = 0;
};

}  // namespace locknode::keyspace
