#include "locknode/protocol/request_parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "locknode/base/dcheck.h"
#include "locknode/base/strings.h"
#include "locknode/protocol/errors.h"

// Mirrors Redis 7.0 src/networking.c processInputBuffer / processMultibulkBuffer /
// processInlineBuffer and src/sds.c sdssplitargs, byte for byte (checked against
// redis-server 7.0.15; the unit tests hold the observed replies).
namespace locknode::protocol {
namespace {

// Redis's CVE-2021-32675 limits for clients that still have to AUTH (processMultibulkBuffer).
constexpr int64_t kUnauthMaxMultibulk = 10;
constexpr int64_t kUnauthMaxBulk = 16384;
// Redis 7 rejects counts above INT_MAX whatever the configured limit.
constexpr int64_t kRedisMaxMultibulk = 2147483647;
// ArgRef offsets are 32-bit. A request may hold at most 2 GiB and the ignored prefix skipped in
// one call at most 2 GiB, so `prefix + offset` always fits. Bigger requests are refused as an
// invalid bulk length (Redis would need proto-max-bulk-len raised above its 512 MB default and
// a query buffer limit above 1 GB to get there).
constexpr size_t kMaxRequestBytes = size_t{1} << 31;
constexpr size_t kMaxSkipBytes = size_t{1} << 31;

// "ERR Protocol error: expected '$', got '%c'" for every byte, built at compile time so that
// error() can point to static storage. Redis's addReplyErrorFormat maps '\r' and '\n' in the
// text to spaces (sdsmapchars), so those two bytes appear as ' ' (observed: "got ' '").
constexpr std::string_view kExpectedPrefix = "ERR Protocol error: expected '$', got '";
using ExpectedText = std::array<char, kExpectedPrefix.size() + 2>;

constexpr std::array<ExpectedText, 256> MakeExpectedTable() {
  std::array<ExpectedText, 256> table{};
  for (size_t c = 0; c < table.size(); ++c) {
    for (size_t i = 0; i < kExpectedPrefix.size(); ++i) table[c][i] = kExpectedPrefix[i];
    char ch = static_cast<char>(static_cast<unsigned char>(c));
    if (ch == '\r' || ch == '\n') ch = ' ';
    table[c][kExpectedPrefix.size()] = ch;
    table[c][kExpectedPrefix.size() + 1] = '\'';
  }
  return table;
}
constexpr std::array<ExpectedText, 256> kExpectedTable = MakeExpectedTable();

std::string_view ExpectedDollar(char got) {
  const ExpectedText& text = kExpectedTable[static_cast<unsigned char>(got)];
  return {text.data(), text.size()};
}

// C isspace() in the "C" locale, which sdssplitargs uses to skip blanks between arguments.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The escapes sdssplitargs knows inside "..."; any other escaped byte stands for itself.
char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// Fast path for the `*<n>\r` / `$<n>\r` header lines of well-formed clients: the digits are
// scanned once, in place of memchr('\r') + memchr('\0') + ParseInt64 (callgrind: ~2x fewer
// instructions per SET). Accepts only what string2ll accepts without question: 1 to 18 digits,
// no leading zero (except "0" itself), no sign, then '\r' and one more byte (Redis skips the
// byte after '\r' unchecked). Anything else returns -1 and the caller takes the general path,
// which holds Redis's exact rules and errors.
int64_t ScanHeaderFast(const char* p, size_t avail, size_t* cr_at) {
  const size_t max_digits = std::min<size_t>(avail, 18);
  size_t i = 0;
  uint64_t v = 0;
  while (i < max_digits && p[i] >= '0' && p[i] <= '9') {
    v = v * 10 + static_cast<uint64_t>(p[i] - '0');
    ++i;
  }
  if (i == 0 || (p[0] == '0' && i > 1) || i + 1 >= avail || p[i] != '\r') return -1;
  *cr_at = i;
  return static_cast<int64_t>(v);
}

ArgRef MakeArg(size_t offset, size_t length) {
  LOCKNODE_DCHECK(offset + length <= UINT32_MAX);
  return {static_cast<uint32_t>(offset), static_cast<uint32_t>(length)};
}

}  // namespace

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}

