// Differential coverage of every lock-library script text quoted in COMPAT.md §2 (the bytes in
// tests/support/compat_scripts.h, plus the three @sesamecare-oss/redlock 1.4.0 scripts exactly
// as the npm build sends them): each script over generated key states (absent, same token,
// other token, expired, with and without TTL) via EVAL and via SCRIPT LOAD + EVALSHA, and over
// error-ish inputs (non-integer, fractional, zero and negative TTLs, missing ARGV), comparing
// reply bytes with a real redis-server, followed by GET and PTTL of the key.
//
// Scripts that call command families COMPAT §5.2 lists as nice-to-have and locknode does not
// implement (sorted sets: redis-semaphore Semaphore) are catalogued but
// not compared: a test that could only skip was removed. Whoever adds those families adds the
// scripts here (drop them from NiceToHave()). bsm/redislock's MSETNX/MSET/MGET/GETRANGE scripts
// are core.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/compat_scripts.h"
#include "support/diff_harness.h"
#include "support/wire_scripts.h"

namespace locknode::test {
namespace {

using locknode::script::testdata::kCompatScripts;
using locknode::script::testdata::kRedissonScripts;
using locknode::script::testdata::kSesameScripts;

struct Script {
  std::string name;
  std::string sha;  // sha1(body), lowercase hex (verified: SCRIPT LOAD's reply is compared too)
  std::string body;
};

// How a script's ARGV is built: "$TOK" is the token, "$TTL" the TTL argument under test.
struct ArgShape {
  std::vector<std::string> argv;  // the scripts all take one key (KEYS[1] = "lock")
};

const std::map<std::string, ArgShape>& Shapes() {
  static const auto* shapes = new std::map<std::string, ArgShape>{
      {"redispy_release", ArgShape{{"$TOK"}}},
      {"redispy_extend", ArgShape{{"$TOK", "$TTL", "0"}}},
      {"redispy_extend_replace", ArgShape{{"$TOK", "$TTL", "1"}}},
      {"redispy_reacquire", ArgShape{{"$TOK", "$TTL"}}},
      {"redlock4_lock", ArgShape{{"$TOK", "$TTL"}}},
      {"redlock4_unlock", ArgShape{{"$TOK"}}},
      {"redlock4_extend", ArgShape{{"$TOK", "$TTL"}}},
      {"redlock5_acquire", ArgShape{{"$TOK", "$TTL"}}},
      {"redlock5_extend", ArgShape{{"$TOK", "$TTL"}}},
      {"redlock5_release", ArgShape{{"$TOK"}}},
      {"sesame_db_select", ArgShape{{"0"}}},
      {"sesame_acquire", ArgShape{{"0", "$TOK", "$TTL"}}},
      {"sesame_extend", ArgShape{{"0", "$TOK", "$TTL"}}},
      {"sesame_release", ArgShape{{"0", "$TOK"}}},
      {"semaphore_refresh", ArgShape{{"$TOK", "$TTL"}}},
      {"semaphore_release", ArgShape{{"$TOK"}}},
      {"semaphore_acquire", ArgShape{{"1", "$TOK", "$TTL", "1700000000000"}}},
      {"universal_delete", ArgShape{{"$TOK"}}},
      {"universal_extend", ArgShape{{"$TOK", "$TTL"}}},
      {"universal_atomic_extend", ArgShape{{"$TOK", "1000", "$TTL"}}},
      {"universal_batch_acquire", ArgShape{{"$TOK", "$TTL"}}},
      {"universal_inspect", ArgShape{{}}},
      {"redsync_delete", ArgShape{{"$TOK"}}},
      {"redsync_touch", ArgShape{{"$TOK", "$TTL"}}},
      {"redsync_touch_setnx", ArgShape{{"$TOK", "$TTL"}}},
      {"bsm10_obtain", ArgShape{{"$TOK", "4", "$TTL"}}},
      {"bsm10_release", ArgShape{{"$TOK"}}},
      {"pottery_locked", ArgShape{{"$TOK"}}},
      {"pottery_extend", ArgShape{{"$TOK", "$TTL"}}},
      {"pottery_release", ArgShape{{"$TOK"}}},
      {"redlockpy_release", ArgShape{{"$TOK"}}},
      {"redlockrb_lock", ArgShape{{"$TOK", "$TTL", "yes"}}},
      {"redlockrb_unlock", ArgShape{{"$TOK"}}},
      {"redlockrb_pttl", ArgShape{{}}},
      {"redlocknet_extend", ArgShape{{"$TOK", "$TTL"}}},
      {"redlocknet_unlock", ArgShape{{"$TOK"}}},
      {"php_ronnylt_release", ArgShape{{"$TOK"}}},
      {"php_reactphp_release", ArgShape{{"$TOK"}}},
      {"bsm09_refresh", ArgShape{{"$TOK", "$TTL"}}},
      {"bsm09_release", ArgShape{{"$TOK"}}},
      {"bsm09_pttl", ArgShape{{"$TOK"}}},
      {"bsm09_obtain", ArgShape{{"$TOK", "4", "$TTL"}}},
      {"seed_canonical", ArgShape{{"$TOK"}}},
      {"redisson_trylock", ArgShape{{"$TTL", "$TOK"}}},
  };
  return *shapes;
}

// Scripts calling commands that COMPAT §5.2 lists as nice-to-have.
const std::set<std::string>& NiceToHave() {
  static const auto* names = new std::set<std::string>{
      "semaphore_acquire",  // ZREMRANGEBYSCORE, ZCARD, ZADD
  };
  return *names;
}

constexpr char kTok[] = "tok-a1b2c3d4e5f6";  // shares its first 4 bytes with kOther (bsm offsets)
constexpr char kOther[] = "tok-ffffffffffff";

// Key states, set up before the script runs. "expired" sets a 1 ms TTL and then burns a few ms
// inside a throw-away script, so the key is logically expired (not necessarily reaped).
struct State {
  std::string name;
  std::vector<DiffStep> setup;
};

std::vector<State> States() {
  const std::string burn = "local x = 0 for i = 1, 3000000 do x = x + i end return 0";
  return {
      {"absent", {}},
      {"same token, TTL", {Cmd({"SET", "lock", kTok, "PX", "100000"})}},
      {"same token, no TTL", {Cmd({"SET", "lock", kTok})}},
      {"other token, TTL", {Cmd({"SET", "lock", kOther, "PX", "100000"})}},
      {"other token, no TTL", {Cmd({"SET", "lock", kOther})}},
      {"same token, expired",
       {Cmd({"SET", "lock", kTok, "PX", "1"}), NoTtl(Cmd({"EVAL", burn, "0"}))}},
  };
}

std::vector<std::string> BuildArgv(const ArgShape& shape, const std::string& ttl) {
  std::vector<std::string> out;
  for (const std::string& a : shape.argv) {
    out.push_back(a == "$TOK" ? std::string(kTok) : a == "$TTL" ? ttl : a);
  }
  return out;
}

// Scripts whose reply carries a remaining PTTL, which differs by the measured skew between the
// two servers. A bare integer is compared within that skew; inside an array only the reply
// type is compared when the key has a TTL (the no-TTL states, PTTL -1, compare every byte).
const std::set<std::string> kReturnsPttlInteger = {"pottery_locked", "bsm09_pttl"};
const std::set<std::string> kReturnsPttlInArray = {"universal_atomic_extend", "universal_inspect",
                                                   "redlockrb_pttl"};

// The call (EVAL body or EVALSHA sha) with keys and argv, then the key's value and TTL.
std::vector<DiffStep> CallAndInspect(const std::string& script, bool key_has_ttl,
                                     const std::vector<std::string>& head,
                                     const std::vector<std::string>& keys,
                                     const std::vector<std::string>& argv) {
  std::vector<std::string> cmd = head;
  cmd.push_back(std::to_string(keys.size()));
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), argv.begin(), argv.end());
  DiffStep call = Cmd(cmd);
  if (kReturnsPttlInteger.count(script)) call = ApproxPttl(cmd);
  if (kReturnsPttlInArray.count(script) && key_has_ttl) call = TypeOnly(cmd);
  std::vector<DiffStep> steps = {call, Cmd({"GET", "lock"}), Pttl("lock")};
  if (keys.size() > 1) {
    steps.push_back(Cmd({"GET", keys[1]}));
    steps.push_back(Pttl(keys[1]));
  }
  return steps;
}

