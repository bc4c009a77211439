// Keyspace notifications (command/keyspace_events.h), after Redis 7.0 src/notify.c.
#include "locknode/command/keyspace_events.h"

#include "locknode/command/pubsub.h"

namespace locknode::command {

namespace {

struct Letter {
  char c;
  uint32_t flag;
};

// The letters in keyspaceEventsFlagsToString's order (A aside).
constexpr Letter kDataLetters[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZset},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule}, {'n', kNotifyNew},
};

}  // namespace

std::optional<uint32_t> ParseKeyspaceEvents(std::string_view text) {
  uint32_t flags = 0;
  for (const char c : text) {
    uint32_t flag = 0;
    switch (c) {
      case 'A':
        flag = kNotifyAll;
        break;
      case 'K':
        flag = kNotifyKeyspace;
        break;
      case 'E':
        flag = kNotifyKeyevent;
        break;
      case 'm':
        flag = kNotifyKeyMiss;
        break;
      default:
        for (const Letter& letter : kDataLetters) {
          if (letter.c == c) flag = letter.flag;
        }
        if (flag == 0) return std::nullopt;
    }
    flags |= flag;
  }
  return flags;
}

// Redis prints "A" for the whole data set and then drops n with the other data letters; K, E
// and m follow.
std::string KeyspaceEventsText(uint32_t flags) {
  std::string text;
  if ((flags & kNotifyAll) == kNotifyAll) {
    text += 'A';
  } else {
    for (const Letter& letter : kDataLetters) {
      if ((flags & letter.flag) != 0) text += letter.c;
    }
  }
  if ((flags & kNotifyKeyspace) != 0) text += 'K';
  if ((flags & kNotifyKeyevent) != 0) text += 'E';
  if ((flags & kNotifyKeyMiss) != 0) text += 'm';
  return text;
}

void KeyspaceEvents::SetFlags(uint32_t flags) {
  flags_ = flags;
  // Redis notifyKeyspaceEvent returns early unless K or E is set as well as the class, so
  // only then is there anything to observe.
  observing_ = (flags & (kNotifyKeyspace | kNotifyKeyevent)) != 0 &&
               (flags & (kNotifyGeneric | kNotifyExpired | kNotifyNew)) != 0;
  if (observing_) {
    key_events_.Subscribe(this);
  } else {
    key_events_.Unsubscribe(this);
  }
}

void KeyspaceEvents::Publish(std::string_view event, std::string_view key) {
  if ((flags_ & kNotifyKeyspace) != 0) {
    std::string channel = "__keyspace@0__:";
    channel.append(key);
    pubsub_.Publish(SubKind::kChannel, channel, event);
  }
  if ((flags_ & kNotifyKeyevent) != 0) {
    std::string channel = "__keyevent@0__:";
    channel.append(event);
    pubsub_.Publish(SubKind::kChannel, channel, key);
  }
}

void KeyspaceEvents::OnKeyChanged(std::string_view key, keyspace::KeyChange change) {
  switch (change) {
    case keyspace::KeyChange::kDeleted:
      NotifyKeyspaceEvent(*this, kNotifyGeneric, "del", key);
      break;
    case keyspace::KeyChange::kExpired:
      NotifyKeyspaceEvent(*this, kNotifyExpired, "expired", key);
      break;
    case keyspace::KeyChange::kCreated:  // Redis dbAdd, before the command's own event
      NotifyKeyspaceEvent(*this, kNotifyNew, "new", key);
      break;
    case keyspace::KeyChange::kWritten:       // named by the command ("set", "hset"...)
    case keyspace::KeyChange::kDeadline:      // "expire" or "persist": the command knows which
    case keyspace::KeyChange::kRemovedQuiet:  // the command names its events
      break;
  }
}

}  // namespace locknode::command
