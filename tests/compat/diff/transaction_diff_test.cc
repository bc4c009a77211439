// Differential cases for MULTI/EXEC/DISCARD/WATCH/UNWATCH against redis-server 7.0, RESP2 and
// RESP3, on up to three connections per case (WATCH is about other clients' writes), plus
// seeded random interleavings of transactions, watches, writes and expiries.
#include <random>
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

// Burns a few milliseconds inside a script (a PX 1 key set before it is surely expired after).
DiffStep Burn(int conn = 0) {
  return On(conn,
            NoTtl(Cmd({"EVAL", "local x = 0 for i = 1, 3000000 do x = x + i end return 0", "0"})));
}

// One write holding several commands (a client pipelining its transaction).
DiffStep Pipelined(const std::vector<std::vector<std::string>>& commands) {
  std::string bytes;
  for (const auto& c : commands) bytes += Cmd(c).request;
  return Raw(bytes, static_cast<int>(commands.size()));
}

// The same case with every connection it uses switched to RESP3 first.
std::vector<DiffCase> WithResp3(const std::vector<DiffCase>& cases) {
  std::vector<DiffCase> out = cases;
  for (const DiffCase& c : cases) {
    int used = 1;
    for (const DiffStep& s : c.steps) used = std::max(used, s.conn + 1);
    DiffCase r{"resp3 " + c.name, {}};
    for (int i = 0; i < used; ++i) r.steps.push_back(On(i, Hello({"HELLO", "3"})));
    r.steps.insert(r.steps.end(), c.steps.begin(), c.steps.end());
    out.push_back(std::move(r));
  }
  return out;
}

class TransactionDiffTest : public DiffTest {};

