#include "locknode/command/arg_cursor.h"

#include "locknode/base/strings.h"
#include "locknode/protocol/errors.h"

namespace locknode::command {

std::string_view ArgCursor::Next() {
  if (!ok()) return {};
  if (pos_ >= args_.size()) {
    // Redis parseExtendedStringArgumentsOrReply: an option whose value is missing falls through
    // to the generic syntax error.
    Fail(protocol::kErrSyntax);
    return {};
  }
  return args_[pos_++];
}

int64_t ArgCursor::NextInt64() {
  const std::string_view arg = Next();
  if (!ok()) return 0;
  const auto value = ParseInt64(arg);
  if (!value) {
    Fail(protocol::kErrNotInteger);
    return 0;
  }
  return *value;
}

void ArgCursor::Fail(std::string_view error) {
  if (ok()) error_ = error;
}

void ArgCursor::FailUnknown(std::string_view token) {
  if (!ok()) return;
  error_ = protocol::kErrSyntax;
  unknown_token_ = token;
}

}  // namespace locknode::command
