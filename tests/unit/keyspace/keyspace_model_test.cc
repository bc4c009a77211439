// Randomized differential test: Keyspace against a std::map model with the same expiry rules,
// over string values and non-string ones (FakeObject of every other kind).

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "locknode/keyspace/keyspace.h"

#include "support/fake_object.h"

namespace locknode::keyspace {
namespace {

using test::FakeObject;

constexpr ValueKind kKinds[] = {ValueKind::kString, ValueKind::kList, ValueKind::kSet,
                                ValueKind::kZSet, ValueKind::kHash};

struct ModelEntry {
  std::string value;  // the string, or a FakeObject's payload
  Millis deadline;
  ValueKind kind = ValueKind::kString;
};

// The specification, written the obvious way.
class Model {
 public:
  // Lazy expiry, exactly as the keyspace does it.
  ModelEntry* Live(const std::string& k, Millis now) {
    auto it = map_.find(k);
    if (it == map_.end()) return nullptr;
    if (now > it->second.deadline) {
      map_.erase(it);
      ++expired_;
      return nullptr;
    }
    return &it->second;
  }
  bool Set(const std::string& k, const std::string& v, SetCond c, TtlMode t, Millis d, Millis now,
           ValueKind kind = ValueKind::kString) {
    ModelEntry* e = Live(k, now);
    if ((c == SetCond::kIfAbsent && e) || (c == SetCond::kIfPresent && !e)) return false;
    if (t == TtlMode::kAt && d <= now) {
      map_.erase(k);
      return true;
    }
    const Millis nd =
        t == TtlMode::kAt ? d : (t == TtlMode::kKeep && e ? e->deadline : kNoDeadline);
    map_[k] = ModelEntry{v, nd, kind};
    return true;
  }
  bool SetDeadline(const std::string& k, Millis d, Millis now) {
    ModelEntry* e = Live(k, now);
    if (!e) return false;
    if (d != kNoDeadline && d <= now) {
      map_.erase(k);
    } else {
      e->deadline = d;
    }
    return true;
  }
  // Drops everything expired at `now` (what an unlimited ExpireDue does).
  void Purge(Millis now) {
    std::erase_if(map_, [&](const auto& kv) {
      const bool gone = now > kv.second.deadline;
      expired_ += gone ? 1 : 0;
      return gone;
    });
  }
  // Redis checkType for the fast paths: missing, another kind, or a string compared to `token`.
  CasResult Cas(const std::string& k, const std::string& token, Millis now) {
    const ModelEntry* e = Live(k, now);
    if (e == nullptr) return CasResult::kMissing;
    if (e->kind != ValueKind::kString) return CasResult::kWrongType;
    return e->value == token ? CasResult::kDone : CasResult::kOtherValue;
  }
  int object_count() const {
    return static_cast<int>(std::count_if(map_.begin(), map_.end(), [](const auto& kv) {
      return kv.second.kind != ValueKind::kString;
    }));
  }
  size_t volatile_count() const {
    return static_cast<size_t>(std::count_if(map_.begin(), map_.end(), [](const auto& kv) {
      return kv.second.deadline != kNoDeadline;
    }));
  }
  std::map<std::string, ModelEntry>& map() { return map_; }
  uint64_t expired() const { return expired_; }

