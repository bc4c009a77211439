// Valid request streams: the parser must yield the same commands however the bytes are split,
// with the caller appending to, reallocating and compacting its buffer between calls.
#include "locknode/protocol/request_parser.h"

#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace locknode::protocol {
namespace {

using Command = std::vector<std::string>;
constexpr size_t kBigBulk = size_t{100} * 1024;
using Status = RequestParser::Status;

// A session-like input buffer: bytes are appended at the end; after each batch (kNeedMore) the
// unparsed tail is memmoved to the front. Arguments are read through the offsets only.
class Feeder {
 public:
  explicit Feeder(ParserLimits limits = {}) : parser_(limits) {}

  void Feed(std::string_view chunk) {
    if (!error_.empty()) return;
    buf_.insert(buf_.end(), chunk.begin(), chunk.end());
    size_t head = 0;
    while (true) {
      std::span<char> data(buf_.data() + head, buf_.size() - head);
      size_t consumed = 0;
      const Status status = parser_.Parse(data, &consumed);
      EXPECT_LE(consumed, data.size());
      if (status == Status::kError) {
        error_ = std::string(parser_.error());
        return;
      }
      if (status == Status::kNeedMore) {
        head += consumed;
        break;
      }
      Command cmd;
      for (const ArgRef& arg : parser_.args()) {
        EXPECT_LE(size_t{arg.offset} + arg.length, consumed);
        cmd.emplace_back(data.data() + arg.offset, arg.length);
      }
      commands_.push_back(std::move(cmd));
      head += consumed;
    }
    // Compact like GUIDE §2.4 step 7: the partial request moves to the front of the buffer, and
    // the next append reallocates it, so stale pointers would show up (under ASan).
    if (head == 0) return;
    std::memmove(buf_.data(), buf_.data() + head, buf_.size() - head);
    buf_.resize(buf_.size() - head);
    buf_.shrink_to_fit();
  }

  const std::vector<Command>& commands() const { return commands_; }
  const std::string& error() const { return error_; }
  size_t pending() const { return buf_.size(); }
  RequestParser& parser() { return parser_; }

