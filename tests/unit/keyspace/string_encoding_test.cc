// The string encoding kept in the entry header's spare key-length bits (entry_internal.h): it
// survives lookups and deadline changes, a same-length overwrite resets it, and it costs the
// entry no bytes (a lock's block is the same size as before).
#include <string>

#include <gtest/gtest.h>

#include "locknode/keyspace/keyspace.h"

#include "keyspace/entry_internal.h"

namespace locknode::keyspace {
namespace {

TEST(StringEncodingTest, KeptPerEntry) {
  Keyspace ks(0);
  ks.Set("k", "12", SetCond::kAlways, TtlMode::kClear, 0, 1, StringEnc::kRaw);
  EXPECT_EQ(ks.Find("k", 1)->encoding, StringEnc::kRaw);
  EXPECT_EQ(ks.Find("k", 1)->value, "12");
  EXPECT_EQ(StringEncoding(ks.Find("k", 1)->value, ks.Find("k", 1)->encoding), "raw");
  ks.SetDeadline("k", 100, 1);
  EXPECT_EQ(ks.Find("k", 1)->encoding, StringEnc::kRaw);
  EXPECT_EQ(ks.Find("k", 1)->deadline, 100);
  // Same length: rewritten in place, and the plain SET's rule comes back.
  ks.Set("k", "34", SetCond::kAlways, TtlMode::kKeep, 0, 1);
  EXPECT_EQ(ks.Find("k", 1)->encoding, StringEnc::kAuto);
  EXPECT_EQ(StringEncoding(ks.Find("k", 1)->value), "int");
  ks.Set("k", "10", SetCond::kAlways, TtlMode::kKeep, 0, 1, StringEnc::kEmbstr);
  EXPECT_EQ(StringEncoding(ks.Find("k", 1)->value, ks.Find("k", 1)->encoding), "embstr");
  // Another length: a new block, encoding and deadline carried as asked.
  ks.Set("k", "12345", SetCond::kAlways, TtlMode::kKeep, 0, 1, StringEnc::kRaw);
  EXPECT_EQ(ks.Find("k", 1)->encoding, StringEnc::kRaw);
  EXPECT_EQ(ks.Find("k", 1)->deadline, 100);
  EXPECT_EQ(StringRefCount("12345", StringEnc::kRaw), 1);
  EXPECT_TRUE(ks.Erase("k", 1));
}

TEST(StringEncodingTest, KeyBytesAreUntouched) {
  Keyspace ks(0);
  const std::string key(300, 'x');  // out of line
  ks.Set(key, "v", SetCond::kAlways, TtlMode::kClear, 0, 1, StringEnc::kRaw);
  ks.Set("short", "v", SetCond::kAlways, TtlMode::kClear, 0, 1, StringEnc::kEmbstr);
  EXPECT_EQ(ks.Find(key, 1)->encoding, StringEnc::kRaw);
  EXPECT_EQ(ks.Find("short", 1)->encoding, StringEnc::kEmbstr);
  EXPECT_TRUE(ks.Erase(key, 1));
  EXPECT_FALSE(ks.Exists(key, 1));
  EXPECT_TRUE(ks.Exists("short", 1));
  static_assert(sizeof(internal::Entry) == 24);  // the lock entry did not grow
}

}  // namespace
}  // namespace locknode::keyspace
