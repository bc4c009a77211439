// Differential cases for pub/sub (issue 17): the (un)subscribe confirmations and their counts,
// messages delivered to another connection, RESP2's subscribed context (PING's ["pong", msg]
// form, the refusal text, RESET), RESP3 push messages, shard channels, PUBSUB introspection,
// delivery order per publisher and PUBLISH from a script. Connection 0 subscribes; connection 1
// publishes. Cases with several patterns or channels in one bare UNSUBSCRIBE are avoided where
// Redis's own order is a hash-table order.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

// A command answered by `n` replies (SUBSCRIBE a b: one confirmation per channel).
DiffStep Many(const std::vector<std::string>& args, int n) {
  DiffStep step = Cmd(args);
  step.replies = n;
  return step;
}

DiffStep Pub(const std::string& channel, const std::string& message) {
  return On(1, Cmd({"PUBLISH", channel, message}));
}

TEST_F(DiffTest, PubSubResp2) {
  RunTable(
      "pubsub resp2",
      {
          {"subscribe and message", {Cmd({"SUBSCRIBE", "ch"}), Pub("ch", "hello"), Expect(0, 1)}},
          {"subscribe two", {Many({"SUBSCRIBE", "a", "b"}, 2), Pub("b", "x"), Expect(0, 1)}},
          {"subscribe same twice", {Cmd({"SUBSCRIBE", "a"}), Cmd({"SUBSCRIBE", "a"})}},
          {"publish to nobody", {Pub("nobody", "x")}},
          {"binary message",
           {Cmd({"SUBSCRIBE", "ch"}), Pub("ch", std::string("a\0\r\nb", 5)), Expect(0, 1)}},
          {"empty message", {Cmd({"SUBSCRIBE", "ch"}), Pub("ch", ""), Expect(0, 1)}},
          {"subscribed context refuses",
           {Cmd({"SUBSCRIBE", "a"}), Cmd({"GET", "k"}), Cmd({"PUBSUB", "NUMPAT"}),
            Cmd({"PUBLISH", "a", "x"}), Cmd({"HELLO", "3"}), Cmd({"FOO"})}},
          {"ping in subscribed context",
           {Cmd({"SUBSCRIBE", "a"}), Cmd({"PING"}), Cmd({"PING", "x"}), Cmd({"PING", "a", "b"})}},
          {"unsubscribe none", {Cmd({"UNSUBSCRIBE"})}},
          {"punsubscribe none", {Cmd({"PUNSUBSCRIBE"})}},
          {"sunsubscribe none", {Cmd({"SUNSUBSCRIBE"})}},
          {"unsubscribe named not subscribed", {Many({"UNSUBSCRIBE", "x", "y"}, 2)}},
          {"unsubscribe all leaves the context",
           {Cmd({"SUBSCRIBE", "a"}), Cmd({"UNSUBSCRIBE"}), Cmd({"GET", "k"})}},
          {"unsubscribe one of two",
           {Many({"SUBSCRIBE", "a", "b"}, 2), Cmd({"UNSUBSCRIBE", "a"}), Pub("a", "x"),
            Pub("b", "y"), Expect(0, 1)}},
          {"pattern message",
           {Cmd({"PSUBSCRIBE", "p*"}), Pub("pa", "x"), Expect(0, 1), Pub("qa", "y")}},
          {"pattern classes",
           {Cmd({"PSUBSCRIBE", "h?llo[ae]"}), Pub("halloa", "1"), Pub("hellob", "2"),
            Pub("hxlloe", "3"), Expect(0, 2)}},
          {"channel then pattern order",
           {Cmd({"SUBSCRIBE", "pa"}), Cmd({"PSUBSCRIBE", "p*"}), Pub("pa", "x"), Expect(0, 2)}},
          {"punsubscribe all one pattern",
           {Cmd({"PSUBSCRIBE", "p*"}), Cmd({"PUNSUBSCRIBE"}), Cmd({"PING"})}},
          {"counts span channels and patterns",
           {Cmd({"SUBSCRIBE", "a"}), Cmd({"PSUBSCRIBE", "p*"}), Cmd({"SSUBSCRIBE", "s"}),
            Cmd({"SUBSCRIBE", "b"}), Cmd({"PUNSUBSCRIBE", "p*"}), Cmd({"SUNSUBSCRIBE", "s"}),
            Cmd({"UNSUBSCRIBE", "a"}), Cmd({"UNSUBSCRIBE", "b"}), Cmd({"GET", "k"})}},
          {"shard channel",
           {Cmd({"SSUBSCRIBE", "s"}), On(1, Cmd({"SPUBLISH", "s", "m"})), Expect(0, 1),
            Pub("s", "not shard"), On(1, Cmd({"SPUBLISH", "other", "m"}))}},
          {"reset leaves subscriptions",
           {Cmd({"SUBSCRIBE", "a"}), Cmd({"RESET"}), Cmd({"GET", "k"}), Pub("a", "x"),
            Cmd({"PING"})}},
          {"quit while subscribed", {Cmd({"SUBSCRIBE", "a"}), Cmd({"QUIT"})}},
          {"order per publisher",
           {Cmd({"SUBSCRIBE", "ch"}),
            On(1, Raw("PUBLISH ch m1\r\nPUBLISH ch m2\r\nPUBLISH ch m3\r\n", 3)), Expect(0, 3)}},
          {"two subscribers",
           {Cmd({"SUBSCRIBE", "ch"}), On(2, Cmd({"SUBSCRIBE", "ch"})), Pub("ch", "x"), Expect(0, 1),
            Expect(2, 1)}},
          {"publish from a script",
           {Cmd({"SUBSCRIBE", "ch"}),
            On(1, Cmd({"EVAL", "return redis.call('publish', 'ch', ARGV[1])", "0", "m"})),
            Expect(0, 1)}},
          {"subscribe from a script", {Cmd({"EVAL", "return redis.call('subscribe', 'ch')", "0"})}},
          {"arity",
           {Cmd({"SUBSCRIBE"}), Cmd({"PSUBSCRIBE"}), Cmd({"SSUBSCRIBE"}), Cmd({"PUBLISH", "a"}),
            Cmd({"SPUBLISH", "a", "b", "c"}), Cmd({"PUBSUB"}), Cmd({"PUBSUB", "NUMPAT", "x"})}},
          {"pubsub introspection",
           {Cmd({"SUBSCRIBE", "chan1"}), Cmd({"PSUBSCRIBE", "p*"}), Cmd({"SSUBSCRIBE", "s1"}),
            On(1, Cmd({"PUBSUB", "NUMSUB", "chan1", "p*", "none"})),
            On(1, Cmd({"PUBSUB", "NUMSUB"})), On(1, Cmd({"PUBSUB", "NUMPAT"})),
            On(1, Cmd({"PUBSUB", "CHANNELS"})), On(1, Cmd({"PUBSUB", "CHANNELS", "chan*"})),
            On(1, Cmd({"PUBSUB", "CHANNELS", "x*"})), On(1, Cmd({"PUBSUB", "SHARDCHANNELS"})),
            On(1, Cmd({"PUBSUB", "SHARDNUMSUB", "s1", "chan1"})), On(1, Cmd({"PUBSUB", "help"})),
            On(1, Cmd({"PUBSUB", "FOO"}))}},
          {"introspection after unsubscribe",
           {Cmd({"SUBSCRIBE", "chan1"}), Cmd({"UNSUBSCRIBE", "chan1"}),
            On(1, Cmd({"PUBSUB", "CHANNELS"})), On(1, Cmd({"PUBSUB", "NUMSUB", "chan1"}))}},
          {"closed subscriber is forgotten",
           {On(2, Cmd({"SUBSCRIBE", "gone"})), On(2, Cmd({"QUIT"})),
            On(1, Cmd({"PUBSUB", "NUMSUB", "gone"})), Pub("gone", "x")}},
      });
}