void RequestParser::Reset() {
  args_.clear();
  error_ = {};
  FinishRequest();
  avail_ = 0;
}

void RequestParser::FinishRequest() {
  pos_ = 0;
  multibulk_len_ = 0;
  bulk_len_ = -1;
  scan_ = 0;
  stalled_ = false;
}

RequestParser::Status RequestParser::Fail(std::string_view message) {
  error_ = message;
  return Status::kError;
}

size_t RequestParser::size_hint() const {
  if (multibulk_len_ == 0 || bulk_len_ < 0) return 0;
  const size_t needed = pos_ + static_cast<size_t>(bulk_len_) + 2;
  return needed > avail_ ? needed - avail_ : 0;
}

RequestParser::Status RequestParser::Parse(std::span<char> data, size_t* consumed) {
  *consumed = 0;
  if (!error_.empty()) return Status::kError;  // sticky, like hiredis's r->err
  size_t skipped = 0;
  while (skipped < data.size()) {
    std::span<char> request = data.subspan(skipped);
    const bool fresh = pos_ == 0 && scan_ == 0 && !stalled_;
    if (fresh) {
      // Stop skipping before the 32-bit offsets of the next request could overflow; the caller
      // drops the prefix and calls again.
      if (skipped > kMaxSkipBytes) break;
      args_.clear();
    }
    size_t length = 0;
    // Redis picks the request type from the first byte alone (processInputBuffer).
    const Status status =
        request[0] == '*' ? ParseMultibulk(request, &length) : ParseInline(request, &length);
    if (status != Status::kComplete) {
      *consumed = skipped;
      return status;
    }
    FinishRequest();
    if (args_.empty()) {
      // `*0`, `*-1` and blank inline lines leave argc == 0: Redis resets the client and moves
      // on without a reply.
      skipped += length;
      continue;
    }
    if (skipped != 0) {
      for (ArgRef& arg : args_) arg = MakeArg(arg.offset + skipped, arg.length);
    }
    *consumed = skipped + length;
    return Status::kComplete;
  }
  *consumed = skipped;
  return Status::kNeedMore;
}

// Finds the end of the line starting at `start` the way Redis does: strchr() for `terminator`
// on a NUL-terminated query buffer, so a NUL byte before it hides it for good (the connection
// then stalls until the line passes the 64 KiB limit: Redis's "protocol desync" tests). A line
// whose terminator is more than max_inline_len bytes in is an error however the bytes arrived
// (Redis checks the pending length after every read, so fed byte by byte it fails exactly there).
// `scan_` remembers how far previous calls searched, so nothing is scanned twice.
RequestParser::LineScan RequestParser::FindLineEnd(std::span<const char> data, size_t start,
                                                   char terminator, size_t* at) {
  const size_t pending = data.size() - start;
  // Clamped so that `+ 1` cannot wrap and a line always fits the 32-bit offsets.
  const size_t max_line = std::min(limits_.max_inline_len, kMaxRequestBytes);
  if (!stalled_) {
    const size_t limit = start + (pending > max_line ? max_line + 1 : pending);
    const size_t from = std::max(scan_, start);
    const char* base = data.data();
    const void* found = from < limit ? std::memchr(base + from, terminator, limit - from) : nullptr;
    const size_t end = found ? static_cast<size_t>(static_cast<const char*>(found) - base) : limit;
    stalled_ = end > from && std::memchr(base + from, '\0', end - from) != nullptr;
    if (found != nullptr && !stalled_) {
      scan_ = end;
      *at = end;
      return LineScan::kFound;
    }
    scan_ = end;
  }
  return pending > max_line ? LineScan::kTooBig : LineScan::kNeedMore;
}

