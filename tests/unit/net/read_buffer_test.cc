#include "locknode/net/read_buffer.h"

#include <cstring>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace locknode::net {
namespace {

void Append(ReadBuffer& buf, std::string_view bytes) {
  ASSERT_TRUE(buf.Reserve(bytes.size(), 1 << 20));
  ASSERT_GE(buf.free_space().size(), bytes.size());
  std::memcpy(buf.free_space().data(), bytes.data(), bytes.size());
  buf.Commit(bytes.size());
}

std::string Unparsed(ReadBuffer& buf) { return {buf.unparsed().data(), buf.unparsed().size()}; }

TEST(ReadBufferTest, ConsumeAndRewind) {
  ReadBuffer buf(16);
  Append(buf, "PING\r\nPI");
  buf.Consume(6);
  EXPECT_EQ(Unparsed(buf), "PI");
  buf.Consume(2);
  buf.Compact(16);
  EXPECT_EQ(buf.free_space().size(), 16u);  // empty: rewound for free
}

TEST(ReadBufferTest, ReserveMovesTailBeforeGrowing) {
  ReadBuffer buf(16);
  Append(buf, "0123456789abcd");
  buf.Consume(10);
  ASSERT_TRUE(buf.Reserve(8, 1 << 20));  // 4 unparsed + 8 fit in 16 after a memmove
  EXPECT_EQ(buf.capacity(), 16u);
  EXPECT_EQ(Unparsed(buf), "abcd");
  EXPECT_GE(buf.free_space().size(), 8u);
}

TEST(ReadBufferTest, GrowsForBigBulkAndKeepsBytes) {
  ReadBuffer buf(16);
  Append(buf, "$100\r\n");
  ASSERT_TRUE(buf.Reserve(102, 1 << 20));
  EXPECT_GE(buf.free_space().size(), 102u);
  EXPECT_EQ(Unparsed(buf), "$100\r\n");
}

TEST(ReadBufferTest, CapacityCappedByLimit) {
  ReadBuffer buf(16);
  Append(buf, std::string(16, 'x'));
  ASSERT_TRUE(buf.Reserve(1000, 40));
  EXPECT_EQ(buf.capacity(), 40u);
  buf.Commit(24);
  EXPECT_FALSE(buf.Reserve(1, 40));  // full at the limit: the session closes the client
}

TEST(ReadBufferTest, CompactKeepsSmallPrefixAndShrinksAfterBurst) {
  ReadBuffer buf(16);
  Append(buf, std::string(200, 'y'));
  buf.Consume(200);
  buf.Compact(16);
  EXPECT_EQ(buf.capacity(), 16u);  // oversized and empty: back to the initial size
  Append(buf, "abc");
  buf.Consume(1);
  buf.Compact(16);  // only 1 byte consumed: not worth a memmove
  EXPECT_EQ(Unparsed(buf), "bc");
}

}  // namespace
}  // namespace locknode::net
