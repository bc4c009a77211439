#include "fuzz_check.h"

#include "support/resp_reply.h"

namespace locknode::fuzz {

size_t RespValueLength(std::string_view s) {
  const long length = test::ReadReply(s);
  return length > 0 ? static_cast<size_t>(length) : 0;
}

}  // namespace locknode::fuzz
