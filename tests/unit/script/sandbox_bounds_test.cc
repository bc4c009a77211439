// Nothing a script does can stop the node (issue 14): no script code runs after the protected
// call returns, every C library call is bounded by the budgets, and every number that crosses
// from Lua into C++ is range-checked. Deterministic: budgets here are the instruction count or
// an injected clock, never wall time (the integration test lua_stall_test measures stalls).
#include <string>

#include <gtest/gtest.h>

#include "script_test_util.h"

namespace locknode::script {
namespace {

using testing::ScriptFixture;

constexpr char kInstructionAbort[] =
    "-ERR Script aborted: exceeded the limit of 5000000 Lua instructions; its writes were rolled "
    "back\r\n";

using SandboxBoundsTest = ScriptFixture;

// Metamethod bodies that would hang or crash the node if anything outside the protected call
// (the error reply, the reply conversion) ever invoked them.
const char* const kHostileBodies[] = {"function() while true do end end",
                                      "function() error('boom') end"};
const char* const kMetamethods[] = {"__index", "__newindex", "__tostring", "__len",
                                    "__eq",    "__lt",       "__le",       "__concat",
                                    "__call",  "__unm",      "__add",      "__metatable"};

TEST_F(SandboxBoundsTest, ErrorObjectsAreReadWithoutTheirMetamethods) {
  for (const char* body : kHostileBodies) {
    for (const char* mm : kMetamethods) {
      const std::string meta = std::string("{") + mm + " = " + body + "}";
      EXPECT_EQ(ErrorOf("error(setmetatable({}, " + meta + "))"), "-ERR unknown error") << meta;
      EXPECT_EQ(status_, RunStatus::kError) << meta;
      EXPECT_EQ(ErrorOf("error(setmetatable({err = 'MYERR x'}, " + meta + "))"), "-MYERR x")
          << meta;
      // An `err` field that is itself hostile is dropped, not converted.
      EXPECT_EQ(ErrorOf("error({err = setmetatable({}, " + meta + ")})"), "-ERR unknown error")
          << meta;
    }
  }
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
}

TEST_F(SandboxBoundsTest, ReplyTablesAreReadWithoutTheirMetamethods) {
  for (const char* body : kHostileBodies) {
    for (const char* mm : kMetamethods) {
      const std::string meta = std::string("{") + mm + " = " + body + "}";
      EXPECT_EQ(Eval("return setmetatable({1, 'a'}, " + meta + ")"), "*2\r\n:1\r\n$1\r\na\r\n")
          << meta;
      EXPECT_EQ(Eval("return setmetatable({}, " + meta + ")"), "*0\r\n") << meta;
      EXPECT_EQ(Eval("return {setmetatable({}, " + meta + ")}"), "*1\r\n*0\r\n") << meta;
      EXPECT_EQ(Eval("return {ok = setmetatable({}, " + meta + ")}"), "*0\r\n") << meta;
      EXPECT_EQ(Eval("return setmetatable({err = 'E x'}, " + meta + ")"), "-E x\r\n") << meta;
    }
  }
}

TEST_F(SandboxBoundsTest, MetamethodsInsideTheScriptRunUnderTheBudget) {
  // pcall reads the error's `err` field inside the script: a looping __index is script code,
  // so the budget stops it.
  EXPECT_EQ(Eval("return pcall(error, setmetatable({}, {__index = function() "
                 "while true do end end}))"),
            kInstructionAbort);
  EXPECT_EQ(Eval("return tostring(setmetatable({}, {__tostring = function() "
                 "while true do end end}))"),
            kInstructionAbort);
  // xpcall's handler: Lua calls it again for the abort raised inside the hook, where hooks are
  // off; a looping handler there hung the node for good.
  EXPECT_EQ(Eval("return xpcall(function() error('x') end, function() while true do end end)"),
            kInstructionAbort);
  EXPECT_EQ(Eval("return xpcall(function() while true do end end, function() while true do end "
                 "end)"),
            kInstructionAbort);
  EXPECT_EQ(Eval("return {xpcall(function() error('x', 0) end, function(e) return 'h:' .. e end)}"),
            "*2\r\n$-1\r\n$3\r\nh:x\r\n");
  EXPECT_EQ(Eval("return {xpcall(function() error('x') end, function() error('y') end)}"),
            "*2\r\n$-1\r\n$23\r\nerror in error handling\r\n");
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
}

TEST_F(SandboxBoundsTest, TableInsertAndRemoveAreBounded) {
  EXPECT_EQ(Eval("local t = {1, 2, 3} table.insert(t, 1, 0) table.insert(t, 10, 9) "
                 "return {t[1], t[2], t[10]}"),
            "*3\r\n:0\r\n:1\r\n:9\r\n");
  EXPECT_EQ(Eval("local t = {1, 2, 3} return {table.remove(t, 1), table.remove(t), #t}"),
            "*3\r\n:1\r\n:3\r\n:1\r\n");
  // Lua 5.1 shifts every element between pos and #t one by one in C (33 s for -2^31).
  EXPECT_EQ(ErrorOf("local t = {1, 2, 3} table.insert(t, -2^31, 'x')"),
            "-ERR user_script:1: insert: too much work for one call in the script sandbox");
  EXPECT_EQ(ErrorOf("local t = {1, 2, 3} table.insert(t, -3e6, 'x')"),
            "-ERR user_script:1: insert: too much work for one call in the script sandbox");
  // Positions that do not fit an int would be an undefined C cast inside Lua.
  for (const char* pos : {"1e10", "-1e10", "0/0", "1/0", "2^31"}) {
    EXPECT_EQ(ErrorOf(std::string("table.insert({}, ") + pos + ", 'x')"),
              "-ERR user_script:1: bad argument #2 to 'insert' (position out of bounds)")
        << pos;
    EXPECT_EQ(ErrorOf(std::string("table.remove({1}, ") + pos + ")"),
              "-ERR user_script:1: bad argument #2 to 'remove' (position out of bounds)")
        << pos;
  }
  // Argument errors of the wrapped originals still name the function.
  EXPECT_EQ(ErrorOf("table.insert(1, 2)"),
            "-ERR user_script:1: bad argument #1 to 'insert' (table expected, got number)");
}

TEST_F(SandboxBoundsTest, TableSortIsMetered) {
  EXPECT_EQ(Eval("local t = {3, 1, 2} table.sort(t) return t"), "*3\r\n:1\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("local t = {'b', 'c', 'a'} table.sort(t, function(a, b) return a > b end) "
                 "return t"),
            "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  // 100,000 numbers: about 2 million comparisons in C, which the count hook never sees.
  EXPECT_EQ(Eval("local t = {} for i = 1, 100000 do t[i] = (i * 7919) % 100003 end "
                 "table.sort(t) return 1"),
            kInstructionAbort);
  EXPECT_EQ(engine_.last_abort(), AbortReason::kInstructions);
  EXPECT_EQ(ErrorOf("table.sort({1, 2}, 3)"),
            "-ERR user_script:1: bad argument #2 to 'sort' (function expected, got number)");
}

TEST_F(SandboxBoundsTest, EntryLoopsAreMetered) {
  EXPECT_EQ(Eval("return table.maxn({1, 2, [10] = 3, x = 4})"), ":10\r\n");
  EXPECT_EQ(Eval("local n = 0 table.foreachi({5, 6, 7}, function(i, v) n = n + v end) return n"),
            ":18\r\n");
  EXPECT_EQ(Eval("return table.foreach({a = 1}, function(k, v) return k .. v end)"),
            "$2\r\na1\r\n");
  // A C callback runs no VM instruction: only the meter sees these loops.
  EXPECT_EQ(Eval("local t = {} for i = 1, 200000 do t[i] = i end "
                 "for r = 1, 20 do table.foreachi(t, math.randomseed) end return 1"),
            kInstructionAbort);
  EXPECT_EQ(Eval("local t = {} for i = 1, 200000 do t[i] = i end "
                 "for r = 1, 20 do table.maxn(t) end return 1"),
            kInstructionAbort);
}

TEST_F(SandboxBoundsTest, PatternWorkCountsClassesAndBackReferences) {
  // The 10 s case of issue 14: a 1 MB subject and a 10,000-byte bracket class.
  EXPECT_EQ(ErrorOf("return string.find(string.rep('a', 1e6), '[' .. string.rep('b', 1e4) .. "
                    "']')"),
            "-ERR user_script:1: find: pattern too complex for the script sandbox");
  EXPECT_EQ(ErrorOf("return string.find(string.rep('a', 1e4), '(a*)%1b')"),
            "-ERR user_script:1: find: pattern too complex for the script sandbox");
  EXPECT_EQ(ErrorOf("return string.gsub(string.rep('a', 1e5), 'a', string.rep('b', 1e3))"),
            "-ERR user_script:1: gsub: pattern too complex for the script sandbox");
  // Anchored patterns start once, so a long subject is fine.
  EXPECT_EQ(Eval("return #string.match(string.rep('1', 1e5), '^(%d+)$')"), ":100000\r\n");
  EXPECT_EQ(Eval("return {string.find('key:abc', '^key:(%a+)$')}"),
            "*3\r\n:1\r\n:7\r\n$3\r\nabc\r\n");
}

TEST_F(SandboxBoundsTest, ByteLoopsAreBounded) {
  EngineLimits roomy = engine_.limits();  // room for the 5 MB subjects below
  roomy.memory_limit_bytes = size_t{32} << 20;
  engine_.set_limits(roomy);
  EXPECT_EQ(Eval("return {('aB'):upper(), ('aB'):lower(), ('ab'):reverse(), "
                 "string.format('%q', 'a\\n'), tonumber('12')}"),
            "*5\r\n$2\r\nAB\r\n$2\r\nab\r\n$2\r\nba\r\n$5\r\n\"a\\\n\"\r\n:12\r\n");
  for (const char* call : {"upper(s)", "lower(s)", "reverse(s)", "format('%q', s)"}) {
    EXPECT_EQ(ErrorOf(std::string("local s = string.rep('a', 5e6) return string.") + call),
              std::string("-ERR user_script:1: ") +
                  std::string(call).substr(0, std::string(call).find('(')) +
                  ": too much work for one call in the script sandbox")
        << call;
  }
  EXPECT_EQ(ErrorOf("return tonumber(string.rep('1', 3e6))"),
            "-ERR user_script:1: tonumber: too much work for one call in the script sandbox");
  EXPECT_EQ(ErrorOf("return table.concat({}, ',', 1, 2^31 - 1)"),
            "-ERR user_script:1: concat: too much work for one call in the script sandbox");
  EXPECT_EQ(ErrorOf("return table.concat({}, ',', 1, 1e10)"),
            "-ERR user_script:1: bad argument #4 to 'concat' (position out of bounds)");
  EXPECT_EQ(Eval("return table.concat({'a', 'b', 'c'}, ',', 2)"), "$3\r\nb,c\r\n");
}

TEST_F(SandboxBoundsTest, NumbersFromScriptsAreRangeChecked) {
  for (const char* v : {"1e69", "-1e69", "0/0", "1/0", "-1/0", "2^31", "1.5", "4"}) {
    EXPECT_EQ(ErrorOf(std::string("redis.setresp(") + v + ")"), "-ERR RESP version must be 2 or 3.")
        << v;
  }
  for (const char* v : {"1e69", "-1e69", "0/0", "1/0", "4", "-1"}) {
    EXPECT_EQ(ErrorOf(std::string("redis.set_repl(") + v + ")"),
              "-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
        << v;
    EXPECT_EQ(ErrorOf(std::string("redis.log(") + v + ", 'x')"), "-ERR Invalid debug level.") << v;
  }
  // What Redis's C cast truncates into range stays accepted.
  EXPECT_EQ(Eval("redis.setresp(2.9) redis.set_repl(-0.5) redis.log(3.5, 'x') return 1"), ":1\r\n");
}

TEST_F(SandboxBoundsTest, RedisIsAReadOnlyTable) {
  EXPECT_EQ(Eval("return type(redis)"), "$5\r\ntable\r\n");
  for (const char* write :
       {"rawset(redis, 'call', 1)", "table.insert(redis, 1)", "table.insert(redis, 1, 1)",
        "table.remove(redis)", "table.sort(redis)", "redis.call = 1", "redis.x = 1"}) {
    EXPECT_EQ(ErrorOf(write), "-ERR user_script:1: Attempt to modify a readonly table") << write;
  }
  EXPECT_EQ(ErrorOf("setmetatable(redis, {})"), "-ERR Attempt to modify a readonly table");
  EXPECT_EQ(Eval("return {type(redis.call), rawget(redis, 'x') == nil}"),
            "*2\r\n$8\r\nfunction\r\n:1\r\n");
  // Tables of the script's own stay writable.
  EXPECT_EQ(Eval("local t = {} rawset(t, 'a', 1) table.insert(KEYS, 'k') return {t.a, #KEYS}"),
            "*2\r\n:1\r\n:1\r\n");
}

TEST_F(SandboxBoundsTest, BigRepliesCountAgainstTheTimeLimit) {
  // The clock stands still; 100,000 values take about 10 ms to encode (kReplyValueWork).
  const std::string body = "local t = {} for i = 1, 1e5 do t[i] = i end return t";
  EngineLimits limits = engine_.limits();
  limits.time_limit_ms = 5;
  engine_.set_limits(limits);
  EXPECT_EQ(
      Eval(body),
      "-ERR Script aborted: exceeded the time limit of 5 ms; its writes were rolled back\r\n");
  EXPECT_EQ(status_, RunStatus::kAborted);
  EXPECT_EQ(engine_.last_abort(), AbortReason::kTime);
  limits.time_limit_ms = 1000;
  engine_.set_limits(limits);
  EXPECT_EQ(Eval(body).substr(0, 12), "*100000\r\n:1\r");
  EXPECT_EQ(status_, RunStatus::kOk);
}

TEST(SandboxBoundsTimeTest, MeteredLoopsStopAtTheTimeLimit) {
  int64_t clock = 0;
  EngineOptions options = testing::TestOptions(&clock);
  options.limits.instruction_limit = 0;
  options.limits.time_limit_ms = 50;
  options.now_ms = [&clock] { return clock++; };  // one ms per reading
  LuaEngine engine(std::move(options));
  ScriptFlags flags;
  std::string error;
  // A few VM instructions, then one sort of 4,000 values done entirely in C: only the meter
  // reads the clock while it runs.
  const FunctionRef fn = engine.Compile(
      "local t = {string.byte(string.rep('hgfedcba', 500), 1, -1)} table.sort(t) return 1", &flags,
      &error);
  ASSERT_NE(fn, kNoFunction) << error;
  testing::FakeStore store;
  testing::RespSink sink;
  EXPECT_EQ(engine.Run(fn, std::string(40, 'a'), {}, {}, store, sink), RunStatus::kAborted);
  EXPECT_EQ(engine.last_abort(), AbortReason::kTime);
  engine.Release(fn);
}

}  // namespace
}  // namespace locknode::script
