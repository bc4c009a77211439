// Walks the whole command table and proves every write command is covered by the write policy
// its row declares (command_table.h Lifetime), through the real funnel: invocations are built
// from each row's declaration alone, and after every one of them the keyspace must satisfy the
// policy's invariants (no TTL past max-ttl or past the lease watermark, no key without a TTL
// under require-ttl, nothing changed by a refused write). A new write command that sets a TTL
// it did not declare breaks these invariants here, whatever its handler does.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "test_node.h"

namespace locknode::command {
namespace {

using keyspace::SetCond;
using keyspace::TtlMode;

// A write row with its container (for "client|x"-style rows the command line starts with both).
struct WriteRow {
  const CommandSpec* spec;
  std::vector<std::string> prefix;
};

std::vector<WriteRow> WriteRows(const CommandTable& table) {
  std::vector<WriteRow> rows;
  for (const CommandSpec& row : table.all()) {
    if ((row.flags & kWrite) != 0) rows.push_back({&row, {std::string(row.name)}});
    for (const CommandSpec& sub : row.subcommands) {
      if ((sub.flags & kWrite) != 0)
        rows.push_back({&sub, {std::string(row.name), std::string(sub.name)}});
    }
  }
  return rows;
}

bool IsKeyPosition(const CommandSpec& spec, int i, int argc) {
  if (spec.first_key <= 0) return false;
  const int last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  const int step = spec.key_step > 0 ? spec.key_step : 1;
  return i >= spec.first_key && i <= last && (i - spec.first_key) % step == 0;
}

// Command lines for a row, from its declaration only: the first key is "k" (which holds "1"),
// any other key "v" (so RENAME/COPY name two keys), other arguments "1" (a valid count, offset,
// increment or value for every row: the lines must be valid commands for the checks below), and
// the declared TTL argument (or SET's options) carries `ttl_ms` in the declared unit.
std::vector<std::vector<std::string>> Invocations(const WriteRow& row, Millis ttl_ms,
                                                  int64_t wall_ms) {
  const CommandSpec& spec = *row.spec;
  const int argc = spec.arity > 0 ? spec.arity : -spec.arity;
  std::vector<std::string> base = row.prefix;
  for (int i = static_cast<int>(base.size()); i < argc; ++i) {
    if (IsKeyPosition(spec, i, argc)) {
      base.push_back(i == spec.first_key ? "k" : "v");
    } else {
      base.push_back("1");
    }
  }
  const auto at = static_cast<size_t>(spec.ttl_arg);
  auto with_ttl = [&](std::string value) {
    std::vector<std::string> args = base;
    if (at >= args.size()) args.resize(at + 1, "1");
    args[at] = std::move(value);
    return args;
  };
  const std::string ms = std::to_string(ttl_ms);
  const std::string secs = std::to_string((ttl_ms + 999) / 1000);
  switch (spec.lifetime) {
    case Lifetime::kSetOptions: {
      std::vector<std::vector<std::string>> out;
      for (const std::vector<std::string>& opts :
           std::vector<std::vector<std::string>>{{"PX", ms},
                                                 {"EX", secs},
                                                 {"PXAT", std::to_string(wall_ms + ttl_ms)},
                                                 {"NX", "PX", ms},
                                                 {"XX", "GET", "PX", ms},
                                                 {},
                                                 {"KEEPTTL"}}) {
        std::vector<std::string> args(base.begin(), base.begin() + spec.ttl_arg);
        args.insert(args.end(), opts.begin(), opts.end());
        out.push_back(args);
      }
      return out;
    }
    case Lifetime::kGetExOptions: {
      std::vector<std::vector<std::string>> out;
      for (const std::vector<std::string>& opts : std::vector<std::vector<std::string>>{
               {"PX", ms}, {"EX", secs}, {"PXAT", std::to_string(wall_ms + ttl_ms)}, {"PERSIST"}}) {
        std::vector<std::string> args(base.begin(), base.begin() + spec.ttl_arg);
        args.insert(args.end(), opts.begin(), opts.end());
        out.push_back(args);
      }
      return out;
    }
    case Lifetime::kMillis:
      return {with_ttl(ms)};
    case Lifetime::kSeconds:
      return {with_ttl(secs)};
    case Lifetime::kUnixMillis:
      return {with_ttl(std::to_string(wall_ms + ttl_ms))};
    case Lifetime::kUnixSeconds:
      return {with_ttl(std::to_string((wall_ms + ttl_ms) / 1000 + 1))};
    case Lifetime::kKeepsTtl: {
      // On the held key "k" (keeps its TTL) and on the missing key "v" (created without one).
      // Other arguments are "1", which every such row (HSET, HINCRBY...) accepts.
      std::vector<std::string> held = base;
      std::vector<std::string> fresh = base;
      for (size_t i = row.prefix.size(); i < base.size(); ++i) {
        const bool key = IsKeyPosition(spec, static_cast<int>(i), argc);
        held[i] = key ? "k" : "1";
        fresh[i] = key ? "v" : "1";
      }
      return {held, fresh};
    }
    case Lifetime::kNone:
    case Lifetime::kRemoves:
    case Lifetime::kNoTtl:
      break;
  }
  return {base};
}

bool DeclaresTtl(const CommandSpec& spec) {
  return spec.lifetime != Lifetime::kNone && spec.lifetime != Lifetime::kRemoves &&
         spec.lifetime != Lifetime::kNoTtl && spec.lifetime != Lifetime::kKeepsTtl;
}

class WritePolicyTest : public ::testing::Test {
 protected:
  WritePolicyTest() {
    lease_path_ = ::testing::TempDir() + "locknode-policy-lease-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::remove(lease_path_.c_str());
  }
  ~WritePolicyTest() override { std::remove(lease_path_.c_str()); }

