// Redisson's real lock scripts (tests/support/redisson_scripts.h, byte for byte from its Java
// source) replayed with Redisson's key and argument shapes against redis-server and locknode:
// the same replies, and the same keyspace afterwards (DBSIZE, each key's type, contents and
// remaining TTL). Names follow Redisson: a lock "lock" with holders "<uuid>:<threadId>", channel
// redisson_lock__channel:{lock}, unlock latch redisson_unlock_latch:{lock}:<requestId>, read
// lock timeouts {rw}:<uuid>:<tid>:rwlock_timeout:<n>.
#include <string>
#include <vector>

#include "locknode/base/sha1.h"

#include "support/diff_harness.h"
#include "support/redisson_scripts.h"

namespace locknode::test {
namespace {

using script::testdata::FindRedissonScript;

const std::string kUuid = "8743c9c0-0795-4907-87fd-6c719a6b4586";
std::string Holder(int tid) { return kUuid + ":" + std::to_string(tid); }
const std::string kChannel = "redisson_lock__channel:{lock}";
std::string Latch(const std::string& request) { return "redisson_unlock_latch:{lock}:" + request; }
const std::string kRwChannel = "redisson_rwlock:{rw}";
std::string RwTimeoutPrefix(int tid) { return "{rw}:" + Holder(tid) + ":rwlock_timeout"; }

DiffStep Script(const std::string& name, const std::vector<std::string>& keys,
                const std::vector<std::string>& argv, bool pttl_reply = false) {
  std::vector<std::string> args = {"EVAL", std::string(FindRedissonScript(name)->body),
                                   std::to_string(keys.size())};
  args.insert(args.end(), keys.begin(), keys.end());
  args.insert(args.end(), argv.begin(), argv.end());
  return pttl_reply ? ApproxPttl(args) : Cmd(args);
}

// Redisson's argument shapes, lease 30 s, unlock latch timeout 13.5 s (its default config).
DiffStep TryLock(int tid, const std::string& lease = "30000") {
  return Script("rlock_trylock", {"lock"}, {lease, Holder(tid)}, true);
}
DiffStep Unlock(int tid, const std::string& request = "r1") {
  return Script("rlock_unlock", {"lock", kChannel, Latch(request)},
                {"0", "30000", Holder(tid), "publish", "13500"});
}
DiffStep ReadLock(int tid) {
  return Script("rreadlock_trylock", {"rw", RwTimeoutPrefix(tid)},
                {"30000", Holder(tid), Holder(tid) + ":write"}, true);
}
DiffStep ReadUnlock(int tid, const std::string& request = "r1") {
  return Script("rreadlock_unlock",
                {"rw", kRwChannel, RwTimeoutPrefix(tid), "{rw}", Latch(request)},
                {"0", Holder(tid), "publish", "13500"});
}
DiffStep WriteLock(int tid) {
  return Script("rwritelock_trylock", {"rw"}, {"30000", Holder(tid) + ":write"}, true);
}
DiffStep WriteUnlock(int tid, const std::string& request = "r1") {
  return Script("rwritelock_unlock", {"rw", kRwChannel, Latch(request)},
                {"1", "30000", Holder(tid) + ":write", "publish", "13500"});
}

// What a key holds afterwards: type, contents, remaining TTL.
std::vector<DiffStep> Show(const std::string& key, bool hash) {
  std::vector<DiffStep> steps = {Cmd({"TYPE", key})};
  steps.push_back(hash ? Cmd({"HGETALL", key}) : Cmd({"GET", key}));
  steps.push_back(Pttl(key));
  return steps;
}

struct Replay {
  std::string name;
  std::vector<DiffStep> steps;
  std::vector<std::pair<std::string, bool>> keys;  // keys to show afterwards (name, is hash)
};

DiffCase ToCase(const Replay& r) {
  DiffCase c{r.name, {Cmd({"FLUSHALL"})}};
  c.steps.insert(c.steps.end(), r.steps.begin(), r.steps.end());
  c.steps.push_back(Cmd({"DBSIZE"}));
  for (const auto& [key, hash] : r.keys) {
    for (DiffStep& s : Show(key, hash)) c.steps.push_back(std::move(s));
  }
  c.steps.push_back(Cmd({"FLUSHALL"}));
  return c;
}

const std::vector<Replay>& Replays() {
  const std::pair<std::string, bool> lock = {"lock", true};
  const std::pair<std::string, bool> rw = {"rw", true};
  static const auto* all = new std::vector<Replay>{
      // RLock
      {"rlock acquire", {TryLock(1), Cmd({"OBJECT", "ENCODING", "lock"})}, {lock}},
      {"rlock reentry", {TryLock(1), TryLock(1), TryLock(1)}, {lock}},
      {"rlock contended", {TryLock(1), TryLock(2), TryLock(2)}, {lock}},
      {"rlock expired then taken",
       {TryLock(1, "1"),
        NoTtl(Cmd({"EVAL", "local x = 0 for i = 1, 3000000 do x = x + i end return 0", "0"})),
        TryLock(2)},
       {lock}},
      {"rlock unlock one level", {TryLock(1), TryLock(1), Unlock(1)}, {lock, {Latch("r1"), false}}},
      {"rlock unlock by another thread", {TryLock(1), Unlock(2)}, {lock}},
      {"rlock unlock not held", {Unlock(1)}, {lock}},
      {"rlock unlock latch replay",
       {TryLock(1), Cmd({"SET", Latch("r1"), "1", "PX", "13500"}), Unlock(1)},
       {lock}},
      {"rlock on a string key", {Cmd({"SET", "lock", "x"}), TryLock(1), Unlock(1)}, {}},
      {"rlock renew",
       {TryLock(1), Script("rlock_trylock", {"lock2"}, {"30000", Holder(1)}),
        Cmd({"PEXPIRE", "lock", "5000"}),
        Script("rlock_renew", {"lock", "lock2", "lock3"},
               {"30000", Holder(1), Holder(1), Holder(1)}),
        Script("rlock_renew", {"lock"}, {"30000", Holder(2)})},
       {lock, {"lock2", true}}},
      {"rlock force unlock missing",
       {Script("rlock_force_unlock", {"lock", kChannel}, {"0", "publish"})},
       {lock}},
      {"rlock full release", {TryLock(1), Unlock(1), TryLock(2)}, {lock, {Latch("r1"), false}}},
      {"rlock force unlock",
       {TryLock(1), Script("rlock_force_unlock", {"lock", kChannel}, {"0", "publish"})},
       {lock}},
      // RReadWriteLock
      {"read lock acquire", {ReadLock(1)}, {rw, {RwTimeoutPrefix(1) + ":1", false}}},
      {"read lock two readers and reentry",
       {ReadLock(1), ReadLock(2), ReadLock(1)},
       {rw, {RwTimeoutPrefix(1) + ":2", false}, {RwTimeoutPrefix(2) + ":1", false}}},
      {"write blocked by read", {ReadLock(1), WriteLock(2)}, {rw}},
      {"write acquire and reentry", {WriteLock(1), WriteLock(1), ReadLock(2)}, {rw}},
      {"read under own write", {WriteLock(1), ReadLock(1)}, {rw}},
      {"write unlock one level",
       {WriteLock(1), WriteLock(1), WriteUnlock(1)},
       {rw, {Latch("r1"), false}}},
      {"read unlock with another reader",
       {ReadLock(1), ReadLock(2), ReadUnlock(1)},
       {rw, {RwTimeoutPrefix(1) + ":1", false}, {Latch("r1"), false}}},
      {"read renew",
       {ReadLock(1), Cmd({"PEXPIRE", "rw", "5000"}),
        Script("rreadlock_renew", {"rw", "{rw}"}, {"30000", "1", Holder(1)}),
        Script("rreadlock_renew", {"rw", "{rw}"}, {"30000", "1", Holder(3)})},
       {rw, {RwTimeoutPrefix(1) + ":1", false}}},
      {"write unlock full", {WriteLock(1), WriteUnlock(1)}, {rw}},
      {"write unlock leaves readers", {WriteLock(1), ReadLock(1), WriteUnlock(1)}, {rw}},
      {"read unlock last", {ReadLock(1), ReadUnlock(1)}, {rw}},
      {"read unlock not locked", {ReadUnlock(1)}, {rw}},
      // RSemaphore
      {"semaphore acquire without permits",
       {Script("rsemaphore_try_acquire", {"sem"}, {"1"})},
       {{"sem", false}}},
      {"semaphore too few permits",
       {Cmd({"SET", "sem", "1"}), Script("rsemaphore_try_acquire", {"sem"}, {"2"})},
       {{"sem", false}}},
      {"semaphore acquire",
       {Cmd({"SET", "sem", "3"}), Script("rsemaphore_try_acquire", {"sem"}, {"2"})},
       {{"sem", false}}},
      {"semaphore set permits twice",
       {Script("rsemaphore_try_set_permits", {"sem", "redisson_sc:{sem}"}, {"5", "publish"}),
        Script("rsemaphore_try_set_permits", {"sem", "redisson_sc:{sem}"}, {"5", "publish"})},
       {{"sem", false}}},
      {"semaphore release",
       {Script("rsemaphore_release", {"sem", "redisson_sc:{sem}"}, {"2", "publish"})},
       {{"sem", false}}},
      // RCountDownLatch
      {"latch set when set",
       {Cmd({"SET", "latch", "3"}),
        Script("rlatch_try_set_count", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"1", "2", "publish"})},
       {{"latch", false}}},
      {"latch set and count down",
       {Script("rlatch_try_set_count", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"1", "2", "publish"}),
        Script("rlatch_count_down", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"0", "publish"}),
        Script("rlatch_count_down", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"0", "publish"})},
       {{"latch", false}}},
  };
  return *all;
}

