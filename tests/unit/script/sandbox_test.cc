// Sandbox escapes and budgets (SAFETY.md §2.4). Where Redis 7.0.15 refuses too, the expected
// text is its wire reply.
#include <string>

#include <gtest/gtest.h>

#include "script_test_util.h"

namespace locknode::script {
namespace {

using testing::ScriptFixture;

using SandboxTest = ScriptFixture;

TEST_F(SandboxTest, DangerousGlobalsAreAbsent) {
  for (const char* name :
       {"loadstring", "load",     "dofile",         "loadfile", "require",   "module",
        "os",         "io",       "package",        "debug",    "print",     "getfenv",
        "setfenv",    "newproxy", "collectgarbage", "gcinfo",   "coroutine", "cjson",
        "bit",        "struct",   "cmsgpack"}) {
    EXPECT_EQ(ErrorOf(std::string("return ") + name),
              std::string("-ERR user_script:1: Script attempted to access nonexistent global "
                          "variable '") +
                  name + "'")
        << name;
  }
  EXPECT_EQ(Eval("return string.dump"), "$-1\r\n");
  EXPECT_EQ(Eval("return string.gfind"), "$-1\r\n");
  EXPECT_EQ(Eval("return ('x').dump"), "$-1\r\n");
  EXPECT_EQ(ErrorOf("return _G.loadstring == nil"),
            "-ERR user_script:1: Script attempted to access nonexistent global variable "
            "'loadstring'");
}

TEST_F(SandboxTest, StandardLibrariesStillWork) {
  EXPECT_EQ(Eval("return string.format('%d-%s', 7, 'x')"), "$3\r\n7-x\r\n");
  EXPECT_EQ(Eval("return ('abc'):upper()"), "$3\r\nABC\r\n");
  EXPECT_EQ(Eval("return string.sub('abcdef', 2, 3)"), "$2\r\nbc\r\n");
  EXPECT_EQ(Eval("local t = {} table.insert(t, 'a') table.insert(t, 'b') return t"),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(Eval("return math.floor(3.7)"), ":3\r\n");
  EXPECT_EQ(Eval("return tonumber('12') + 1"), ":13\r\n");
  EXPECT_EQ(Eval("return {unpack({1,2,3})}"), "*3\r\n:1\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("return {unpack({1,2,3}, 2)}"), "*2\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("return select('#', unpack({}, 1, 100))"), ":100\r\n");
  EXPECT_EQ(Eval("return string.find('hello world', 'o w')"), ":5\r\n");
  EXPECT_EQ(Eval("return (string.gsub('a-b-c', '-', '+'))"), "$5\r\na+b+c\r\n");
  EXPECT_EQ(Eval("local n = 0 for w in string.gmatch('a b c', '%a+') do n = n + 1 end return n"),
            ":3\r\n");
  EXPECT_EQ(Eval("return string.rep('ab', 3)"), "$6\r\nababab\r\n");
  EXPECT_EQ(Eval("return string.rep('x', -1)"), "$0\r\n\r\n");
  EXPECT_EQ(Eval("return string.rep('abc', 7)"), "$21\r\nabcabcabcabcabcabcabc\r\n");
  EXPECT_EQ(Eval("local s = string.rep('ab', 100001) "
                 "return {#s, s:sub(-3), s:find('aa') or 0, s:find('bb') or 0}"),
            "*4\r\n:200002\r\n$3\r\nbab\r\n:0\r\n:0\r\n");
  EXPECT_EQ(Eval("local ok, e = pcall(error, 'x', 0) return {tostring(ok), e}"),
            "*2\r\n$5\r\nfalse\r\n$1\r\nx\r\n");
  EXPECT_EQ(Eval("return xpcall(function() error('x') end, function(e) return 'h' end)"),
            "$-1\r\n");
  EXPECT_EQ(Eval("local t = setmetatable({}, {__index = function() return 5 end}) return t.x"),
            ":5\r\n");
  EXPECT_EQ(Eval("return getmetatable('').__index.upper('a')"), "$1\r\nA\r\n");
}

TEST_F(SandboxTest, GlobalsAreReadOnly) {
  EXPECT_EQ(Eval("x = 5"),
            "-ERR user_script:1: Attempt to modify a readonly table script: "
            "818a330663e3c3e78469660421595218e5ab5c48, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("_G={}"),
            "-ERR user_script:1: Attempt to modify a readonly table script: "
            "ccf5419dff91107463a456aa3d4e8dbeea34b8d0, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("redis=function() end"),
            "-ERR user_script:1: Attempt to modify a readonly table script: "
            "f81968cb94abbe9311a2564ded2aa016d7a20d65, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("setmetatable(_G,{})"),
            "-ERR Attempt to modify a readonly table script: "
            "e8f1b52cec0990f58c59b37010d130cfdce9e1a5, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("getmetatable(_G).__index={}"),
            "-ERR user_script:1: Attempt to modify a readonly table script: "
            "f616618d814366c987d3a4aed626b46a50f86c54, on @user_script:1.\r\n");
  EXPECT_EQ(ErrorOf("_G.x = 1"), "-ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(ErrorOf("_G.redis = {}"), "-ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(ErrorOf("getmetatable('').__index.x = 1"),
            "-ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(ErrorOf("KEYS = {}"), "-ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(ErrorOf("redis.call = nil"), "-ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(ErrorOf("math.floor = nil"), "-ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(ErrorOf("table.insert = nil"),
            "-ERR user_script:1: Attempt to modify a readonly table");
  // No raw write path into the shared tables either (refused before the library function,
  // with Redis's text for writes to its read-only tables).
  for (const char* write : {"rawset(_G, 'x', 1)", "rawset(string, 'upper', 1)",
                            "table.insert(string, 1)", "table.insert(_G, 1)"}) {
    EXPECT_EQ(ErrorOf(write), "-ERR user_script:1: Attempt to modify a readonly table") << write;
  }
  EXPECT_EQ(ErrorOf("setmetatable(string, {})"), "-ERR Attempt to modify a readonly table");
  EXPECT_EQ(ErrorOf("setmetatable(getmetatable(''), {})"),
            "-ERR Attempt to modify a readonly table");
  // Nothing persists between scripts: globals still intact afterwards.
  EXPECT_EQ(Eval("return type(redis.call)"), "$8\r\nfunction\r\n");
}

TEST_F(SandboxTest, StringMetatableIsProtected) {
  EXPECT_EQ(Eval("string.upper = 1"),
            "-ERR user_script:1: Attempt to modify a readonly table script: "
            "d4a8cdd033df46ab76b272073089186547a7eb88, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("string.foo = 1"),
            "-ERR user_script:1: Attempt to modify a readonly table script: "
            "46f9bf166bc7e1ab2ed3b9de7b99c4e1e7dc1f7d, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("getmetatable('').__index.upper = 1"),
            "-ERR user_script:1: Attempt to modify a readonly table script: "
            "93a4f6c93e9ef88ad4adbe93d34ca8be71495a98, on @user_script:1.\r\n");
  EXPECT_EQ(ErrorOf("getmetatable('').__index = {}"),
            "-ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(Eval("return ('a'):upper()"), "$1\r\nA\r\n");
}

TEST_F(SandboxTest, NonexistentGlobalRead) {
  EXPECT_EQ(Eval("return x"),
            "-ERR user_script:1: Script attempted to access nonexistent global variable 'x' "
            "script: 03c387736bb5cc009ff35151572cee04677aa374, on @user_script:1.\r\n");
  EXPECT_EQ(ErrorOf("return _G.nope"),
            "-ERR user_script:1: Script attempted to access nonexistent global variable 'nope'");
}

TEST_F(SandboxTest, BytecodeIsRefused) {
  EXPECT_EQ(Eval("\x1bLua"),
            "-ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'char(27)'\r\n");
  std::string real_bytecode("\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00", 12);
  EXPECT_EQ(Eval(real_bytecode).rfind("-ERR Error compiling script (new function): ", 0), 0u);
}

TEST_F(SandboxTest, UnpackIsBounded) {
  EXPECT_EQ(Eval("return unpack({}, 1, 1e8)"),
            "-ERR user_script:1: too many results to unpack script: "
            "b1a7a340c2636ecef66f82cf16b41fc37c1c017c, on @user_script:1.\r\n");
  // CVE-2025-46817: the int overflow cases of Lua 5.1's unpack.
  EXPECT_EQ(ErrorOf("return unpack({}, 2147483647, 2147483647)"), "$-1\r\n");
  EXPECT_EQ(ErrorOf("return unpack({}, -2147483648, 2147483647)"),
            "-ERR user_script:1: too many results to unpack");
  EXPECT_EQ(ErrorOf("return unpack({}, -1e300, 1e300)"),
            "-ERR user_script:1: too many results to unpack");
  EXPECT_EQ(Eval("return select('#', unpack({}, 2147483640, 2147483647))"), ":8\r\n");
  EXPECT_EQ(ErrorOf("return unpack({}, 1, 1e9)"), "-ERR user_script:1: too many results to unpack");
}

TEST_F(SandboxTest, InfiniteLoopIsAborted) {
  EXPECT_EQ(Eval("while true do end"),
            "-ERR Script aborted: exceeded the limit of 5000000 Lua instructions; its writes "
            "were rolled back\r\n");
  EXPECT_EQ(status_, RunStatus::kAborted);
  EXPECT_EQ(engine_.last_abort(), AbortReason::kInstructions);
  // pcall cannot swallow the abort.
  Eval("while true do pcall(function() while true do end end) end");
  EXPECT_EQ(status_, RunStatus::kAborted);
  Eval("local n = 0 while true do n = n + 1 local ok = pcall(error, 'x') end");
  EXPECT_EQ(status_, RunStatus::kAborted);
  // The engine is usable afterwards.
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
  EXPECT_EQ(status_, RunStatus::kOk);
  EXPECT_EQ(engine_.last_abort(), AbortReason::kNone);
}

TEST(SandboxTimeTest, TimeBudgetUsesTheInjectedClock) {
  int64_t clock = 0;
  EngineOptions options = testing::TestOptions(&clock);
  options.limits.instruction_limit = 0;
  options.limits.time_limit_ms = 50;
  options.now_ms = [&clock] { return clock++; };  // one ms per hook tick
  LuaEngine engine(std::move(options));
  ScriptFlags flags;
  std::string error;
  const FunctionRef fn = engine.Compile("while true do end", &flags, &error);
  testing::FakeStore store;
  testing::RespSink sink;
  EXPECT_EQ(engine.Run(fn, std::string(40, 'a'), {}, {}, store, sink), RunStatus::kAborted);
  EXPECT_EQ(sink.out,
            "-ERR Script aborted: exceeded the time limit of 50 ms; its writes were rolled "
            "back\r\n");
  EXPECT_EQ(engine.last_abort(), AbortReason::kTime);
  engine.Release(fn);
}

TEST_F(SandboxTest, MemoryBombsAreAborted) {
  const std::string memory_error =
      "-ERR Script aborted: exceeded the memory limit of 8388608 bytes; its writes were rolled "
      "back\r\n";
  EXPECT_EQ(Eval("return string.rep('x', 1e9)"), memory_error);
  EXPECT_EQ(Eval("return string.rep('x', 2^30)"), memory_error);
  EXPECT_EQ(status_, RunStatus::kAborted);
  EXPECT_EQ(engine_.last_abort(), AbortReason::kMemory);
  EXPECT_EQ(Eval("local t = {} for i = 1, 1e8 do t[i] = i end return #t"), memory_error);
  EXPECT_EQ(Eval("local s = 'x' for i = 1, 40 do s = s .. s end return #s"), memory_error);
  EXPECT_EQ(Eval("local t = {} for i = 1, 1e7 do t[i] = tostring(i) .. 'abcdefgh' end"),
            memory_error);
  // pcall cannot swallow it.
  EXPECT_EQ(Eval("local ok = pcall(string.rep, 'x', 1e9) return 1"), memory_error);
  EXPECT_EQ(Eval("local t = {} while true do pcall(function() t[#t + 1] = {} end) end"),
            memory_error);
  EXPECT_LT(engine_.memory_bytes(), size_t{2} << 20);  // the garbage was collected
  EXPECT_EQ(Eval("return #string.rep('ab', 1000)"), ":2000\r\n");
}

TEST_F(SandboxTest, PatternWorkIsBounded) {
  // Exponential backtracking in C, where the count hook cannot fire.
  EXPECT_NE(Eval("return string.find(string.rep('a', 5000), string.rep('a*', 20) .. 'b')")
                .find("pattern too complex"),
            std::string::npos);
  EXPECT_NE(Eval("return string.find(string.rep('a', 1e6), string.rep('a', 1e5) .. 'b', 1, true)")
                .find("pattern too complex"),
            std::string::npos);
  EXPECT_EQ(Eval("return string.find(string.rep('a', 100), 'a*b')"), "$-1\r\n");
}

TEST_F(SandboxTest, RediShellPatternHasNothingToCall) {
  // CVE-2025-49844's exploit needs collectgarbage and loadstring; both are absent.
  EXPECT_NE(Eval("local s = string.rep('a', 1000) collectgarbage('collect') "
                 "return loadstring(s)")
                .find("nonexistent global variable 'collectgarbage'"),
            std::string::npos);
  EXPECT_NE(Eval("return loadstring(string.rep('a', 100000))")
                .find("nonexistent global variable 'loadstring'"),
            std::string::npos);
  // The only parser a client reaches is EVAL's own compile: memory pressure and garbage first,
  // then a large chunk (650 KB, 50,000 constants), then the same chunk failing at its very end.
  // Under ASan (the CI sanitizer stage) any use-after-free in the parser would abort here.
  EXPECT_EQ(Eval("local t = {} for i = 1, 32 do t[i] = string.rep('x', 65536) .. i end return #t"),
            ":32\r\n");
  std::string chunk = "local t = {";
  for (int i = 0; i < 50000; ++i) chunk += "'aaaaaaaaaa',";
  chunk += "} return #t";
  EXPECT_EQ(Eval(chunk), ":50000\r\n");
  EXPECT_EQ(Eval(chunk + " x"),
            "-ERR Error compiling script (new function): user_script:1: "
            "'<eof>' expected near 'x'\r\n");
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
}

TEST_F(SandboxTest, DeepNestingAndRecursionFailCleanly) {
  const auto nested = [](const char* open, const char* close, int depth, const char* inner = "") {
    std::string s = "return ";
    for (int i = 0; i < depth; ++i) s += open;
    s += inner;
    for (int i = 0; i < depth; ++i) s += close;
    return s;
  };
  const std::string too_deep =
      "-ERR Error compiling script (new function): user_script:1: chunk has too many syntax "
      "levels\r\n";
  EXPECT_EQ(Eval(nested("{", "}", 300)), too_deep);
  EXPECT_EQ(Eval(nested("{", "}", 100000)), too_deep);
  EXPECT_EQ(Eval(nested("(", ")", 300, "1")), too_deep);
  EXPECT_EQ(Eval(nested("{", "}", 150)).substr(0, 8), "*1\r\n*1\r\n");
  EXPECT_EQ(ErrorOf("local function f(n) return f(n + 1) + 1 end return f(1)"),
            "-ERR user_script:1: stack overflow");
  EXPECT_EQ(ErrorOf("local t = setmetatable({}, {__index = function(t, k) return t[k] end}) "
                    "return t.x"),
            "-ERR user_script:1: C stack overflow");
  // A tail call reuses its frame: only the budget stops it.
  EXPECT_EQ(Eval("local function f(n) return f(n + 1) end return f(1)"),
            "-ERR Script aborted: exceeded the limit of 5000000 Lua instructions; its writes "
            "were rolled back\r\n");
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
}

}  // namespace
}  // namespace locknode::script
