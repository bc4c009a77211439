#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace locknode::protocol {

// Handlers describe *what* to reply; a sink decides how it is encoded (GUIDE E3). RespWriter
// encodes RESP2/RESP3 bytes, the Lua sink builds Lua values, CapturingSink records for tests.
// Aggregates are announced by length, then their elements follow as further calls.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual void Simple(std::string_view s) = 0;  // +OK
  // `full` includes the error code and no leading '-': "ERR syntax error", "NOSCRIPT ...".
  virtual void Error(std::string_view full) = 0;
  virtual void Integer(int64_t v) = 0;
  virtual void Bulk(std::string_view s) = 0;
  virtual void Null() = 0;                        // $-1 (RESP2) / _ (RESP3) / false (Lua)
  virtual void NullArray() = 0;                   // *-1 (RESP2) / _ (RESP3)
  virtual void Array(size_t n) = 0;               // n elements follow
  virtual void Map(size_t n) = 0;                 // n key/value pairs follow; RESP2: array of 2n
  virtual void Set(size_t n) = 0;                 // RESP3 set '~'; RESP2: array
  virtual void Verbatim(std::string_view s) = 0;  // RESP3 "=len\r\ntxt:..."; RESP2: bulk
  virtual void Double(double d) = 0;              // RESP3 ','; RESP2: bulk of the %.17g text
  // An out-of-band message of n elements (pub/sub messages and (un)subscribe confirmations,
  // Redis addReplyPushLen): RESP3 push '>', RESP2 and every other sink an array.
  virtual void Push(size_t n) { Array(n); }

  // Switches the encoding for this reply and every later one (HELLO). Redis's helloCommand sets
  // c->resp before it writes its reply, so HELLO 3 is already answered in RESP3. Sinks without
  // a wire encoding (Lua, capture) ignore it.
  virtual void SetProtocol(int /*version*/) {}

  void Ok() { Simple("OK"); }

  // Error replies written so far and the code of the last one ("ERR", "WRONGTYPE"), for the
  // command funnel's statistics (Redis afterErrorReply: commandstats failed_calls, errorstats).
  // `errors_accounted` is the funnel's mark of how many it has already counted, so a command run
  // inside another (EXEC, redis.call) is counted once. Sinks whose errors reach no client (the
  // fast path's discard sink, test sinks) need not call NoteError.
  uint64_t errors_written() const { return errors_written_; }
  std::string_view last_error_code() const { return {last_code_, last_code_len_}; }
  uint64_t errors_accounted = 0;

 protected:
  // Every Error() that reaches a client calls this first. O(length of the code).
  void NoteError(std::string_view full) {
    ++errors_written_;
    size_t n = 0;  // the code is the first word, as Redis's errorstats keys it
    while (n < full.size() && n < sizeof(last_code_) && full[n] != ' ') {
      last_code_[n] = full[n];
      ++n;
    }
    last_code_len_ = static_cast<uint8_t>(n);
  }

 private:
  uint64_t errors_written_ = 0;
  char last_code_[32] = {};
  uint8_t last_code_len_ = 0;
};

// A sink that drops everything: for an answer that must not reach the client (a native script
// run asking the write policy, pushes to a client about to be closed for its output limit).
class DiscardSink : public ReplySink {
 public:
  void Simple(std::string_view /*s*/) override {}
  void Error(std::string_view /*full*/) override {}
  void Integer(int64_t /*v*/) override {}
  void Bulk(std::string_view /*s*/) override {}
  void Null() override {}
  void NullArray() override {}
  void Array(size_t /*n*/) override {}
  void Map(size_t /*n*/) override {}
  void Set(size_t /*n*/) override {}
  void Verbatim(std::string_view /*s*/) override {}
  void Double(double /*d*/) override {}
};

}  // namespace locknode::protocol
