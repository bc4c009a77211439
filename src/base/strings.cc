#include "locknode/base/strings.h"

#include <charconv>

namespace locknode {

std::optional<int64_t> ParseInt64(std::string_view s) {
  // Redis string2ll: rejects "", "+1", " 1", "01", "-0"... and anything over 20 chars.
  if (s.empty() || s.size() > 20) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative) {
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  if (s[i] < '1' || s[i] > '9') return std::nullopt;  // no leading zero, no "-0"
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    // Up to 19 digits cannot overflow 64 bits; only the 20th needs the (dividing) check.
    if (i >= 19 && v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

static char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view ToLowerAscii(std::string_view in, char* out) {
  for (size_t i = 0; i < in.size(); ++i) out[i] = LowerAscii(in[i]);
  return {out, in.size()};
}

IntText::IntText(int64_t v) {
  auto result = std::to_chars(buf, buf + sizeof(buf), v);
  view = std::string_view(buf, static_cast<size_t>(result.ptr - buf));
}

}  // namespace locknode