TEST_F(DiffTest, PubSubResp3) {
  const DiffStep hello = Hello({"HELLO", "3"});
  RunTable(
      "pubsub resp3",
      {
          {"push message", {hello, Cmd({"SUBSCRIBE", "ch"}), Pub("ch", "hello"), Expect(0, 1)}},
          {"commands run while subscribed",
           {hello, Cmd({"SUBSCRIBE", "ch"}), Cmd({"GET", "k"}), Cmd({"PING"}), Cmd({"PING", "x"}),
            Cmd({"PUBSUB", "NUMSUB", "ch"})}},
          {"pattern push", {hello, Cmd({"PSUBSCRIBE", "p*"}), Pub("pa", "x"), Expect(0, 1)}},
          {"unsubscribe none is null",
           {hello, Cmd({"UNSUBSCRIBE"}), Cmd({"PUNSUBSCRIBE"}), Cmd({"SUNSUBSCRIBE"})}},
          {"publish to itself", {hello, Cmd({"SUBSCRIBE", "ch"}), Many({"PUBLISH", "ch", "m"}, 2)}},
          {"shard push",
           {hello, Cmd({"SSUBSCRIBE", "s"}), On(1, Cmd({"SPUBLISH", "s", "m"})), Expect(0, 1)}},
          {"back to resp2 while subscribed",
           {hello, Cmd({"SUBSCRIBE", "ch"}), Hello({"HELLO", "2"}), Cmd({"GET", "k"}),
            Cmd({"PING"})}},
          {"resp3 publisher",
           {Cmd({"SUBSCRIBE", "ch"}), On(1, Hello({"HELLO", "3"})), Pub("ch", "x"), Expect(0, 1)}},
      });
}

