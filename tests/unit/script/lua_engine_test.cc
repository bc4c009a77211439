// Replies and error texts, byte for byte against redis-server 7.0.15 (observed with redis-cli
// and a raw socket; the expected strings below are those wire replies).
#include <string>

#include <gtest/gtest.h>

#include "script_test_util.h"

namespace locknode::script {
namespace {

using testing::ScriptFixture;

class LuaEngineTest : public ScriptFixture {};

TEST_F(LuaEngineTest, RuntimeErrorsCarryShaAndLine) {
  EXPECT_EQ(Eval("error('oops')"),
            "-ERR user_script:1: oops script: ecbfd853fb31b2d3e1c05e7dc59c79ae5f9ae363, on "
            "@user_script:1.\r\n");
  EXPECT_EQ(status_, RunStatus::kError);
  EXPECT_EQ(Eval("error(nil)"),
            "-ERR nil script: c402aa49952c86c38f35fb311d54977d08f3bf01, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("error(5)"),
            "-ERR user_script:1: 5 script: 007feaf5de074afe3398416376e34525ad911752, on "
            "@user_script:1.\r\n");
  EXPECT_EQ(Eval("error('boom', 0)"),
            "-ERR boom script: 90724e16396e5864c1184910ba6d7440461cee4f, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("error({err='MY x'})"),
            "-MY x script: 892d3143709ed90870061a291d50ce1f009cd7bf, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("error({err='boom'})"),
            "-boom script: b4008f1a5b8fc868d0c8eace17f627e4976c6595, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("error('a\\nb')"),
            "-ERR user_script:1: a b script: 119790126df3fc201f8f0498095b28c62b174151, on "
            "@user_script:1.\r\n");
  EXPECT_EQ(Eval("local function f()\n  error(\"x\")\nend\nf()"),
            "-ERR user_script:2: x script: 77251dbdae1713e181db63faa8f94fd53dfc17a4, on "
            "@user_script:2.\r\n");
  EXPECT_EQ(Eval("local a = nil; return a.b"),
            "-ERR user_script:1: attempt to index local 'a' (a nil value) script: "
            "a4f98b90454ae717765b45eb6f71312d37f994c6, on @user_script:1.\r\n");
  // Redis 7.0.15 crashes on error({}); we answer with a generic text instead.
  EXPECT_EQ(Eval("error({})").rfind("-ERR unknown error script: ", 0), 0u);
}

TEST_F(LuaEngineTest, CompileErrors) {
  EXPECT_EQ(Eval("return ("),
            "-ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'<eof>'\r\n");
  EXPECT_EQ(Eval("\nreturn ("),
            "-ERR Error compiling script (new function): user_script:2: unexpected symbol near "
            "'<eof>'\r\n");
  EXPECT_EQ(Eval("return \"a\nb"),
            "-ERR Error compiling script (new function): user_script:1: unfinished string near "
            "'\"a'\r\n");
}

TEST_F(LuaEngineTest, Shebang) {
  EXPECT_EQ(Eval("#!lua\nreturn 1"), ":1\r\n");
  EXPECT_EQ(Eval("#!lua flags=no-writes\nreturn 1"), ":1\r\n");
  std::string error;
  const ScriptEntry* e = cache_.Intern("#!lua flags=no-writes,allow-oom\nreturn 2", &error);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->flags.has_shebang);
  EXPECT_TRUE(e->flags.no_writes);
  EXPECT_TRUE(e->flags.allow_oom);
  EXPECT_EQ(Eval("#!foo\nreturn 1"), "-ERR Unexpected engine in script shebang: #!foo\r\n");
  EXPECT_EQ(Eval("#!lua flags=bad\nreturn 1"), "-ERR Unexpected flag in script shebang: bad\r\n");
  EXPECT_EQ(Eval("#!lua name=x\nreturn 1"), "-ERR Unknown lua shebang option: name=x\r\n");
  EXPECT_EQ(Eval("#!lua"), "-ERR Invalid script shebang\r\n");
  EXPECT_EQ(Eval("#!lua\nreturn x"),
            "-ERR user_script:2: Script attempted to access nonexistent global variable 'x' "
            "script: 58b72ca6d006e3bafbb8cc006de4820497ce9cf8, on @user_script:2.\r\n");
}

TEST_F(LuaEngineTest, RedisCallErrors) {
  Put("s", "str");
  EXPECT_EQ(Eval("return redis.call('foo')"),
            "-ERR Unknown Redis command called from script script: "
            "cc78c5a793d041f28ab0f6b117a82d1428ccfd13, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("local a = 1\n\nreturn redis.call(\"nope\")"),
            "-ERR Unknown Redis command called from script script: "
            "c5695903e2bc2828ef64d8b0a583799d66f4e718, on @user_script:3.\r\n");
  EXPECT_EQ(Eval("return redis.call('get')"),
            "-ERR Wrong number of args calling Redis command from script script: "
            "f187dee77f607f7cff00bbabc9df38507582c78d, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.call('get', {})"),
            "-ERR Lua redis lib command arguments must be strings or integers script: "
            "4368e88f98d93af9caf358186e5fbf273374ee91, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.call('auth','x')"),
            "-ERR This Redis command is not allowed from script script: "
            "77dd246f5853174bf6a07731bd82f21f06395120, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.call('incr','s')"),
            "-ERR value is not an integer or out of range script: "
            "c243b9f46db13ba8f69da41b45a77708832babed, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.call()"),
            "-ERR Please specify at least one argument for this redis lib call script: "
            "0a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1.\r\n");
}

