#include "locknode/net/read_buffer.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

TEST(ReadBufferTest, AllocatesOnFirstReserveAndReleasesOnlyWhenEmpty) {
  ReadBuffer buf(16);
  EXPECT_EQ(buf.capacity(), 0u);  // an idle session holds no memory
  EXPECT_TRUE(buf.Release());     // nothing to release: still fine
  Append(buf, "PI");
  EXPECT_EQ(buf.capacity(), 16u);
  EXPECT_FALSE(buf.Release());  // a partial request stays with its session
  EXPECT_EQ(Unparsed(buf), "PI");
  buf.Consume(2);
  EXPECT_TRUE(buf.Release());
  EXPECT_EQ(buf.capacity(), 0u);
  Append(buf, "NG");  // allocates again
  EXPECT_EQ(Unparsed(buf), "NG");
}

TEST(ReadBufferTest, PooledBlocksAreReusedAndBounded) {
  const size_t before = ReadBuffer::SpareBlocks();
  {
    ReadBuffer a(ReadBuffer::kPooledCapacity);
    Append(a, "x");
    a.Consume(1);
    ASSERT_TRUE(a.Release());
    EXPECT_EQ(ReadBuffer::SpareBlocks(), std::min(before + 1, ReadBuffer::kMaxSpares));
    ReadBuffer b(ReadBuffer::kPooledCapacity);
    Append(b, "y");  // takes the spare
    EXPECT_EQ(ReadBuffer::SpareBlocks(), std::min(before + 1, ReadBuffer::kMaxSpares) - 1);
  }  // b's destructor gives the block back
  EXPECT_EQ(ReadBuffer::SpareBlocks(), std::min(before + 1, ReadBuffer::kMaxSpares));
  // More released buffers than the pool keeps: the rest are freed.
  std::vector<std::unique_ptr<ReadBuffer>> many;
  for (size_t i = 0; i < ReadBuffer::kMaxSpares + 8; ++i) {
    many.push_back(std::make_unique<ReadBuffer>(ReadBuffer::kPooledCapacity));
    Append(*many.back(), "z");
    many.back()->Consume(1);
  }
  for (auto& b : many) b->Release();
  EXPECT_EQ(ReadBuffer::SpareBlocks(), ReadBuffer::kMaxSpares);
}

}  // namespace
}  // namespace locknode::net
