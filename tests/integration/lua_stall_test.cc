// The stall bound of issue 14 against the real binary: while each hostile script runs, a probe
// client locking and unlocking on another connection never waits longer than lua-time-limit
// plus a small margin, and the node keeps serving. The cases are the worst arguments each
// bounded C function accepts (just under its refusal estimate), the functions the sandbox
// refuses, and the work that only the memory limit bounds (string coercion in the VM, the reply
// conversion and the collection after a memory abort).
//
// The README states the guarantee as lua-time-limit + 100 ms on the reference machine; this
// test asserts it with room for a noisy shared machine (and much more under the sanitizers), and
// prints every measured stall, so the figure is visible in each run.
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

constexpr long kTimeLimitMs = 200;
#if defined(__SANITIZE_ADDRESS__)
constexpr long kAssertedMarginMs = 4000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr long kAssertedMarginMs = 4000;
#else
constexpr long kAssertedMarginMs = 600;
#endif
#else
constexpr long kAssertedMarginMs = 600;
#endif

struct StallCase {
  const char* name;
  const char* script;
  const char* expected_prefix;  // the reply starts with this
};

const std::vector<StallCase>& Cases() {
  static const std::vector<StallCase> cases = {
      {"error __index loop",
       "error(setmetatable({}, {__index = function() while true do end end}))",
       "-ERR unknown error"},
      {"error __index error", "error(setmetatable({}, {__index = function() error('boom') end}))",
       "-ERR unknown error"},
      {"error __tostring loop",
       "error(setmetatable({err = 1}, {__tostring = function() while true do end end}))",
       "-1 script"},
      {"reply __index loop",
       "return setmetatable({1}, {__index = function() while true do end end})", "*1\r\n:1\r\n"},
      {"table.insert at -2^31", "local t = {1, 2, 3} table.insert(t, -2^31, 'x')",
       "-ERR user_script:1: insert: too much work"},
      {"table.insert front loop",
       "local t = {} for i = 1, 1e6 do t[i] = i end while true do table.insert(t, 1, 0) end",
       "-ERR Script aborted"},
      {"string.find 1MB class",
       "return string.find(string.rep('a', 1e6), '[' .. string.rep('b', 1e4) .. ']')",
       "-ERR user_script:1: find: pattern too complex"},
      {"string.find at the cap",
       "local s = string.rep('a', 1e5) local c = '[' .. string.rep('b', 45) .. ']' "
       "while true do string.find(s, c) end",
       "-ERR Script aborted"},
      {"string.gsub at the cap",
       "local s = string.rep('a', 2e5) while true do string.gsub(s, 'a', 'bcdefghi') end",
       "-ERR Script aborted"},
      {"table.sort 1M",
       "local t = {} for i = 1, 1e6 do t[i] = (i * 7919) % 1000003 end table.sort(t)",
       "-ERR Script aborted"},
      {"table.concat loop",
       "local t = {} for i = 1, 1.9e5 do t[i] = 'abcdefgh' end while true do table.concat(t) end",
       "-ERR Script aborted"},
      {"string.upper loop",
       "local s = string.rep('a', 1.9e6) while true do s = s:upper():lower() end",
       "-ERR Script aborted"},
      {"string.format %q loop",
       "local s = string.rep('\\n', 1.9e6) while true do string.format('%q', s) end",
       "-ERR Script aborted"},
      {"tonumber loop", "local s = string.rep('1', 1.3e6) while true do tonumber(s) end",
       "-ERR Script aborted"},
      {"redis.sha1hex loop", "local s = string.rep('a', 1.9e6) while true do redis.sha1hex(s) end",
       "-ERR Script aborted"},
      {"table.foreachi C callback",
       "local t = {} for i = 1, 1e6 do t[i] = i end while true do table.foreachi(t, "
       "math.randomseed) end",
       "-ERR Script aborted"},
      {"table.maxn loop",
       "local t = {} for i = 1, 1e6 do t[i] = i end while true do table.maxn(t) end",
       "-ERR Script aborted"},
      {"VM: 12 MB numeric string coercion", "local s = string.rep('1', 1.2e7) return s + 0", ":"},
      {"VM: 3 x 5 MB string compare",
       "local a = string.rep('a', 5e6) local b = a .. 'b' local c = a .. 'c' return b < c", ":1"},
      // Small enough for the test's own client to read in time under the sanitizers; the
      // budget for big replies is unit-tested (sandbox_bounds_test).
      {"reply of 50k integers", "local t = {} for i = 1, 5e4 do t[i] = i end return t",
       "*50000\r\n"},
      // Memory or time, whichever the machine reaches first; then the full collection.
      {"memory abort + full GC", "local t = {} for i = 1, 1e8 do t[i] = {} end",
       "-ERR Script aborted: exceeded the"},
      {"unpack at 2^31", "return unpack({}, -2^31, 2^31 - 1)",
       "-ERR user_script:1: too many results"},
  };
  return cases;
}

TEST(LuaStallTest, NoScriptKeepsOtherClientsWaitingPastTheTimeLimit) {
  auto server = StartOrFail(
      {"--lua-time-limit", std::to_string(kTimeLimitMs), "--lua-instruction-limit", "0"});
  ASSERT_NE(server, nullptr);
  long worst = 0;
  for (const StallCase& k : Cases()) {
    // A connection per case: a reply that timed out would leave the next ones out of step.
    RespClient c(server->port());
    ASSERT_TRUE(c.connected()) << c.error();
    LockProbe probe(server->port(), std::chrono::seconds(30));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const auto start = Clock::now();
    const std::string reply = c.Call({"EVAL", k.script, "0"});
    const auto eval_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    probe.Stop();
    const long stall = probe.max_latency_ms();
    worst = std::max(worst, stall);
    std::printf("[ lua-stall ] %-34s eval %5lld ms  probe max wait %5ld ms  %s\n", k.name,
                static_cast<long long>(eval_ms), stall, EscapeBytes(reply.substr(0, 60)).c_str());
    ::testing::Test::RecordProperty(std::string("stall_ms_") + k.name, std::to_string(stall));
    EXPECT_EQ(reply.rfind(k.expected_prefix, 0), 0u)
        << k.name << ": " << EscapeBytes(reply.substr(0, 200));
    EXPECT_GT(probe.rounds(), 0) << k.name;
    EXPECT_TRUE(probe.errors().empty()) << k.name << ": " << probe.errors().front();
    EXPECT_LE(stall, kTimeLimitMs + kAssertedMarginMs) << k.name;
    EXPECT_EQ(EscapeBytes(c.Call({"EVAL", "return 1", "0"}).substr(0, 60)), ":1\\r\\n") << k.name;
  }
  std::printf(
      "[ lua-stall ] worst probe wait %ld ms with lua-time-limit %ld ms (asserted <= %ld)\n", worst,
      kTimeLimitMs, kTimeLimitMs + kAssertedMarginMs);
  RespClient c(server->port());
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
}

}  // namespace
}  // namespace locknode::test
