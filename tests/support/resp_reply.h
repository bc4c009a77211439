#pragma once

#include <cstdint>
#include <string_view>

// The one RESP2/RESP3 reply reader of the test tree: the raw test client (resp_client.h), the
// differential harness, the fuzzers' reply validator (tests/fuzz/fuzz_check.h) and the load
// generator (tests/bench/loadgen) all frame replies with ReadReply. It depends on nothing but
// the standard library, so the fuzz and bench builds link it without GoogleTest.
//
// hiredis style (GUIDE §1.3): restartable, not resumable. Every call rescans from the start of
// `buf`; an incomplete reply costs a rescan once more bytes arrived. It is strict on purpose:
// the replies come from redis-server or from locknode's own writer, and a malformed one is a bug
// the tests must see, not skip over.
namespace locknode::test {

// The outermost value of a framed reply (its children are validated and skipped).
struct RespValue {
  char type = 0;       // the RESP type byte: + - : $ * _ # , ( = ! % ~ > |
  bool null = false;   // $-1, *-1 or _
  int64_t number = 0;  // ':' value; '$' '=' '!' payload length; aggregate element count
  // '+' '-' ':' ',' '(' '#' line text, or the payload of '$' '=' '!'. Points into `buf`.
  std::string_view text;
};

// Length of the first complete reply at the start of `buf`:
//   > 0   the reply is buf[0, n); *top (if given) describes its outermost value
//   0     incomplete: read more and call again
//   -1    malformed: unknown type byte, a bad length or integer line, a bulk not followed by
//         CRLF, a stray CR or LF in a line, '_' with text, '#' other than t/f, a null form
//         ("-1") on a type that has none
// An attribute ('|') precedes the reply it annotates: both are framed together and *top
// describes the attribute.
long ReadReply(std::string_view buf, RespValue* top = nullptr);

}  // namespace locknode::test
