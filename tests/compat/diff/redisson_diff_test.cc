// Redisson's real lock scripts (tests/support/redisson_scripts.h, byte for byte from its Java
// source) replayed with Redisson's key and argument shapes against redis-server and locknode:
// the same replies, and the same keyspace afterwards (DBSIZE, each key's type, contents and
// remaining TTL). Names follow Redisson: a lock "lock" with holders "<uuid>:<threadId>", channel
// redisson_lock__channel:{lock}, unlock latch redisson_unlock_latch:{lock}:<requestId>, read
// lock timeouts {rw}:<uuid>:<tid>:rwlock_timeout:<n>; RFairLock's queue and timeout keys and a
// waiter's channel redisson_lock__channel:{lock}:<uuid>:<tid>; RPermitExpirableSemaphore's
// counter "sem" with its {sem}:timeout zset. Issue 18 asks for the RFairLock and
// RPermitExpirableSemaphore replays (list queue, zset timeouts, a client clock in ARGV).
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

// RFairLock (Redisson's defaults: fairLockWaitTimeout 5 s). Its scripts take the client clock in
// ARGV; a fixed one keeps the waiter timeouts the same on both servers.
const std::string kFairQueue = "redisson_lock_queue:{lock}";
const std::string kFairTimeouts = "redisson_lock_timeout:{lock}";
constexpr int64_t kNow = 1700000000000;
constexpr int64_t kFairWait = 5000;
std::string At(int64_t ms_after_now) { return std::to_string(kNow + ms_after_now); }
DiffStep FairLock(int tid, int64_t clock = 0) {
  return Script("fairlock_trylock", {"lock", kFairQueue, kFairTimeouts},
                {"30000", Holder(tid), std::to_string(kFairWait), At(clock)}, true);
}
DiffStep FairUnlock(int tid, int64_t clock = 0) {
  return Script("fairlock_unlock", {"lock", kFairQueue, kFairTimeouts, kChannel, Latch("r1")},
                {"0", "30000", Holder(tid), At(clock), "publish", "13500"});
}
DiffStep FairForceUnlock() {
  return Script("fairlock_force_unlock", {"lock", kFairQueue, kFairTimeouts, kChannel},
                {"0", At(0), "publish"});
}
// The channel a queued thread waits on, and a subscriber to it on connection 1.
std::string WaiterChannel(int tid) { return kChannel + ":" + Holder(tid); }
DiffStep SubscribeWaiter(int tid) { return On(1, Cmd({"SUBSCRIBE", WaiterChannel(tid)})); }
// A waiter's timeout score minus `base`: a PTTL read inside the script, so compared like one.
DiffStep ScoreOffset(int tid, int64_t base) {
  return ApproxPttl({"EVAL", "return redis.call('zscore', KEYS[1], ARGV[1]) - ARGV[2]", "1",
                     kFairTimeouts, Holder(tid), At(base)});
}

// RPermitExpirableSemaphore "sem": permit ids are 16 random bytes Redisson sends hex-decoded
// (binary); ARGV carries the expiry date and the client clock; 922337203685477 marks a permit
// without lease.
const std::string kSemTimeouts = "{sem}:timeout";
const std::string kSemChannel = "redisson_sc:{sem}";
const std::string kNoLease = "922337203685477";
std::string PermitId(char n) {
  return std::string("\x8f\x00\xd3\x1e\xff\x10\x7a\x02\xc4\x55\x90\x0b\x3c\xe1\x64", 15) + n;
}
DiffStep SemSetPermits(int n) {
  return Script("pesemaphore_try_set_permits", {"sem", kSemChannel},
                {std::to_string(n), "publish"});
}
DiffStep SemAcquire(char id, const std::string& expiry, int64_t clock = 0) {
  return Script("pesemaphore_try_acquire", {"sem", kSemTimeouts, kSemChannel},
                {"1", expiry, At(clock), kNoLease, "publish", PermitId(id)});
}
DiffStep SemRelease(char id, int64_t clock = 0) {
  return Script("pesemaphore_try_release", {"sem", kSemChannel, kSemTimeouts},
                {PermitId(id), "1", At(clock), "publish"});
}
DiffStep SemAvailable(int64_t clock = 0) {
  return Script("pesemaphore_available_permits", {"sem", kSemTimeouts, kSemChannel},
                {At(clock), "publish"});
}

// What a key holds afterwards: type, contents, remaining TTL. kMembers: a sorted set whose
// scores derive from a PTTL read inside the script (RFairLock's waiter timeouts), so they can
// differ by a millisecond; the cases compare them with ScoreOffset instead.
enum Kind { kString, kHash, kList, kZset, kMembers };
std::vector<DiffStep> Show(const std::string& key, Kind kind) {
  std::vector<DiffStep> steps = {Cmd({"TYPE", key})};
  switch (kind) {
    case kString:
      steps.push_back(Cmd({"GET", key}));
      break;
    case kHash:
      steps.push_back(Cmd({"HGETALL", key}));
      break;
    case kList:
      steps.push_back(Cmd({"LRANGE", key, "0", "-1"}));
      break;
    case kZset:
      steps.push_back(Cmd({"ZRANGE", key, "0", "-1", "WITHSCORES"}));
      break;
    case kMembers:
      steps.push_back(Cmd({"ZRANGE", key, "0", "-1"}));
      break;
  }
  steps.push_back(Pttl(key));
  return steps;
}

