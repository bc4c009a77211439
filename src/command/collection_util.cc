#include "command/collection_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "locknode/base/strings.h"
#include "locknode/protocol/errors.h"

#include "command/glob_match.h"

namespace locknode::command {

RankSpan RankArgsSpan(int64_t start, int64_t stop, size_t size) {
  const auto len = static_cast<int64_t>(size);
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return {};
  if (stop >= len) stop = len - 1;
  return {static_cast<size_t>(start), static_cast<size_t>(stop) + 1};
}

std::vector<size_t> SampleRanks(size_t size, size_t count, std::mt19937_64& rng) {
  std::vector<size_t> ranks;
  ranks.reserve(count);
  if (count * 2 > size) {
    // Selection sampling (Knuth's algorithm S): one pass, already in order.
    for (size_t i = 0; i < size && ranks.size() < count; ++i) {
      const size_t left = size - i;
      const size_t needed = count - ranks.size();
      if (std::uniform_int_distribution<size_t>(0, left - 1)(rng) < needed) ranks.push_back(i);
    }
    return ranks;
  }
  std::unordered_set<size_t> seen;
  std::uniform_int_distribution<size_t> pick(0, size - 1);
  while (ranks.size() < count) {
    const size_t r = pick(rng);
    if (seen.insert(r).second) ranks.push_back(r);
  }
  std::sort(ranks.begin(), ranks.end());
  return ranks;
}

std::mt19937_64& CollectionRng() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

bool ParseScanCursor(std::string_view arg) {
  const std::string copy(arg);
  if (!copy.empty() && std::isspace(static_cast<unsigned char>(copy[0])) != 0) return false;
  char* end = nullptr;
  errno = 0;
  (void)std::strtoul(copy.c_str(), &end, 10);
  return *end == '\0' && errno != ERANGE;
}

bool ScanOptions::Matches(std::string_view member) const {
  return !use_pattern || GlobMatch(pattern, member, false);
}

bool ParseScanOptions(ArgList args, size_t first, ScanOptions* options) {
  for (size_t i = first; i < args.size();) {
    const size_t left = args.size() - i;
    if (EqualsIgnoreCase(args[i], "count") && left >= 2) {
      const auto count = ParseInt64(args[i + 1]);
      if (!count) {
        options->error = protocol::kErrNotInteger;
        return false;
      }
      if (*count < 1) {
        options->error = protocol::kErrSyntax;
        return false;
      }
      options->count = *count;
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "match") && left >= 2) {
      options->pattern = args[i + 1];
      options->use_pattern = options->pattern != "*";
      i += 2;
    } else {
      options->error = protocol::kErrSyntax;
      return false;
    }
  }
  return true;
}

void ReplyScan(protocol::ReplySink& reply, const std::vector<std::string>& elements) {
  reply.Array(2);
  reply.Bulk("0");
  reply.Array(elements.size());
  for (const std::string& e : elements) reply.Bulk(e);
}

}  // namespace locknode::command
