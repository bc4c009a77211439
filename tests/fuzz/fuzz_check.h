#pragma once

// Shared by the libFuzzer targets: an always-on invariant check and a validator for reply bytes.

#include <cstddef>
#include <string_view>

#include "locknode/base/dcheck.h"

// Stays on in every build type: a fuzzer whose checks are compiled out finds nothing.
#define FUZZ_CHECK(cond) LOCKNODE_CHECK(cond)

namespace locknode::fuzz {

// Length of the one RESP2/RESP3 value at the start of `s`, or 0 if `s` does not start with a
// complete, well-formed value. Replies are written by our own writer, so any 0 is a bug.
// The test tree's one reply reader does the work (tests/support/resp_reply.h).
size_t RespValueLength(std::string_view s);

}  // namespace locknode::fuzz
