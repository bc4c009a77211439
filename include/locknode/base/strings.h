#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace locknode {

// Strict signed 64-bit parse with Redis's string2ll rules: optional '-', decimal digits only,
// no '+', no spaces, no leading zeros (except "0"), no overflow, at most 20 characters.
std::optional<int64_t> ParseInt64(std::string_view s);

// ASCII case-insensitive equality; no allocation.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Lower-cases ASCII `in` into `out` (which must hold in.size() bytes) and returns the view.
std::string_view ToLowerAscii(std::string_view in, char* out);

// Appends the decimal form of v to a fixed buffer of 21 chars; returns the view (std::to_chars).
struct IntText {
  char buf[24];
  std::string_view view;
  explicit IntText(int64_t v);
};

}  // namespace locknode
