#include "locknode/base/digest.h"

#include <cstdint>
#include <xxhash.h>

namespace locknode {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

DigestHex ValueDigest(std::string_view value) {
  uint64_t h = XXH3_64bits(value.data(), value.size());
  DigestHex out{};
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = out.size(); i-- > 0; h >>= 4) out[i] = kHex[h & 0xf];
  return out;
}

bool IsDigestText(std::string_view text) {
  if (text.size() != DigestHex{}.size()) return false;
  for (const char c : text) {
    if (HexValue(c) < 0) return false;
  }
  return true;
}

bool DigestMatches(std::string_view value, std::string_view digest) {
  if (!IsDigestText(digest)) return false;
  const DigestHex mine = ValueDigest(value);
  for (size_t i = 0; i < mine.size(); ++i) {
    if (HexValue(mine[i]) != HexValue(digest[i])) return false;
  }
  return true;
}

}  // namespace locknode
