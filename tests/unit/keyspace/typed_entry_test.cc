// Typed entries: a key holds a string or a non-string Object (value.h); the keyspace decides
// WRONGTYPE, owns the objects (deletes them with the key, however it goes) and counts their bytes.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "locknode/keyspace/keyspace.h"

#include "support/fake_object.h"

namespace locknode::keyspace {
namespace {

using test::FakeObject;
using test::MakeFake;

constexpr Millis kT = 1'000'000;

class TypedEntryTest : public ::testing::Test {
 protected:
  ~TypedEntryTest() override {
    ks_.Clear();
    EXPECT_EQ(FakeObject::live(), 0);
  }
  bool SetHash(std::string_view k, std::string payload = "p", SetCond c = SetCond::kAlways,
               TtlMode t = TtlMode::kClear, Millis deadline = kNoDeadline) {
    return ks_.SetObject(k, MakeFake(ValueKind::kHash, std::move(payload)), c, t, deadline, now_);
  }

  Millis now_ = kT;
  Keyspace ks_{kT};
};

TEST_F(TypedEntryTest, FindReportsKindAndObject) {
  ASSERT_TRUE(SetHash("h", "fields"));
  ks_.Set("s", "v", SetCond::kAlways, TtlMode::kClear, 0, now_);
  const auto h = ks_.Find("h", now_);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->kind, ValueKind::kHash);
  EXPECT_TRUE(h->value.empty());
  EXPECT_EQ(test::PayloadOf(h->object), "fields");
  const auto s = ks_.Find("s", now_);
  EXPECT_EQ(s->kind, ValueKind::kString);
  EXPECT_EQ(s->object, nullptr);
  EXPECT_EQ(s->value, "v");
  EXPECT_EQ(FakeObject::live(), 1);
}

TEST_F(TypedEntryTest, FindTypedDecidesWrongType) {
  SetHash("h");
  ks_.Set("s", "v", SetCond::kAlways, TtlMode::kAt, kT + 50, now_);
  EXPECT_EQ(ks_.FindTyped("h", ValueKind::kHash, now_).match, Match::kFound);
  EXPECT_EQ(ks_.FindTyped("s", ValueKind::kString, now_).match, Match::kFound);
  const TypedEntry wrong = ks_.FindTyped("s", ValueKind::kHash, now_);
  EXPECT_EQ(wrong.match, Match::kWrongType);
  EXPECT_EQ(wrong.entry.kind, ValueKind::kString);  // what the key does hold
  EXPECT_EQ(wrong.entry.deadline, kT + 50);
  EXPECT_EQ(ks_.FindTyped("h", ValueKind::kString, now_).match, Match::kWrongType);
  EXPECT_EQ(ks_.FindTyped("h", ValueKind::kZSet, now_).match, Match::kWrongType);
  EXPECT_EQ(ks_.FindTyped("nosuch", ValueKind::kString, now_).match, Match::kMissing);
  now_ = kT + 51;  // expired: missing, whatever kind is asked for
  EXPECT_EQ(ks_.FindTyped("s", ValueKind::kHash, now_).match, Match::kMissing);
}

// The lock fast paths never treat a non-string as "not my token": they report it untouched.
TEST_F(TypedEntryTest, CompareAndFastPathsReportWrongTypeAndChangeNothing) {
  SetHash("h", "p", SetCond::kAlways, TtlMode::kAt, kT + 100);
  EXPECT_EQ(ks_.CompareAndDelete("h", "", now_), CasResult::kWrongType);
  EXPECT_EQ(ks_.CompareAndDelete("h", "p", now_), CasResult::kWrongType);
  EXPECT_EQ(ks_.CompareAndSetDeadline("h", "p", kT + 500, now_), CasResult::kWrongType);
  EXPECT_EQ(ks_.CompareAndSetDeadline("h", "p", now_, now_), CasResult::kWrongType);
  const auto h = ks_.Find("h", now_);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->deadline, kT + 100);
  EXPECT_EQ(FakeObject::live(), 1);
}

