// RESP2/RESP3 bytes of every ReplySink method. The expected bytes are what redis-server 7.0.15
// sent for the corresponding replies (ZSCORE for doubles, SMEMBERS for sets, HGETALL for maps,
// GET on a missing key, BLPOP timeout, LOLWUT for verbatim text), before and after HELLO 3.
#include "locknode/protocol/resp_writer.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "locknode/protocol/out_buffer.h"

namespace locknode::protocol {
namespace {

class RespWriterTest : public ::testing::TestWithParam<int> {
 protected:
  RespWriterTest() : writer_(&out_) { writer_.set_resp_version(GetParam()); }
  bool resp3() const { return GetParam() == 3; }
  // Returns what was written since the last call.
  std::string Take() {
    std::string s(out_.view());
    out_.Clear();
    return s;
  }
  OutBuffer out_;
  RespWriter writer_;
};

INSTANTIATE_TEST_SUITE_P(Resp, RespWriterTest, ::testing::Values(2, 3), [](const auto& param_info) {
  return "Resp" + std::to_string(param_info.param);
});

TEST_P(RespWriterTest, VersionIsReported) { EXPECT_EQ(writer_.resp_version(), GetParam()); }

TEST_P(RespWriterTest, SimpleAndOk) {
  writer_.Simple("PONG");
  writer_.Ok();
  EXPECT_EQ(Take(), "+PONG\r\n+OK\r\n");
}

TEST_P(RespWriterTest, Integers) {
  writer_.Integer(0);
  writer_.Integer(-1);
  writer_.Integer(30000);
  writer_.Integer(std::numeric_limits<int64_t>::max());
  writer_.Integer(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Take(), ":0\r\n:-1\r\n:30000\r\n:9223372036854775807\r\n:-9223372036854775808\r\n");
}

TEST_P(RespWriterTest, BulkIsBinarySafe) {
  writer_.Bulk("");
  writer_.Bulk(std::string_view("a\r\n\0b", 5));
  EXPECT_EQ(Take(), std::string("$0\r\n\r\n$5\r\na\r\n\0b\r\n", 17));
}

TEST_P(RespWriterTest, Nulls) {
  writer_.Null();
  EXPECT_EQ(Take(), resp3() ? "_\r\n" : "$-1\r\n");  // GET nokey
  writer_.NullArray();
  EXPECT_EQ(Take(), resp3() ? "_\r\n" : "*-1\r\n");  // BLPOP timeout
}

TEST_P(RespWriterTest, Aggregates) {
  writer_.Array(0);
  writer_.Array(2);
  EXPECT_EQ(Take(), "*0\r\n*2\r\n");
  writer_.Map(1);  // HGETALL h -> f v
  writer_.Bulk("f");
  writer_.Bulk("v");
  EXPECT_EQ(Take(), resp3() ? "%1\r\n$1\r\nf\r\n$1\r\nv\r\n" : "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  writer_.Map(7);  // HELLO's header
  EXPECT_EQ(Take(), resp3() ? "%7\r\n" : "*14\r\n");
  writer_.Set(1);  // SMEMBERS s
  writer_.Bulk("x");
  EXPECT_EQ(Take(), resp3() ? "~1\r\n$1\r\nx\r\n" : "*1\r\n$1\r\nx\r\n");
}

TEST_P(RespWriterTest, Verbatim) {
  writer_.Verbatim("Redis ver. 7.0.15\n");
  EXPECT_EQ(Take(),
            resp3() ? "=22\r\ntxt:Redis ver. 7.0.15\n\r\n" : "$18\r\nRedis ver. 7.0.15\n\r\n");
  writer_.Verbatim("");
  EXPECT_EQ(Take(), resp3() ? "=4\r\ntxt:\r\n" : "$0\r\n\r\n");
}

TEST_P(RespWriterTest, DoublesUsePercent17g) {
  struct Sample {
    double value;
    std::string_view text;
  };
  const Sample samples[] = {
      {0.1, "0.10000000000000001"},  // ZSCORE z a after ZADD z 0.1 a
      {3, "3"},
      {1e300, "1.0000000000000001e+300"},
      {-2.5, "-2.5"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
      {std::nan(""), "nan"},
      {0.0, "0"},
  };
  for (const Sample& s : samples) {
    writer_.Double(s.value);
    const std::string text(s.text);
    const std::string expected = resp3() ? std::string(",").append(text).append("\r\n")
                                         : std::string("$")
                                               .append(std::to_string(text.size()))
                                               .append("\r\n")
                                               .append(text)
                                               .append("\r\n");
    EXPECT_EQ(Take(), expected) << s.text;
  }
}

TEST_P(RespWriterTest, Errors) {
  writer_.Error("ERR syntax error");
  EXPECT_EQ(Take(), "-ERR syntax error\r\n");
  writer_.Error("ERR Protocol error: expected '$', got ' '");
  EXPECT_EQ(Take(), "-ERR Protocol error: expected '$', got ' '\r\n");
}

// Observed: EVAL "return redis.error_reply('ERR x\nb\r\n')" -> "-ERR x b", and
// error_reply('\nMY x') -> "- MY x": trailing CR/LF trimmed, inner ones mapped to spaces.
TEST_P(RespWriterTest, ErrorNeverBreaksFraming) {
  writer_.Error("ERR x\nb\r\n");
  EXPECT_EQ(Take(), "-ERR x b\r\n");
  writer_.Error("\nMY x");
  EXPECT_EQ(Take(), "- MY x\r\n");
  writer_.Error("A\r\rB\n");
  EXPECT_EQ(Take(), "-A  B\r\n");
}

TEST(RespWriter, HelloSwitchesVersionAndTarget) {
  OutBuffer first;
  OutBuffer second;
  RespWriter writer(&first);
  EXPECT_EQ(writer.resp_version(), 2);
  writer.Null();
  ReplySink& sink = writer;
  sink.SetProtocol(3);
  EXPECT_EQ(writer.resp_version(), 3);
  writer.set_out(&second);
  writer.Null();
  writer.set_resp_version(2);
  writer.Null();
  EXPECT_EQ(first.view(), "$-1\r\n");
  EXPECT_EQ(second.view(), "_\r\n$-1\r\n");
}

}  // namespace
}  // namespace locknode::protocol
