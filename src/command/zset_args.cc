#include "command/zset_args.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace locknode::command {
namespace {

// strtod over `arg` as C sees it (the argument is copied and NUL-terminated). `consumed` is how
// far strtod read; `c_length` the length up to the first NUL byte (where a C string ends).
struct CParse {
  double value = 0;
  size_t consumed = 0;
  size_t c_length = 0;
  bool range_error = false;
};

CParse CStrtod(std::string_view arg) {
  // Scores are short: a stack copy, and the heap only for a long argument.
  char small[64];
  std::string large;
  const char* text = small;
  if (arg.size() < sizeof(small)) {
    std::memcpy(small, arg.data(), arg.size());
    small[arg.size()] = '\0';
  } else {
    large.assign(arg);
    text = large.c_str();
  }
  CParse parse;
  char* end = nullptr;
  errno = 0;
  parse.value = std::strtod(text, &end);
  parse.range_error = errno == ERANGE;
  parse.consumed = static_cast<size_t>(end - text);
  parse.c_length = std::strlen(text);
  return parse;
}

std::optional<double> ParseRangeBound(std::string_view arg, bool* exclusive) {
  *exclusive = !arg.empty() && arg[0] == '(';
  if (*exclusive) arg.remove_prefix(1);
  const CParse parse = CStrtod(arg);
  if (parse.consumed != parse.c_length || std::isnan(parse.value)) return std::nullopt;
  return parse.value;
}

std::optional<LexBound> ParseLexBound(std::string_view arg) {
  LexBound bound;
  // Redis reads the argument as a C string: "+" or "-" ends at the first NUL.
  const bool alone = arg.size() == 1 || (arg.size() > 1 && arg[1] == '\0');
  if (!arg.empty() && arg[0] == '+' && alone) {
    bound.kind = LexBound::Kind::kPlusInf;
  } else if (!arg.empty() && arg[0] == '-' && alone) {
    bound.kind = LexBound::Kind::kMinusInf;
  } else if (!arg.empty() && (arg[0] == '(' || arg[0] == '[')) {
    bound.kind = LexBound::Kind::kValue;
    bound.exclusive = arg[0] == '(';
    bound.value = arg.substr(1);
  } else {
    return std::nullopt;
  }
  return bound;
}

// "%.17g" without the locale (std::to_chars with precision 17 prints exactly what printf does).
std::string G17(double d) {
  char buf[40];
  const auto result = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::general, 17);
  return std::string(buf, result.ptr);
}

}  // namespace

std::optional<double> ParseScore(std::string_view arg) {
  if (arg.empty() || std::isspace(static_cast<unsigned char>(arg[0])) != 0) return std::nullopt;
  const CParse parse = CStrtod(arg);
  if (parse.consumed != arg.size() || std::isnan(parse.value)) return std::nullopt;
  if (parse.range_error && (std::isinf(parse.value) || parse.value == 0)) return std::nullopt;
  return parse.value;
}

std::optional<ScoreRange> ParseScoreRange(std::string_view min, std::string_view max) {
  ScoreRange range;
  const auto lo = ParseRangeBound(min, &range.minex);
  const auto hi = ParseRangeBound(max, &range.maxex);
  if (!lo || !hi) return std::nullopt;
  range.min = *lo;
  range.max = *hi;
  return range;
}

std::optional<LexRange> ParseLexRange(std::string_view min, std::string_view max) {
  const auto lo = ParseLexBound(min);
  const auto hi = ParseLexBound(max);
  if (!lo || !hi) return std::nullopt;
  return LexRange{*lo, *hi};
}

bool LexGteMin(std::string_view member, const LexBound& min) {
  if (min.kind != LexBound::Kind::kValue) return min.kind == LexBound::Kind::kMinusInf;
  const int cmp = member.compare(min.value);
  return min.exclusive ? cmp > 0 : cmp >= 0;
}

bool LexLteMax(std::string_view member, const LexBound& max) {
  if (max.kind != LexBound::Kind::kValue) return max.kind == LexBound::Kind::kPlusInf;
  const int cmp = member.compare(max.value);
  return max.exclusive ? cmp < 0 : cmp <= 0;
}

RankSpan ScoreSpan(const keyspace::ZSet& zset, const ScoreRange& range) {
  RankSpan span{zset.ScoreBegin(range.min, range.minex), zset.ScoreEnd(range.max, range.maxex)};
  if (span.end < span.begin) span.end = span.begin;
  return span;
}

RankSpan LexSpan(const keyspace::ZSet& zset, const LexRange& range, bool reverse) {
  RankSpan span;
  if (!zset.compact()) {
    span.begin = zset.PartitionPoint([&](std::string_view m) { return !LexGteMin(m, range.min); });
    span.end = zset.PartitionPoint([&](std::string_view m) { return LexLteMax(m, range.max); });
    if (span.end < span.begin) span.end = span.begin;
    return span;
  }
  // A listpack is walked as Redis walks it (zzlIsInLexRange, zzlFirstInLexRange and
  // zzlLastInLexRange, then on while in range), which differs from a bisection when the members
  // are not in lexicographic order (mixed scores: Redis documents the result as unspecified).
  const std::vector<keyspace::ZSet::Item> items = zset.Items(0, zset.size());
  const auto gte = [&](size_t i) { return LexGteMin(items[i].member, range.min); };
  const auto lte = [&](size_t i) { return LexLteMax(items[i].member, range.max); };
  const size_t n = items.size();
  if (n == 0 || !gte(n - 1) || !lte(0)) return span;
  if (!reverse) {
    size_t i = 0;
    while (i < n && !gte(i)) ++i;
    if (i == n || !lte(i)) return span;
    size_t j = i;
    while (j < n && lte(j)) ++j;
    return {i, j};
  }
  size_t i = n;
  while (i > 0 && !lte(i - 1)) --i;
  if (i == 0 || !gte(i - 1)) return span;
  size_t j = i - 1;
  while (j > 0 && gte(j - 1)) --j;
  return {j, i};
}

void ReplyMember(protocol::ReplySink& reply, const keyspace::ZSet::Item& item, bool withscores,
                 bool resp3) {
  if (withscores && resp3) reply.Array(2);
  reply.Bulk(item.member);
  if (withscores) reply.Double(item.score);
}

std::string ScanScoreText(double score, bool compact) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  if (!compact) return G17(score);
  // d2string: zero keeps its sign, integral values within +-LLONG_MAX/2 print as integers.
  if (score == 0) return std::signbit(score) ? "-0" : "0";
  constexpr double kHalf = static_cast<double>(LLONG_MAX / 2);
  if (score >= -kHalf && score <= kHalf) {
    const auto as_int = static_cast<long long>(score);
    if (static_cast<double>(as_int) == score) return std::to_string(as_int);
  }
  return G17(score);
}

}  // namespace locknode::command