 private:
  RequestParser parser_;
  std::vector<char> buf_;
  std::vector<Command> commands_;
  std::string error_;
};

std::string Multibulk(const Command& args) {
  // Appended, not "*" + std::to_string(...): GCC 12 -O3 warns -Wrestrict (a false positive).
  std::string out = std::string("*").append(std::to_string(args.size())).append("\r\n");
  for (const std::string& a : args) {
    out.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  }
  return out;
}

// A pipeline mixing every request form, with the commands Redis 7.0.15 runs for it.
struct Pipeline {
  std::string bytes;
  std::vector<Command> expected;
};

Pipeline MixedPipeline(size_t big_bulk) {
  Pipeline p;
  auto add = [&p](std::string_view wire, std::vector<Command> cmds) {
    p.bytes += wire;
    for (Command& c : cmds) p.expected.push_back(std::move(c));
  };
  add(Multibulk({"SET", "lock", "token", "NX", "PX", "30000"}),
      {{"SET", "lock", "token", "NX", "PX", "30000"}});
  add("PING\r\n", {{"PING"}});
  add("\r\n\n", {});                 // empty lines: ignored
  add("*0\r\n*-1\r\n*-10\r\n", {});  // ignored multibulks
  add("get ik\n", {{"get", "ik"}});
  add("SET \"a b\\r\\n\\x41\" 'it\\'s' x\"y z\"\r\n", {{"SET", "a b\r\nA", "it's", "xy z"}});
  add("  \t ECHO\t\"\"  ''  \r\n", {{"ECHO", "", ""}});
  add(Multibulk({"SET", std::string("k\r\n\0v", 5), "\r\n*1\r\n$4\r\nPING\r\n"}),
      {{"SET", std::string("k\r\n\0v", 5), "\r\n*1\r\n$4\r\nPING\r\n"}});
  add(Multibulk({""}), {{""}});
  if (big_bulk > 0) {
    std::string big(big_bulk, 'x');
    for (size_t i = 0; i < big.size(); i += 1000) big[i] = static_cast<char>('\r' + i % 3);
    add(Multibulk({"SET", "big", big}), {{"SET", "big", big}});
  }
  add("*1\rX$4\r\nPINGxy", {{"PING"}});  // Redis skips the byte after '\r' and after a bulk
  add("EXISTS ik\n", {{"EXISTS", "ik"}});
  return p;
}

void ExpectSame(const Feeder& f, const Pipeline& p, const std::string& how) {
  EXPECT_EQ(f.error(), "") << how;
  EXPECT_EQ(f.commands(), p.expected) << how;
  EXPECT_EQ(f.pending(), 0u) << how;
}

TEST(RequestParserSplit, WholeStreamGivesExpectedCommands) {
  const Pipeline p = MixedPipeline(kBigBulk);
  Feeder f;
  f.Feed(p.bytes);
  ExpectSame(f, p, "whole");
}

TEST(RequestParserSplit, EveryOneAndTwoCutsOfSmallPipeline) {
  const Pipeline p = MixedPipeline(0);
  const std::string_view s = p.bytes;
  for (size_t i = 0; i <= s.size(); ++i) {
    for (size_t j = i; j <= s.size(); ++j) {
      Feeder f;
      f.Feed(s.substr(0, i));
      f.Feed(s.substr(i, j - i));
      f.Feed(s.substr(j));
      ExpectSame(f, p, "cuts at " + std::to_string(i) + "," + std::to_string(j));
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(RequestParserSplit, EveryCutAroundTheBigBulkAndEveryKilobyte) {
  const Pipeline p = MixedPipeline(kBigBulk);
  const std::string_view s = p.bytes;
  const size_t big_at = s.find("$102400\r\n");
  ASSERT_NE(big_at, std::string_view::npos);
  std::vector<size_t> cuts;
  for (size_t i = 0; i <= s.size(); i += 1024) cuts.push_back(i);
  for (size_t i = 0; i < big_at + 64; ++i) cuts.push_back(i);
  for (size_t i = big_at + kBigBulk - 64; i <= s.size(); ++i) cuts.push_back(i);
  for (const size_t cut : cuts) {
    Feeder f;
    f.Feed(s.substr(0, cut));
    f.Feed(s.substr(cut));
    ExpectSame(f, p, "cut at " + std::to_string(cut));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(RequestParserSplit, OneByteAtATime) {
  const Pipeline p = MixedPipeline(kBigBulk);
  Feeder f;
  for (const char c : p.bytes) f.Feed(std::string_view(&c, 1));
  ExpectSame(f, p, "1 byte at a time");
}

TEST(RequestParserSplit, RandomChunks) {
  const Pipeline p = MixedPipeline(kBigBulk);
  std::mt19937 rng(20240607);
  for (int round = 0; round < 40; ++round) {
    std::uniform_int_distribution<size_t> len(1, round % 2 ? 64 : 20000);
    Feeder f;
    for (size_t i = 0; i < p.bytes.size();) {
      const size_t n = std::min(len(rng), p.bytes.size() - i);
      f.Feed(std::string_view(p.bytes).substr(i, n));
      i += n;
    }
    ExpectSame(f, p, "random round " + std::to_string(round));
  }
}

TEST(RequestParser, IgnoredPrefixIsReportedAsConsumed) {
  RequestParser parser;
  std::string in = "\r\n*0\r\nPI";
  size_t consumed = 99;
  EXPECT_EQ(parser.Parse(in, &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, 6u);  // "\r\n" and "*0\r\n" can go; "PI" is the pending request

  // The "PI" now at the front of the caller's buffer completes.
  std::string rest = "PING\r\n";
  EXPECT_EQ(parser.Parse(rest, &consumed), Status::kComplete);
  EXPECT_EQ(consumed, 6u);

  std::string in2 = "\n*-1\r\nPING\r\nrest";
  EXPECT_EQ(parser.Parse(in2, &consumed), Status::kComplete);
  EXPECT_EQ(consumed, 12u);  // the ignored prefix plus "PING\r\n"
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0].offset, 6u);
  EXPECT_EQ(parser.args()[0].length, 4u);
}

TEST(RequestParser, InlineArgumentsAreUnescapedInPlace) {
  RequestParser parser;
  std::string in = "SET \"\\x41\\tb\" 'c\\'d'\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(in, &consumed), Status::kComplete);
  EXPECT_EQ(consumed, in.size());
  ASSERT_EQ(parser.args().size(), 3u);
  const ArgRef a = parser.args()[1];
  EXPECT_EQ(a.offset, 4u);  // the argument starts where its quoted text started
  EXPECT_EQ(in.substr(a.offset, a.length), "A\tb");
  const ArgRef b = parser.args()[2];
  EXPECT_EQ(in.substr(b.offset, b.length), "c'd");
}

// Every case observed on redis-server 7.0.15: inline line -> the arguments Redis ran
// (checked with ECHO, which returns its argument as a bulk).
TEST(RequestParser, InlineSplittingMatchesSdssplitargs) {
  const std::vector<std::pair<std::string, Command>> cases = {
      {"ECHO \"a\\x41\\n\\t\\\"\\\\\\b\\a\"\r\n", {"ECHO", "aA\n\t\"\\\b\a"}},
      {"ECHO 'a\\'b\\n'\r\n", {"ECHO", "a'b\\n"}},  // only \' is an escape inside '...'
      {"ECHO ''\r\n", {"ECHO", ""}},
      {"ECHO \"x\\x4\"\r\n", {"ECHO", "xx4"}},  // incomplete \x: the 'x' stands for itself
      {"ECHO \"x\\xfF\"\r\n", {"ECHO", "x\xff"}},
      {"ECHO \"\\xZZ\"\r\n", {"ECHO", "xZZ"}},
      {"ECHO \"\\q\"\r\n", {"ECHO", "q"}},
      {"ECHO a'b c'\r\n", {"ECHO", "ab c"}},  // a quote may open mid-argument
      {"ECHO a\vb\r\n", {"ECHO", "a\vb"}},    // \v separates nothing inside an argument...
      {"\v\fPING\r\n", {"PING"}},             // ...but is skipped between arguments
      {"ECHO \"a\"\v\r\n", {"ECHO", "a"}},    // and may follow a closing quote
      {"PING\r\r\n", {"PING"}},               // only the last \r belongs to the line end
      {"ECHO a\rb\r\n", {"ECHO", "a", "b"}},  // an inner \r ends an argument
      {"ECHO \"\\x00\"\n", {"ECHO", std::string(1, '\0')}},
  };
  for (const auto& [line, expected] : cases) {
    Feeder f;
    f.Feed(line);
    EXPECT_EQ(f.error(), "") << line;
    ASSERT_EQ(f.commands().size(), 1u) << line;
    EXPECT_EQ(f.commands()[0], expected) << line;
  }
}

TEST(RequestParser, BlankLinesAndSpacesOnlyAreIgnored) {
  Feeder f;
  f.Feed("\r\r\n\n \t \r\n*0\r\nPING\n");  // Redis: just one +PONG
  EXPECT_EQ(f.commands(), (std::vector<Command>{{"PING"}}));
  EXPECT_EQ(f.pending(), 0u);
}

TEST(RequestParser, SizeHintIsTheRestOfTheBulk) {
  RequestParser parser;
  std::string in = "*2\r\n$3\r\nSET\r\n$100000\r\n0123456789";
  size_t consumed = 0;
  EXPECT_EQ(parser.size_hint(), 0u);
  ASSERT_EQ(parser.Parse(in, &consumed), Status::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(parser.size_hint(), 100000u + 2 - 10);
  in += std::string(100000 - 10, 'v') + "\r\n";
  ASSERT_EQ(parser.Parse(in, &consumed), Status::kComplete);
  EXPECT_EQ(consumed, in.size());
  EXPECT_EQ(parser.size_hint(), 0u);
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[1].length, 100000u);
}

TEST(RequestParser, ArgsStorageIsReusedAcrossRequests) {
  RequestParser parser;
  std::string in = Multibulk({"SET", "k", "v", "NX", "PX", "100"});
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(in, &consumed), Status::kComplete);
  const ArgRef* storage = parser.args().data();
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(parser.Parse(in, &consumed), Status::kComplete);
    EXPECT_EQ(parser.args().data(), storage);
    EXPECT_EQ(parser.args().size(), 6u);
  }
}

TEST(RequestParser, ResetClearsAPartialRequest) {
  RequestParser parser;
  std::string partial = "*2\r\n$3\r\nGET\r\n$1";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(partial, &consumed), Status::kNeedMore);
  parser.Reset();
  std::string ping = "PING\r\n";
  ASSERT_EQ(parser.Parse(ping, &consumed), Status::kComplete);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(consumed, 6u);
}

}  // namespace
}  // namespace locknode::protocol
