#include "glob_match.h"

#include <cstddef>
#include <utility>

namespace locknode::command {
namespace {

char Fold(char c, bool nocase) {
  return (nocase && c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Matches one bracket class starting at pattern[*p] == '['. Advances *p past the closing ']'
// (or to the end for an unterminated class, which Redis treats as closed).
bool MatchClass(std::string_view pattern, size_t* p, char c, bool nocase) {
  size_t i = *p + 1;
  const bool negate = i < pattern.size() && pattern[i] == '^';
  if (negate) ++i;
  bool match = false;
  while (i < pattern.size() && pattern[i] != ']') {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      ++i;
      if (Fold(pattern[i], nocase) == Fold(c, nocase)) match = true;
    } else if (i + 2 < pattern.size() && pattern[i + 1] == '-') {
      char lo = Fold(pattern[i], nocase);
      char hi = Fold(pattern[i + 2], nocase);
      if (lo > hi) std::swap(lo, hi);
      const char f = Fold(c, nocase);
      if (f >= lo && f <= hi) match = true;
      i += 2;
    } else if (Fold(pattern[i], nocase) == Fold(c, nocase)) {
      match = true;
    }
    ++i;
  }
  *p = i < pattern.size() ? i + 1 : i;
  return negate ? !match : match;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        size_t next = p;
        if (MatchClass(pattern, &next, text[t], nocase)) {
          p = next;
          ++t;
          continue;
        }
      } else {
        size_t lit = p;
        if (pc == '\\' && p + 1 < pattern.size()) lit = p + 1;
        if (Fold(pattern[lit], nocase) == Fold(text[t], nocase)) {
          p = lit + 1;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;  // let the last '*' swallow one more character and retry
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool HasGlobChars(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

}  // namespace locknode::command
