#pragma once

// A test double for the non-string values of later command families (value.h): lets the
// keyspace and command tests store a hash/list/set/zset-kind key without those families.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "locknode/keyspace/value.h"

namespace locknode::test {

// Any non-string kind with a `payload` standing for its contents. Counts live instances, so a
// test can prove the keyspace deletes exactly the objects it owns (DEL, overwrite, expiry,
// Clear, destruction). Grow() changes AllocatedBytes(), for Keyspace::ObjectChanged.
class FakeObject final : public keyspace::Object {
 public:
  FakeObject(keyspace::ValueKind kind, std::string payload, std::string_view encoding = "listpack")
      : kind_(kind), encoding_(encoding), payload_(std::move(payload)) {
    ++live_;
  }
  FakeObject(const FakeObject& other)
      : keyspace::Object(other),
        kind_(other.kind_),
        encoding_(other.encoding_),
        payload_(other.payload_) {
    ++live_;
  }
  ~FakeObject() override { --live_; }

  keyspace::ValueKind kind() const override { return kind_; }
  std::string_view encoding() const override { return encoding_; }
  size_t AllocatedBytes() const override { return sizeof(*this) + payload_.size(); }
  std::unique_ptr<keyspace::Object> Clone() const override {
    return std::make_unique<FakeObject>(*this);
  }

  const std::string& payload() const { return payload_; }
  void Grow(size_t bytes) { payload_.append(bytes, 'x'); }

  static int live() { return live_; }

 private:
  keyspace::ValueKind kind_;
  std::string_view encoding_;
  std::string payload_;
  static inline int live_ = 0;
};

inline std::unique_ptr<FakeObject> MakeFake(keyspace::ValueKind kind, std::string payload = "p") {
  return std::make_unique<FakeObject>(kind, std::move(payload));
}

// The payload of a stored fake object (the view's `object` must be a FakeObject).
inline const std::string& PayloadOf(const keyspace::Object* o) {
  return static_cast<const FakeObject*>(o)->payload();
}

}  // namespace locknode::test
