// Expensive and hostile scripts against the real binary (SAFETY §4.2 row 21, §5 "Expensive
// Lua"): each is aborted by its budget with a clean error, its writes are rolled back, and a
// probe client locking and unlocking on another connection meanwhile sees no error. How long
// each abort took is printed and recorded as a test property, never asserted (timings are not
// asserted in tests; the ASan stage runs this too, several times slower).
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "support/lock_probe.h"
#include "support/resp_client.h"

namespace locknode::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTimeAbort[] =
    "-ERR Script aborted: exceeded the time limit of 50 ms; its writes were rolled back\r\n";
constexpr char kMemoryAbort[] =
    "-ERR Script aborted: exceeded the memory limit of 8388608 bytes; its writes were rolled "
    "back\r\n";

struct Case {
  const char* name;
  const char* script;
  const char* expected;  // exact reply, or nullptr to check only `expected_prefix`
  const char* expected_prefix;
};

TEST(LuaAbuseTest, BudgetsAbortScriptsWhileOthersAreServed) {
  auto server = StartOrFail(
      {"--lua-time-limit", "50", "--lua-instruction-limit", "0", "--lua-memory-limit", "8388608"});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  ASSERT_TRUE(c.connected()) << c.error();
  const std::vector<Case> cases = {
      {"busy loop", "while true do end", kTimeAbort, nullptr},
      {"write then loop", "redis.call('set','w',1) while true do end", kTimeAbort, nullptr},
      {"pcall cannot swallow", "while true do pcall(function() while true do end end) end",
       kTimeAbort, nullptr},
      {"string.rep 2^30", "redis.call('set','w',1) return string.rep('x', 2^30)", kMemoryAbort,
       nullptr},
      {"concat past the cap", "local s = string.rep('x', 3e6) return #(s .. s .. s)", kMemoryAbort,
       nullptr},
      {"deep recursion", "local function f(n) return f(n + 1) + 1 end return f(1)", nullptr,
       "-ERR user_script:1: stack overflow"},
      {"metamethod C recursion",
       "local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x", nullptr,
       "-ERR user_script:1: "},
  };
  LockProbe probe(server->port(), kReplyTimeout);  // a script may hold the loop 50 ms
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (const Case& k : cases) {
    const auto start = Clock::now();
    const std::string reply = c.Call({"EVAL", k.script, "0"});
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    std::printf("[ lua-abuse ] %-24s %5lld ms  %s\n", k.name, static_cast<long long>(ms),
                EscapeBytes(reply.substr(0, 90)).c_str());
    ::testing::Test::RecordProperty(std::string("abort_ms_") + k.name, std::to_string(ms));
    if (k.expected != nullptr) {
      EXPECT_EQ(reply, k.expected) << k.name;
    } else {
      EXPECT_EQ(reply.rfind(k.expected_prefix, 0), 0u) << k.name << ": " << EscapeBytes(reply);
    }
    EXPECT_EQ(c.Call({"EXISTS", "w"}), ":0\r\n") << k.name << ": the write was not rolled back";
    EXPECT_EQ(c.Call({"EVAL", "return 1", "0"}), ":1\r\n") << k.name;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  probe.Stop();
  std::printf("[ lua-abuse ] probe: %d lock/unlock rounds, max latency %ld ms, %zu errors\n",
              probe.rounds(), probe.max_latency_ms(), probe.errors().size());
  EXPECT_GT(probe.rounds(), 0);
  EXPECT_TRUE(probe.errors().empty()) << probe.errors().front();
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
}

}  // namespace
}  // namespace locknode::test