  // Every key a generated command line can name, with the state before the command.
  static constexpr std::string_view kKeys[] = {"k", "v"};
  static constexpr Millis kHeldTtl = 500;

  void Prepare(Node& node) {
    keyspace::Keyspace& ks = node.shard.keyspace();
    ks.Clear();
    const Millis now = clock_.NowMs();
    prepared_deadline_ = now + kHeldTtl;
    ks.Set("k", "1", SetCond::kAlways, TtlMode::kAt, prepared_deadline_, now);
  }
  // "value/deadline" of every key, for "nothing changed" checks.
  std::string Snapshot(Node& node) {
    std::string out;
    for (std::string_view key : kKeys) {
      const auto e = node.shard.keyspace().Find(key, clock_.NowMs());
      out += e ? std::string(e->value) + "/" + std::to_string(e->deadline) + ";" : "-;";
    }
    return out;
  }
  template <typename Check, typename Before = void (*)()>
  void ForEachInvocation(
      Node& node, Millis ttl_ms, Check check, Before before_each = [] {}) {
    const std::vector<WriteRow> rows = WriteRows(node.shard.table());
    ASSERT_GE(rows.size(), 14u);  // SET..PSETEX, MSET(NX), DEL, *EXPIRE*, PERSIST, FLUSH*
    for (const WriteRow& row : rows) {
      for (const auto& args : Invocations(row, ttl_ms, clock_.WallUs() / 1000)) {
        before_each();
        Prepare(node);
        const std::string before = Snapshot(node);
        const std::string reply = node.RunStrings(args);
        std::string line;
        for (const auto& a : args) line += a + " ";
        check(*row.spec, line, reply, before);
      }
    }
  }

