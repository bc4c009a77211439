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
  // Both integers within `tolerance` (remaining TTLs depend on elapsed time); negative values
  // (-1 no TTL, -2 no key) must still match exactly.
  kIntTolerance,
  // HELLO's map: the `id` (connection counter) and `version` (7.0.15 vs locknode's) values are
  // replaced by placeholders; every other byte, including the map/array header, must match.
  kHello,
  // Only the RESP type byte must match (CLIENT ID: both integers, different counters).
  kTypeOnly,
};

struct DiffStep {
  std::string request;  // raw bytes sent in one write
  int replies = 1;      // replies to read; 0 when the server must stay silent (empty line, *0)
  Compare compare = Compare::kExact;
  int64_t tolerance = 0;
};

// A multibulk command built from arguments.
DiffStep Cmd(const std::vector<std::string>& args);
// Raw bytes (inline commands, malformed protocol), expecting `replies` replies.
DiffStep Raw(const std::string& bytes, int replies = 1);
// Cmd whose integer reply may differ by up to `tolerance`.
DiffStep Approx(const std::vector<std::string>& args, int64_t tolerance);
// Cmd compared with Compare::kHello.
DiffStep Hello(const std::vector<std::string>& args);
// Cmd compared with Compare::kTypeOnly.
DiffStep TypeOnly(const std::vector<std::string>& args);

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
  // Prints a summary line with how many cases and replies were compared.
  void RunTable(const std::string& table, const std::vector<DiffCase>& cases);

 private:
  // Mismatch descriptions for one case (empty when identical).
  std::vector<std::string> RunCase(const DiffCase& c, int* compared);

  // Owned; raw pointers because statics must be trivially destructible (Google style).
  static ServerProcess* reference_;
  static ServerProcess* subject_;
  static std::string* setup_error_;
  static std::string* password_;
};

}  // namespace locknode::test
