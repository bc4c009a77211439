// The lease record's text form, with the start number (epoch) fencing-keys builds on: written
// and read back; a record from before the field existed reads as epoch 0; a bad epoch is an
// error, never a guess (a guess could hand out a token that went backwards).
#include <gtest/gtest.h>

#include "locknode/base/lease_file.h"

namespace locknode {
namespace {

TEST(LeaseRecordTest, EpochRoundTrips) {
  LeaseRecord r;
  r.boot_id = "b";
  r.watermark = 123;
  r.longest_ttl = 45;
  r.epoch = 7;
  const auto back = ParseLeaseRecord(FormatLeaseRecord(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->epoch, 7);
  EXPECT_EQ(back->watermark, 123);
  EXPECT_EQ(back->longest_ttl, 45);
}

TEST(LeaseRecordTest, OldRecordsReadAsEpochZeroAndBadEpochsFail) {
  LeaseRecord r;
  r.boot_id = "b";
  std::string text = FormatLeaseRecord(r);
  const size_t at = text.find(" epoch=");
  ASSERT_NE(at, std::string::npos);
  const std::string old = text.substr(0, at) + "\n";
  const auto parsed = ParseLeaseRecord(old);
  ASSERT_TRUE(parsed.has_value()) << old;
  EXPECT_EQ(parsed->epoch, 0);
  EXPECT_FALSE(ParseLeaseRecord(text.substr(0, at) + " epoch=x\n").has_value());
  EXPECT_FALSE(ParseLeaseRecord(text.substr(0, at) + " epoch=-1\n").has_value());
}

}  // namespace
}  // namespace locknode
