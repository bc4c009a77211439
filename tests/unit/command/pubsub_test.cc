// The pub/sub registry and push delivery in process: a message reaches another client's push
// sink in that client's protocol, counts stay current for the subscribed-context rule, a closed
// client is forgotten, and keyspace notifications install the keyspace observer only while
// something is enabled (the lock path's guarantee).
#include "locknode/command/pubsub.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/command/keyspace_events.h"
#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

#include "command_fixture.h"

namespace locknode::command {
namespace {

// A session stand-in: its push sink encodes into its own buffer, as the session's writer does.
class FakeSession final : public SessionSignals {
 public:
  void ProtocolChanged(int v) override { writer.set_resp_version(v); }
  void AuthChanged(bool /*a*/) override {}
  void CloseAfterReply() override {}
  void ModeChanged(SessionMode /*from*/, SessionMode /*to*/) override {}
  protocol::ReplySink& PushSink() override { return writer; }
  void PushWritten() override { ++pushes; }
  protocol::OutBuffer out;
  protocol::RespWriter writer{&out};
  int pushes = 0;
};

class PubSubTest : public CommandTest {
 protected:
  PubSubTest() {
    other_.set_signals(&session_);
    client_.set_signals(&self_);
  }
  // Runs a command as the other client (the subscriber); returns its reply bytes.
  std::string RunOther(std::vector<std::string_view> args) {
    protocol::OutBuffer out;
    protocol::RespWriter writer(&out);
    writer.set_resp_version(other_.resp_version());
    dispatcher_.Execute(ArgList(args.data(), args.size()), other_, writer);
    return std::string(out.view());
  }
  FakeSession session_;
  FakeSession self_;
  ClientState other_;
};

TEST_F(PubSubTest, PublishWritesToTheSubscribersPushSink) {
  EXPECT_EQ(RunOther({"SUBSCRIBE", "ch"}), "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  EXPECT_EQ(other_.subscriptions(), 1u);
  EXPECT_TRUE(other_.subscribed_context());
  EXPECT_EQ(Run({"PUBLISH", "ch", "hi"}), ":1\r\n");
  EXPECT_EQ(session_.out.view(), "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  EXPECT_EQ(session_.pushes, 1);
  // RESP3: the same message as a push.
  session_.out.Clear();
  other_.SetProtocol(3);
  EXPECT_EQ(Run({"PUBLISH", "ch", "hi"}), ":1\r\n");
  EXPECT_EQ(session_.out.view(), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST_F(PubSubTest, AClosedClientIsForgotten) {
  RunOther({"SUBSCRIBE", "ch"});
  RunOther({"PSUBSCRIBE", "c*"});
  EXPECT_EQ(Run({"PUBLISH", "ch", "x"}), ":2\r\n");
  dispatcher_.ClientClosed(other_);
  EXPECT_EQ(other_.subscriptions(), 0u);
  EXPECT_EQ(Run({"PUBLISH", "ch", "x"}), ":0\r\n");
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}), ":0\r\n");
  EXPECT_EQ(session_.pushes, 2);
}

TEST_F(PubSubTest, ResetUnsubscribesSilently) {
  RunOther({"SUBSCRIBE", "a", "b"});
  EXPECT_EQ(RunOther({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(other_.subscriptions(), 0u);
  EXPECT_EQ(Run({"PUBSUB", "CHANNELS"}), "*0\r\n");
}

TEST_F(PubSubTest, KeyspaceObserverOnlyWhileSomethingIsEnabled) {
  KeyspaceEvents& events = shard_.events();
  EXPECT_FALSE(events.observing());  // the default: the lock path has no observer
  EXPECT_EQ(Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), "+OK\r\n");
  EXPECT_TRUE(events.observing());
  EXPECT_EQ(Run({"CONFIG", "SET", "notify-keyspace-events", "g"}), "+OK\r\n");
  EXPECT_FALSE(events.observing());  // neither K nor E: Redis sends nothing
  EXPECT_EQ(Run({"CONFIG", "SET", "notify-keyspace-events", "K$"}), "+OK\r\n");
  EXPECT_FALSE(events.observing());  // "set" comes from the handler, not the observer
  EXPECT_EQ(Run({"CONFIG", "SET", "notify-keyspace-events", ""}), "+OK\r\n");
  EXPECT_FALSE(events.observing());
}

TEST_F(PubSubTest, ExpiredKeyIsNotifiedWhenTheWheelReclaimsIt) {
  Run({"CONFIG", "SET", "notify-keyspace-events", "Ex"});
  RunOther({"SUBSCRIBE", "__keyevent@0__:expired"});
  Run({"SET", "lock", "t", "PX", "100"});
  AdvanceTime(200);
  shard_.keyspace().ExpireDue(clock_.NowMs(), 100);
  EXPECT_EQ(session_.out.view(),
            "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$4\r\nlock\r\n");
}

TEST(KeyspaceEventsTest, LettersParseAndPrintAsRedis) {
  EXPECT_EQ(KeyspaceEventsText(*ParseKeyspaceEvents("KEA")), "AKE");
  EXPECT_EQ(KeyspaceEventsText(*ParseKeyspaceEvents("Kg$lshzxetdnm")), "AKm");
  EXPECT_EQ(KeyspaceEventsText(*ParseKeyspaceEvents("Ex$gK")), "g$xKE");
  EXPECT_EQ(KeyspaceEventsText(*ParseKeyspaceEvents("")), "");
  EXPECT_FALSE(ParseKeyspaceEvents("Q").has_value());
  EXPECT_FALSE(ParseKeyspaceEvents("a").has_value());  // letters are case-sensitive
}

}  // namespace
}  // namespace locknode::command
