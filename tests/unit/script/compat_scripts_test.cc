// Every lock-library script of COMPAT.md §2, byte for byte, run against the fake store.
#include "support/compat_scripts.h"

#include <string>

#include <gtest/gtest.h>

#include "locknode/base/sha1.h"

#include "script_test_util.h"

namespace locknode::script {
namespace {

using testdata::CompatScript;
using testdata::kCompatScripts;
using testing::ScriptFixture;

const CompatScript& Script(std::string_view name) {
  for (const CompatScript& s : kCompatScripts) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no script " << name;
  return kCompatScripts[0];
}

class CompatScriptsTest : public ScriptFixture {
 protected:
  std::string Run(std::string_view name, std::vector<std::string_view> keys,
                  std::vector<std::string_view> argv) {
    return Eval(Script(name).body, std::move(keys), std::move(argv));
  }
};

TEST_F(CompatScriptsTest, ShasMatchWhatLibrariesSend) {
  for (const CompatScript& s : kCompatScripts) {
    EXPECT_EQ(Sha1Hex(s.body), s.sha) << s.name;
  }
  EXPECT_EQ(Script("redispy_release").sha, "c3f8721cbb97f72bc19e972846bd7aaf91901658");
  EXPECT_EQ(Script("redsync_delete").sha, "e950836ed1e694540c503ef9972b8de518044d3b");
  EXPECT_EQ(Script("redlockrb_unlock").sha, "8e4905cee18e7c3188d10f2b8b170e403baed34f");
}

TEST_F(CompatScriptsTest, AllCompileAndAreCachedUnderTheirSha) {
  for (const CompatScript& s : kCompatScripts) {
    std::string error;
    const ScriptEntry* e = cache_.Intern(s.body, &error);
    ASSERT_NE(e, nullptr) << s.name << ": " << error;
    EXPECT_EQ(e->sha, s.sha);
    EXPECT_EQ(cache_.Find(s.sha), e);
  }
}

TEST_F(CompatScriptsTest, RedisPyLock) {
  EXPECT_EQ(Run("redispy_release", {"lk"}, {"tok"}), ":0\r\n");
  Put("lk", "other");
  EXPECT_EQ(Run("redispy_release", {"lk"}, {"tok"}), ":0\r\n");
  Put("lk", "tok", 5000);
  EXPECT_EQ(Run("redispy_reacquire", {"lk"}, {"tok", "9000"}), ":1\r\n");
  EXPECT_EQ(*store_.data["lk"].deadline, store_.now + 9000);
  // extend adds to the remaining TTL: ARGV[2] + expiration is a Lua number ("%.17g" -> "9500").
  EXPECT_EQ(Run("redispy_extend", {"lk"}, {"tok", "500", "0"}), ":1\r\n");
  EXPECT_EQ(store_.calls.back(), (std::vector<std::string>{"pexpire", "lk", "9500"}));
  EXPECT_EQ(Run("redispy_extend", {"lk"}, {"tok", "700", "1"}), ":1\r\n");
  EXPECT_EQ(*store_.data["lk"].deadline, store_.now + 700);
  EXPECT_EQ(Run("redispy_release", {"lk"}, {"tok"}), ":1\r\n");
  EXPECT_FALSE(store_.data.contains("lk"));
  Put("lk", "tok");
  EXPECT_EQ(Run("redispy_extend", {"lk"}, {"tok", "500", "0"}), ":0\r\n");  // no TTL: -1 < 0
}

TEST_F(CompatScriptsTest, RedlockV4AndV5) {
  for (const auto& [lock, unlock, extend] :
       {std::tuple{"redlock4_lock", "redlock4_unlock", "redlock4_extend"},
        std::tuple{"redlock5_acquire", "redlock5_release", "redlock5_extend"}}) {
    store_.data.clear();
    EXPECT_EQ(Run(lock, {"a", "b"}, {"v", "1000"}), ":2\r\n");
    EXPECT_EQ(Run(lock, {"a", "c"}, {"w", "1000"}), ":0\r\n");
    EXPECT_EQ(Run(extend, {"a", "b"}, {"v", "3000"}), ":2\r\n");
    EXPECT_EQ(*store_.data["a"].deadline, store_.now + 3000);
    EXPECT_EQ(Run(extend, {"a", "c"}, {"v", "3000"}), ":0\r\n");
    EXPECT_EQ(Run(unlock, {"a", "b", "c"}, {"v"}), ":2\r\n");
    EXPECT_TRUE(store_.data.empty());
  }
}

TEST_F(CompatScriptsTest, SesameSelectPrefix) {
  EXPECT_EQ(Run("sesame_db_select", {}, {"0"}), "$-1\r\n");
  EXPECT_EQ(store_.calls.back(), (std::vector<std::string>{"SELECT", "0"}));
  EXPECT_EQ(Run("sesame_db_select", {}, {"3"}), "$-1\r\n");  // the error table is ignored
}

TEST_F(CompatScriptsTest, RedisSemaphoreMutex) {
  Put("m", "id");
  EXPECT_EQ(Run("semaphore_refresh", {"m"}, {"id", "10000"}), ":1\r\n");
  EXPECT_EQ(Run("semaphore_refresh", {"m"}, {"other", "10000"}), ":0\r\n");
  EXPECT_EQ(Run("semaphore_release", {"m"}, {"other"}), ":0\r\n");
  EXPECT_EQ(Run("semaphore_release", {"m"}, {"id"}), ":1\r\n");
}

TEST_F(CompatScriptsTest, RedlockUniversal) {
  Put("k", "v", 2000);
  EXPECT_EQ(Run("universal_inspect", {"k"}, {}), "*2\r\n$1\r\nv\r\n:2000\r\n");
  EXPECT_EQ(Run("universal_atomic_extend", {"k"}, {"v", "100", "5000"}), "*2\r\n:1\r\n:2000\r\n");
  EXPECT_EQ(Run("universal_atomic_extend", {"k"}, {"x", "100", "5000"}), "*2\r\n:-1\r\n:5000\r\n");
  EXPECT_EQ(Run("universal_atomic_extend", {"nope"}, {"x", "100", "5000"}), "*2\r\n:-1\r\n:-2\r\n");
  EXPECT_EQ(Run("universal_extend", {"k"}, {"v", "700"}), ":1\r\n");
  EXPECT_EQ(Run("universal_delete", {"k"}, {"x"}), ":0\r\n");
  EXPECT_EQ(Run("universal_delete", {"k"}, {"v"}), ":1\r\n");
  EXPECT_EQ(Run("universal_inspect", {"k"}, {}), "$-1\r\n");
  EXPECT_EQ(Run("universal_batch_acquire", {"a", "b"}, {"1", "2", "900"}), "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Run("universal_batch_acquire", {"c", "b"}, {"1", "2", "900"}),
            "*3\r\n:0\r\n:2\r\n$1\r\nb\r\n");
}

TEST_F(CompatScriptsTest, Redsync) {
  EXPECT_EQ(Run("redsync_delete", {"r"}, {"v"}), ":-1\r\n");
  Put("r", "w");
  EXPECT_EQ(Run("redsync_delete", {"r"}, {"v"}), ":0\r\n");
  EXPECT_EQ(Run("redsync_touch", {"r"}, {"v", "8000"}), ":0\r\n");
  EXPECT_EQ(Run("redsync_touch", {"r"}, {"w", "8000"}), ":1\r\n");
  EXPECT_EQ(Run("redsync_delete", {"r"}, {"w"}), ":1\r\n");
  EXPECT_EQ(Run("redsync_touch_setnx", {"r"}, {"v", "8000"}), ":1\r\n");
  EXPECT_EQ(store_.data["r"].data, "v");
  EXPECT_EQ(Run("redsync_touch_setnx", {"r"}, {"x", "8000"}), ":0\r\n");
}

TEST_F(CompatScriptsTest, RedlockRbAndRedLockNet) {
  EXPECT_EQ(Run("redlockrb_pttl", {"k"}, {}), "*2\r\n$-1\r\n:-2\r\n");
  EXPECT_EQ(Run("redlockrb_lock", {"k"}, {"v", "1000", "no"}), "$-1\r\n");
  EXPECT_EQ(Run("redlockrb_lock", {"k"}, {"v", "1000", "yes"}), "+OK\r\n");
  EXPECT_EQ(Run("redlockrb_lock", {"k"}, {"v", "2000", "no"}), "+OK\r\n");
  EXPECT_EQ(Run("redlockrb_pttl", {"k"}, {}), "*2\r\n$1\r\nv\r\n:2000\r\n");
  EXPECT_EQ(Run("redlockrb_unlock", {"k"}, {"v"}), ":1\r\n");
  EXPECT_EQ(Run("redlocknet_extend", {"k"}, {"v", "1000"}), ":1\r\n");  // re-created
  EXPECT_EQ(Run("redlocknet_extend", {"k"}, {"v", "1000"}), ":1\r\n");
  EXPECT_EQ(Run("redlocknet_extend", {"k"}, {"x", "1000"}), ":-1\r\n");
  EXPECT_EQ(Run("redlocknet_unlock", {"k"}, {"v"}), ":1\r\n");
}

TEST_F(CompatScriptsTest, PotteryBsmAndOthers) {
  Put("k", "v", 3000);
  EXPECT_EQ(Run("pottery_locked", {"k"}, {"v"}), ":3000\r\n");
  EXPECT_EQ(Run("pottery_extend", {"k"}, {"v", "9000"}), ":1\r\n");
  EXPECT_EQ(Run("bsm09_pttl", {"k"}, {"v"}), ":9000\r\n");
  EXPECT_EQ(Run("bsm09_pttl", {"k"}, {"x"}), ":-3\r\n");
  EXPECT_EQ(Run("bsm09_refresh", {"k"}, {"v", "100"}), ":1\r\n");
  EXPECT_EQ(Run("bsm10_release", {"k"}, {"v"}), "+OK\r\n");
  EXPECT_EQ(Run("bsm09_obtain", {"k"}, {"v", "1", "100"}), "+OK\r\n");
  EXPECT_EQ(Run("pottery_release", {"k"}, {"v"}), ":1\r\n");
  Put("k", "v");
  EXPECT_EQ(Run("redlockpy_release", {"k"}, {"v"}), ":1\r\n");
  Put("k", "v");
  EXPECT_EQ(Run("php_ronnylt_release", {"k"}, {"v"}), ":1\r\n");
  Put("k", "v");
  EXPECT_EQ(Run("php_reactphp_release", {"k"}, {"v"}), ":1\r\n");
  // Semaphore acquire needs sorted sets: the fake store reports an unknown command.
  EXPECT_NE(Run("semaphore_acquire", {"s"}, {"2", "id", "1000", "5"})
                .find("Unknown Redis command called from script"),
            std::string::npos);
}

}  // namespace
}  // namespace locknode::script