TEST_F(TransactionDiffTest, MultiExecDiscard) {
  RunTable(
      "multi-exec",
      WithResp3({
          {"empty", {Cmd({"MULTI"}), Cmd({"EXEC"})}},
          {"queued in order",
           {Cmd({"MULTI"}), Cmd({"SET", "k", "v"}), Cmd({"GET", "k"}), Cmd({"GET", "k2"}),
            Cmd({"DEL", "k2"}), Cmd({"PTTL", "k"}), Cmd({"EXEC"}), Cmd({"GET", "k"})}},
          {"nothing runs before exec",
           {Cmd({"MULTI"}), Cmd({"SET", "k", "v"}), On(1, Cmd({"GET", "k"})), Cmd({"EXEC"}),
            On(1, Cmd({"GET", "k"}))}},
          {"pipelined multi set del exec",
           {Cmd({"SET", "k2", "x"}),
            Pipelined({{"MULTI"}, {"SET", "k", "v"}, {"DEL", "k2"}, {"EXEC"}}),
            Cmd({"MGET", "k", "k2"})}},
          {"pipelined with a queuing error",
           {Pipelined({{"MULTI"}, {"SET", "k", "v"}, {"DEL"}, {"EXEC"}, {"GET", "k"}})}},
          {"exec without multi", {Cmd({"EXEC"})}},
          {"discard without multi", {Cmd({"DISCARD"})}},
          {"discard",
           {Cmd({"MULTI"}), Cmd({"SET", "k", "v"}), Cmd({"DISCARD"}), Cmd({"GET", "k"}),
            Cmd({"EXEC"})}},
          {"nested multi", {Cmd({"MULTI"}), Cmd({"MULTI"}), Cmd({"SET", "k", "v"}), Cmd({"EXEC"})}},
          {"watch inside multi", {Cmd({"MULTI"}), Cmd({"WATCH", "k"}), Cmd({"EXEC"})}},
          {"unwatch is queued", {Cmd({"MULTI"}), Cmd({"UNWATCH"}), Cmd({"EXEC"})}},
          {"arity error aborts",
           {Cmd({"MULTI"}), Cmd({"SET", "k"}), Cmd({"SET", "k", "v"}), Cmd({"EXEC"}),
            Cmd({"GET", "k"})}},
          {"unknown command aborts",
           {Cmd({"MULTI"}), Cmd({"NOSUCH", "a"}), Cmd({"PING"}), Cmd({"EXEC"})}},
          {"unknown subcommand aborts", {Cmd({"MULTI"}), Cmd({"CLIENT", "NOSUCH"}), Cmd({"EXEC"})}},
          {"watch arity inside multi aborts", {Cmd({"MULTI"}), Cmd({"WATCH"}), Cmd({"EXEC"})}},
          {"no-multi command aborts", {Cmd({"MULTI"}), Cmd({"SHUTDOWN"}), Cmd({"EXEC"})}},
          {"runtime errors are per command",
           {Cmd({"SET", "k", "v"}), Cmd({"MULTI"}), Cmd({"PEXPIRE", "k", "abc"}),
            Cmd({"SET", "k", "v", "EX", "0"}), Cmd({"SET", "k", "v", "NX", "XX"}),
            Cmd({"SELECT", "1"}), Cmd({"GET", "k"}), Cmd({"EXEC"})}},
          {"arity of the transaction commands",
           {Cmd({"MULTI", "x"}), Cmd({"EXEC", "x"}), Cmd({"DISCARD", "x"}), Cmd({"WATCH"}),
            Cmd({"UNWATCH", "x"})}},
          // A refused EXEC aborts the transaction (rejectCommand -> execCommandAbort).
          {"exec arity inside multi",
           {Cmd({"SET", "k", "v"}), Cmd({"MULTI"}), Cmd({"DEL", "k"}), Cmd({"EXEC", "x"}),
            Cmd({"EXEC"}), Cmd({"GET", "k"})}},
          {"discard arity inside multi",
           {Cmd({"MULTI"}), Cmd({"DISCARD", "x"}), Cmd({"SET", "k", "v"}), Cmd({"EXEC"}),
            Cmd({"GET", "k"})}},
          {"lower-case", {Cmd({"multi"}), Cmd({"set", "k", "v"}), Cmd({"exec"})}},
          {"reset inside multi",
           {Cmd({"MULTI"}), Cmd({"SET", "k", "v"}), Cmd({"RESET"}), Cmd({"EXEC"}),
            Cmd({"GET", "k"})}},
          {"quit inside multi",
           {Cmd({"MULTI"}), Cmd({"SET", "k", "v"}), Cmd({"QUIT"}), On(1, Cmd({"GET", "k"}))}},
          {"ping echo inside multi",
           {Cmd({"MULTI"}), Cmd({"PING"}), Cmd({"ECHO", "e"}), Cmd({"EXEC"})}},
          {"hello inside multi switches mid-reply",
           {Cmd({"MULTI"}), Cmd({"GET", "k"}), Cmd({"HELLO", "3"}), Cmd({"GET", "k"}),
            Hello({"EXEC"})}},
          {"eval inside multi",
           {Cmd({"MULTI"}), Cmd({"EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "k"}),
            Cmd({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}), Cmd({"EXEC"})}},
          {"transactions are noscript",
           {Cmd({"EVAL", "return redis.call('multi')", "0"}),
            Cmd({"EVAL", "return redis.call('exec')", "0"}),
            Cmd({"EVAL", "return redis.call('watch', KEYS[1])", "1", "k"}),
            Cmd({"EVAL", "return redis.pcall('discard')", "0"}),
            Cmd({"EVAL", "return redis.pcall('unwatch')", "0"})}},
          // COMMAND INFO is not compared: Redis's stale, allow_busy and skip_slowlog flags have
          // no meaning on a lock node and are not reported for any command.
      }));
}

TEST_F(TransactionDiffTest, Watch) {
  const DiffStep set_k = Cmd({"SET", "k", "v"});
  const DiffStep multi_exec[] = {Cmd({"MULTI"}), Cmd({"SET", "k2", "done"}), Cmd({"EXEC"})};
  auto with_exec = [&](std::vector<DiffStep> steps) {
    steps.insert(steps.end(), std::begin(multi_exec), std::end(multi_exec));
    steps.push_back(On(1, Cmd({"GET", "k2"})));
    return steps;
  };
  RunTable(
      "watch",
      WithResp3({
          {"unchanged", with_exec({set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"GET", "k"}))})},
          {"written by another client",
           with_exec({set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"SET", "k", "w"}))})},
          {"same value written", with_exec({set_k, Cmd({"WATCH", "k"}), On(1, set_k)})},
          {"own write", with_exec({set_k, Cmd({"WATCH", "k"}), set_k})},
          {"deleted", with_exec({set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"DEL", "k"}))})},
          {"absent key deleted", with_exec({Cmd({"WATCH", "k"}), On(1, Cmd({"DEL", "k"}))})},
          {"absent key created", with_exec({Cmd({"WATCH", "k"}), On(1, set_k)})},
          {"failed set nx",
           with_exec({set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"SET", "k", "x", "NX"}))})},
          {"failed set xx", with_exec({Cmd({"WATCH", "k"}), On(1, Cmd({"SET", "k", "x", "XX"}))})},
          {"pexpire",
           with_exec({set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"PEXPIRE", "k", "99999"}))})},
          {"persist without ttl",
           with_exec({set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"PERSIST", "k"}))})},
          {"persist with ttl", with_exec({Cmd({"SET", "k", "v", "PX", "99999"}),
                                          Cmd({"WATCH", "k"}), On(1, Cmd({"PERSIST", "k"}))})},
          {"expired after watch",
           with_exec({Cmd({"SET", "k", "v", "PX", "100"}), Cmd({"WATCH", "k"}), Burn(1), Burn(1),
                      Burn(1), Burn(1), Burn(1), Burn(1), Burn(1), Burn(1)})},
          {"expired before watch", with_exec({Cmd({"SET", "k", "v", "PX", "1"}), Burn(),
                                              Cmd({"WATCH", "k"}), On(1, Cmd({"GET", "k"}))})},
          {"expired before watch then recreated",
           with_exec(
               {Cmd({"SET", "k", "v", "PX", "1"}), Burn(), Cmd({"WATCH", "k"}), On(1, set_k)})},
          {"flushall, watched key exists",
           with_exec({set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"FLUSHALL"}))})},
          {"flushdb, watched key absent",
           with_exec({Cmd({"SET", "k3", "x"}), Cmd({"WATCH", "k"}), On(1, Cmd({"FLUSHDB"}))})},
          {"script write",
           with_exec({set_k, Cmd({"WATCH", "k"}),
                      On(1, Cmd({"EVAL", "return redis.call('del', KEYS[1])", "1", "k"}))})},
          {"script read",
           with_exec({set_k, Cmd({"WATCH", "k"}),
                      On(1, Cmd({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}))})},
          {"several keys, one changed",
           with_exec({Cmd({"WATCH", "k", "k3", "lock"}), On(1, Cmd({"SET", "lock", "x"}))})},
          {"watched twice",
           with_exec({Cmd({"WATCH", "k", "k"}), Cmd({"WATCH", "k"}), On(1, set_k)})},
          {"unwatch", with_exec({Cmd({"WATCH", "k"}), On(1, set_k), Cmd({"UNWATCH"})})},
          {"watch on a dirty client",
           with_exec({Cmd({"WATCH", "k"}), On(1, set_k), Cmd({"WATCH", "k3"})})},
          {"discard drops watches",
           with_exec({Cmd({"WATCH", "k"}), Cmd({"MULTI"}), Cmd({"DISCARD"}), On(1, set_k)})},
          {"exec drops watches",
           with_exec({Cmd({"WATCH", "k"}), Cmd({"MULTI"}), Cmd({"EXEC"}), On(1, set_k)})},
          {"reset drops watches", with_exec({Cmd({"WATCH", "k"}), Cmd({"RESET"}), On(1, set_k)})},
          {"dirty exec with queuing error",
           with_exec({Cmd({"WATCH", "k"}), On(1, set_k), Cmd({"MULTI"}), Cmd({"GET"})})},
          {"two watchers",
           {set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"WATCH", "k"})), On(2, set_k), Cmd({"MULTI"}),
            Cmd({"EXEC"}), On(1, Cmd({"MULTI"})), On(1, Cmd({"EXEC"}))}},
          {"write inside another transaction",
           {set_k, Cmd({"WATCH", "k"}), On(1, Cmd({"MULTI"})), On(1, Cmd({"DEL", "k"})),
            Cmd({"MULTI"}), Cmd({"GET", "k"}), On(1, Cmd({"EXEC"})), Cmd({"EXEC"})}},
          // StackExchange.Redis's LockRelease below 8.4: WATCH, GET (checked client-side), then
          // MULTI, DEL, EXEC in one write; a competing holder in between.
          {"stackexchange release",
           {Cmd({"SET", "lock", "tok", "PX", "30000"}),
            Pipelined({{"WATCH", "lock"}, {"GET", "lock"}}),
            Pipelined({{"MULTI"}, {"DEL", "lock"}, {"EXEC"}}), Cmd({"EXISTS", "lock"})}},
          {"stackexchange release, lock taken over",
           {Cmd({"SET", "lock", "tok", "PX", "30000"}),
            Pipelined({{"WATCH", "lock"}, {"GET", "lock"}}),
            On(1, Cmd({"SET", "lock", "other", "PX", "30000"})),
            Pipelined({{"MULTI"}, {"DEL", "lock"}, {"EXEC"}}), Cmd({"GET", "lock"})}},
          {"stackexchange extend",
           {Cmd({"SET", "lock", "tok", "PX", "30000"}),
            Pipelined({{"WATCH", "lock"}, {"GET", "lock"}}),
            Pipelined({{"MULTI"}, {"PEXPIRE", "lock", "60000"}, {"EXEC"}}), Pttl("lock")}},
      }));
}

