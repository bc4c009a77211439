// Differential cases for keyspace notifications beyond pubsub_diff_test.cc's: the events each
// string, counter, hash and key-moving command names, a SET whose expire time is already past
// ("set", "expire", then "expired": Redis stores the key and expires it at its next touch), and
// Redis 7's two classes outside A, "new" (n: a key was added) and "keymiss" (m: a read lookup
// missed). Connection 0 subscribes to every keyspace and keyevent channel; connection 1 sets
// the classes and runs the commands. Every event is two messages (keyspace, then keyevent).
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep Notify(const std::string& flags) {
  return On(1, Cmd({"CONFIG", "SET", "notify-keyspace-events", flags}));
}

DiffStep Do(const std::vector<std::string>& args) { return On(1, Cmd(args)); }

// The messages of `events` events (each goes to __keyspace@0__ and __keyevent@0__ with K and E).
DiffStep Events(int events) { return Expect(0, 2 * events); }

const DiffStep kWatchAll = Cmd({"PSUBSCRIBE", "__key*__:*"});

TEST_F(DiffTest, KeyspaceEventsPastExpire) {
  const DiffStep off = Notify("");
  RunTable(
      "keyspace events past expire",
      {
          {"set pxat past on a missing key",
           {Notify("KEA"), kWatchAll, Do({"SET", "k", "v", "PXAT", "1"}), Events(2),
            Do({"GET", "k"}), Events(1), off}},
          {"set exat past over a key",
           {Notify("KEA"), kWatchAll, Do({"SET", "k", "old"}), Events(1),
            Do({"SET", "k", "v", "EXAT", "1"}), Events(2), Do({"EXISTS", "k"}), Events(1), off}},
          {"set pxat past with get and nx",
           {Notify("KEA"), kWatchAll, Do({"SET", "k", "old"}), Events(1),
            Do({"SET", "k", "v", "PXAT", "1", "GET"}), Events(2), Do({"TYPE", "k"}), Events(1),
            Do({"SET", "k", "v", "PXAT", "1", "NX"}), Events(2), Do({"TTL", "k"}), Events(1), off}},
          {"new and keymiss with a past set",
           {Notify("KEAnm"), kWatchAll, Do({"SET", "k", "v", "PXAT", "1"}), Events(3),
            Do({"GET", "k"}), Events(2), off}},
          {"expire family with past times deletes",
           {Notify("KEA"), kWatchAll, Do({"SET", "k", "v"}), Events(1), Do({"EXPIRE", "k", "-1"}),
            Events(1), Do({"SET", "k", "v"}), Events(1), Do({"PEXPIREAT", "k", "1"}), Events(1),
            Do({"SET", "k", "v"}), Events(1), Do({"GETEX", "k", "EXAT", "1"}), Events(1), off}},
          {"a past set dirties a watch on a missing key",
           {Cmd({"WATCH", "k"}), Do({"SET", "k", "v", "PXAT", "1"}), Cmd({"MULTI"}), Cmd({"PING"}),
            Cmd({"EXEC"})}},
          {"getex expire and persist",
           {Notify("KEA"), kWatchAll, Do({"SET", "k", "v"}), Events(1),
            Do({"GETEX", "k", "EX", "100"}), Events(1), Do({"GETEX", "k", "PERSIST"}), Events(1),
            Do({"GETEX", "k", "PERSIST"}), Do({"GETEX", "k", "PX", "100000"}), Events(1), off}},
      });
}