// Redis setKey: a string SET replaces a value of any kind (and, without KEEPTTL, its TTL).
TEST_F(TypedEntryTest, StringSetReplacesAnObject) {
  SetHash("k", "p", SetCond::kAlways, TtlMode::kAt, kT + 100);
  EXPECT_FALSE(ks_.Set("k", "v", SetCond::kIfAbsent, TtlMode::kClear, 0, now_));  // NX: exists
  EXPECT_EQ(FakeObject::live(), 1);
  EXPECT_TRUE(ks_.Set("k", "v", SetCond::kIfPresent, TtlMode::kKeep, 0, now_));
  EXPECT_EQ(FakeObject::live(), 0);  // the replaced object is deleted
  const auto k = ks_.Find("k", now_);
  EXPECT_EQ(k->kind, ValueKind::kString);
  EXPECT_EQ(k->value, "v");
  EXPECT_EQ(k->deadline, kT + 100);  // KEEPTTL kept it, on the re-linked entry
  EXPECT_EQ(ks_.expires_count(), 1u);
  EXPECT_EQ(ks_.ExpireDue(kT + 101, 10), 1u);  // the wheel still reaches the new entry
  EXPECT_EQ(ks_.size(), 0u);
}

TEST_F(TypedEntryTest, ObjectReplacesAStringOrIsDeletedWhenNotStored) {
  ks_.Set("k", "v", SetCond::kAlways, TtlMode::kClear, 0, now_);
  EXPECT_FALSE(SetHash("k", "p", SetCond::kIfAbsent));  // not stored: deleted, not leaked
  EXPECT_EQ(FakeObject::live(), 0);
  EXPECT_EQ(ks_.Find("k", now_)->value, "v");
  EXPECT_FALSE(SetHash("missing", "p", SetCond::kIfPresent));
  EXPECT_EQ(FakeObject::live(), 0);
  // A deadline already past deletes the key and stores nothing, yet counts as set (Set's rule).
  EXPECT_TRUE(SetHash("k", "p", SetCond::kAlways, TtlMode::kAt, now_));
  EXPECT_FALSE(ks_.Exists("k", now_));
  EXPECT_EQ(FakeObject::live(), 0);
  EXPECT_TRUE(SetHash("k", "p2"));
  EXPECT_EQ(ks_.Find("k", now_)->kind, ValueKind::kHash);
  EXPECT_TRUE(ks_.SetObject("k", MakeFake(ValueKind::kList, "l"), SetCond::kAlways, TtlMode::kClear,
                            0, now_));
  EXPECT_EQ(ks_.Find("k", now_)->kind, ValueKind::kList);
  EXPECT_EQ(FakeObject::live(), 1);
}

// However a key goes (DEL, lazy expiry, the wheel, FLUSHALL, the keyspace's end), its object
// goes with it, and expiry counts it like a string.
TEST_F(TypedEntryTest, ObjectsDieWithTheirKeys) {
  SetHash("del");
  SetHash("lazy", "p", SetCond::kAlways, TtlMode::kAt, kT + 5);
  SetHash("wheel", "p", SetCond::kAlways, TtlMode::kAt, kT + 5);
  SetHash("persisted", "p", SetCond::kAlways, TtlMode::kAt, kT + 5);
  EXPECT_TRUE(ks_.SetDeadline("persisted", kNoDeadline, now_));
  EXPECT_EQ(FakeObject::live(), 4);
  EXPECT_TRUE(ks_.Erase("del", now_));
  EXPECT_EQ(FakeObject::live(), 3);
  now_ = kT + 6;
  EXPECT_FALSE(ks_.Exists("lazy", now_));
  EXPECT_EQ(FakeObject::live(), 2);
  EXPECT_EQ(ks_.ExpireDue(now_, 10), 1u);
  EXPECT_EQ(FakeObject::live(), 1);
  EXPECT_EQ(ks_.expired_total(), 2u);
  EXPECT_TRUE(ks_.Exists("persisted", now_));
  {
    Keyspace other(now_);
    other.SetObject("x", MakeFake(ValueKind::kSet), SetCond::kAlways, TtlMode::kClear, 0, now_);
    EXPECT_EQ(FakeObject::live(), 2);
  }
  EXPECT_EQ(FakeObject::live(), 1);
  ks_.Clear();
  EXPECT_EQ(FakeObject::live(), 0);
}

