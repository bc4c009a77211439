#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/command/key_events.h"
#include "locknode/keyspace/keyspace.h"

namespace locknode::command {

class PubSub;

// Redis's notify-keyspace-events classes (server.h NOTIFY_*), one bit per flag letter.
enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1u << 0,  // K: __keyspace@0__:<key> gets the event name
  kNotifyKeyevent = 1u << 1,  // E: __keyevent@0__:<event> gets the key name
  kNotifyGeneric = 1u << 2,   // g: del, expire, persist, rename...
  kNotifyString = 1u << 3,    // $: set, incrby, append...
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h: hset, hdel, hincrby...
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x: expired
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m (not part of A)
  kNotifyModule = 1u << 12,   // d
  kNotifyNew = 1u << 13,      // n (not part of A)
  // A: every data class (g$lshzxetd).
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// Redis keyspaceEventsStringToFlags: nullopt on a letter outside "Ag$lshzxeKEtmdn".
std::optional<uint32_t> ParseKeyspaceEvents(std::string_view text);
// Redis keyspaceEventsFlagsToString: CONFIG GET's form ("AKE", "gK", "").
std::string KeyspaceEventsText(uint32_t flags);

// Keyspace notifications (Redis notify.c): publishes `event` on __keyspace@0__:<key> (K) and
// `key` on __keyevent@0__:<event> (E) through the pub/sub registry.
//
// Three sources: the keyspace's change observer for what only the keyspace sees (a key expired,
// lazily or by the wheel: "expired"; a key removed by any command or a lock release: "del"; a
// key added: "new"), read lookups that miss ("keymiss": CountLookup in read_lookup.h),
// and explicit calls from command handlers for events named by the command ("set", "expire",
// "persist", "hset"... : NotifyKeyspaceEvent below). It subscribes to the Shard's KeyEvents
// fan-out only while some class is enabled, so with notify-keyspace-events empty (the default)
// and no WATCH the keyspace has no observer: the lock fast paths pay the one null-observer
// branch they always had, and handlers one flag test.
class KeyspaceEvents final : public KeyListener {
 public:
  KeyspaceEvents(KeyEvents& key_events, PubSub& pubsub)
      : key_events_(key_events), pubsub_(pubsub) {}
  ~KeyspaceEvents() { key_events_.Unsubscribe(this); }
  KeyspaceEvents(const KeyspaceEvents&) = delete;
  KeyspaceEvents& operator=(const KeyspaceEvents&) = delete;

  uint32_t flags() const { return flags_; }
  // Whether it listens to the keyspace's changes now (only while K or E and g, x or n are on).
  bool observing() const { return observing_; }
  // CONFIG SET notify-keyspace-events (and startup): subscribes to the Shard's fan-out of
  // keyspace changes (KeyEvents) or leaves it.
  void SetFlags(uint32_t flags);

  // Redis notifyKeyspaceEvent(type, event, key, dbid 0), once the class is known to be on.
  void Publish(std::string_view event, std::string_view key);

  void OnKeyChanged(std::string_view key, keyspace::KeyChange change) override;
  void OnFlush() override {}  // Redis sends nothing per key on FLUSHALL

 private:
  KeyEvents& key_events_;
  PubSub& pubsub_;
  uint32_t flags_ = 0;
  bool observing_ = false;
};

// The call a handler makes after a change it names (Redis notifyKeyspaceEvent): nothing unless
// `type` is enabled. Hash commands: NotifyKeyspaceEvent(events, kNotifyHash, "hset", key);
// a delete of the last field is reported as "del" by the observer when the key is erased.
inline void NotifyKeyspaceEvent(KeyspaceEvents& events, uint32_t type, std::string_view event,
                                std::string_view key) {
  if ((events.flags() & type) != 0) events.Publish(event, key);
}

}  // namespace locknode::command
