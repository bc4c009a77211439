#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace locknode::protocol {

// One argument of a parsed request, as an offset into the caller's buffer. Offsets (not
// pointers) survive the caller growing or compacting its buffer between Parse calls.
struct ArgRef {
  uint32_t offset;
  uint32_t length;
};

// Limits the parser enforces. The session may tighten them (e.g. for unauthenticated clients).
struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = 1024LL * 1024;   // arguments per request
  size_t max_inline_len = size_t{64} * 1024;   // PROTO_INLINE_MAX_SIZE
  // Redis CVE-2021-32675 rule: before AUTH at most 10 args and 16 KiB bulks.
  bool unauthenticated = false;
};

// Incremental server-side RESP request parser: multibulk (`*N\r\n$len\r\n...`) and inline
// (`PING\r\n`, split like Redis's sdssplitargs with "..." and '...' quoting), chosen by the
// first byte as in Redis's processInputBuffer. It yields the same requests however the byte
// stream is split, resumes where it stopped (no rescanning of what it has already read), and
// allocates nothing per request in steady state.
//
// Contract:
//   * `data` starts at the first byte of the pending request and holds every byte received since.
//     Between calls that return kNeedMore the caller may append to it and may move it as a whole
//     (realloc, memmove to the front), but must not change bytes already passed.
//   * kComplete: one request; *consumed = its length in bytes, plus any ignored prefix (see
//     kNeedMore) that preceded it. args() are offsets into `data` and stay valid until the next
//     Parse. Inline arguments are unescaped in place, which is why `data` is mutable (the
//     unescaped text is never longer than the escaped one).
//   * kNeedMore: *consumed is the number of leading bytes that can be dropped because they held
//     no request (Redis ignores empty inline lines and `*0`/`*-1` multibulks); usually 0.
//   * kError: error() holds Redis's exact text with its code ("ERR Protocol error: invalid bulk
//     length", see errors.h), ready for ReplySink::Error; the caller replies with it and closes
//     the connection. Errors are sticky: the parser must be Reset() to reuse.
class RequestParser {
 public:
  enum class Status : uint8_t { kComplete, kNeedMore, kError };

  explicit RequestParser(ParserLimits limits = {});

  Status Parse(std::span<char> data, size_t* consumed);
  std::span<const ArgRef> args() const { return args_; }
  std::string_view error() const { return error_; }
  // Bytes still needed to finish the bulk being read (0 if unknown): lets the session read a big
  // argument in one go (Dragonfly parselen_hint).
  size_t size_hint() const;
  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  void Reset();

 private:
  // Implementation state (see request_parser.cc). Kept as plain members so that resuming a
  // partial request costs nothing but a few loads. Positions are relative to the first byte of
  // the pending request (data[0] once any ignored prefix has been dropped).
  enum class LineScan : uint8_t { kFound, kNeedMore, kTooBig };

  Status ParseMultibulk(std::span<char> data, size_t* consumed);
  Status ParseInline(std::span<char> data, size_t* consumed);
  Status ParseBulkHeader(std::span<const char> data, size_t cr);
  bool TryBulkHeaderFast(std::span<const char> data);
  LineScan FindLineEnd(std::span<const char> data, size_t start, char terminator, size_t* at);
  bool SplitInline(char* line, size_t n);
  void FinishRequest();
  Status Fail(std::string_view message);

  ParserLimits limits_;
  std::vector<ArgRef> args_;   // capacity reused across requests
  std::string_view error_;     // points to static storage only (errors.h or the '$' table)
  size_t pos_ = 0;             // bytes of the pending request already scanned
  int64_t multibulk_len_ = 0;  // arguments still to read; 0 = no multibulk in progress
  int64_t bulk_len_ = -1;      // length of the bulk being read; -1 = expecting a '$' header
  size_t scan_ = 0;            // how far the search for the current line's end has got
  size_t avail_ = 0;           // bytes of the pending request seen by the last Parse
  bool stalled_ = false;       // a NUL precedes the line end: Redis's strchr never finds it
};

}  // namespace locknode::protocol