// Seeded random interleavings on three connections: transactions, watches, writes, deletes,
// deadlines, expiries (a PX 1 key followed by a burn on a connection not in MULTI, so it is
// expired on both servers), flushes and queuing errors. The generator tracks which connections
// are inside MULTI only to keep expiries deterministic; every reply is compared.
std::vector<DiffCase> RandomCases(int count, int steps, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  const std::vector<std::string> keys = {"k", "k2"};
  std::vector<DiffCase> cases;
  for (int c = 0; c < count; ++c) {
    DiffCase dc{"random " + std::to_string(seed) + "/" + std::to_string(c), {}};
    bool in_multi[3] = {false, false, false};
    for (int s = 0; s < steps; ++s) {
      const int conn = pick(3);
      const std::string& key = keys[static_cast<size_t>(pick(2))];
      const std::string value = "v" + std::to_string(pick(4));
      const int op = pick(20);
      std::vector<DiffStep> add;
      switch (op) {
        case 0:
        case 1:
          add = {Cmd({"WATCH", key})};
          break;
        case 2:
          add = {Cmd({"WATCH", "k", "k2"})};
          break;
        case 3:
          add = {Cmd({"UNWATCH"})};
          break;
        case 4:
        case 5:
          add = {Cmd({"MULTI"})};
          in_multi[conn] = true;
          break;
        case 6:
        case 7:
          add = {Cmd({"EXEC"})};
          in_multi[conn] = false;
          break;
        case 8:
          add = {Cmd({"DISCARD"})};
          in_multi[conn] = false;
          break;
        case 9:
        case 10:
          add = {Cmd({"SET", key, value})};
          break;
        case 11:
          add = {Cmd({"SET", key, value, "PX", "100000"})};
          break;
        case 12:
          add = {Cmd({"DEL", key})};
          break;
        case 13:
          add = {Cmd({"GET", key})};
          break;
        case 14:
          add = {Cmd({"PEXPIRE", key, "100000"})};
          break;
        case 15:
          add = {Cmd({"SET", key, value, "NX"})};
          break;
        case 16:
          if (in_multi[conn]) {
            add = {Cmd({"PERSIST", key})};
          } else {
            add = {Cmd({"SET", key, value, "PX", "1"}), Burn()};
          }
          break;
        case 17:
          add = {pick(4) == 0 ? Cmd({"FLUSHALL"}) : Cmd({"MGET", "k", "k2"})};
          break;
        case 18:
          add = {pick(2) == 0 ? Cmd({"SET", key}) : Cmd({"NOSUCH"})};
          break;
        default:
          add = {pick(3) == 0 ? Cmd({"RESET"}) : Cmd({"EXISTS", "k", "k2"})};
          if (add[0].request.find("RESET") != std::string::npos) in_multi[conn] = false;
          break;
      }
      for (DiffStep& st : add) dc.steps.push_back(On(conn, st));
    }
    // Close every open transaction so its outcome is compared too.
    for (int conn = 0; conn < 3; ++conn) dc.steps.push_back(On(conn, Cmd({"EXEC"})));
    dc.steps.push_back(Cmd({"MGET", "k", "k2"}));
    cases.push_back(std::move(dc));
  }
  return cases;
}

TEST_F(TransactionDiffTest, RandomInterleavings) {
  RunTable("random-transactions", WithResp3(RandomCases(40, 30, 20261207)));
}

}  // namespace
}  // namespace locknode::test
