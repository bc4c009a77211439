// The native fast path of the lock scripts against the same scripts run in Lua, under every
// write-admission condition: past maxmemory, during the restart quarantine, under max-ttl and
// under require-ttl, as well as with none. Both runs must give the same reply bytes, the same
// key value and TTL, and the same keyspace hit/miss counts; the native run must really be
// native wherever the policy admits the script's write.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "support/compat_scripts.h"
#include "test_node.h"

namespace locknode::command {
namespace {

using keyspace::SetCond;
using keyspace::TtlMode;
using script::FastPathKind;
using script::testdata::kCompatScripts;

enum class Condition { kNone, kMaxMemory, kQuarantine, kMaxTtl, kRequireTtl };

struct State {
  std::string label;
  bool present;
  std::string value;
  Millis ttl;  // 0: no TTL
  Millis advance;
};

const State kStates[] = {
    {"absent", false, "", 0, 0},        {"same", true, "tok", 10000, 0},
    {"same-no-ttl", true, "tok", 0, 0}, {"other", true, "other", 10000, 0},
    {"expired", true, "tok", 100, 200}, {"empty-value", true, "", 10000, 0},
};

struct Outcome {
  std::string reply;
  std::string value;  // "<none>" when absent
  Millis pttl;        // -2 absent, -1 no TTL
  uint64_t hits, misses, commands;
};

class FastPathPolicyTest : public ::testing::Test {
 protected:
  FastPathPolicyTest() {
    lease_path_ = ::testing::TempDir() + "locknode-fastpath-lease-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::remove(lease_path_.c_str());
  }
  ~FastPathPolicyTest() override { std::remove(lease_path_.c_str()); }

  std::unique_ptr<Node> Start(Condition condition) {
    Config config;
    switch (condition) {
      case Condition::kNone:
        break;
      case Condition::kMaxMemory:
        config.maxmemory = 1;  // every denyoom write is past it
        break;
      case Condition::kQuarantine: {
        config.lease_file = lease_path_;
        // A first life grants a long lease; the restarted node must wait for it.
        Node first(config, clock_);
        EXPECT_EQ(first.Run({"SET", "seed", "x", "PX", "100000000"}), "+OK\r\n");
        break;
      }
      case Condition::kMaxTtl:
        config.max_ttl = 20000;
        break;
      case Condition::kRequireTtl:
        config.require_ttl = true;
        break;
    }
    auto node = std::make_unique<Node>(config, clock_);
    if (condition == Condition::kQuarantine) {
      EXPECT_GT(node->shard.lease().QuarantineRemaining(clock_.NowMs()), 0);
    }
    return node;
  }

  // Sets up the key directly in the keyspace (no policy, no counters), then runs EVALSHA.
  Outcome RunOnce(Node& node, std::string_view sha, const State& state,
                  const std::vector<std::string>& argv, bool fast) {
    node.config.lua_fast_path = fast;
    keyspace::Keyspace& ks = node.shard.keyspace();
    ks.Clear();
    const Millis now = clock_.NowMs();
    if (state.present) {
      ks.Set("lk", state.value, SetCond::kAlways, state.ttl > 0 ? TtlMode::kAt : TtlMode::kClear,
             now + state.ttl, now);
    }
    clock_.Advance(state.advance);
    std::vector<std::string_view> cmd = {"EVALSHA", sha, "1", "lk"};
    for (const std::string& a : argv) cmd.push_back(a);
    const Stats before = node.shard.stats();
    Outcome out;
    out.reply = node.Run(cmd);
    const Stats& after = node.shard.stats();
    out.hits = after.keyspace_hits - before.keyspace_hits;
    out.misses = after.keyspace_misses - before.keyspace_misses;
    out.commands = after.commands_processed - before.commands_processed;
    const Millis then = clock_.NowMs();
    const auto entry = ks.Find("lk", then);
    out.value = entry ? std::string(entry->value) : "<none>";
    out.pttl = !entry ? -2 : entry->deadline == kNoDeadline ? -1 : entry->deadline - then;
    return out;
  }