  std::string lease_path_;
  ManualClock clock_;
  Millis prepared_deadline_ = 0;
};

TEST_F(WritePolicyTest, EveryRowDeclaresItsLifetimeEffect) {
  Node node(Config{}, clock_);
  for (const CommandSpec& row : node.shard.table().all()) {
    EXPECT_EQ((row.flags & kWrite) != 0, row.lifetime != Lifetime::kNone) << row.name;
    if (DeclaresTtl(row)) {
      const int argc = row.arity > 0 ? row.arity : -row.arity;
      EXPECT_GT(row.ttl_arg, row.first_key) << row.name;
      EXPECT_LE(row.ttl_arg, argc) << row.name;
    }
    if (row.lifetime != Lifetime::kNone && row.lifetime != Lifetime::kRemoves) {
      EXPECT_GT(row.first_key, 0) << row.name;  // EVAL's undo log must be able to save its keys
    }
  }
}

TEST_F(WritePolicyTest, QuarantineRefusesEveryWriteThatIsNotARemoval) {
  Config config;
  config.lease_file = lease_path_;
  { Node(config, clock_).Run({"SET", "seed", "x", "PX", "100000000"}); }
  Node node(config, clock_);
  ASSERT_GT(node.shard.lease().QuarantineRemaining(clock_.NowMs()), 0);
  ForEachInvocation(node, 300,
                    [&](const CommandSpec& spec, const std::string& line, const std::string& reply,
                        const std::string& before) {
                      if (spec.lifetime == Lifetime::kRemoves) {
                        EXPECT_EQ(reply.find("-QUARANTINE"), std::string::npos) << line;
                        return;
                      }
                      EXPECT_EQ(reply.rfind("-QUARANTINE this node restarted", 0), 0u)
                          << line << reply;
                      EXPECT_EQ(Snapshot(node), before) << line;
                    });
}

TEST_F(WritePolicyTest, MaxTtlBoundsEveryGrantedDeadline) {
  Config config;
  config.max_ttl = 1000;
  Node node(config, clock_);
  for (const Millis ttl : {800, 5000}) {
    ForEachInvocation(
        node, ttl,
        [&](const CommandSpec& spec, const std::string& line, const std::string& reply,
            const std::string& before) {
          for (std::string_view key : kKeys) {
            const auto e = node.shard.keyspace().Find(key, clock_.NowMs());
            if (e && e->deadline != kNoDeadline) {
              EXPECT_LE(e->deadline - clock_.NowMs(), 1000) << line;
            }
          }
          if (ttl == 5000 && DeclaresTtl(spec) && line.find("KEEPTTL") == std::string::npos &&
              line.find("PERSIST") == std::string::npos &&
              line != std::string(spec.name) + " k 1 ") {
            EXPECT_EQ(reply, "-ERR invalid expire time in '" + std::string(spec.name) +
                                 "' command (max-ttl is 1000 ms)\r\n")
                << line;
            EXPECT_EQ(Snapshot(node), before) << line;
          }
          if (ttl == 800 && reply.substr(0, 4) == "-ERR") {
            // Within max-ttl nothing is refused by the policy: an error must be the handler's
            // own answer to the generated arguments (a collection command given "v" for a
            // score or an index), the same with no max-ttl at all.
            Node plain(Config{}, clock_);
            Prepare(plain);
            std::vector<std::string> args;
            for (size_t at = 0, next; at < line.size(); at = next + 1) {
              next = line.find(' ', at);
              args.push_back(line.substr(at, next - at));
            }
            EXPECT_EQ(plain.RunStrings(args), reply) << line;
            EXPECT_EQ(reply.find("max-ttl"), std::string::npos) << line << reply;
          }
        });
  }
}

TEST_F(WritePolicyTest, RequireTtlLeavesNoKeyWithoutATtl) {
  Config config;
  config.require_ttl = true;
  Node node(config, clock_);
  ForEachInvocation(
      node, 800,
      [&](const CommandSpec& spec, const std::string& line, const std::string& reply,
          const std::string& before) {
        for (std::string_view key : kKeys) {
          const auto e = node.shard.keyspace().Find(key, clock_.NowMs());
          EXPECT_TRUE(!e || e->deadline != kNoDeadline) << line << " leaves " << key;
        }
        if (spec.lifetime == Lifetime::kNoTtl ||
            (spec.lifetime == Lifetime::kKeepsTtl && line.find(" v ") == spec.name.size())) {
          EXPECT_EQ(reply,
                    "-ERR keys without a TTL are refused (require-ttl yes): give PX or EX\r\n")
              << line;
          EXPECT_EQ(Snapshot(node), before) << line;
        }
      });
}

TEST_F(WritePolicyTest, PastMaxmemoryEveryDenyOomWriteIsRefused) {
  Config config;
  config.maxmemory = 1;
  Node node(config, clock_);
  int refused = 0;
  ForEachInvocation(
      node, 800,
      [&](const CommandSpec& spec, const std::string& line, const std::string& reply,
          const std::string& before) {
        if ((spec.flags & kDenyOom) == 0) return;
        EXPECT_EQ(reply, "-OOM command not allowed when used memory > 'maxmemory'.\r\n") << line;
        EXPECT_EQ(Snapshot(node), before) << line;
        ++refused;
      });
  EXPECT_GE(refused, 10);
}

// The clock moves past the previous watermark before every command, so each grant must extend
// it itself. Keys set up directly (bypassing the policy) are judged only if the command changed
// their deadline.
TEST_F(WritePolicyTest, EveryGrantedDeadlineIsUnderTheLeaseWatermark) {
  Config config;
  config.lease_file = lease_path_;
  Node node(config, clock_);
  int grants = 0;
  for (const Millis ttl : {800, 50000, 3000000}) {
    ForEachInvocation(
        node, ttl,
        [&](const CommandSpec& /*spec*/, const std::string& line, const std::string& /*reply*/,
            const std::string& /*before*/) {
          for (std::string_view key : kKeys) {
            const auto e = node.shard.keyspace().Find(key, clock_.NowMs());
            if (!e || e->deadline == kNoDeadline || e->deadline == prepared_deadline_) continue;
            ++grants;
            EXPECT_LE(e->deadline, node.shard.lease().watermark()) << line;
          }
        },
        [&] { clock_.Advance(node.shard.lease().watermark() - clock_.NowMs() + 1); });
  }
  EXPECT_GE(grants, 20);
}

}  // namespace
}  // namespace locknode::command
