#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "locknode/command/command_table.h"

namespace locknode::command {

// Walks a command's optional arguments left to right and latches the FIRST error (Dragonfly
// facade/cmd_arg_parser.h: "parse everything, then check the error once at the end"). Handlers
// parse their options into a flags struct with it, validate conflicts once, and reply with
// error() if !ok(). Views returned point into the argument list; nothing is allocated.
class ArgCursor {
 public:
  // Starts at args[first] (e.g. 3 for "SET key value [options]").
  ArgCursor(ArgList args, size_t first) : args_(args), pos_(first) {}

  // True while there are arguments left and no error has been latched.
  bool HasNext() const { return ok() && pos_ < args_.size(); }

  // Consumes and returns the next argument. A missing argument (an option given without its
  // value, e.g. "SET k v PX") latches "ERR syntax error", as Redis does, and returns "".
  std::string_view Next();

  // Consumes the next argument as a strict integer (Redis string2ll). A missing argument latches
  // the syntax error, a malformed one "ERR value is not an integer or out of range"; both
  // return 0.
  int64_t NextInt64();

  // Latches `error` (full text without '-', static storage) unless an error is already latched.
  void Fail(std::string_view error);
  // Latches "ERR syntax error" and remembers `token` for callers whose Redis text names the
  // offending option (EXPIRE's "ERR Unsupported option <opt>").
  void FailUnknown(std::string_view token);

  bool ok() const { return error_.empty(); }
  std::string_view error() const { return error_; }
  std::string_view unknown_token() const { return unknown_token_; }
  size_t position() const { return pos_; }

 private:
  ArgList args_;
  size_t pos_;
  std::string_view error_;
  std::string_view unknown_token_;
};

}  // namespace locknode::command
