#include "fuzz_check.h"

#include <charconv>
#include <cstdint>

namespace locknode::fuzz {
namespace {

// The header line after the type byte: its text and the offset just past its CRLF.
bool Line(std::string_view s, std::string_view* text, size_t* next) {
  const size_t crlf = s.find("\r\n", 1);
  if (crlf == std::string_view::npos) return false;
  *text = s.substr(1, crlf - 1);
  *next = crlf + 2;
  return text->find_first_of("\r\n") == std::string_view::npos;
}

bool Count(std::string_view text, int64_t* n) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *n);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

size_t RespValueLength(std::string_view s, int depth) {
  std::string_view text;
  size_t next = 0;
  if (s.empty() || depth > 64 || !Line(s, &text, &next)) return 0;
  int64_t n = 0;
  switch (s[0]) {
    case '+':
    case '-':
    case ',':
    case '(':
    case ':':
      return next;
    case '_':
      return text.empty() ? next : 0;
    case '#':
      return text == "t" || text == "f" ? next : 0;
    case '$':
    case '=':
    case '!': {
      if (!Count(text, &n)) return 0;
      if (n == -1 && s[0] == '$') return next;
      if (n < 0 || s.size() - next < static_cast<uint64_t>(n) + 2) return 0;
      const size_t end = next + static_cast<size_t>(n);
      return s.substr(end, 2) == "\r\n" ? end + 2 : 0;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (!Count(text, &n)) return 0;
      if (n == -1 && s[0] == '*') return next;
      if (n < 0) return 0;
      const int64_t items = (s[0] == '%' || s[0] == '|') ? 2 * n : n;
      size_t at = next;
      for (int64_t i = 0; i < items; ++i) {
        const size_t len = RespValueLength(s.substr(at), depth + 1);
        if (len == 0) return 0;
        at += len;
      }
      return at;
    }
    default:
      return 0;
  }
}

}  // namespace locknode::fuzz