  // Every recognised script over every state and argument shape, both paths. Returns how many
  // runs were native (a native run counts one command: the EVALSHA).
  int CompareAll(Condition condition, const char* label) {
    auto node = Start(condition);
    int native_runs = 0;
    for (const auto& s : kCompatScripts) {
      if (s.kind == FastPathKind::kNone) continue;
      EXPECT_EQ(node->Run({"SCRIPT", "LOAD", s.body}).substr(5, 40), s.sha) << s.name;
      for (const State& state : kStates) {
        for (const std::string token : {"tok", ""}) {
          for (const std::string ttl : {"30000", "15000", "1", "0", "abc"}) {
            const std::vector<std::string> argv = {token, ttl};
            const Outcome native = RunOnce(*node, s.sha, state, argv, true);
            const Outcome lua = RunOnce(*node, s.sha, state, argv, false);
            const std::string where = std::string(label) + " " + std::string(s.name) + " " +
                                      state.label + "/" + token + "/" + ttl;
            EXPECT_EQ(native.reply, lua.reply) << where;
            EXPECT_EQ(native.value, lua.value) << where;
            EXPECT_EQ(native.pttl, lua.pttl) << where;
            EXPECT_EQ(native.hits, lua.hits) << where;
            EXPECT_EQ(native.misses, lua.misses) << where;
            EXPECT_GT(lua.commands, 1u) << where;
            if (native.commands == 1) ++native_runs;
          }
        }
      }
    }
    return native_runs;
  }

  std::string lease_path_;
  ManualClock clock_;
};

TEST_F(FastPathPolicyTest, NoCondition) { EXPECT_GT(CompareAll(Condition::kNone, "none"), 300); }

TEST_F(FastPathPolicyTest, PastMaxmemory) {
  EXPECT_GT(CompareAll(Condition::kMaxMemory, "maxmemory"), 300);
}

TEST_F(FastPathPolicyTest, DuringTheRestartQuarantine) {
  EXPECT_GT(CompareAll(Condition::kQuarantine, "quarantine"), 200);
}

TEST_F(FastPathPolicyTest, UnderMaxTtl) {
  EXPECT_GT(CompareAll(Condition::kMaxTtl, "max-ttl"), 300);
}

TEST_F(FastPathPolicyTest, UnderRequireTtl) {
  EXPECT_GT(CompareAll(Condition::kRequireTtl, "require-ttl"), 300);
}

// The drift this fixes: past maxmemory, the Redlock extend script (SET key token PX ttl inside)
// replied :1 and extended natively, where Redis and the Lua path reply -OOM and change nothing.
// The PEXPIRE form is not denyoom and still extends, in both paths.
TEST_F(FastPathPolicyTest, RedlockExtendPastMaxmemoryIsRefusedLikeLua) {
  auto node = Start(Condition::kMaxMemory);
  for (const auto& s : kCompatScripts) {
    if (s.kind != FastPathKind::kCompareAndPexpire) continue;
    node->Run({"SCRIPT", "LOAD", s.body});
    const bool set_form = std::string_view(s.body).find("\"PX\"") != std::string_view::npos;
    const Outcome native = RunOnce(*node, s.sha, kStates[1], {"tok", "30000"}, true);
    if (set_form) {
      EXPECT_EQ(native.reply.substr(0, 4), "-OOM") << s.name << " " << native.reply;
      EXPECT_EQ(native.pttl, 10000) << s.name;
    } else {
      EXPECT_EQ(native.reply, ":1\r\n") << s.name;
      EXPECT_EQ(native.pttl, 30000) << s.name;
      EXPECT_EQ(native.commands, 1u) << s.name;  // natively
    }
  }
}

}  // namespace
}  // namespace locknode::command
