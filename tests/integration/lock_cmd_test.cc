// `locknode lock` against five real nodes: mutual exclusion under contention (and the negative
// control without the lock), exit codes, --wait timing, SIGINT forwarded and the lock released.
// The fault scenarios (a node killed, three paused, the key taken away) are in
// lock_cmd_faults_test.cc.
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "locknode/lockcli/lock_command.h"

#include "integration/lock_cmd_fixture.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
constexpr milliseconds kRunTimeout{20000};

// Checks and records that it is alone: mkdir is atomic, so a second process inside at the same
// time fails it and records an overlap. Every entry is logged.
constexpr char kAloneCheck[] =
    R"(d=$1; mkdir "$d/inside" 2>/dev/null || echo overlap >> "$d/overlaps"
       echo $$ >> "$d/entries"; sleep 0.15; rmdir "$d/inside" 2>/dev/null; exit 0)";

int CountLines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

int AttemptsIn(const std::string& output) {
  std::smatch m;
  static const std::regex re(R"(after (\d+) attempt)");
  return std::regex_search(output, m, re) ? std::stoi(m[1]) : -1;
}

constexpr int kContenders = 6;

TEST_F(LockCmdTest, ConcurrentInvocationsNeverOverlap) {
  std::vector<std::unique_ptr<CommandProcess>> runs;
  runs.reserve(kContenders);
  for (int i = 0; i < kContenders; ++i) {
    runs.push_back(Lock({"-v", "--wait", "15000", "--retry-delay", "60", "--ttl", "2000"},
                        "lock:contended", {"sh", "-c", kAloneCheck, "sh", dir_}));
  }
  int attempts = 0;
  for (auto& run : runs) {
    ASSERT_EQ(run->Wait(kRunTimeout), 0) << run->Output();
    ASSERT_GT(AttemptsIn(run->Output()), 0) << run->Output();
    attempts += AttemptsIn(run->Output());
  }
  EXPECT_EQ(CountLines(ReadText(dir_ + "/entries")), kContenders);
  EXPECT_EQ(CountLines(ReadText(dir_ + "/overlaps")), 0) << "two holders were inside at once";
  EXPECT_EQ(NodesHolding("lock:contended"), 0) << "every holder released";
  std::printf("contention: %d invocations, %d acquisition attempts, %d overlaps\n", kContenders,
              attempts, CountLines(ReadText(dir_ + "/overlaps")));
  RecordProperty("attempts", attempts);
}

// Negative control: the same command, same concurrency, without the lock. The checker must
// see overlaps, or the test above proves nothing.
TEST_F(LockCmdTest, WithoutTheLockTheCheckerSeesOverlaps) {
  std::vector<std::unique_ptr<CommandProcess>> runs;
  runs.reserve(kContenders);
  for (int i = 0; i < kContenders; ++i) {
    runs.push_back(CommandProcess::Start({"sh", "-c", kAloneCheck, "sh", dir_}));
  }
  for (auto& run : runs) ASSERT_EQ(run->Wait(kRunTimeout), 0) << run->Output();
  EXPECT_EQ(CountLines(ReadText(dir_ + "/entries")), kContenders);
  const int overlaps = CountLines(ReadText(dir_ + "/overlaps"));
  EXPECT_GT(overlaps, 0);
  std::printf("negative control: %d unlocked invocations, %d overlaps\n", kContenders, overlaps);
}