class RedissonDiffTest : public DiffTest {};

// Every replay, the paths that reach PUBLISH (Redisson's getPublishCommand() in ARGV) and the
// counters (INCRBY/DECRBY/DECR) included.
TEST_F(RedissonDiffTest, Scripts) {
  std::vector<DiffCase> cases;
  for (const Replay& r : Replays()) cases.push_back(ToCase(r));
  ASSERT_GE(cases.size(), 32u);
  RunTable("redisson", cases);
}

// Redisson's connect-time sequence (../shared/LIBRARIES.md section 2, single server, defaults):
// every connection sends PING (after HELLO 3 when configured for RESP3); once after connecting
// it sends the two-key EVAL cluster probe and looks only for an error starting with CROSSSLOT;
// scripts go by EVALSHA, and on NOSCRIPT by SCRIPT LOAD and EVALSHA again; it PINGs its pub/sub
// connections too (RESP2's subscribed form ["pong", ""]).
std::vector<DiffCase> ConnectCases(const DiffStep& proto) {
  const std::string body(FindRedissonScript("rlock_trylock")->body);
  const std::string sha = Sha1Hex(body);
  const std::vector<std::string> shape = {"1", "lock", "30000", Holder(1)};
  std::vector<std::string> evalsha = {"EVALSHA", sha};
  evalsha.insert(evalsha.end(), shape.begin(), shape.end());
  return {
      {"connect ping", {proto, Cmd({"PING"})}},
      {"cluster probe",
       {proto, Cmd({"EVAL", "redis.call('get', KEYS[1]) redis.call('get', KEYS[2])", "2", "test1",
                    "test2"})}},
      {"evalsha, noscript, script load, evalsha",
       {proto, Cmd({"SCRIPT", "FLUSH"}), Cmd(evalsha), Cmd({"SCRIPT", "LOAD", body}), Cmd(evalsha),
        Cmd(evalsha), ApproxPttl({"EVALSHA", sha, "1", "lock", "30000", Holder(2)}),
        Cmd({"SCRIPT", "EXISTS", sha}), Cmd({"HGETALL", "lock"}), Cmd({"FLUSHALL"})}},
      {"ping on a subscribed connection",
       {proto, Cmd({"SUBSCRIBE", kChannel}), Cmd({"PING"}), Cmd({"PING", "x"}),
        Cmd({"UNSUBSCRIBE", kChannel}), Cmd({"PING"})}},
      {"ping on a pattern-subscribed connection",
       {proto, Cmd({"PSUBSCRIBE", "redisson_lock__channel*"}), Cmd({"PING"}), Cmd({"PUNSUBSCRIBE"}),
        Cmd({"PING"})}},
  };
}

TEST_F(RedissonDiffTest, ConnectSequenceResp2) {
  RunTable("redisson connect resp2", ConnectCases(Cmd({"PING"})));
}

TEST_F(RedissonDiffTest, ConnectSequenceResp3) {
  RunTable("redisson connect resp3", ConnectCases(Hello({"HELLO", "3"})));
}

}  // namespace
}  // namespace locknode::test