std::vector<DiffCase> CasesFor(const Script& s, const ArgShape& shape) {
  std::vector<DiffCase> cases;
  const std::vector<std::string> one_key = {"lock"};
  auto add = [&](const std::string& label, std::vector<DiffStep> setup, bool evalsha,
                 const std::vector<std::string>& keys, const std::vector<std::string>& argv) {
    DiffCase c{s.name + " | " + label + (evalsha ? " | EVALSHA" : " | EVAL"), std::move(setup)};
    std::vector<std::string> head = {"EVAL", s.body};
    if (evalsha) {
      // SCRIPT LOAD's reply (the SHA) is compared too; then EVALSHA by that SHA.
      c.steps.push_back(Cmd({"SCRIPT", "LOAD", s.body}));
      head = {"EVALSHA", s.sha};
    }
    bool key_has_ttl =
        (label.find("TTL") != std::string::npos && label.find("no TTL") == std::string::npos) ||
        label.find("both ours") != std::string::npos;
    for (DiffStep& step : CallAndInspect(s.name, key_has_ttl, head, keys, argv)) {
      c.steps.push_back(std::move(step));
    }
    cases.push_back(std::move(c));
  };

  // Every state, a valid 30 s TTL, through EVAL and through EVALSHA.
  for (const State& st : States()) {
    for (bool evalsha : {false, true})
      add(st.name, st.setup, evalsha, one_key, BuildArgv(shape, "30000"));
  }
  // Error-ish inputs, on the two states where the script reaches its TTL argument.
  const std::vector<std::pair<std::string, std::string>> ttls = {
      {"ttl not a number", "abc"},
      {"ttl fractional", "1.5"},
      {"ttl zero", "0"},
      {"ttl negative", "-5"},
      {"ttl huge", "99999999999999999999"}};
  for (const State& st : {States()[0], States()[1]}) {
    for (const auto& [label, ttl] : ttls)
      add(st.name + ", " + label, st.setup, false, one_key, BuildArgv(shape, ttl));
    add(st.name + ", no ARGV", st.setup, false, one_key, {});
    add(st.name + ", no KEYS no ARGV", st.setup, true, {}, {});
  }
  // Two keys (multi-key scripts loop over KEYS; single-key ones ignore KEYS[2]).
  add("two keys, both absent", {}, false, {"lock", "k2"}, BuildArgv(shape, "30000"));
  add("two keys, second held by other", {Cmd({"SET", "k2", kOther, "PX", "100000"})}, false,
      {"lock", "k2"}, BuildArgv(shape, "30000"));
  add("two keys, both ours", {Cmd({"SET", "lock", kTok, "PX", "100000"}), Cmd({"SET", "k2", kTok})},
      true, {"lock", "k2"}, BuildArgv(shape, "30000"));
  return cases;
}

