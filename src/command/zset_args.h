#pragma once

// Private to the command module: the sorted-set families' argument parsing and reply pieces
// (Redis 7.0 src/t_zset.c and src/object.c), shared by zset_cmds.cc and zset_range_cmds.cc.

#include <optional>
#include <string>
#include <string_view>

#include "locknode/command/command_table.h"
#include "locknode/keyspace/zset.h"
#include "locknode/protocol/reply_sink.h"

#include "command/collection_util.h"

namespace locknode::command {

inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kErrMinMaxNotLex = "ERR min or max not valid string range item";
inline constexpr std::string_view kErrNotPositive = "ERR value is out of range, must be positive";

// Redis getDoubleFromObject (ZADD, ZINCRBY scores): strtod over the whole argument; empty, a
// leading space, trailing bytes, an overflow or underflow, and NaN are refused.
std::optional<double> ParseScore(std::string_view arg);

// Redis zslParseRange: "(" makes the bound exclusive; strtod must stop at the end of the C string
// (an empty bound is 0, a leading space is allowed) and NaN is refused.
struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
};
std::optional<ScoreRange> ParseScoreRange(std::string_view min, std::string_view max);

// Redis zslParseLexRange: "-" and "+" are the ends, "[x" inclusive, "(x" exclusive.
struct LexBound {
  enum class Kind : uint8_t { kMinusInf, kPlusInf, kValue } kind = Kind::kMinusInf;
  std::string_view value;
  bool exclusive = false;
};
struct LexRange {
  LexBound min, max;
};
std::optional<LexRange> ParseLexRange(std::string_view min, std::string_view max);
// zslLexValueGteMin / zslLexValueLteMax.
bool LexGteMin(std::string_view member, const LexBound& min);
bool LexLteMax(std::string_view member, const LexBound& max);

// Ranks [begin, end) of the members in a range (Redis's first/last-in-range walks).
RankSpan ScoreSpan(const keyspace::ZSet& zset, const ScoreRange& range);
RankSpan LexSpan(const keyspace::ZSet& zset, const LexRange& range, bool reverse);

// One member with its score as Redis's zrange handlers emit it: RESP3 WITHSCORES pairs are nested
// arrays, RESP2 ones flat; scores are doubles (RESP2: bulk strings of %.17g).
void ReplyMember(protocol::ReplySink& reply, const keyspace::ZSet::Item& item, bool withscores,
                 bool resp3);

// A score as ZSCAN prints it: a listpack keeps d2string's text (integers as integers), a
// skiplist's dict entry goes through ld2string's "%.17Lg".
std::string ScanScoreText(double score, bool compact);

// Registration of the two sorted-set files (families.h lists the families).
void RegisterZSetRangeCommands(CommandTable& table);

}  // namespace locknode::command

namespace locknode::command {
// A sorted-set table row (group "sorted-set", key at args[1]).
constexpr CommandSpec ZRow(std::string_view name, int arity, uint32_t flags, Handler handler,
                           std::string_view summary, std::string_view arguments,
                           Lifetime lifetime = Lifetime::kNone) {
  return CollectionRow(name, arity, flags, handler, summary, arguments, "sorted-set", lifetime);
}
}  // namespace locknode::command
