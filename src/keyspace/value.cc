#include "locknode/keyspace/value.h"

#include <climits>
#include <optional>

#include "locknode/base/strings.h"

namespace locknode::keyspace {
namespace {

// Redis object.c: OBJ_ENCODING_EMBSTR_SIZE_LIMIT and OBJ_SHARED_INTEGERS.
constexpr size_t kEmbstrSizeLimit = 44;
constexpr int64_t kSharedIntegers = 10000;

// Redis tryObjectEncoding: only a value of at most 20 characters that string2l accepts (the
// same strict rules as ParseInt64: no sign '+', no spaces, no leading zeros) becomes an integer.
std::optional<int64_t> IntegerEncoded(std::string_view value) {
  if (value.size() > 20) return std::nullopt;
  return ParseInt64(value);
}

}  // namespace

std::string_view TypeName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString:
      return "string";
    case ValueKind::kList:
      return "list";
    case ValueKind::kSet:
      return "set";
    case ValueKind::kZSet:
      return "zset";
    case ValueKind::kHash:
      return "hash";
  }
  return "none";  // unreachable: every kind is listed
}

std::string_view CompactEncoding(ValueKind /*kind*/) {
  return "listpack";  // Redis 7.0's small hash, sorted set and (7.2) list
}

std::string_view StringEncoding(std::string_view value, StringEnc enc) {
  if (enc == StringEnc::kRaw) return "raw";
  if (enc == StringEnc::kAuto && IntegerEncoded(value)) return "int";
  return value.size() <= kEmbstrSizeLimit ? "embstr" : "raw";
}

int64_t StringRefCount(std::string_view value, StringEnc enc) {
  if (enc != StringEnc::kAuto) return 1;
  const auto n = IntegerEncoded(value);
  return n && *n >= 0 && *n < kSharedIntegers ? INT_MAX : 1;  // OBJ_SHARED_REFCOUNT
}

}  // namespace locknode::keyspace