RequestParser::Status RequestParser::ParseMultibulk(std::span<char> data, size_t* consumed) {
  avail_ = data.size();
  if (multibulk_len_ == 0) {
    size_t cr = 0;
    std::optional<int64_t> count;
    size_t digits_end = 0;
    const int64_t fast = scan_ == 0 && !stalled_ && limits_.max_inline_len >= 20
                             ? ScanHeaderFast(data.data() + 1, data.size() - 1, &digits_end)
                             : -1;
    if (fast >= 0) {
      cr = digits_end + 1;
      count = fast;
    } else {
      const LineScan scan = FindLineEnd(data, 0, '\r', &cr);
      if (scan == LineScan::kTooBig) return Fail(kErrProtoTooBigMbulkCount);
      // Redis wants one more byte after '\r' but never checks that it is '\n': it skips it.
      if (scan == LineScan::kNeedMore || cr + 1 >= data.size()) return Status::kNeedMore;
      count = ParseInt64({data.data() + 1, cr - 1});
    }
    if (!count || *count > std::min(limits_.max_multibulk_len, kRedisMaxMultibulk)) {
      return Fail(kErrProtoInvalidMultibulk);
    }
    if (limits_.unauthenticated && *count > kUnauthMaxMultibulk) {
      return Fail(kErrProtoUnauthMultibulk);
    }
    pos_ = cr + 2;
    if (*count <= 0) {  // `*0` / `*-10`: consumed and ignored (processMultibulkBuffer)
      *consumed = pos_;
      return Status::kComplete;
    }
    multibulk_len_ = *count;
    // Like Redis's argv, preallocate for at most 1024 arguments whatever the count claims.
    args_.reserve(static_cast<size_t>(std::min<int64_t>(multibulk_len_, 1024)));
    scan_ = pos_;
  }
  while (multibulk_len_ > 0) {
    if (bulk_len_ < 0 && TryBulkHeaderFast(data)) {
      // bulk_len_ and pos_ are set: go on with the payload.
    } else if (bulk_len_ < 0) {
      size_t cr = 0;
      const LineScan scan = FindLineEnd(data, pos_, '\r', &cr);
      if (scan == LineScan::kTooBig) return Fail(kErrProtoTooBigBulkCount);
      if (scan == LineScan::kNeedMore || cr + 1 >= data.size()) return Status::kNeedMore;
      if (const Status status = ParseBulkHeader(data, cr); status != Status::kComplete) {
        return status;
      }
    }
    const size_t bulk = static_cast<size_t>(bulk_len_);
    // Redis needs bulk + 2 bytes and then skips the two after the payload unchecked.
    if (data.size() - pos_ < bulk + 2) return Status::kNeedMore;
    args_.push_back(MakeArg(pos_, bulk));
    pos_ += bulk + 2;
    scan_ = pos_;
    bulk_len_ = -1;
    --multibulk_len_;
  }
  *consumed = pos_;
  return Status::kComplete;
}

// The `$<len>\r` line at pos_ through ScanHeaderFast; on success the same effect as
// FindLineEnd + ParseBulkHeader (false: nothing changed, take the general path).
bool RequestParser::TryBulkHeaderFast(std::span<const char> data) {
  if (scan_ != pos_ || stalled_ || limits_.max_inline_len < 20) return false;
  if (data.size() - pos_ < 4 || data[pos_] != '$') return false;
  size_t digits_end = 0;
  const int64_t len = ScanHeaderFast(data.data() + pos_ + 1, data.size() - pos_ - 1, &digits_end);
  if (len < 0 || len > limits_.max_bulk_len) return false;
  if (limits_.unauthenticated && len > kUnauthMaxBulk) return false;
  const size_t cr = pos_ + 1 + digits_end;
  if (cr + 2 + static_cast<size_t>(len) + 2 > kMaxRequestBytes) return false;
  pos_ = cr + 2;
  scan_ = pos_;
  bulk_len_ = len;
  return true;
}