TEST_F(LuaEngineTest, RedisPcallReturnsErrorTables) {
  Put("s", "str");
  EXPECT_EQ(Eval("return redis.pcall('foo')"), "-ERR Unknown Redis command called from script\r\n");
  EXPECT_EQ(Eval("return redis.pcall('incr','s')"),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Eval("return redis.pcall()"),
            "-ERR Please specify at least one argument for this redis lib call\r\n");
  EXPECT_EQ(Eval("return redis.pcall(\"get\", \"a\", \"b\")"),
            "-ERR Wrong number of args calling Redis command from script\r\n");
  EXPECT_EQ(Eval("local t = redis.pcall(\"foo\")\nreturn {t.err, type(t)}"),
            "*2\r\n$44\r\nERR Unknown Redis command called from script\r\n$5\r\ntable\r\n");
  // Lua's pcall turns Redis error tables into their message (luaRedisPcall).
  EXPECT_EQ(Eval("local ok, e = pcall(redis.call, \"nope\")\nreturn e"),
            "$44\r\nERR Unknown Redis command called from script\r\n");
  EXPECT_EQ(Eval("return pcall(redis.call, 'foo')"), "$-1\r\n");
  EXPECT_EQ(Eval("return {pcall(error, {})}"), "*2\r\n$-1\r\n*0\r\n");
  EXPECT_EQ(status_, RunStatus::kOk);
}

TEST_F(LuaEngineTest, RedisReplyToLua) {
  Put("k", "v");
  EXPECT_EQ(Eval("return redis.call('ping')"), "+PONG\r\n");
  EXPECT_EQ(Eval("return type(redis.call('ping'))"), "$5\r\ntable\r\n");
  EXPECT_EQ(Eval("return redis.call('ping').ok"), "$4\r\nPONG\r\n");
  EXPECT_EQ(Eval("return redis.call('get', 'missing') == false"), ":1\r\n");
  EXPECT_EQ(Eval("return redis.call('exists', 'k') == 1"), ":1\r\n");
  EXPECT_EQ(Eval("return redis.call('mget', 'k', 'nope', 'k')"),
            "*3\r\n$1\r\nv\r\n$-1\r\n$1\r\nv\r\n");
  EXPECT_EQ(Eval("local t = redis.call('mget', 'k', 'nope') return {#t, t[2] == false}"),
            "*2\r\n:2\r\n:1\r\n");
  EXPECT_EQ(Eval("return redis.pcall('SELECT', tonumber('0'))"), "+OK\r\n");
  EXPECT_EQ(Eval("return redis.call('GET', 'k')"), "$1\r\nv\r\n");
}