std::vector<Script> AllScripts() {
  std::vector<Script> all;
  for (const auto& s : kCompatScripts)
    all.push_back({std::string(s.name), std::string(s.sha), std::string(s.body)});
  for (const auto& s : kSesameScripts)
    all.push_back({std::string(s.name), std::string(s.sha), std::string(s.body)});
  for (const auto& s : kRedissonScripts)
    all.push_back({std::string(s.name), std::string(s.sha), std::string(s.body)});
  // redis-py's extend in its replace_ttl=True form (ARGV[3] == "1").
  for (const auto& s : kCompatScripts) {
    if (s.name == "redispy_extend")
      all.push_back({"redispy_extend_replace", std::string(s.sha), std::string(s.body)});
  }
  return all;
}

class LockScriptsDiffTest : public DiffTest {
 protected:
  void RunScripts() {
    std::vector<DiffCase> cases;
    int scripts = 0;
    for (const Script& s : AllScripts()) {
      if (NiceToHave().count(s.name) != 0) continue;
      auto shape = Shapes().find(s.name);
      ASSERT_NE(shape, Shapes().end()) << "no argument shape for script " << s.name;
      ++scripts;
      for (DiffCase& c : CasesFor(s, shape->second)) cases.push_back(std::move(c));
    }
    RunTable("lock-scripts", cases);
    std::cout << "[diff] " << scripts << " scripts\n";
  }
};

TEST_F(LockScriptsDiffTest, EveryCoreLockScriptOverStatesAndInputs) { RunScripts(); }

// Every script a library ships has an argument shape here (a new script must get one).
TEST(LockScriptsCoverage, EveryCompatScriptHasAShape) {
  for (const Script& s : AllScripts()) EXPECT_TRUE(Shapes().count(s.name)) << s.name;
}

}  // namespace
}  // namespace locknode::test