// Validates the `$<len>` line that ends at `cr`; on success moves past it, records the length
// and returns kComplete (the header is complete; the payload is read next).
RequestParser::Status RequestParser::ParseBulkHeader(std::span<const char> data, size_t cr) {
  // Checked only once the whole line is there: "*1\r\nfoo" waits, "*1\r\nfoo\r\n" fails.
  if (data[pos_] != '$') return Fail(ExpectedDollar(data[pos_]));
  const std::optional<int64_t> len = ParseInt64({data.data() + pos_ + 1, cr - pos_ - 1});
  if (!len || *len < 0 || *len > limits_.max_bulk_len) return Fail(kErrProtoInvalidBulk);
  if (limits_.unauthenticated && *len > kUnauthMaxBulk) return Fail(kErrProtoUnauthBulk);
  if (cr + 2 + static_cast<size_t>(*len) + 2 > kMaxRequestBytes) {
    return Fail(kErrProtoInvalidBulk);
  }
  pos_ = cr + 2;
  scan_ = pos_;
  bulk_len_ = *len;
  return Status::kComplete;
}

RequestParser::Status RequestParser::ParseInline(std::span<char> data, size_t* consumed) {
  avail_ = data.size();
  size_t newline = 0;
  const LineScan scan = FindLineEnd(data, 0, '\n', &newline);
  if (scan == LineScan::kTooBig) return Fail(kErrProtoTooBigInline);
  if (scan == LineScan::kNeedMore) return Status::kNeedMore;
  // "\r\n" and a bare "\n" both end the line (processInlineBuffer).
  const size_t line_end = newline > 0 && data[newline - 1] == '\r' ? newline - 1 : newline;
  if (!SplitInline(data.data(), line_end)) return Fail(kErrProtoUnbalancedQuotes);
  *consumed = newline + 1;
  return Status::kComplete;
}

// sdssplitargs, unescaping each argument over its own raw text (the output never outruns the
// input, so nothing unread is overwritten). FindLineEnd guarantees no NUL in the line, so
// "index n" plays the role of sdssplitargs's terminating NUL. Quirks kept: blanks between
// arguments are any isspace() byte but only ' ', \t, \r, \n end an unquoted argument (so "a\vb"
// is one argument); a quote may open mid-argument (a"b c" is `ab c`); a closing quote must be
// followed by a blank or the end of the line, else the quotes count as unbalanced.
bool RequestParser::SplitInline(char* line, size_t n) {
  args_.clear();
  auto at = [line, n](size_t i) { return i < n ? line[i] : '\0'; };
  size_t r = 0;
  while (true) {
    while (r < n && IsSpace(line[r])) ++r;
    if (r >= n) return true;
    const size_t start = r;
    size_t w = r;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      const char c = at(r);
      if (in_double) {
        if (c == '\\' && at(r + 1) == 'x' && IsHexDigit(at(r + 2)) && IsHexDigit(at(r + 3))) {
          line[w++] = static_cast<char>(HexValue(at(r + 2)) * 16 + HexValue(at(r + 3)));
          r += 3;
        } else if (c == '\\' && at(r + 1) != '\0') {
          line[w++] = Unescape(line[++r]);
        } else if (c == '"') {
          if (at(r + 1) != '\0' && !IsSpace(at(r + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          line[w++] = c;
        }
      } else if (in_single) {
        if (c == '\\' && at(r + 1) == '\'') {
          ++r;
          line[w++] = '\'';
        } else if (c == '\'') {
          if (at(r + 1) != '\0' && !IsSpace(at(r + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          line[w++] = c;
        }
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
        done = true;
      } else if (c == '"') {
        in_double = true;
      } else if (c == '\'') {
        in_single = true;
      } else {
        line[w++] = c;
      }
      if (r < n) ++r;
    }
    args_.push_back(MakeArg(start, w - start));
  }
}

}  // namespace locknode::protocol
