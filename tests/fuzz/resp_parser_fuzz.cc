// libFuzzer target: the RESP request parser fed arbitrary bytes (SAFETY §3.6, §4.2 row 22).
//
// Invariants checked on every input:
//  * consumed <= the bytes passed; a complete request consumes at least one byte; every
//    argument lies inside the bytes it consumed;
//  * the same commands (and the same final error, if any) come out whether the input arrives
//    in one piece or in chunks of pseudo-random sizes, as a socket would deliver it;
//  * an error is sticky until Reset.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "locknode/protocol/request_parser.h"

#include "fuzz_check.h"

namespace {

using locknode::protocol::ParserLimits;
using locknode::protocol::RequestParser;
using Status = RequestParser::Status;
using Command = std::vector<std::string>;

struct Outcome {
  std::vector<Command> commands;
  std::string error;  // empty if the input ended without a protocol error
};

// Parses everything parseable in buf[0, size), recording commands; returns the bytes consumed.
// Stops at kNeedMore or kError.
size_t Drain(RequestParser& parser, std::string& buf, Outcome* out, bool* failed) {
  size_t done = 0;
  while (!*failed) {
    std::span<char> data(buf.data() + done, buf.size() - done);
    size_t consumed = 0;
    const Status status = parser.Parse(data, &consumed);
    FUZZ_CHECK(consumed <= data.size());
    if (status == Status::kError) {
      FUZZ_CHECK(!parser.error().empty());
      out->error = std::string(parser.error());
      *failed = true;
      size_t again = 0;
      FUZZ_CHECK(parser.Parse(data, &again) == Status::kError);  // sticky
      break;
    }
    if (status == Status::kNeedMore) {
      done += consumed;
      break;
    }
    FUZZ_CHECK(consumed > 0);
    Command cmd;
    for (const auto& arg : parser.args()) {
      FUZZ_CHECK(static_cast<size_t>(arg.offset) + arg.length <= consumed);
      cmd.emplace_back(data.data() + arg.offset, arg.length);
    }
    out->commands.push_back(std::move(cmd));
    done += consumed;
  }
  return done;
}

Outcome Whole(const ParserLimits& limits, const uint8_t* data, size_t size) {
  RequestParser parser(limits);
  std::string buf(reinterpret_cast<const char*>(data), size);
  Outcome out;
  bool failed = false;
  Drain(parser, buf, &out, &failed);
  return out;
}

// Delivers the input in chunks whose sizes come from a PRNG seeded by the input itself, keeping
// the unparsed tail in a buffer the way the session's read buffer does.
Outcome Chunked(const ParserLimits& limits, const uint8_t* data, size_t size, uint64_t seed) {
  RequestParser parser(limits);
  std::string buf;
  Outcome out;
  bool failed = false;
  size_t fed = 0;
  while (fed < size && !failed) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const size_t max_chunk = (seed >> 60) < 8 ? 3 : 1500;  // often tiny, sometimes large
    const size_t chunk = std::min<size_t>(size - fed, 1 + (seed >> 33) % max_chunk);
    buf.append(reinterpret_cast<const char*>(data) + fed, chunk);
    fed += chunk;
    buf.erase(0, Drain(parser, buf, &out, &failed));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t seed = 1469598103934665603ULL;  // FNV-1a of the input picks limits and chunking
  for (size_t i = 0; i < size; ++i) seed = (seed ^ data[i]) * 1099511628211ULL;
  ParserLimits limits;
  limits.unauthenticated = (seed & 1) != 0;
  // Small limits so inputs under libFuzzer's max_len reach the size errors too.
  if ((seed & 2) != 0) {
    limits.max_inline_len = 256;
    limits.max_bulk_len = 1024;
    limits.max_multibulk_len = 64;
  }
  const Outcome whole = Whole(limits, data, size);
  const Outcome chunked = Chunked(limits, data, size, seed);
  FUZZ_CHECK(whole.commands == chunked.commands);
  FUZZ_CHECK(whole.error == chunked.error);
  return 0;
}