TEST_F(LockCmdTest, ChildExitCodeEnvironmentAndExecFailures) {
  auto run = Lock({}, "lock:code",
                  {"sh", "-c",
                   R"(test "$LOCKNODE_LOCK_NAME" = lock:code || exit 90
                      test ${#LOCKNODE_LOCK_TOKEN} = 40 || exit 91
                      test "$LOCKNODE_LOCK_TTL_MS" = 10000 || exit 92
                      test "$LOCKNODE_LOCK_VALIDITY_MS" -gt 9000 || exit 93
                      test -z "${LOCKNODE_LOCK_FENCING_TOKEN+set}" || exit 94
                      exit 42)"});
  EXPECT_EQ(run->Wait(kRunTimeout), 42) << run->Output();
  EXPECT_EQ(NodesHolding("lock:code"), 0);

  auto killed = Lock({}, "lock:code", {"sh", "-c", "kill -USR1 $$"});
  EXPECT_EQ(killed->Wait(kRunTimeout), 128 + SIGUSR1) << killed->Output();
  auto missing = Lock({}, "lock:code", {"/nonexistent/command"});
  EXPECT_EQ(missing->Wait(kRunTimeout), lockcli::kExitNotFound) << missing->Output();
  auto usage = Lock({"--ttl", "5"}, "lock:code", {"true"});
  EXPECT_EQ(usage->Wait(kRunTimeout), lockcli::kExitUsage) << usage->Output();
  EXPECT_EQ(NodesHolding("lock:code"), 0);
}

TEST_F(LockCmdTest, WrongPasswordAndDownNodesAreUnreachable) {
  auto wrong =
      CommandProcess::Start({LocknodeBinary(), "lock", "--nodes", nodes_arg_, "n", "--", "true"},
                            {"LOCKNODE_PASSWORD=wrong-password-wrong-password"});
  EXPECT_EQ(wrong->Wait(kRunTimeout), lockcli::kExitNodesUnreachable) << wrong->Output();
  EXPECT_NE(wrong->Output().find("WRONGPASS"), std::string::npos) << wrong->Output();
  // The password from a file works as the environment variable does.
  const std::string pw_file = dir_ + "/password";
  std::ofstream(pw_file) << kLockPassword << "\n";
  auto from_file = CommandProcess::Start({LocknodeBinary(), "lock", "--nodes", nodes_arg_,
                                          "--password-file", pw_file, "n", "--", "true"});
  EXPECT_EQ(from_file->Wait(kRunTimeout), 0) << from_file->Output();
  // Three of five nodes down: no quorum can answer, which is not the same as "held".
  for (int i = 0; i < 3; ++i) nodes_[i].reset();
  auto down = Lock({}, "n", {"true"});
  EXPECT_EQ(down->Wait(kRunTimeout), lockcli::kExitNodesUnreachable) << down->Output();
  EXPECT_NE(down->Output().find("too few nodes answered"), std::string::npos) << down->Output();
}

TEST_F(LockCmdTest, WaitZeroTriesOnceWaitNTriesForNMilliseconds) {
  auto holder = Lock({}, "lock:wait", {"sleep", "4"});
  ASSERT_TRUE(WaitHeld("lock:wait", milliseconds(5000))) << holder->Output();

  auto t0 = steady_clock::now();
  auto once = Lock({"-v"}, "lock:wait", {"true"});
  EXPECT_EQ(once->Wait(kRunTimeout), lockcli::kExitNotAcquired) << once->Output();
  const auto once_ms = std::chrono::duration_cast<milliseconds>(steady_clock::now() - t0);
  EXPECT_NE(once->Output().find("not acquired after 1 attempt"), std::string::npos)
      << once->Output();
  EXPECT_LT(once_ms.count(), 1000);

  t0 = steady_clock::now();
  auto waiting = Lock({"-v", "--wait", "1200"}, "lock:wait", {"true"});
  EXPECT_EQ(waiting->Wait(kRunTimeout), lockcli::kExitNotAcquired) << waiting->Output();
  const auto wait_ms = std::chrono::duration_cast<milliseconds>(steady_clock::now() - t0);
  EXPECT_GE(wait_ms.count(), 1200);
  EXPECT_LT(wait_ms.count(), 2500) << waiting->Output();

  // A waiter that outlasts the holder gets the lock once it is released.
  t0 = steady_clock::now();
  auto patient = Lock({"-v", "--wait", "10000", "--retry-delay", "100"}, "lock:wait", {"true"});
  EXPECT_EQ(patient->Wait(kRunTimeout), 0) << patient->Output();
  EXPECT_EQ(holder->Wait(kRunTimeout), 0);
  std::printf("--wait 0: %lld ms; --wait 1200: %lld ms; patient waiter: %lld ms, %d attempts\n",
              static_cast<long long>(once_ms.count()), static_cast<long long>(wait_ms.count()),
              static_cast<long long>(
                  std::chrono::duration_cast<milliseconds>(steady_clock::now() - t0).count()),
              AttemptsIn(patient->Output()));
}

TEST_F(LockCmdTest, SigintIsForwardedAndTheLockReleased) {
  auto run = Lock(
      {}, "lock:int",
      {"sh", "-c",
       "trap 'echo int > \"$0/int\"; exit 3' INT; : > \"$0/ready\"; while :; do sleep 0.05; done",
       dir_});
  // CMD runs (and has its trap) only once the lock is held.
  ASSERT_TRUE(WaitFile(dir_ + "/ready", milliseconds(5000))) << run->Output();
  EXPECT_GE(NodesHolding("lock:int"), 3);
  run->Signal(SIGINT);
  EXPECT_EQ(run->Wait(kRunTimeout), 3) << run->Output();
  EXPECT_EQ(ReadText(dir_ + "/int"), "int\n");
  EXPECT_EQ(NodesHolding("lock:int"), 0) << "no key left on any node";

  // SIGTERM likewise; a child that dies of it reports 128 + 15.
  auto term = Lock({}, "lock:int", {"sleep", "30"});
  ASSERT_TRUE(WaitHeld("lock:int", milliseconds(5000))) << term->Output();
  term->Signal(SIGTERM);
  EXPECT_EQ(term->Wait(kRunTimeout), 128 + SIGTERM) << term->Output();
  EXPECT_EQ(NodesHolding("lock:int"), 0);
}

}  // namespace
}  // namespace locknode::test
