#pragma once

#include <array>
#include <string_view>

namespace locknode {

// Redis 8.4's value digest (DIGEST, SET/DELEX IFDEQ|IFDNE): XXH3-64 of the bytes (seed 0) as 16
// lowercase hex digits, leading zeros kept. O(n), no allocation.
using DigestHex = std::array<char, 16>;
DigestHex ValueDigest(std::string_view value);

// True if `digest` is 16 hex digits (either case) equal to `value`'s digest.
bool DigestMatches(std::string_view value, std::string_view digest);

// True if `text` has the shape of a digest: exactly 16 hex digits, either case.
bool IsDigestText(std::string_view text);

}  // namespace locknode