// Redis 7.0 formats Lua numbers passed to commands with %.17g (luaArgsToRedisArgv).
TEST_F(LuaEngineTest, NumberArguments) {
  EXPECT_EQ(Eval("redis.call('set','n',0.1) return redis.call('get','n')"),
            "$19\r\n0.10000000000000001\r\n");
  EXPECT_EQ(Eval("redis.call('set','n',1e20) return redis.call('get','n')"), "$5\r\n1e+20\r\n");
  EXPECT_EQ(Eval("redis.call('set','n',7999) return redis.call('get','n')"), "$4\r\n7999\r\n");
  EXPECT_EQ(Eval("redis.call('set','n',-3) return redis.call('get','n')"), "$2\r\n-3\r\n");
}

TEST_F(LuaEngineTest, LuaValueToReply) {
  EXPECT_EQ(Eval("return 3.99"), ":3\r\n");
  EXPECT_EQ(Eval("return -3.99"), ":-3\r\n");
  EXPECT_EQ(Eval("return 0.5"), ":0\r\n");
  EXPECT_EQ(Eval("return -0.0"), ":0\r\n");
  EXPECT_EQ(Eval("return 1/0"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Eval("return 0/0"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Eval("return {1e300}"), "*1\r\n:-9223372036854775808\r\n");
  EXPECT_EQ(Eval("return true"), ":1\r\n");
  EXPECT_EQ(Eval("return false"), "$-1\r\n");
  EXPECT_EQ(Eval("return nil"), "$-1\r\n");
  EXPECT_EQ(Eval("local x = 1"), "$-1\r\n");
  EXPECT_EQ(Eval("return 'x'"), "$1\r\nx\r\n");
  EXPECT_EQ(Eval("return function() end"), "$-1\r\n");
  EXPECT_EQ(Eval("return {1,2,nil,4}"), "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Eval("return {1,false,'x'}"), "*3\r\n:1\r\n$-1\r\n$1\r\nx\r\n");
  EXPECT_EQ(Eval("return {1.5, {2, {3}}, 'a', true}"),
            "*4\r\n:1\r\n*2\r\n:2\r\n*1\r\n:3\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("return {{}}"), "*1\r\n*0\r\n");
  EXPECT_EQ(Eval("return {ok='x', 1}"), "+x\r\n");
  EXPECT_EQ(Eval("return {err='e', ok='x'}"), "-e\r\n");
  EXPECT_EQ(Eval("return {double=1.5}"), "$3\r\n1.5\r\n");
  EXPECT_EQ(Eval("return {double='x'}"), "*0\r\n");
  EXPECT_EQ(Eval("return {1, {double=1.5}}"), "*2\r\n:1\r\n$3\r\n1.5\r\n");
  EXPECT_EQ(Eval("return {map={a=1}}"), "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return true"), ":1\r\n");
  // A self-referencing table stops at the depth limit instead of overflowing the C stack.
  EXPECT_NE(Eval("local t = {} t[1] = t return t").find("-ERR reached lua stack limit"),
            std::string::npos);
}

TEST_F(LuaEngineTest, ErrorAndStatusTables) {
  EXPECT_EQ(Eval("return {err='boom'}"), "-boom\r\n");
  EXPECT_EQ(Eval("return {err='-boom x'}"), "--boom x\r\n");
  EXPECT_EQ(Eval("return {err=''}"), "-\r\n");
  EXPECT_EQ(Eval("return {err=5}"), "*0\r\n");
  EXPECT_EQ(Eval("return {ok=5}"), "*0\r\n");
  EXPECT_EQ(Eval("return {ok='a\\r\\nb'}"), "+a  b\r\n");
  EXPECT_EQ(Eval("return {err='a\\r\\nb'}"), "-a  b\r\n");
  EXPECT_EQ(Eval("return {err='NOSCRIPT x'}"), "-NOSCRIPT x\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('boom')"), "-ERR boom\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('MY boom')"), "-MY boom\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('-X y')"), "-X y\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('')"), "-ERR \r\n");
  EXPECT_EQ(Eval("return redis.error_reply('x\\ny')"), "-ERR x y\r\n");
  EXPECT_EQ(Eval("return redis.error_reply()"), "-ERR wrong number or type of arguments\r\n");
  EXPECT_EQ(Eval("return redis.status_reply('FINE')"), "+FINE\r\n");
  EXPECT_EQ(Eval("return redis.status_reply('')"), "+\r\n");
  EXPECT_EQ(Eval("return redis.status_reply()"), "-ERR wrong number or type of arguments\r\n");
}

