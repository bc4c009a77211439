// Fencing tokens that never go backwards (issue 17, README "Fencing tokens"): a counter matching
// --fencing-keys, taken by INCR before a kill -9, is smaller than the one taken after the
// restart on the same lease file; with the option off (the negative control) the counter starts
// again at 1, below the token already handed out, as on Redis without persistence.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

std::string MakeTempDir() {
  char path[] = "/tmp/locknode-fence-XXXXXX";
  return mkdtemp(path) != nullptr ? path : "";
}

// ":<n>\r\n" -> n; anything else fails the test and returns -1.
int64_t IntegerReply(const std::string& reply) {
  EXPECT_TRUE(reply.size() > 3 && reply[0] == ':') << reply;
  if (reply.size() <= 3 || reply[0] != ':') return -1;
  return std::strtoll(reply.c_str() + 1, nullptr, 10);
}

// INCR, retried while the restart quarantine refuses writes (a lease-file node waits out the
// locks it may have granted before; these tests grant none, so it is short or nothing).
int64_t Incr(RespClient& c, const std::string& key) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string reply;
  do {
    reply = c.Call({"INCR", key});
    if (reply.rfind("-QUARANTINE", 0) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < give_up);
  return IntegerReply(reply);
}

// Two tokens from `key` before a kill -9 and one after the restart, same arguments.
struct Tokens {
  int64_t before = 0;
  int64_t after = 0;
};

Tokens TokensAcrossKill(const std::vector<std::string>& args, const std::string& key) {
  Tokens t;
  auto first = StartOrFail(args);
  if (first == nullptr) return t;
  {
    RespClient c(first->port());
    Incr(c, key);
    t.before = Incr(c, key);
  }
  first->Signal(SIGKILL);
  EXPECT_TRUE(first->WaitForExit(std::chrono::seconds(10)).has_value());
  first.reset();
  auto second = StartOrFail(args);
  if (second == nullptr) return t;
  RespClient c(second->port());
  t.after = Incr(c, key);
  return t;
}

TEST(FencingTest, TokenAfterKillAndRestartIsLarger) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const std::vector<std::string> args = {"--lease-file", dir + "/lease", "--fencing-keys",
                                         "redisson_lock_token:*"};
  const Tokens t = TokensAcrossKill(args, "redisson_lock_token:{orders}");
  EXPECT_GT(t.before, 0);
  EXPECT_GT(t.after, t.before) << "the token went backwards across kill -9";
  // And again: every restart moves the floor up.
  const Tokens t2 = TokensAcrossKill(args, "redisson_lock_token:{orders}");
  EXPECT_GT(t2.before, t.after);
  EXPECT_GT(t2.after, t2.before);
}

TEST(FencingTest, NegativeControlWithoutTheOptionGoesBackwards) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const Tokens t = TokensAcrossKill({"--lease-file", dir + "/lease"}, "redisson_lock_token:x");
  EXPECT_EQ(t.before, 2);
  EXPECT_EQ(t.after, 1) << "expected the counter to restart at 1 without fencing-keys";
}

TEST(FencingTest, OnlyMatchingKeysAndNeedsALeaseFile) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  auto server = StartOrFail({"--lease-file", dir + "/lease", "--fencing-keys", "fence:*"});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  EXPECT_EQ(Incr(c, "plain"), 1);  // not a fencing counter: Redis's semantics exactly
  const int64_t first = Incr(c, "fence:a");
  EXPECT_EQ(first, (int64_t{1} << 40) + 1);  // epoch 1 (a first start), then + 1
  EXPECT_EQ(Incr(c, "fence:a"), first + 1);  // within one run, one at a time
  const StartResult refused = ServerProcess::StartLocknode({"--fencing-keys", "fence:*"});
  EXPECT_EQ(refused.server, nullptr) << "fencing-keys without lease-file must not start";
}

}  // namespace
}  // namespace locknode::test