struct Replay {
  std::string name;
  std::vector<DiffStep> steps;
  std::vector<std::pair<std::string, Kind>> keys;  // keys to show afterwards
};

// `proto`: HELLO 3 for the RESP3 run (Redisson's protocol option), else nothing.
DiffCase ToCase(const Replay& r, const std::vector<DiffStep>& proto = {}) {
  DiffCase c{r.name, proto};
  c.steps.push_back(Cmd({"FLUSHALL"}));
  c.steps.insert(c.steps.end(), r.steps.begin(), r.steps.end());
  c.steps.push_back(Cmd({"DBSIZE"}));
  for (const auto& [key, kind] : r.keys) {
    for (DiffStep& s : Show(key, kind)) c.steps.push_back(std::move(s));
  }
  c.steps.push_back(Cmd({"FLUSHALL"}));
  return c;
}

const std::vector<Replay>& Replays() {
  const std::pair<std::string, Kind> lock = {"lock", kHash};
  const std::pair<std::string, Kind> rw = {"rw", kHash};
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
      {"rlock unlock one level",
       {TryLock(1), TryLock(1), Unlock(1)},
       {lock, {Latch("r1"), kString}}},
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
       {lock, {"lock2", kHash}}},
      {"rlock force unlock missing",
       {Script("rlock_force_unlock", {"lock", kChannel}, {"0", "publish"})},
       {lock}},
      {"rlock full release", {TryLock(1), Unlock(1), TryLock(2)}, {lock, {Latch("r1"), kString}}},
      {"rlock force unlock",
       {TryLock(1), Script("rlock_force_unlock", {"lock", kChannel}, {"0", "publish"})},
       {lock}},
      // RReadWriteLock
      {"read lock acquire", {ReadLock(1)}, {rw, {RwTimeoutPrefix(1) + ":1", kString}}},
      {"read lock two readers and reentry",
       {ReadLock(1), ReadLock(2), ReadLock(1)},
       {rw, {RwTimeoutPrefix(1) + ":2", kString}, {RwTimeoutPrefix(2) + ":1", kString}}},
      {"write blocked by read", {ReadLock(1), WriteLock(2)}, {rw}},
      {"write acquire and reentry", {WriteLock(1), WriteLock(1), ReadLock(2)}, {rw}},
      {"read under own write", {WriteLock(1), ReadLock(1)}, {rw}},
      {"write unlock one level",
       {WriteLock(1), WriteLock(1), WriteUnlock(1)},
       {rw, {Latch("r1"), kString}}},
      {"read unlock with another reader",
       {ReadLock(1), ReadLock(2), ReadUnlock(1)},
       {rw, {RwTimeoutPrefix(1) + ":1", kString}, {Latch("r1"), kString}}},
      {"read renew",
       {ReadLock(1), Cmd({"PEXPIRE", "rw", "5000"}),
        Script("rreadlock_renew", {"rw", "{rw}"}, {"30000", "1", Holder(1)}),
        Script("rreadlock_renew", {"rw", "{rw}"}, {"30000", "1", Holder(3)})},
       {rw, {RwTimeoutPrefix(1) + ":1", kString}}},
      {"write unlock full", {WriteLock(1), WriteUnlock(1)}, {rw}},
      {"write unlock leaves readers", {WriteLock(1), ReadLock(1), WriteUnlock(1)}, {rw}},
      {"read unlock last", {ReadLock(1), ReadUnlock(1)}, {rw}},
      {"read unlock not locked", {ReadUnlock(1)}, {rw}},
      // RSemaphore
      {"semaphore acquire without permits",
       {Script("rsemaphore_try_acquire", {"sem"}, {"1"})},
       {{"sem", kString}}},
      {"semaphore too few permits",
       {Cmd({"SET", "sem", "1"}), Script("rsemaphore_try_acquire", {"sem"}, {"2"})},
       {{"sem", kString}}},
      {"semaphore acquire",
       {Cmd({"SET", "sem", "3"}), Script("rsemaphore_try_acquire", {"sem"}, {"2"})},
       {{"sem", kString}}},
      {"semaphore set permits twice",
       {Script("rsemaphore_try_set_permits", {"sem", "redisson_sc:{sem}"}, {"5", "publish"}),
        Script("rsemaphore_try_set_permits", {"sem", "redisson_sc:{sem}"}, {"5", "publish"})},
       {{"sem", kString}}},
      {"semaphore release",
       {Script("rsemaphore_release", {"sem", "redisson_sc:{sem}"}, {"2", "publish"})},
       {{"sem", kString}}},
      // RCountDownLatch
      {"latch set when set",
       {Cmd({"SET", "latch", "3"}),
        Script("rlatch_try_set_count", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"1", "2", "publish"})},
       {{"latch", kString}}},
      {"latch set and count down",
       {Script("rlatch_try_set_count", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"1", "2", "publish"}),
        Script("rlatch_count_down", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"0", "publish"}),
        Script("rlatch_count_down", {"latch", "redisson_countdownlatch__channel__{latch}"},
               {"0", "publish"})},
       {{"latch", kString}}},
      // RFairLock
      {"fair lock acquire free",
       {FairLock(1)},
       {lock, {kFairQueue, kList}, {kFairTimeouts, kZset}}},
      {"fair lock reentry", {FairLock(1), FairLock(1)}, {lock}},
      {"fair lock waiters queue",
       {FairLock(1), FairLock(2), FairLock(2), FairLock(3), ScoreOffset(2, kFairWait),
        ScoreOffset(3, 2 * kFairWait)},
       {lock, {kFairQueue, kList}, {kFairTimeouts, kMembers}}},
      {"fair lock unlock hands over",
       {SubscribeWaiter(2), FairLock(1), FairLock(2), FairLock(3), FairUnlock(1), Expect(1, 1),
        FairLock(3), FairLock(2), ScoreOffset(3, 0)},
       {lock, {kFairQueue, kList}, {kFairTimeouts, kMembers}, {Latch("r1"), kString}}},
      {"fair lock unlock one level and by a stranger",
       {FairLock(1), FairLock(1), FairUnlock(2), FairUnlock(1)},
       {lock, {Latch("r1"), kString}}},
      {"fair lock stale waiter dropped",
       {FairLock(1), FairLock(2), FairLock(3, 100000), ScoreOffset(3, 100000 + kFairWait)},
       {lock, {kFairQueue, kList}, {kFairTimeouts, kMembers}}},
      {"fair lock unlock with stale waiters",
       {SubscribeWaiter(3), FairLock(1), FairLock(2), FairLock(3), FairUnlock(1, 36000),
        Expect(1, 1)},
       {lock, {kFairQueue, kList}, {kFairTimeouts, kMembers}}},
      {"fair lock acquire failed",
       {FairLock(1), FairLock(2), FairLock(3),
        Script("fairlock_acquire_failed", {kFairQueue, kFairTimeouts},
               {Holder(2), std::to_string(kFairWait)}),
        ScoreOffset(3, kFairWait)},
       {lock, {kFairQueue, kList}, {kFairTimeouts, kMembers}}},
      {"fair lock force unlock",
       {SubscribeWaiter(2), FairLock(1), FairLock(2), FairForceUnlock(), Expect(1, 1),
        FairForceUnlock()},
       {lock, {kFairQueue, kList}, {kFairTimeouts, kMembers}}},
      // RPermitExpirableSemaphore
      {"permit semaphore set permits twice",
       {SemSetPermits(2), SemSetPermits(3), SemAvailable()},
       {{"sem", kString}}},
      {"permit semaphore acquire until none left",
       {SemAvailable(), SemSetPermits(2), SemAcquire('a', kNoLease), SemAcquire('b', At(60000)),
        SemAcquire('c', kNoLease), SemAvailable()},
       {{"sem", kString}, {kSemTimeouts, kZset}}},
      {"permit semaphore none left, no lease",
       {SemSetPermits(1), SemAcquire('a', kNoLease), SemAcquire('b', kNoLease)},
       {{"sem", kString}, {kSemTimeouts, kZset}}},
      {"permit semaphore release",
       {SemSetPermits(1), SemAcquire('a', At(60000)), SemRelease('a'), SemRelease('a'),
        SemAcquire('b', At(1000)), SemRelease('b', 2000)},
       {{"sem", kString}, {kSemTimeouts, kZset}}},
      {"permit semaphore expired permits reclaimed",
       {SemSetPermits(2), SemAcquire('a', At(1000)), SemAcquire('b', At(2000)),
        SemAcquire('c', At(60000), 1500), SemAvailable(1500), SemAvailable(5000)},
       {{"sem", kString}, {kSemTimeouts, kZset}}},
      {"permit semaphore timeouts follow the counter's ttl",
       {SemSetPermits(2), Cmd({"PEXPIRE", "sem", "60000"}), SemAcquire('a', At(60000))},
       {{"sem", kString}, {kSemTimeouts, kZset}}},
  };
  return *all;
}

class RedissonDiffTest : public DiffTest {};

// Every replay, the paths that reach PUBLISH (Redisson's getPublishCommand() in ARGV) and the
// counters (INCRBY/DECRBY/DECR) included.
TEST_F(RedissonDiffTest, Scripts) {
  std::vector<DiffCase> cases;
  for (const Replay& r : Replays()) cases.push_back(ToCase(r));
  ASSERT_GE(cases.size(), 47u);
  RunTable("redisson", cases);
}

// The same replays on RESP3 connections (nil replies become `_`, HGETALL a map, scores doubles).
TEST_F(RedissonDiffTest, ScriptsResp3) {
  std::vector<DiffCase> cases;
  for (const Replay& r : Replays()) cases.push_back(ToCase(r, {Hello({"HELLO", "3"})}));
  RunTable("redisson resp3", cases);
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
