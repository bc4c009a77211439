#include "locknode/script/fast_path.h"

#include <string>

#include <gtest/gtest.h>

#include "support/compat_scripts.h"

namespace locknode::script {
namespace {

using testdata::kCompatScripts;

TEST(FastPathTest, ClassifiesEveryCompatScriptAsExpected) {
  for (const auto& s : kCompatScripts) {
    const FastPath fp = ClassifyScript(s.body);
    EXPECT_EQ(fp.kind, s.kind) << s.name << " matched " << fp.library;
    if (fp.kind == FastPathKind::kCompareAndPexpire) {
      EXPECT_EQ(fp.token_arg, 0) << s.name;
      EXPECT_EQ(fp.ttl_arg, 1) << s.name;
      EXPECT_EQ(fp.min_argv, 2) << s.name;
    } else if (fp.kind != FastPathKind::kNone) {
      EXPECT_EQ(fp.token_arg, 0) << s.name;
      EXPECT_EQ(fp.min_argv, 1) << s.name;
    }
  }
}

TEST(FastPathTest, SpellingVariantsOfTheCanonicalRelease) {
  for (const char* body : {
           "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"del\",KEYS[1]) "
           "else return 0 end",
           "if redis.call('GET', KEYS[1]) == ARGV[1] then\n  return redis.call('DEL', KEYS[1])\n"
           "else\n  return 0\nend\n",
           "-- release\nif redis.call([[get]], KEYS[1]) == ARGV[1] then return "
           "redis.call(\"Del\", KEYS[1]) else return 0 end -- done",
           "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]); "
           "else return 0; end",
           "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
           "else return 0.0 end",
           "--[[ long\ncomment ]] if redis.call('\\103et', KEYS[1]) == ARGV[1] then return "
           "redis.call('del', KEYS[1]) else return 0 end",
       }) {
    EXPECT_EQ(ClassifyScript(body).kind, FastPathKind::kCompareAndDelete) << body;
  }
  // Local names do not matter.
  EXPECT_EQ(ClassifyScript("local t = redis.call('get', KEYS[1]) if not t or t ~= ARGV[1] then "
                           "return 0 end redis.call('del', KEYS[1]) return 1")
                .kind,
            FastPathKind::kCompareAndDelete);
  EXPECT_EQ(ClassifyScript("local k = KEYS[1] local id = ARGV[1] local ttl = ARGV[2] local v = "
                           "redis.call('get', k) if v == id then redis.call('pexpire', k, ttl) "
                           "return 1 end return 0")
                .kind,
            FastPathKind::kCompareAndPexpire);
}

TEST(FastPathTest, NearMissesAreNotClassified) {
  for (const char* body : {
           // Returns something else.
           "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
           "else return 2 end",
           "if redis.call('get', KEYS[1]) == ARGV[1] then return 1 else return 0 end",
           // Compares another argument or key.
           "if redis.call('get', KEYS[1]) == ARGV[2] then return redis.call('del', KEYS[1]) "
           "else return 0 end",
           "if redis.call('get', KEYS[2]) == ARGV[1] then return redis.call('del', KEYS[1]) "
           "else return 0 end",
           // Different comparison or command.
           "if redis.call('get', KEYS[1]) ~= ARGV[1] then return redis.call('del', KEYS[1]) "
           "else return 0 end",
           "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('unlink', KEYS[1]) "
           "else return 0 end",
           "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], "
           "ARGV[2]) else return 0 end",
           // Case matters outside command names.
           "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
           "else return 0 END",
           // Extra statements.
           "redis.call('set', 'x', 'y') if redis.call('get', KEYS[1]) == ARGV[1] then return "
           "redis.call('del', KEYS[1]) else return 0 end",
           // A shadowed redis table.
           "local redis = redis if redis.call('get', KEYS[1]) == ARGV[1] then return "
           "redis.call('del', KEYS[1]) else return 0 end",
           // redis-py release with the return value changed.
           "local token = redis.call('get', KEYS[1]) if not token or token ~= ARGV[1] then "
           "return 0 end redis.call('del', KEYS[1]) return 2",
           // Does not even tokenise.
           "if redis.call('get, KEYS[1]) == ARGV[1] then",
           "",
       }) {
    EXPECT_EQ(ClassifyScript(body).kind, FastPathKind::kNone) << body;
  }
}

TEST(FastPathTest, NormalFormIgnoresLayoutButNotContent) {
  std::string a, b, c;
  ASSERT_TRUE(NormalizeLua("return  'x' -- c\n", &a));
  ASSERT_TRUE(NormalizeLua("return \"x\"", &b));
  ASSERT_TRUE(NormalizeLua("return 'X'", &c));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_TRUE(NormalizeLua("return 'a b'", &a));
  ASSERT_TRUE(NormalizeLua("return 'a', 'b'", &b));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace locknode::script