TEST_F(DiffTest, KeyspaceEventsNamedByCommands) {
  const DiffStep off = Notify("");
  RunTable(
      "keyspace events named by commands",
      {
          {"counters",
           {Notify("KEA"), kWatchAll, Do({"INCR", "k"}), Do({"INCRBY", "k", "5"}),
            Do({"DECR", "k"}), Do({"DECRBY", "k", "2"}), Events(4), Do({"INCRBYFLOAT", "k", "1.5"}),
            Events(1), Do({"INCR", "k"}), off}},
          {"counter events are strings",
           {Notify("K$"), Cmd({"SUBSCRIBE", "__keyspace@0__:k"}), Do({"INCR", "k"}), Expect(0, 1),
            Do({"DEL", "k"}), Do({"INCR", "k"}), Expect(0, 1), off}},
          {"string edits",
           {Notify("KEA"), kWatchAll, Do({"APPEND", "k", "x"}), Do({"APPEND", "k", "y"}),
            Do({"SETRANGE", "k", "0", ""}), Do({"SETRANGE", "k", "3", "z"}), Events(3),
            Do({"GETSET", "k", "v"}), Do({"GETDEL", "k"}), Events(2), off}},
          {"hash writes",
           {Notify("KEA"), kWatchAll, Do({"HSET", "k", "f", "1", "g", "2"}),
            Do({"HSETNX", "k", "f", "9"}), Do({"HSETNX", "k", "h", "3"}),
            Do({"HMSET", "k", "f", "2"}), Events(3), Do({"HINCRBY", "k", "f", "5"}),
            Do({"HINCRBYFLOAT", "k", "g", "0.5"}), Events(2), off}},
          {"hash delete of the last field",
           {Notify("KEA"), kWatchAll, Do({"HSET", "k", "f", "1", "g", "2"}), Events(1),
            Do({"HDEL", "k", "nope"}), Do({"HDEL", "k", "f"}), Events(1),
            Do({"HDEL", "k", "g", "x"}), Events(2), Do({"HDEL", "k", "g"}), off}},
          {"hash events only with h",
           {Notify("Kg"), kWatchAll, Do({"HSET", "k", "f", "1"}), Do({"HDEL", "k", "f"}),
            Expect(0, 1), off}},
          {"rename and copy",
           {Notify("KEA"), kWatchAll, Do({"SET", "k", "1"}), Do({"SET", "k2", "2", "EX", "100"}),
            Events(3), Do({"RENAME", "k", "k2"}), Events(2), Do({"COPY", "k2", "k3"}), Events(1),
            Do({"COPY", "k2", "k3"}), Do({"COPY", "k2", "k3", "REPLACE"}), Events(1),
            Do({"RENAMENX", "k3", "k2"}), Do({"RENAME", "k3", "k3"}), off}},
          {"rename onto an existing key is new",
           {Notify("KEn"), kWatchAll, Do({"SET", "k", "1"}), Do({"SET", "k2", "2"}), Events(2),
            Do({"RENAME", "k", "k2"}), Events(1), Do({"COPY", "k2", "k", "REPLACE"}), Events(1),
            Do({"COPY", "k2", "k", "REPLACE"}), Events(1), off}},
      });
}

