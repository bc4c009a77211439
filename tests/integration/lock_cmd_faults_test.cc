// `locknode lock` under node faults: one node killed while held (the quorum stays, CMD keeps
// running); three of five paused with SIGSTOP (the lock is lost: SIGTERM to CMD by the end of
// its validity, SIGKILL after --kill-after, exit 79); the key deleted on three nodes (a quorum
// answers "not yours": lost at the next extend).
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>

#include "locknode/lockcli/lock_command.h"

#include "integration/lock_cmd_fixture.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kRunTimeout{20000};

// Records the wall-clock ms of the SIGTERM it gets (written whole, then renamed, so the test
// never reads half a file), and ignores it, so SIGKILL must follow. "ready" once trapped.
constexpr char kStubborn[] =
    R"(trap 'date +%s%3N > "$0/term.tmp"; mv "$0/term.tmp" "$0/term"' TERM
       : > "$0/ready"; while :; do sleep 0.05; done)";

// From the -v log, on the supervisor's own clock: the end of the last validity it obtained
// (acquired/extended at +T ms with V ms left: T + V) and when it declared the lock lost.
struct LossTiming {
  long long validity_end = -1, lost = -1;
};
LossTiming ParseLossTiming(const std::string& log) {
  LossTiming t;
  static const std::regex held(R"(\+(\d+)ms (?:acquired|extended)[^\n]*validity (\d+) ms)");
  static const std::regex lost(R"(\+(\d+)ms lock '[^']*' lost)");
  for (std::sregex_iterator it(log.begin(), log.end(), held), end; it != end; ++it) {
    t.validity_end = std::stoll((*it)[1]) + std::stoll((*it)[2]);
  }
  std::smatch m;
  if (std::regex_search(log, m, lost)) t.lost = std::stoll(m[1]);
  return t;
}

TEST_F(LockCmdTest, OneNodeKilledWhileHeldKeepsTheLock) {
  auto run = Lock({"-v", "--ttl", "900"}, "lock:kill", {"sh", "-c", "sleep 2; exit 7"});
  ASSERT_TRUE(WaitHeld("lock:kill", milliseconds(5000))) << run->Output();
  nodes_[0].reset();  // SIGTERM, then SIGKILL if needed: gone for the rest of the run
  // 2 s with a 900 ms TTL: six extend rounds after the loss, each on 4 of 5 nodes.
  EXPECT_EQ(run->Wait(kRunTimeout), 7) << run->Output();
  EXPECT_EQ(run->Output().find("lost"), std::string::npos) << run->Output();
  EXPECT_NE(run->Output().find("extended"), std::string::npos) << run->Output();
  EXPECT_EQ(NodesHolding("lock:kill"), 0);
}

TEST_F(LockCmdTest, ThreeNodesPausedLoseTheLockSigtermThenSigkill) {
  constexpr long long kTtl = 1500, kKillAfter = 700;
  auto run = Lock({"-v", "--ttl", std::to_string(kTtl), "--kill-after", std::to_string(kKillAfter)},
                  "lock:pause", {"sh", "-c", kStubborn, dir_});
  ASSERT_TRUE(WaitFile(dir_ + "/ready", milliseconds(5000))) << run->Output();
  std::this_thread::sleep_for(milliseconds(200));
  const long long stopped_at = WallMs();
  for (int i = 0; i < 3; ++i) nodes_[i]->Signal(SIGSTOP);
  ASSERT_TRUE(WaitFile(dir_ + "/term", milliseconds(kTtl + 2000))) << run->Output();
  const long long term_at = std::stoll(ReadText(dir_ + "/term"));
  const auto code = run->Wait(kRunTimeout);
  const long long exit_at = WallMs();
  for (int i = 0; i < 3; ++i) nodes_[i]->Signal(SIGCONT);
  EXPECT_EQ(code, lockcli::kExitLockLost) << run->Output();
  // The last extend before the pause gave at most TTL - drift of validity: SIGTERM by then
  // (plus 0.5 s of scheduling slack for a loaded CI machine), and not before the pause.
  EXPECT_GE(term_at - stopped_at, 0);
  EXPECT_LE(term_at - stopped_at, kTtl + 500) << run->Output();
  // CMD ignored SIGTERM, so it ran until SIGKILL, --kill-after later.
  EXPECT_GE(exit_at - term_at, kKillAfter - 50) << run->Output();
  EXPECT_NE(run->Output().find("SIGKILL"), std::string::npos) << run->Output();
  // On its own clock, the supervisor declared the loss when the last validity it had ran out:
  // not before (the lock was still ours), and not later than a wake-up's latency after.
  const LossTiming timing = ParseLossTiming(run->Output());
  ASSERT_GT(timing.validity_end, 0) << run->Output();
  EXPECT_GE(timing.lost, timing.validity_end - 1) << run->Output();
  EXPECT_LE(timing.lost, timing.validity_end + 150) << run->Output();
  std::printf(
      "3 of 5 paused: SIGTERM %lld ms after the pause (ttl %lld), exit %lld ms after "
      "SIGTERM (kill-after %lld)\n",
      term_at - stopped_at, kTtl, exit_at - term_at, kKillAfter);
  std::printf("  supervisor clock: validity ended at +%lld ms, loss declared at +%lld ms\n",
              timing.validity_end, timing.lost);
  RecordProperty("pause_to_sigterm_ms", std::to_string(term_at - stopped_at));
}

TEST_F(LockCmdTest, KeyTakenFromAQuorumIsLostAtTheNextExtend) {
  constexpr long long kTtl = 3000;
  auto run = Lock({"-v", "--ttl", std::to_string(kTtl), "--kill-after", "500"}, "lock:gone",
                  {"sh", "-c", kStubborn, dir_});
  ASSERT_TRUE(WaitFile(dir_ + "/ready", milliseconds(5000))) << run->Output();
  const long long deleted_at = WallMs();
  for (size_t i = 0; i < 3; ++i) {
    RespClient c(nodes_[i]->port());
    c.Call({"AUTH", kLockPassword});
    EXPECT_EQ(c.Call({"DEL", "lock:gone"}), ":1\r\n");
  }
  ASSERT_TRUE(WaitFile(dir_ + "/term", milliseconds(kTtl + 2000))) << run->Output();
  const long long term_at = std::stoll(ReadText(dir_ + "/term"));
  EXPECT_EQ(run->Wait(kRunTimeout), lockcli::kExitLockLost) << run->Output();
  // Not at the end of the validity (3 s) but at the next extend round (every TTL/3).
  EXPECT_LE(term_at - deleted_at, kTtl / 3 + 500) << run->Output();
  EXPECT_NE(run->Output().find("no longer holds our token"), std::string::npos) << run->Output();
  std::printf("key deleted on 3 of 5: SIGTERM %lld ms later (extend every %lld ms)\n",
              term_at - deleted_at, kTtl / 3);
}

}  // namespace
}  // namespace locknode::test
