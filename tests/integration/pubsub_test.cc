// Pub/sub against the real binary: a subscriber that never reads is closed at the pubsub class
// of client-output-buffer-limit (the node's memory stays bounded and it keeps serving), and a
// lock waiter is woken by a keyspace notification, with no polling, when the lock is released
// or expires untouched (the expiry timer, not a client, removes the key).
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::string Message(const std::string& channel, const std::string& payload) {
  return EncodeCommand({"message", channel, payload});
}

TEST(PubSubTest, SlowSubscriberIsClosedAtThePubsubHardLimit) {
  // The normal class is off: only the pubsub class can close the subscriber.
  auto server = StartOrFail({"--client-output-buffer-limit", "normal 0 0 0 pubsub 1mb 0 0"});
  ASSERT_NE(server, nullptr);
  RespClient subscriber(server->port());
  ASSERT_EQ(subscriber.Call({"SUBSCRIBE", "ch"}), "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  RespClient publisher(server->port());
  const std::string payload(64 * 1024, 'x');
  // The subscriber never reads: the kernel buffers take some megabytes, then its queued output
  // grows by 64 KiB per PUBLISH until it reaches 1 MiB and it is closed; PUBLISH then counts no
  // receiver. 4000 messages (256 MiB) is far more than socket buffers plus the limit.
  int published = 0;
  std::string reply;
  for (; published < 4000; ++published) {
    reply = publisher.Call({"PUBLISH", "ch", payload});
    if (reply != ":1\r\n") break;
  }
  EXPECT_EQ(reply, ":0\r\n") << "after " << published << " messages";
  EXPECT_GT(published, 16);  // at least the 1 MiB limit's worth was accepted first
  const std::string info = publisher.Call({"INFO", "stats"});
  EXPECT_EQ(InfoField(info, "client_output_buffer_limit_disconnections"), 1);
  EXPECT_EQ(publisher.Call({"PUBSUB", "NUMSUB", "ch"}), "*2\r\n$2\r\nch\r\n:0\r\n");
  // The node keeps serving, pub/sub included.
  EXPECT_EQ(publisher.Call({"SET", "k", "v"}), "+OK\r\n");
  RespClient fresh(server->port());
  ASSERT_EQ(fresh.Call({"SUBSCRIBE", "ch"}), "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  EXPECT_EQ(publisher.Call({"PUBLISH", "ch", "hi"}), ":1\r\n");
  EXPECT_EQ(fresh.Read().bytes, Message("ch", "hi"));
}

TEST(PubSubTest, ReadingSubscriberUnderTheLimitIsKept) {
  auto server = StartOrFail({"--client-output-buffer-limit", "pubsub 1mb 0 0"});
  ASSERT_NE(server, nullptr);
  RespClient subscriber(server->port());
  ASSERT_EQ(subscriber.Call({"SUBSCRIBE", "ch"}), "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  RespClient publisher(server->port());
  const std::string payload(64 * 1024, 'y');
  // 8 MiB in total, read as it comes: never 1 MiB queued at once.
  for (int i = 0; i < 128; ++i) {
    ASSERT_EQ(publisher.Call({"PUBLISH", "ch", payload}), ":1\r\n") << i;
    ASSERT_EQ(subscriber.Read().bytes, Message("ch", payload)) << i;
  }
  EXPECT_EQ(
      InfoField(publisher.Call({"INFO", "stats"}), "client_output_buffer_limit_disconnections"), 0);
}

// Subscribes `waiter` to `channel` and returns how long until the next message arrived.
milliseconds WaitForMessage(RespClient& waiter, const std::string& expected, Clock::time_point t0) {
  const RespClient::Reply r = waiter.Read(milliseconds(5000));
  EXPECT_EQ(r.bytes, expected) << r.Describe();
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0);
}

TEST(PubSubTest, WaiterIsToldTheLockExpiredWithoutPolling) {
  auto server = StartOrFail({"--notify-keyspace-events", "Ex"});
  ASSERT_NE(server, nullptr);
  RespClient waiter(server->port());
  ASSERT_EQ(waiter.Call({"SUBSCRIBE", "__keyevent@0__:expired"}),
            "*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:expired\r\n:1\r\n");
  RespClient holder(server->port());
  const Clock::time_point t0 = Clock::now();
  ASSERT_EQ(holder.Call({"SET", "lock", "token", "NX", "PX", "300"}), "+OK\r\n");
  // Nobody touches the key: the expiry timer reclaims it and the notification goes out then.
  const milliseconds waited = WaitForMessage(waiter, Message("__keyevent@0__:expired", "lock"), t0);
  EXPECT_GE(waited.count(), 300);
  EXPECT_LT(waited.count(), 2000);
  EXPECT_EQ(holder.Call({"SET", "lock", "mine", "NX", "PX", "300"}), "+OK\r\n");
}

TEST(PubSubTest, WaiterIsToldOfTheReleaseOnTheKeyspaceChannel) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient holder(server->port());
  // Switched on at run time, as a client library does.
  ASSERT_EQ(holder.Call({"CONFIG", "SET", "notify-keyspace-events", "Kg"}), "+OK\r\n");
  RespClient waiter(server->port());
  ASSERT_EQ(waiter.Call({"SUBSCRIBE", "__keyspace@0__:lock"}),
            "*3\r\n$9\r\nsubscribe\r\n$19\r\n__keyspace@0__:lock\r\n:1\r\n");
  ASSERT_EQ(holder.Call({"SET", "lock", "token", "NX", "PX", "30000"}), "+OK\r\n");
  // SET NX PX notifies "expire" (class g); "set" is class $, not enabled.
  EXPECT_EQ(waiter.Read().bytes, Message("__keyspace@0__:lock", "expire"));
  // The canonical release script: the native fast path deletes, the observer says "del".
  const Clock::time_point t0 = Clock::now();
  EXPECT_EQ(holder.Call({"EVAL",
                         "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return "
                         "redis.call(\"del\",KEYS[1]) else return 0 end",
                         "1", "lock", "token"}),
            ":1\r\n");
  EXPECT_LT(WaitForMessage(waiter, Message("__keyspace@0__:lock", "del"), t0).count(), 2000);
  // Off again: nothing more is sent (the next reply the waiter sees is its own PING's).
  ASSERT_EQ(holder.Call({"CONFIG", "SET", "notify-keyspace-events", ""}), "+OK\r\n");
  ASSERT_EQ(holder.Call({"SET", "lock", "token", "PX", "1"}), "+OK\r\n");
  EXPECT_EQ(waiter.Call({"PING"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
}

}  // namespace
}  // namespace locknode::test