// Keyspace notifications (notify-keyspace-events): each case sets the classes on both servers
// and clears them again at its end, so cases stay independent.
DiffStep Notify(const std::string& flags) {
  return On(1, Cmd({"CONFIG", "SET", "notify-keyspace-events", flags}));
}

TEST_F(DiffTest, KeyspaceNotifications) {
  const DiffStep off = Notify("");
  const DiffStep watch_all = Cmd({"PSUBSCRIBE", "__key*__:*"});
  RunTable(
      "keyspace notifications",
      {
          {"config get default", {Cmd({"CONFIG", "GET", "notify-keyspace-events"})}},
          {"config set and get",
           {Notify("KEA"), Cmd({"CONFIG", "GET", "notify-keyspace-events"}),
            Notify("Kg$lshzxetdnm"), Cmd({"CONFIG", "GET", "notify-keyspace-events"}),
            Notify("Ex$gK"), Cmd({"CONFIG", "GET", "notify-keyspace-events"}), Notify("n"),
            Cmd({"CONFIG", "GET", "notify-keyspace-events"}), Notify("mAE"),
            Cmd({"CONFIG", "GET", "notify-keyspace-events"}), Notify("Q"),
            Cmd({"CONFIG", "GET", "notify-keyspace-events"}), off,
            Cmd({"CONFIG", "GET", "notify-keyspace-events"})}},
          {"set del",
           {Notify("KEA"), watch_all, On(1, Cmd({"SET", "k", "v"})), Expect(0, 2),
            On(1, Cmd({"DEL", "k"})), Expect(0, 2), off}},
          {"set px then expire persist",
           {Notify("KEA"), watch_all, On(1, Cmd({"SET", "k", "v", "PX", "100000"})), Expect(0, 4),
            On(1, Cmd({"EXPIRE", "k", "100"})), Expect(0, 2), On(1, Cmd({"PERSIST", "k"})),
            Expect(0, 2), On(1, Cmd({"PEXPIRE", "k", "0"})), Expect(0, 2), off}},
          {"lock acquire and release",
           {Notify("KEA"), watch_all, On(1, Cmd({"SET", "lock", "tok", "NX", "PX", "30000"})),
            Expect(0, 4), On(1, Cmd({"SET", "lock", "other", "NX", "PX", "30000"})),
            On(1, Cmd({"EVAL",
                       "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return "
                       "redis.call(\"del\",KEYS[1]) else return 0 end",
                       "1", "lock", "tok"})),
            Expect(0, 2), off}},
          {"keyevent only strings",
           {Notify("E$"), watch_all, On(1, Cmd({"SET", "k", "v", "EX", "100"})),
            On(1, Cmd({"DEL", "k"})), On(1, Cmd({"SETNX", "k2", "v"})), Expect(0, 2), off}},
          {"keyspace only generic",
           {Notify("Kg"), Cmd({"SUBSCRIBE", "__keyspace@0__:k"}), On(1, Cmd({"SET", "k", "v"})),
            On(1, Cmd({"SETEX", "k", "100", "v"})), Expect(0, 1), On(1, Cmd({"DEL", "k"})),
            Expect(0, 1), off}},
          {"mset and getdel-free paths",
           {Notify("KEA"), Cmd({"SUBSCRIBE", "__keyevent@0__:set"}),
            On(1, Cmd({"MSET", "k", "1", "k2", "2"})), Expect(0, 2),
            On(1, Cmd({"PSETEX", "k3", "100000", "v"})), Expect(0, 1), off}},
          {"classes without K or E send nothing",
           {Notify("A"), watch_all, On(1, Cmd({"SET", "k", "v"})), On(1, Cmd({"DEL", "k"})), off}},
      });
}

}  // namespace
}  // namespace locknode::test