TEST_F(DiffTest, KeyspaceEventsCollections) {
  const DiffStep off = Notify("");
  RunTable(
      "keyspace events collections",
      {
          {"list pushes and pops",
           {Notify("KEA"), kWatchAll, Do({"LPUSH", "k", "a", "b"}), Do({"RPUSH", "k", "c"}),
            Do({"LPUSHX", "k2", "x"}), Do({"RPUSHX", "k", "d"}), Events(3), Do({"LPOP", "k"}),
            Do({"RPOP", "k", "2"}), Events(2), Do({"LPOP", "k", "5"}), Events(2), Do({"RPOP", "k"}),
            off}},
          {"list edits",
           {Notify("KEA"), kWatchAll, Do({"RPUSH", "k", "a", "b", "a", "c"}), Events(1),
            Do({"LSET", "k", "0", "z"}), Events(1), Do({"LINSERT", "k", "BEFORE", "b", "y"}),
            Do({"LINSERT", "k", "BEFORE", "nope", "y"}), Events(1), Do({"LREM", "k", "0", "a"}),
            Do({"LREM", "k", "0", "nope"}), Events(1), Do({"LTRIM", "k", "0", "-1"}), Events(1),
            Do({"LTRIM", "k", "5", "6"}), Events(2), Do({"LTRIM", "k", "0", "1"}), off}},
          {"set adds and removes",
           {Notify("KEA"), kWatchAll, Do({"SADD", "k", "a", "b"}), Do({"SADD", "k", "a"}),
            Events(1), Do({"SREM", "k", "nope"}), Do({"SREM", "k", "a"}), Events(1),
            Do({"SREM", "k", "b", "c"}), Events(2), off}},
          {"sorted set adds, increments and removes",
           {Notify("KEA"), kWatchAll, Do({"ZADD", "k", "1", "a", "2", "b"}),
            Do({"ZADD", "k", "1", "a"}), Do({"ZADD", "k", "XX", "CH", "5", "a"}), Events(2),
            Do({"ZINCRBY", "k", "2", "b"}), Do({"ZADD", "k", "INCR", "1", "c"}), Events(2),
            Do({"ZADD", "k", "NX", "INCR", "1", "c"}), Do({"ZREM", "k", "nope"}),
            Do({"ZREM", "k", "a", "b"}), Events(1), Do({"ZREM", "k", "c"}), Events(2), off}},
          {"list moves",
           {Notify("KEA"), kWatchAll, Do({"RPUSH", "k", "a", "b"}), Events(1),
            Do({"LMOVE", "k", "k2", "LEFT", "RIGHT"}), Events(2), Do({"RPOPLPUSH", "k", "k2"}),
            Events(3), Do({"LMOVE", "k2", "k2", "LEFT", "LEFT"}), Events(2),
            Do({"LMOVE", "k", "k2", "LEFT", "LEFT"}), off}},
          {"list moves with new",
           {Notify("KEAn"), kWatchAll, Do({"RPUSH", "k", "a"}), Events(2),
            Do({"LMOVE", "k", "k2", "RIGHT", "LEFT"}), Events(4), off}},
          {"set pops",
           {Notify("KEA"), kWatchAll, Do({"SADD", "k", "a"}), Events(1), Do({"SPOP", "k"}),
            Events(2), Do({"SADD", "k", "a", "b"}), Events(1), Do({"SPOP", "k", "0"}),
            On(1, Unordered({"SPOP", "k", "5"})), Events(2), Do({"SPOP", "k", "1"}), off}},
          {"set pops in resp3 to a self subscriber",
           {Hello({"HELLO", "3"}), Notify("KEA"), Cmd({"SUBSCRIBE", "__keyspace@0__:k"}),
            Cmd({"SADD", "k", "a"}), Expect(0, 1), Cmd({"SPOP", "k"}), Expect(0, 2),
            Cmd({"RPUSH", "k", "a", "b"}), Expect(0, 1), Cmd({"LMOVE", "k", "k2", "LEFT", "LEFT"}),
            Expect(0, 1), Cmd({"LMOVE", "k", "k", "LEFT", "RIGHT"}), Expect(0, 2), off}},
          {"sorted set pops and range removals",
           {Notify("KEA"),
            kWatchAll,
            Do({"ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d"}),
            Events(1),
            Do({"ZPOPMIN", "k"}),
            Do({"ZPOPMAX", "k", "0"}),
            Do({"ZPOPMAX", "k", "1"}),
            Events(2),
            Do({"ZADD", "k", "1", "a", "2", "e"}),
            Events(1),
            Do({"ZREMRANGEBYSCORE", "k", "5", "6"}),
            Do({"ZREMRANGEBYSCORE", "k", "1", "1"}),
            Do({"ZREMRANGEBYRANK", "k", "5", "9"}),
            Events(1),
            Do({"ZREMRANGEBYRANK", "k", "0", "-1"}),
            Events(2),
            Do({"ZADD", "k", "1", "a"}),
            Do({"ZPOPMIN", "k", "3"}),
            Events(3),
            Do({"ZPOPMIN", "k"}),
            off}},
          {"sorted set lex range removal",
           {Notify("KEA"), kWatchAll, Do({"ZADD", "k", "0", "a", "0", "b", "0", "c"}), Events(1),
            Do({"ZREMRANGEBYLEX", "k", "[x", "[z"}), Do({"ZREMRANGEBYLEX", "k", "[b", "[c"}),
            Events(1), Do({"ZREMRANGEBYLEX", "k", "-", "+"}), Events(2), off}},
          {"set stores",
           {Notify("KEA"), kWatchAll, Do({"SADD", "k", "a", "b"}), Do({"SADD", "k2", "b", "c"}),
            Events(2), Do({"SINTERSTORE", "k3", "k", "k2"}), Events(1),
            Do({"SUNIONSTORE", "k3", "k", "k2"}), Events(1), Do({"SDIFFSTORE", "k3", "k", "k2"}),
            Events(1), Do({"SINTERSTORE", "k3", "k", "lock"}), Events(1),
            Do({"SINTERSTORE", "k3", "k", "lock"}), off}},
          {"set stores in resp3 to a self subscriber",
           {Hello({"HELLO", "3"}), Notify("KEAn"), Cmd({"SUBSCRIBE", "__keyspace@0__:k3"}),
            Do({"SADD", "k", "a"}), Cmd({"SUNIONSTORE", "k3", "k"}), Expect(0, 2),
            Cmd({"SDIFFSTORE", "k3", "k", "k"}), Expect(0, 1), off}},
          {"new and class filters on collections",
           {Notify("Kln"), kWatchAll, Do({"RPUSH", "k", "a"}), Do({"SADD", "k2", "a"}),
            Do({"ZADD", "k3", "1", "a"}), Do({"LPOP", "k"}), Expect(0, 5), off}},
          {"collection events in resp3 to a self subscriber",
           {Hello({"HELLO", "3"}),
            Notify("KEA"),
            Cmd({"SUBSCRIBE", "__keyspace@0__:k"}),
            Cmd({"RPUSH", "k", "a", "b"}),
            Expect(0, 1),
            Cmd({"LSET", "k", "0", "z"}),
            Expect(0, 1),
            Cmd({"LPOP", "k"}),
            Expect(0, 1),
            Cmd({"LREM", "k", "0", "b"}),
            Expect(0, 2),
            Cmd({"SADD", "k", "a"}),
            Expect(0, 1),
            Cmd({"SREM", "k", "a"}),
            Expect(0, 2),
            Cmd({"ZADD", "k", "1", "a"}),
            Expect(0, 1),
            Cmd({"ZREM", "k", "a"}),
            Expect(0, 2),
            off}},
      });
}