// used_bytes counts a non-string key as its entry (24-byte header + key + the 8-byte pointer)
// plus what the object reports, follows ObjectChanged, and gives back exactly what it counted.
TEST_F(TypedEntryTest, UsedBytesCountsObjects) {
  ks_.Set("other", "v", SetCond::kAlways, TtlMode::kClear, 0, now_);  // the index exists
  const size_t base = ks_.used_bytes();
  auto object = MakeFake(ValueKind::kHash, "abc");
  FakeObject* fake = object.get();
  const size_t object_bytes = fake->AllocatedBytes();
  ks_.SetObject("hash:1234567", std::move(object), SetCond::kAlways, TtlMode::kClear, 0, now_);
  EXPECT_EQ(ks_.used_bytes() - base, 48u + object_bytes);  // 24 + 12 + 8 = 44, rounded to 48
  fake->Grow(100);
  EXPECT_EQ(ks_.used_bytes() - base, 48u + object_bytes);  // not recounted yet
  ks_.ObjectChanged("hash:1234567", *fake);
  EXPECT_EQ(ks_.used_bytes() - base, 48u + object_bytes + 100);
  const std::string long_key(300, 'k');  // out of line: 32-byte stub + key + pointer
  ks_.SetObject(long_key, MakeFake(ValueKind::kList, "abc"), SetCond::kAlways, TtlMode::kClear, 0,
                now_);
  EXPECT_EQ(ks_.Find(long_key, now_)->kind, ValueKind::kList);
  EXPECT_EQ(ks_.used_bytes() - base, 48u + object_bytes + 100 + 32 + 300 + 8 + object_bytes);
  ks_.Set(long_key, "v", SetCond::kAlways, TtlMode::kClear, 0, now_);  // string again
  EXPECT_EQ(ks_.Find(long_key, now_)->value, "v");
  EXPECT_TRUE(ks_.Erase(long_key, now_));
  EXPECT_TRUE(ks_.Erase("hash:1234567", now_));
  EXPECT_EQ(ks_.used_bytes(), base);
}

TEST(ValueTest, TypeNames) {
  EXPECT_EQ(TypeName(ValueKind::kString), "string");
  EXPECT_EQ(TypeName(ValueKind::kList), "list");
  EXPECT_EQ(TypeName(ValueKind::kSet), "set");
  EXPECT_EQ(TypeName(ValueKind::kZSet), "zset");
  EXPECT_EQ(TypeName(ValueKind::kHash), "hash");
}

// Redis tryObjectEncoding's choices for what SET stores, and its shared integers 0..9999.
TEST(ValueTest, StringEncodingAndRefCount) {
  for (std::string_view v :
       {"0", "1", "-1", "9999", "10000", "9223372036854775807", "-9223372036854775808"}) {
    EXPECT_EQ(StringEncoding(v), "int") << v;
  }
  for (std::string_view v : {"", "01", "+1", " 1", "1 ", "-0", "1.5", "9223372036854775808", "abc",
                             "00000000000000000000"}) {
    EXPECT_EQ(StringEncoding(v), "embstr") << v;
  }
  EXPECT_EQ(StringEncoding(std::string(44, 'a')), "embstr");
  EXPECT_EQ(StringEncoding(std::string(45, 'a')), "raw");
  EXPECT_EQ(StringEncoding(std::string(45, '1')), "raw");  // digits, but too long for an int
  EXPECT_EQ(StringRefCount("0"), 2147483647);
  EXPECT_EQ(StringRefCount("9999"), 2147483647);
  EXPECT_EQ(StringRefCount("10000"), 1);
  EXPECT_EQ(StringRefCount("-1"), 1);
  EXPECT_EQ(StringRefCount("abc"), 1);
}

}  // namespace
}  // namespace locknode::keyspace