 private:
  std::map<std::string, ModelEntry> map_;
  uint64_t expired_ = 0;
};

class KeyspaceModelTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  std::string RandomKey() {
    std::string k = "key:" + std::to_string(rng_() % 100'000);
    if (rng_() % 16 == 0) k.push_back('\0');  // binary-safe: "key:1" and "key:1\0" differ
    return k;
  }
  std::string RandomValue() {
    // Mostly 36-byte tokens (in-place overwrite), sometimes other lengths (reallocation), a few
    // on both sides of the arena's largest block (out-of-line bodies).
    const uint64_t kind = rng_() % 16;
    const size_t len = kind == 0 ? 200 + rng_() % 100 : kind < 4 ? rng_() % 50 : 36;
    std::string v(len, 'a');
    for (char& c : v) c = static_cast<char>('a' + rng_() % 3);  // collisions for CompareAnd*
    return v;
  }
  Millis RandomDeadline() {
    switch (rng_() % 6) {
      case 0:
        return now_ - static_cast<Millis>(rng_() % 3);  // already past / == now
      case 1:
        return kNoDeadline;
      case 2:
        return now_ + static_cast<Millis>(rng_() % (1LL << 34));  // beyond the wheel's range
      default:
        return now_ + static_cast<Millis>(rng_() % 5'000);
    }
  }

  void CheckFind(const std::string& k) {
    const ModelEntry* want = model_.Live(k, now_);
    const std::optional<EntryView> got = ks_.Find(k, now_);
    ASSERT_EQ(got.has_value(), want != nullptr) << k;
    if (want) {
      ASSERT_EQ(got->kind, want->kind);
      ASSERT_EQ(
          got->kind == ValueKind::kString ? std::string(got->value) : test::PayloadOf(got->object),
          want->value);
      ASSERT_EQ(got->deadline, want->deadline);
    }
    const ValueKind asked = kKinds[rng_() % std::size(kKinds)];
    const TypedEntry typed = ks_.FindTyped(k, asked, now_);
    const Match match = !want                 ? Match::kMissing
                        : want->kind == asked ? Match::kFound
                                              : Match::kWrongType;
    ASSERT_EQ(typed.match, match);
    if (want) {
      ASSERT_EQ(typed.entry.kind, want->kind);
    }
  }

  // Grows a stored object in place and recounts it, as a command mutating a hash would.
  void GrowObject(const std::string& k) {
    const ModelEntry* want = model_.Live(k, now_);
    if (want == nullptr || want->kind == ValueKind::kString) return;
    const TypedEntry typed = ks_.FindTyped(k, want->kind, now_);
    ASSERT_EQ(typed.match, Match::kFound);
    auto* fake = static_cast<FakeObject*>(typed.entry.object);
    const size_t grow = rng_() % 64;
    const size_t before = ks_.used_bytes();
    fake->Grow(grow);
    ks_.ObjectChanged(k, *fake);
    ASSERT_EQ(ks_.used_bytes(), before + grow);
    model_.map()[k].value = fake->payload();
  }

  // NextDeadline is never later than the deadline of a key the keyspace must still hold (keys
  // not yet due; due ones may already have been reclaimed while the model still has them).
  void CheckNextDeadline() {
    const std::optional<Millis> next = ks_.NextDeadline();
    for (const auto& [k, e] : model_.map()) {
      if (e.deadline == kNoDeadline || e.deadline < now_) continue;
      ASSERT_TRUE(next.has_value());
      ASSERT_LE(*next, e.deadline);
    }
  }

  void CheckDrained() {
    while (ks_.ExpireDue(now_, 1000) == 1000) {
    }
    model_.Purge(now_);
    ASSERT_EQ(ks_.size(), model_.map().size());
    ASSERT_EQ(ks_.expires_count(), model_.volatile_count());
    ASSERT_EQ(ks_.expired_total(), model_.expired());
    ASSERT_EQ(FakeObject::live(), model_.object_count());  // none leaked, none freed early
  }

  std::mt19937_64 rng_{GetParam()};
  Millis now_ = 5'000'000;
  Keyspace ks_{now_};
  Model model_;
};

TEST_P(KeyspaceModelTest, MatchesMapModel) {
  const TtlMode ttls[] = {TtlMode::kClear, TtlMode::kKeep, TtlMode::kAt};
  const SetCond conds[] = {SetCond::kAlways, SetCond::kIfAbsent, SetCond::kIfPresent};
  for (int op = 0; op < 200'000; ++op) {
    const std::string k = RandomKey();
    switch (rng_() % 14) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const std::string v = RandomValue();
        const SetCond c = conds[rng_() % 3];
        const TtlMode t = ttls[rng_() % 3];
        const Millis d = t == TtlMode::kAt ? RandomDeadline() : kNoDeadline;
        const bool want = model_.Set(k, v, c, t, d, now_);
        ASSERT_EQ(ks_.Set(k, v, c, t, d, now_), want);
        break;
      }
      case 4:
        ASSERT_EQ(ks_.Erase(k, now_), model_.Live(k, now_) != nullptr && model_.map().erase(k));
        break;
      case 5: {
        const Millis d = RandomDeadline();
        ASSERT_EQ(ks_.SetDeadline(k, d, now_), model_.SetDeadline(k, d, now_));
        break;
      }
      case 6: {
        const std::string token = RandomValue();
        const CasResult want = model_.Cas(k, token, now_);
        if (want == CasResult::kDone) model_.map().erase(k);
        ASSERT_EQ(ks_.CompareAndDelete(k, token, now_), want);
        break;
      }
      case 7: {
        const std::string token = RandomValue();
        const Millis d = RandomDeadline();
        const CasResult want = model_.Cas(k, token, now_);
        if (want == CasResult::kDone) model_.SetDeadline(k, d, now_);
        ASSERT_EQ(ks_.CompareAndSetDeadline(k, token, d, now_), want);
        break;
      }
      case 8:
        // A small budget: reclaims some expired keys, which the model finds lazily later.
        ks_.ExpireDue(now_, rng_() % 50);
        break;
      case 9:
        now_ += static_cast<Millis>(rng_() % (rng_() % 100 == 0 ? 100'000 : 20));
        break;
      case 10: {
        const std::string payload = RandomValue();
        const ValueKind kind = kKinds[1 + rng_() % (std::size(kKinds) - 1)];
        const SetCond c = conds[rng_() % 3];
        const TtlMode t = ttls[rng_() % 3];
        const Millis d = t == TtlMode::kAt ? RandomDeadline() : kNoDeadline;
        const bool want = model_.Set(k, payload, c, t, d, now_, kind);
        ASSERT_EQ(ks_.SetObject(k, test::MakeFake(kind, payload), c, t, d, now_), want);
        break;
      }
      case 11:
        GrowObject(k);
        break;
      default:
        CheckFind(k);
        break;
    }
    if (op % 40'000 == 39'999) CheckDrained();
    if (op % 10'000 == 0) CheckNextDeadline();
  }
  CheckDrained();
  // Deleting every key one by one gives back every byte: used_bytes is then the bare index,
  // exactly what Clear() leaves.
  for (const auto& [k, e] : model_.map()) ASSERT_TRUE(ks_.Erase(k, now_));
  const size_t bare = ks_.used_bytes();
  ks_.Clear();
  ASSERT_EQ(ks_.used_bytes(), bare);
  ASSERT_EQ(FakeObject::live(), 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, KeyspaceModelTest, ::testing::Values(1u, 2u));

}  // namespace
}  // namespace locknode::keyspace
