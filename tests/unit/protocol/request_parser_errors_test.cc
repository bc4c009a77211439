// Malformed and limit-breaking input. Every expectation below is what redis-server 7.0.15 sent
// back for the same bytes (probed over TCP; "pending" = no reply, connection left open), and
// the outcome must not depend on how the bytes were split.
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/protocol/errors.h"
#include "locknode/protocol/request_parser.h"

namespace locknode::protocol {
namespace {

using Status = RequestParser::Status;

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  std::string error;  // empty: no error, the rest is pending
  bool operator==(const Outcome&) const = default;
};

// Feeds `input` in chunks of `chunk` bytes into a buffer that is compacted after each batch.
Outcome Feed(std::string_view input, size_t chunk, const ParserLimits& limits) {
  RequestParser parser(limits);
  Outcome out;
  std::string buf;
  for (size_t i = 0; i < input.size() && out.error.empty(); i += chunk) {
    buf.append(input.substr(i, chunk));
    size_t head = 0;
    while (true) {
      std::span<char> data(buf.data() + head, buf.size() - head);
      size_t consumed = 0;
      const Status status = parser.Parse(data, &consumed);
      if (status == Status::kError) {
        out.error = std::string(parser.error());
        break;
      }
      head += consumed;
      if (status == Status::kNeedMore) break;
      auto& cmd = out.commands.emplace_back();
      for (const ArgRef& a : parser.args()) cmd.emplace_back(data.data() + a.offset, a.length);
    }
    buf.erase(0, head);
  }
  return out;
}

struct Case {
  std::string name;
  std::string input;
  std::string error;  // Redis's reply text without '-' and CRLF; "" = no reply yet
  std::vector<std::vector<std::string>> commands = {};
  ParserLimits limits = {};
};

ParserLimits Unauthenticated() {
  ParserLimits limits;
  limits.unauthenticated = true;
  return limits;
}

ParserLimits Redis7Counts() {
  ParserLimits limits;
  limits.max_multibulk_len = INT64_MAX;  // Redis 7 still caps counts at INT_MAX
  return limits;
}

const std::string kInvalidMultibulk(kErrProtoInvalidMultibulk);
const std::string kInvalidBulk(kErrProtoInvalidBulk);
const std::string kUnbalanced(kErrProtoUnbalancedQuotes);

std::vector<Case> RedisCases() {
  const std::string set_x = "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n";
  return {
      // tests/unit/protocol.tcl
      {"empty query", "\r\nPING\r\n", "", {{"PING"}}},
      {"negative multibulk length", "*-10\r\nPING\r\n", "", {{"PING"}}},
      {"out of range multibulk length", "*3000000000\r\n", kInvalidMultibulk},
      {"20M args over the configured limit", "*20000000\r\n", kInvalidMultibulk},
      {"20M args under Redis 7's INT_MAX", "*20000000\r\n", "", {}, Redis7Counts()},
      {"INT_MAX args", "*2147483647\r\n", "", {}, Redis7Counts()},
      {"INT_MAX + 1 args", "*2147483648\r\n", kInvalidMultibulk, {}, Redis7Counts()},
      {"wrong payload header", set_x + "fooz\r\n", "ERR Protocol error: expected '$', got 'f'"},
      {"negative payload length", set_x + "$-10\r\n", kInvalidBulk},
      {"out of range payload length", set_x + "$2000000000\r\n", kInvalidBulk},
      {"non-number payload length", set_x + "$blabla\r\n", kInvalidBulk},
      {"not followed by bulk", "*1\r\nfoo\r\n", "ERR Protocol error: expected '$', got 'f'"},
      {"unbalanced quotes", "set \"\"\"test-key\"\"\" test-value\r\nping\r\n", kUnbalanced},
      // Probed edge cases.
      {"bad header waits for its line", "*1\r\nfoo", ""},
      {"bad header waits for the byte after CR", "*1\r\nfoo\r", ""},
      {"CR in header shown as space", "*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"LF in header shown as space", "*1\r\n\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"high byte in header", "*1\r\n\xff\r\n", "ERR Protocol error: expected '$', got '\xff'"},
      {"empty count", "*\r\n", kInvalidMultibulk},
      {"minus zero count", "*-0\r\n", kInvalidMultibulk},
      {"leading zero count", "*01\r\n", kInvalidMultibulk},
      {"plus count", "*+1\r\n", kInvalidMultibulk},
      {"space in count", "* 1\r\n", kInvalidMultibulk},
      {"huge count", "*12000000000\r\n", kInvalidMultibulk},
      {"leading zero bulk", "*1\r\n$01\r\nA\r\n", kInvalidBulk},
      {"empty bulk length", "*1\r\n$\r\n", kInvalidBulk},
      {"null bulk in a request", "*1\r\n$-1\r\n", kInvalidBulk},
      {"huge bulk", "*1\r\n$99999999999\r\n", kInvalidBulk},
      {"empty argument", "*1\r\n$0\r\n\r\n", "", {{""}}},
      {"LF after CR not checked", "*1\rX$4\r\nPING\r\n", "", {{"PING"}}},
      {"CRLF after payload not checked",
       "*1\r\n$4\rXPINGXY*1\r\n$4\r\nPING\r\n",
       "",
       {{"PING"}, {"PING"}}},
      {"payload waits for two more bytes", "*2\r\n$4\r\nECHO\r\n$1\r\nab", ""},
      {"NUL hides the inline newline", std::string("PING\0\r\n", 7), ""},
      {"NUL first hides later lines", std::string("\0\nPING\r\n", 8), ""},
      {"closing quote then text", "ECHO \"a\"b\r\n", kUnbalanced},
      {"closing quote then quote", "ECHO a\"b c\"d\r\n", kUnbalanced},
      {"single quote then text", "ECHO 'a'b'\r\n", kUnbalanced},
      {"backslash before end", "ECHO \"a\\\"\r\n", kUnbalanced},
      {"unterminated single", "ECHO 'abc\r\n", kUnbalanced},
      // auth.tcl: before AUTH, at most 10 arguments and 16 KiB bulks (CVE-2021-32675).
      {"unauth 11 args",
       "*11\r\n",
       "ERR Protocol error: unauthenticated multibulk length",
       {},
       Unauthenticated()},
      {"unauth 10 args", "*10\r\n", "", {}, Unauthenticated()},
      {"unauth negative count", "*-100\r\nPING\r\n", "", {{"PING"}}, Unauthenticated()},
      {"unauth 16385 bulk",
       "*1\r\n$16385\r\n",
       "ERR Protocol error: unauthenticated bulk length",
       {},
       Unauthenticated()},
      {"unauth 16384 bulk", "*1\r\n$16384\r\n", "", {}, Unauthenticated()},
      {"unauth huge count is invalid first",
       "*12000000000\r\n",
       kInvalidMultibulk,
       {},
       Unauthenticated()},
      {"unauth negative bulk is invalid first",
       "*1\r\n$-1\r\n",
       kInvalidBulk,
       {},
       Unauthenticated()},
  };
}

TEST(RequestParserErrors, RedisCasesWholeAndByteByByte) {
  for (const Case& c : RedisCases()) {
    const Outcome expected{c.commands, c.error};
    EXPECT_EQ(Feed(c.input, c.input.size(), c.limits), expected) << c.name << " (whole)";
    EXPECT_EQ(Feed(c.input, 1, c.limits), expected) << c.name << " (1 byte at a time)";
    EXPECT_EQ(Feed(c.input, 3, c.limits), expected) << c.name << " (3 bytes at a time)";
  }
}

// PROTO_INLINE_MAX_SIZE: a pending line may hold 64 KiB without its terminator; one more byte
// is an error (Redis checks `sdslen - qb_pos > 64K` after every read).
TEST(RequestParserErrors, SixtyFourKibLineLimits) {
  const std::string k64(65536, '1');
  struct Limit {
    std::string prefix;
    std::string_view error;
  };
  const std::vector<Limit> limits = {{"", kErrProtoTooBigInline},
                                     {"*", kErrProtoTooBigMbulkCount},
                                     {"*1\r\n$", kErrProtoTooBigBulkCount}};
  for (const Limit& l : limits) {
    // The limit counts from the start of the line ("*1\r\n" is not part of the '$' line).
    const size_t line_start = l.prefix.empty() ? 0 : l.prefix.size() - 1;
    const std::string at_limit = l.prefix + k64.substr(0, 65536 - (l.prefix.size() - line_start));
    EXPECT_EQ(Feed(at_limit, at_limit.size(), {}), Outcome{}) << l.prefix;
    EXPECT_EQ(Feed(at_limit + "1", 4096, {}), (Outcome{{}, std::string(l.error)})) << l.prefix;
    EXPECT_EQ(Feed(at_limit + "1", 65537 + 4, {}), (Outcome{{}, std::string(l.error)})) << l.prefix;
  }
}

// A line longer than 64 KiB fails even if its newline came in the same read (Redis, reading
// 16 KiB at a time, replied "too big inline request" to a 100 KB inline ECHO).
TEST(RequestParserErrors, LongInlineLineFailsWhateverTheReadSize) {
  const std::string line = "ECHO " + std::string(100000, 'a') + "\r\n";
  const Outcome expected{{}, std::string(kErrProtoTooBigInline)};
  EXPECT_EQ(Feed(line, line.size(), {}), expected);
  EXPECT_EQ(Feed(line, 16384, {}), expected);
  // Exactly 64 KiB before the newline is still fine.
  const std::string ok = std::string(65535, 'a') + "\r\n";
  EXPECT_EQ(Feed(ok, ok.size(), {}).commands.size(), 1u);
}

// "Protocol desync regression test" #1..#3: a NUL byte hides the line end from Redis's strchr,
// so the stream stalls until the 64 KiB limit closes it.
TEST(RequestParserErrors, NulPrefixedStreamsHitTheLineLimit) {
  std::string payload;
  for (int i = 0; i < 10000; ++i) payload += "payload";
  const std::string nul(1, '\0');
  struct Desync {
    std::string seq;
    std::string_view error;
  };
  const std::vector<Desync> cases = {{nul, kErrProtoTooBigInline},
                                     {"*" + nul, kErrProtoTooBigMbulkCount},
                                     {"$" + nul, kErrProtoTooBigInline},
                                     {"*1\r\n$3" + nul + "\r\n", kErrProtoTooBigBulkCount}};
  for (const Desync& d : cases) {
    const Outcome expected{{}, std::string(d.error)};
    EXPECT_EQ(Feed(d.seq + payload, 1024, {}), expected);
    EXPECT_EQ(Feed(d.seq + payload, 1, {}), expected);
    // Below the limit nothing happens: not even a complete line after the NUL is run.
    EXPECT_EQ(Feed(d.seq + "\r\nPING\r\n", 1, {}), Outcome{});
  }
}

TEST(RequestParserErrors, ConfiguredBulkLimit) {
  ParserLimits limits;
  limits.max_bulk_len = 10;
  EXPECT_EQ(Feed("*1\r\n$10\r\n0123456789\r\n", 1, limits).commands.size(), 1u);
  EXPECT_EQ(Feed("*1\r\n$11\r\n", 1, limits).error, kInvalidBulk);
}

TEST(RequestParserErrors, ErrorsAreStickyUntilReset) {
  RequestParser parser;
  std::string bad = "*1\r\nfoo\r\n";
  std::string good = "PING\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(bad, &consumed), Status::kError);
  EXPECT_EQ(parser.error(), "ERR Protocol error: expected '$', got 'f'");
  EXPECT_EQ(parser.Parse(good, &consumed), Status::kError);
  parser.Reset();
  EXPECT_EQ(parser.error(), "");
  ASSERT_EQ(parser.Parse(good, &consumed), Status::kComplete);
  EXPECT_EQ(consumed, good.size());
}

TEST(RequestParserErrors, ErrorTextSurvivesCopyingTheParser) {
  RequestParser parser;
  std::string bad = "*1\r\nx\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(bad, &consumed), Status::kError);
  const RequestParser copy = parser;
  parser.Reset();
  EXPECT_EQ(copy.error(), "ERR Protocol error: expected '$', got 'x'");
}

}  // namespace
}  // namespace locknode::protocol
