#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/server_process.h"

// Differential testing: the same raw bytes go to a real redis-server (the reference) and to
// locknode (the subject), each over a fresh connection per case, and the reply bytes must be
// identical. Cases are data (DiffCase tables in tests/compat/diff/*_test.cc).
//
// Harness self-check: LOCKNODE_DIFF_SUBJECT=redis makes the subject a second redis-server, so
// every table must pass trivially; a failure then is a harness or table bug, not a server bug.
namespace locknode::test {

// How one reply is compared. Everything is exact unless a case says why it cannot be.
enum class Compare {
  kExact,
  // Both integers within `tolerance` plus the measured skew (remaining TTLs depend on elapsed
  // time; see RunCase); negative values (-1 no TTL, -2 no key) must still match exactly.
  kIntTolerance,
  // HELLO's map: the `id` (connection counter) and `version` (7.0.15 vs locknode's) values are
  // replaced by placeholders; every other byte, including the map/array header, must match.
  kHello,
  // Only the RESP type byte must match (CLIENT ID: both integers, different counters).
  kTypeOnly,
  // An aggregate whose elements may come in any order (a hashtable-encoded hash's HGETALL,
  // HKEYS, HVALS: Redis's dict order): the header must match exactly and the elements, taken in
  // groups of `group` (2 for field/value pairs), must be the same multiset, byte for byte.
  kUnordered,
  // A MONITOR line: its timestamp and the client's port differ by nature, so
  // "+<sec>.<usec> [0 127.0.0.1:<port>]" is masked; "[0 lua]" and every argument must match.
  kMonitor,
};

struct DiffStep {
  std::string request;  // raw bytes sent in one write
  int replies = 1;      // replies to read; 0 when the server must stay silent (empty line, *0)
  Compare compare = Compare::kExact;
  int64_t tolerance = 0;  // kIntTolerance: allowed difference before the measured skew is added
  int64_t unit_ms = 1;    // kIntTolerance: the reply's unit (1 for PTTL, 1000 for TTL)
  // False for a step that sets no TTL (e.g. a script that only burns time): its duration then
  // does not widen the skew allowed to later TTL replies (see DiffTest::RunCase).
  bool may_set_ttl = true;
  int group = 1;  // kUnordered: elements per unit
  // Which of the case's connections sends and reads (0: the main one; others are opened on
  // first use, e.g. a publisher beside a subscriber). An empty request only reads, e.g. the
  // messages a PUBLISH on another connection pushed to this one.
  int conn = 0;
  // >= 0: after this step, wait until both servers report this many blocked_clients (INFO
  // clients), so a later step on another connection surely runs after a blocking command
  // blocked. Not compared: a server that never gets there fails the case.
  int await_blocked = -1;
  // >= 0: "{id}" in `request` becomes that connection's CLIENT ID on each server (the two
  // servers number clients differently), e.g. CLIENT UNBLOCK of a blocked connection. The
  // harness asks each such connection for its id right after opening it.
  int id_of = -1;
};

// A multibulk command built from arguments.
DiffStep Cmd(const std::vector<std::string>& args);
// Raw bytes (inline commands, malformed protocol), expecting `replies` replies.
DiffStep Raw(const std::string& bytes, int replies = 1);
// Cmd whose integer reply, in units of `unit_ms`, may differ by `tolerance` plus the skew the
// harness measured around this case (see DiffTest::RunCase).
DiffStep Approx(const std::vector<std::string>& args, int64_t tolerance, int64_t unit_ms = 1);

// Remaining TTLs. Both servers truncate to whole milliseconds, so a PTTL may differ by 1 ms
// beyond the measured skew; TTL rounds to seconds, so a ms of skew can flip it by 1 s.
inline constexpr int64_t kPttlSlackMs = 1;
inline constexpr int64_t kTtlSlackS = 1;
// PTTL / TTL of `key`, compared within the slack above plus the measured skew.
DiffStep Pttl(const std::string& key = "k");
DiffStep Ttl(const std::string& key = "k");
// A command whose integer reply is a remaining PTTL (a script returning one).
DiffStep ApproxPttl(const std::vector<std::string>& args);
// Unix time `ms` milliseconds / `s` seconds from now, as PXAT / EXAT arguments.
std::string NowPlusMs(int64_t ms);
std::string NowPlusS(int64_t s);
// `step`, marked as setting no TTL (DiffStep::may_set_ttl).
DiffStep NoTtl(DiffStep step);
// `step` sent and read on connection `conn` of the case (DiffStep::conn).
DiffStep On(int conn, DiffStep step);
// Sends a blocking command on `conn`, reads nothing, and waits until `blocked` clients are
// blocked on both servers (DiffStep::await_blocked); Expect(conn, 1) reads the reply later.
DiffStep Blocks(int conn, const std::vector<std::string>& args, int blocked = 1);
// CLIENT UNBLOCK <id of `target`> [reason], sent on `conn` (DiffStep::id_of).
DiffStep UnblockOf(int conn, int target, const std::string& reason = "");
// Reads `replies` more replies on `conn` without sending anything (pushed messages).
DiffStep Expect(int conn, int replies);
// Cmd compared with Compare::kHello.
DiffStep Hello(const std::vector<std::string>& args);
// Cmd compared with Compare::kTypeOnly.
DiffStep TypeOnly(const std::vector<std::string>& args);
// Reads `replies` MONITOR lines on `conn`, compared with Compare::kMonitor.
DiffStep MonitorLines(int conn, int replies);
// Replaces a MONITOR line's timestamp and port by placeholders (see Compare::kMonitor).
std::string NormalizeMonitorLine(const std::string& reply);
// Cmd compared with Compare::kUnordered, elements in groups of `group`.
DiffStep Unordered(const std::vector<std::string>& args, int group = 1);

struct DiffCase {
  std::string name;
  std::vector<DiffStep> steps;
};

// Keys the tables may use; they are deleted (in db 0) before every case so cases are independent
// and can run in any order.
inline const std::vector<std::string> kDiffKeys = {"k", "k2", "k3", "lock"};

// Replaces HELLO's id and version values by placeholders (see Compare::kHello).
std::string NormalizeHello(const std::string& reply);

// Starts both servers once per test suite and runs case tables against them.
class DiffTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartServers({}); }
  static void TearDownTestSuite();
  // Starts the reference and the subject with the same extra arguments. A fixture that needs
  // options (e.g. --requirepass) defines its own SetUpTestSuite calling this. `password` is used
  // by the harness's own cleanup connection.
  static void StartServers(const std::vector<std::string>& args, const std::string& password = "");
  void SetUp() override;

  // Runs every case; each mismatch is an EXPECT failure that shows both byte strings escaped.
  // Prints a summary line with how many cases and replies were compared, and the largest TTL
  // difference seen against the largest allowance the measured skew gave.
  void RunTable(const std::string& table, const std::vector<DiffCase>& cases);

 private:
  struct Tally {
    int compared = 0;
    int64_t ttl_steps = 0;      // kIntTolerance replies compared (both non-negative)
    int64_t max_ttl_diff = 0;   // largest |reference - subject| among them (reply units)
    int64_t max_allowance = 0;  // largest allowance given (tolerance + measured skew)
    double max_skew_ms = 0;     // largest measured skew (ms)
  };
  // Mismatch descriptions for one case (empty when identical).
  std::vector<std::string> RunCase(const DiffCase& c, Tally* tally);

  // Owned; raw pointers because statics must be trivially destructible (Google style).
  static ServerProcess* reference_;
  static ServerProcess* subject_;
  static std::string* setup_error_;
  static std::string* password_;
};

}  // namespace locknode::test
