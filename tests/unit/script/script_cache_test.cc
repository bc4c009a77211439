#include "locknode/script/script_cache.h"

#include <string>

#include <gtest/gtest.h>

#include "locknode/base/sha1.h"

#include "script_test_util.h"

namespace locknode::script {
namespace {

class ScriptCacheTest : public ::testing::Test {
 protected:
  ScriptCacheTest() : engine_(testing::TestOptions(&clock_)) {}
  int64_t clock_ = 0;
  LuaEngine engine_;
};

TEST_F(ScriptCacheTest, InternComputesShaAndCompilesOnce) {
  ScriptCache cache(engine_, CacheLimits{});
  std::string error;
  const ScriptEntry* a = cache.Intern("return 1", &error);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->sha, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(cache.Intern("return 1", &error), a);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 8u);
  EXPECT_EQ(cache.Find("E0E1F9FABFC9D4800C877A703B823AC0578FF8DB"), a);  // case-insensitive
  EXPECT_TRUE(cache.Contains("e0e1f9fabfc9d4800c877a703b823ac0578ff8db"));
  EXPECT_EQ(cache.Find("e0e1f9fabfc9d4800c877a703b823ac0578ff8d"), nullptr);  // 39 chars
  EXPECT_FALSE(cache.Contains("ffffffffffffffffffffffffffffffffffffffff"));
  testing::FakeStore store;
  testing::RespSink sink;
  EXPECT_EQ(engine_.Run(a->fn, a->sha, {}, {}, store, sink), RunStatus::kOk);
  EXPECT_EQ(sink.out, ":1\r\n");
}

TEST_F(ScriptCacheTest, CompileErrorsAreNotCached) {
  ScriptCache cache(engine_, CacheLimits{});
  std::string error;
  EXPECT_EQ(cache.Intern("return (", &error), nullptr);
  EXPECT_EQ(error,
            "ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'<eof>'");
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Contains(Sha1Hex("return (")));
}

TEST_F(ScriptCacheTest, EvictsLeastRecentlyUsed) {
  ScriptCache cache(engine_, CacheLimits{.max_scripts = 3});
  std::string error;
  std::vector<std::string> shas;
  for (int i = 0; i < 3; ++i)
    shas.push_back(cache.Intern("return " + std::to_string(i), &error)->sha);
  ASSERT_NE(cache.Find(shas[0]), nullptr);  // 0 is now the most recent; 1 is the oldest
  cache.Intern("return 3", &error);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_TRUE(cache.Contains(shas[0]));
  EXPECT_FALSE(cache.Contains(shas[1]));
  EXPECT_TRUE(cache.Contains(shas[2]));
}

TEST_F(ScriptCacheTest, ByteLimits) {
  ScriptCache cache(engine_,
                    CacheLimits{.max_scripts = 100, .max_bytes = 20, .max_script_bytes = 16});
  std::string error;
  EXPECT_EQ(cache.Intern("return 'this is too long'", &error), nullptr);
  EXPECT_EQ(error, "ERR script is larger than lua-max-script-bytes (16 bytes)");
  ASSERT_NE(cache.Intern("return 11111", &error), nullptr);  // 12 bytes
  ASSERT_NE(cache.Intern("return 22222", &error), nullptr);  // 24 > 20: evicts the first
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 12u);
}

TEST_F(ScriptCacheTest, FlushDropsEverythingAndFreesMemory) {
  const size_t before = engine_.memory_bytes();
  {
    ScriptCache cache(engine_, CacheLimits{});
    std::string error;
    for (int i = 0; i < 200; ++i) {
      ASSERT_NE(cache.Intern(
                    "local t = {} for i = 1, 10 do t[i] = " + std::to_string(i) + " end return t",
                    &error),
                nullptr);
    }
    EXPECT_GT(engine_.memory_bytes(), before + 10000);
    cache.Flush();
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.bytes(), 0u);
    EXPECT_LT(engine_.memory_bytes(), before + 16384);  // string table, registry free list
  }
}

TEST_F(ScriptCacheTest, ClassifiesOnInsertion) {
  ScriptCache cache(engine_, CacheLimits{});
  std::string error;
  const ScriptEntry* e = cache.Intern(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else "
      "return 0 end",
      &error);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->fast_path.kind, FastPathKind::kCompareAndDelete);
  EXPECT_EQ(cache.Intern("return 1", &error)->fast_path.kind, FastPathKind::kNone);
}

}  // namespace
}  // namespace locknode::script
