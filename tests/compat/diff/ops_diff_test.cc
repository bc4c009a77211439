// Differential cases for the ops commands (src/command/ops_cmds.cc, CONFIG SET of mutable
// options), RESP2 and RESP3. Not compared: SAVE/BGSAVE (redis-server would write and fork),
// WAITAOF (Redis 7.2; the reference is 7.0), LATENCY HELP (Redis lists GRAPH and HISTOGRAM,
// which locknode does not serve), LASTSAVE's value (each server's own start time: type only).
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

// Every case once in RESP2 and once after HELLO 3.
std::vector<DiffCase> BothProtocols(const std::vector<DiffCase>& cases) {
  std::vector<DiffCase> out = cases;
  for (const DiffCase& c : cases) {
    DiffCase resp3{c.name + " (resp3)", {Hello({"HELLO", "3"})}};
    resp3.steps.insert(resp3.steps.end(), c.steps.begin(), c.steps.end());
    out.push_back(resp3);
  }
  return out;
}

class OpsDiffTest : public DiffTest {};

TEST_F(OpsDiffTest, Slowlog) {
  RunTable("slowlog", BothProtocols({
                          {"reset then len", {Cmd({"SLOWLOG", "RESET"}), Cmd({"SLOWLOG", "LEN"})}},
                          {"reset then get", {Cmd({"SLOWLOG", "RESET"}), Cmd({"SLOWLOG", "GET"})}},
                          {"get count", {Cmd({"SLOWLOG", "RESET"}), Cmd({"SLOWLOG", "GET", "5"})}},
                          {"get all", {Cmd({"SLOWLOG", "RESET"}), Cmd({"SLOWLOG", "GET", "-1"})}},
                          {"get below -1", {Cmd({"SLOWLOG", "GET", "-2"})}},
                          {"get not a number", {Cmd({"SLOWLOG", "GET", "x"})}},
                          {"get arity", {Cmd({"SLOWLOG", "GET", "1", "2"})}},
                          {"help", {Cmd({"SLOWLOG", "HELP"})}},
                          {"unknown", {Cmd({"SLOWLOG", "FOO"})}},
                          {"bare", {Cmd({"SLOWLOG"})}},
                          {"len arity", {Cmd({"SLOWLOG", "LEN", "x"})}},
                      }));
}

TEST_F(OpsDiffTest, LatencyMonitorOff) {
  RunTable("latency", BothProtocols({
                          {"latest", {Cmd({"LATENCY", "LATEST"})}},
                          {"history", {Cmd({"LATENCY", "HISTORY", "command"})}},
                          {"history arity", {Cmd({"LATENCY", "HISTORY"})}},
                          {"reset", {Cmd({"LATENCY", "RESET"})}},
                          {"reset named", {Cmd({"LATENCY", "RESET", "command", "fast-command"})}},
                          {"doctor", {Cmd({"LATENCY", "DOCTOR"})}},
                          {"unknown", {Cmd({"LATENCY", "FOO"})}},
                      }));
}

TEST_F(OpsDiffTest, ReplicationPersistenceDebug) {
  RunTable("role-wait-debug", BothProtocols({
                                  {"role", {Cmd({"ROLE"})}},
                                  {"role arity", {Cmd({"ROLE", "x"})}},
                                  {"wait", {Cmd({"WAIT", "0", "0"})}},
                                  {"wait one replica", {Cmd({"WAIT", "1", "10"})}},
                                  {"wait negative", {Cmd({"WAIT", "0", "-1"})}},
                                  {"wait not a number", {Cmd({"WAIT", "x", "0"})}},
                                  {"wait arity", {Cmd({"WAIT", "0"})}},
                                  {"lastsave", {TypeOnly({"LASTSAVE"})}},
                                  {"debug", {Cmd({"DEBUG", "SLEEP", "0"})}},
                                  {"debug object", {Cmd({"DEBUG", "OBJECT", "k"})}},
                                  {"debug arity", {Cmd({"DEBUG"})}},
                              }));
}

TEST_F(OpsDiffTest, ConfigSetMutable) {
  RunTable(
      "config-set",
      BothProtocols({
          {"set and get",
           {Cmd({"CONFIG", "SET", "slowlog-max-len", "100"}),
            Cmd({"CONFIG", "GET", "slowlog-max-len"}),
            Cmd({"CONFIG", "SET", "slowlog-max-len", "128"})}},
          {"two at once",
           {Cmd({"CONFIG", "SET", "slowlog-max-len", "100", "latency-monitor-threshold", "0"}),
            Cmd({"CONFIG", "GET", "slowlog-max-len"}),
            Cmd({"CONFIG", "SET", "slowlog-max-len", "128"})}},
          {"not a number", {Cmd({"CONFIG", "SET", "slowlog-max-len", "abc"})}},
          {"below range", {Cmd({"CONFIG", "SET", "slowlog-max-len", "-5"})}},
          {"slower-than below range", {Cmd({"CONFIG", "SET", "slowlog-log-slower-than", "-5"})}},
          {"threshold below range", {Cmd({"CONFIG", "SET", "latency-monitor-threshold", "-1"})}},
          {"duplicate", {Cmd({"CONFIG", "SET", "slowlog-max-len", "5", "slowlog-max-len", "6"})}},
          {"unknown second",
           {Cmd({"CONFIG", "SET", "slowlog-max-len", "5", "nosuch", "6"}),
            Cmd({"CONFIG", "GET", "slowlog-max-len"})}},
          {"all or nothing",
           {Cmd({"CONFIG", "SET", "slowlog-max-len", "7", "slowlog-log-slower-than", "x"}),
            Cmd({"CONFIG", "GET", "slowlog-max-len"})}},
          {"maxmemory units",
           {Cmd({"CONFIG", "SET", "maxmemory", "10mb"}), Cmd({"CONFIG", "GET", "maxmemory"}),
            Cmd({"CONFIG", "SET", "maxmemory", "0"})}},
          {"resetstat", {Cmd({"CONFIG", "RESETSTAT"})}},
          {"rewrite without a file", {Cmd({"CONFIG", "REWRITE"})}},
          {"help", {Cmd({"CONFIG", "HELP"})}},
      }));
}

}  // namespace
}  // namespace locknode::test

namespace locknode::test {
namespace {

class MemoryDiffTest : public DiffTest {};

// The figures differ (two allocators, two processes), so MEMORY STATS is compared by its reply
// type only here; its field names and order are checked by ops_cmds_test.cc against Redis
// 7.0's list.
TEST_F(MemoryDiffTest, DoctorOnASmallInstanceAndErrors) {
  RunTable("memory", BothProtocols({
                         {"doctor", {Cmd({"MEMORY", "DOCTOR"})}},
                         {"unknown", {Cmd({"MEMORY", "FOO"})}},
                         {"stats arity", {Cmd({"MEMORY", "STATS", "x"})}},
                         {"doctor arity", {Cmd({"MEMORY", "DOCTOR", "x"})}},
                         {"stats type", {TypeOnly({"MEMORY", "STATS"})}},
                     }));
}

}  // namespace
}  // namespace locknode::test