TEST_F(LuaEngineTest, RedisApiHelpers) {
  EXPECT_EQ(Eval("return redis.sha1hex('')"),
            "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n");
  EXPECT_EQ(Eval("return redis.sha1hex()"),
            "-ERR wrong number of arguments script: 3c7ce947ae74a835cc575b6ee87fb27503cb7ba4, on "
            "@user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.replicate_commands()"), ":1\r\n");
  EXPECT_EQ(Eval("return redis.set_repl(redis.REPL_ALL)"), "$-1\r\n");
  EXPECT_EQ(Eval("return redis.setresp(3)"), "$-1\r\n");
  EXPECT_EQ(Eval("return redis.REDIS_VERSION"), "$5\r\n8.4.0\r\n");
  EXPECT_EQ(Eval("return redis.REDIS_VERSION_NUM"), ":525312\r\n");  // 0x080400
  EXPECT_EQ(Eval("return {redis.REPL_ALL, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, "
                 "redis.REPL_NONE, redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, "
                 "redis.LOG_WARNING}"),
            "*9\r\n:3\r\n:1\r\n:2\r\n:2\r\n:0\r\n:0\r\n:1\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("return redis.setresp(4)"),
            "-ERR RESP version must be 2 or 3. script: 921c0a48021d97dfd5884aeea41875972c7804d9, "
            "on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.setresp()"),
            "-ERR redis.setresp() requires one argument. script: "
            "76da64e28014e7c9ad76db33c3918c53d81a3d7e, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.set_repl(99)"),
            "-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE. "
            "script: fae934173b6296d6836d5d5f52e192640f8897d9, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.log()"),
            "-ERR redis.log() requires two arguments or more. script: "
            "28e28bf25123668ac541f5eec91bf7ad3d2fe0bd, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.log('x','y')"),
            "-ERR First argument must be a number (log level). script: "
            "7eb2c51797b5ba4486062c3780fcd2ba1dfab7c7, on @user_script:1.\r\n");
  EXPECT_EQ(Eval("return redis.log(99,'y')"),
            "-ERR Invalid debug level. script: 73457c4edea5201ebaa5f8079e78c4dc0682e505, on "
            "@user_script:1.\r\n");
}

TEST(LuaEngineLogTest, LogGoesToTheInjectedCallback) {
  int64_t clock = 0;
  EngineOptions options = testing::TestOptions(&clock);
  std::vector<std::pair<int, std::string>> logged;
  options.log = [&](int level, std::string_view msg) { logged.emplace_back(level, msg); };
  LuaEngine engine(std::move(options));
  ScriptFlags flags;
  std::string error;
  const FunctionRef fn =
      engine.Compile("redis.log(redis.LOG_WARNING, 'hi', 42, {}, 'x')", &flags, &error);
  ASSERT_NE(fn, kNoFunction) << error;
  testing::FakeStore store;
  testing::RespSink sink;
  EXPECT_EQ(engine.Run(fn, std::string(40, '0'), {}, {}, store, sink), RunStatus::kOk);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].first, 3);
  EXPECT_EQ(logged[0].second, "hi 42  x");  // Redis skips non-strings but keeps the space
  engine.Release(fn);
}

TEST_F(LuaEngineTest, KeysAndArgv) {
  EXPECT_EQ(Eval("return #KEYS"), ":0\r\n");
  EXPECT_EQ(Eval("return KEYS[1]"), "$-1\r\n");
  EXPECT_EQ(Eval("return {KEYS[1], KEYS[2], ARGV[1]}", {"a", "b"}, {"c"}),
            "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  // Scripts may change their own KEYS table (as in Redis); the next run gets fresh ones.
  EXPECT_EQ(Eval("KEYS[1] = 'z' return KEYS[1]", {"a"}), "$1\r\nz\r\n");
  EXPECT_EQ(Eval("return KEYS[1]", {"a"}), "$1\r\na\r\n");
}

}  // namespace
}  // namespace locknode::script
