// Differential cases for PUBLISH run by EXEC and by scripts (issue 17): a subscriber on another
// connection gets the messages in order, as RESP2 arrays or RESP3 pushes; a RESP3 client that
// publishes to itself inside MULTI/EXEC or a script gets its pushes and the EXEC/EVAL reply in
// Redis's order (the harness reads replies in arrival order, so an order difference shows as a
// byte difference); a transaction that a WATCH aborts publishes nothing. Keyspace events caused
// inside EXEC follow the same path.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep Do(const std::vector<std::string>& args) { return On(1, Cmd(args)); }

const char kPublishTwice[] =
    "redis.call('publish', KEYS[1], 'x') return redis.call('publish', KEYS[1], 'y')";

std::vector<DiffCase> Cases(const DiffStep& proto) {
  return {
      {"exec publishes to another connection",
       {proto, Cmd({"SUBSCRIBE", "ch"}), Do({"MULTI"}), Do({"PUBLISH", "ch", "a"}),
        Do({"SET", "k", "v"}), Do({"PUBLISH", "ch", "b"}), Do({"EXEC"}), Expect(0, 2)}},
      {"exec publishes to a pattern",
       {proto, Cmd({"PSUBSCRIBE", "c*"}), Do({"MULTI"}), Do({"PUBLISH", "ch", "a"}),
        Do({"SPUBLISH", "ch", "s"}), Do({"EXEC"}), Expect(0, 1)}},
      {"aborted exec publishes nothing",
       {proto, Cmd({"SUBSCRIBE", "ch"}), Do({"WATCH", "k"}), Do({"SET", "k", "v"}), Do({"MULTI"}),
        Do({"PUBLISH", "ch", "a"}), Do({"EXEC"}), Do({"PUBLISH", "ch", "b"}), Expect(0, 1)}},
      {"discarded multi publishes nothing",
       {proto, Cmd({"SUBSCRIBE", "ch"}), Do({"MULTI"}), Do({"PUBLISH", "ch", "a"}), Do({"DISCARD"}),
        Do({"PUBLISH", "ch", "b"}), Expect(0, 1)}},
      {"script publishes to another connection",
       {proto, Cmd({"SUBSCRIBE", "ch"}), Do({"EVAL", kPublishTwice, "1", "ch"}), Expect(0, 2)}},
      {"script publish then error",
       {proto, Cmd({"SUBSCRIBE", "ch"}),
        Do({"EVAL", "redis.call('publish', 'ch', 'x') return redis.call('incr', KEYS[1])", "1",
            "k"}),
        Expect(0, 1), Do({"SET", "k", "v"}),
        Do({"EVAL", "redis.call('publish', 'ch', 'y') return redis.call('incr', KEYS[1])", "1",
            "k"}),
        Expect(0, 1)}},
      {"exec running a publishing script",
       {proto, Cmd({"SUBSCRIBE", "ch"}), Do({"MULTI"}), Do({"EVAL", kPublishTwice, "1", "ch"}),
        Do({"PUBLISH", "ch", "z"}), Do({"EXEC"}), Expect(0, 3)}},
      {"keyspace events from exec",
       {proto, Do({"CONFIG", "SET", "notify-keyspace-events", "KEA"}),
        Cmd({"SUBSCRIBE", "__keyevent@0__:set", "__keyevent@0__:del"}), Expect(0, 1), Do({"MULTI"}),
        Do({"SET", "k", "v"}), Do({"DEL", "k"}), Do({"EXEC"}), Expect(0, 2),
        Do({"CONFIG", "SET", "notify-keyspace-events", ""})}},
  };
}

TEST_F(DiffTest, PublishFromExecAndScriptsResp2) {
  RunTable("publish from exec and scripts resp2", Cases(Cmd({"PING"})));
}

TEST_F(DiffTest, PublishFromExecAndScriptsResp3) {
  RunTable("publish from exec and scripts resp3", Cases(Hello({"HELLO", "3"})));
}

// A RESP3 client may publish to a channel it is subscribed to: its pushes and the reply of the
// command that published come back on one connection, in Redis's order.
TEST_F(DiffTest, PublishToSelfResp3) {
  const DiffStep hello = Hello({"HELLO", "3"});
  const DiffStep next = Expect(0, 1);
  RunTable(
      "publish to self resp3",
      {
          {"exec",
           {hello, Cmd({"SUBSCRIBE", "ch"}), Cmd({"MULTI"}), Cmd({"PUBLISH", "ch", "a"}),
            Cmd({"PUBLISH", "ch", "b"}), Cmd({"EXEC"}), next, next}},
          {"script",
           {hello, Cmd({"SUBSCRIBE", "ch"}), Cmd({"EVAL", kPublishTwice, "1", "ch"}), next, next}},
          {"exec with a keyspace event",
           {hello, Do({"CONFIG", "SET", "notify-keyspace-events", "KEA"}),
            Cmd({"SUBSCRIBE", "__keyspace@0__:k"}), Cmd({"MULTI"}), Cmd({"SET", "k", "v"}),
            Cmd({"EXPIRE", "k", "100"}), Cmd({"EXEC"}), next, next,
            Do({"CONFIG", "SET", "notify-keyspace-events", ""})}},
          {"script with a keyspace event",
           {hello, Do({"CONFIG", "SET", "notify-keyspace-events", "KEA"}),
            Cmd({"SUBSCRIBE", "__keyspace@0__:k"}),
            Cmd({"EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "k"}), next,
            Do({"CONFIG", "SET", "notify-keyspace-events", ""})}},
          // Redis orders a command's reply and its own events per command: SET, INCR, PERSIST,
          // DEL, APPEND and HDEL notify first; EXPIRE, HSET, HSETNX, HINCRBY and HINCRBYFLOAT
          // reply first; GETSET, GETDEL and GETEX reply (the old value) before writing.
          {"reply and event order per command",
           {hello,
            Do({"CONFIG", "SET", "notify-keyspace-events", "KEA"}),
            Cmd({"SUBSCRIBE", "__keyspace@0__:k"}),
            Cmd({"SET", "k", "1"}),
            next,
            Cmd({"EXPIRE", "k", "100"}),
            next,
            Cmd({"PERSIST", "k"}),
            next,
            Cmd({"INCR", "k"}),
            next,
            Cmd({"APPEND", "k", "0"}),
            next,
            Cmd({"GETSET", "k", "v"}),
            next,
            Cmd({"GETEX", "k", "EX", "100"}),
            next,
            Cmd({"GETDEL", "k"}),
            next,
            Cmd({"HSET", "k", "f", "1"}),
            next,
            Cmd({"HSETNX", "k", "g", "1"}),
            next,
            Cmd({"HINCRBY", "k", "f", "1"}),
            next,
            Cmd({"HINCRBYFLOAT", "k", "f", "1"}),
            next,
            Cmd({"HDEL", "k", "f", "g"}),
            next,
            next,
            Do({"CONFIG", "SET", "notify-keyspace-events", ""})}},
      });
}

}  // namespace
}  // namespace locknode::test