TEST_F(DiffTest, KeyspaceEventsNewAndKeymiss) {
  const DiffStep off = Notify("");
  RunTable(
      "keyspace events new and keymiss",
      {
          {"new on every added key",
           {Notify("KEn"), kWatchAll, Do({"SET", "k", "v"}), Do({"SET", "k", "w"}),
            Do({"SET", "k2", "v", "NX", "PX", "100000"}), Do({"INCR", "k3"}), Events(3),
            Do({"DEL", "k3"}), Do({"HSET", "k3", "f", "v"}), Do({"HSET", "k3", "g", "v"}),
            Events(1), Do({"MSET", "k", "1", "lock", "2"}), Events(1), off}},
          {"new comes before the command's event",
           {Notify("KEA$n"), kWatchAll, Do({"SET", "k", "v"}), Do({"HSET", "k2", "f", "v"}),
            Do({"APPEND", "k3", "x"}), Events(6), off}},
          {"new alone without K or E says nothing",
           {Notify("n"), kWatchAll, Do({"SET", "k", "v"}), off}},
          {"keymiss on read lookups",
           {Notify("KEm"), kWatchAll, Do({"GET", "k"}), Do({"EXISTS", "k", "k2"}), Do({"TTL", "k"}),
            Do({"PTTL", "k"}), Do({"TYPE", "k"}), Do({"STRLEN", "k"}), Do({"MGET", "k", "k2"}),
            Do({"HGET", "k", "f"}), Do({"HGETALL", "k"}), Do({"GETDEL", "k"}), Do({"GETEX", "k"}),
            Events(13), off}},
          {"no keymiss on hits, writes and OBJECT",
           {Notify("KEm"), kWatchAll, Do({"SET", "k", "v"}), Do({"GET", "k"}), Do({"INCR", "k2"}),
            Do({"EXPIRE", "k3", "10"}), Do({"OBJECT", "ENCODING", "k3"}),
            Do({"HSET", "lock", "f", "v"}), Do({"HGET", "lock", "x"}), Do({"GET", "k3"}), Events(1),
            off}},
          {"keymiss from set get and getset",
           {Notify("Em"), kWatchAll, Do({"SET", "k", "v", "GET"}), Do({"GETSET", "k2", "v"}),
            Expect(0, 2), off}},
          {"keymiss inside a script and a transaction",
           {Notify("KEm"), kWatchAll, Do({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}),
            Events(1), Do({"MULTI"}), Do({"GET", "k2"}), Do({"EXEC"}), Events(1), off}},
          {"keymiss with the lock release script",
           {Notify("KEm"), kWatchAll,
            Do({"EVAL",
                "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return "
                "redis.call(\"del\",KEYS[1]) else return 0 end",
                "1", "lock", "tok"}),
            Events(1), off}},
          {"config get with n and m",
           {Notify("KEAnm"), Cmd({"CONFIG", "GET", "notify-keyspace-events"}), Notify("nm"),
            Cmd({"CONFIG", "GET", "notify-keyspace-events"}), off}},
      });
}

}  // namespace
}  // namespace locknode::test
