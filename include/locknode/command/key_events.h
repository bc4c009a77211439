#pragma once

#include <string_view>
#include <vector>

#include "locknode/keyspace/keyspace.h"

namespace locknode::command {

// One party interested in keyspace changes: WATCH (transactions.h); later keyspace
// notifications and blocked pops. Called synchronously from inside the keyspace call that made
// the change, so a listener only records: it must not call back into the keyspace. It may
// Unsubscribe itself (or another listener) from inside the call.
class KeyListener {
 public:
  virtual void OnKeyChanged(std::string_view key, keyspace::KeyChange change) = 0;
  virtual void OnFlush() = 0;

 protected:
  ~KeyListener() = default;
};

// The Shard's fan-out of keyspace changes (the keyspace has room for one KeyObserver). The
// keyspace's observer is set only while someone listens: with no listener (no client watches
// anything) a change costs the keyspace one null test, so the lock path pays nothing. A
// listener subscribes when it starts needing changes and unsubscribes when it stops.
// Single-threaded, like the Shard. Listeners are not owned and must unsubscribe before they die.
class KeyEvents final : private keyspace::KeyObserver {
 public:
  explicit KeyEvents(keyspace::Keyspace& keyspace) : keyspace_(keyspace) {}
  ~KeyEvents();
  KeyEvents(const KeyEvents&) = delete;
  KeyEvents& operator=(const KeyEvents&) = delete;

  // Idempotent. O(listeners), which is a handful.
  void Subscribe(KeyListener* listener);
  void Unsubscribe(KeyListener* listener);
  bool active() const { return !listeners_.empty(); }

 private:
  void OnKeyChanged(std::string_view key, keyspace::KeyChange change) override;
  void OnFlush() override;
  // Drops the slots nulled by an Unsubscribe during a dispatch, then sets or clears the
  // keyspace's observer.
  void Settle();

  keyspace::Keyspace& keyspace_;
  std::vector<KeyListener*> listeners_;
  int dispatching_ = 0;  // > 0 while calling listeners: removals only null their slot
};

}  // namespace locknode::command
