#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace locknode::command {

// One argument of a command as COMMAND DOCS describes it (Redis commands/*.json "arguments").
struct DocArg {
  std::string name;
  std::string type;   // "key", "string", "pure-token", "oneof", "block"
  std::string token;  // e.g. "PX" for "PX milliseconds"; the token itself for a pure-token
  bool optional = false;
  bool multiple = false;
  std::vector<DocArg> children;  // for oneof / block
};

// Turns a CommandSpec::arguments hint ("key value [NX|XX] [PX milliseconds]") into the argument
// tree of Redis's COMMAND DOCS reply. redis-cli rebuilds the hint from that tree
// (redis-cli.c cliAddArgument: "[" optional, "|" between oneof children, " " in a block,
// "TOKEN name", "x [x ...]" for multiple), so a well-formed hint round-trips to itself.
// Grammar: items separated by spaces; "[...]" optional; '|' separates alternatives (looser than
// space); "x [x ...]" marks x multiple; an all-upper-case word is a token. A hint this cannot
// parse becomes one string argument holding the whole hint, which renders the same in
// redis-cli 7.0.
std::vector<DocArg> ParseArgumentHint(std::string_view hint);

// The inverse, exactly as redis-cli 7.0 renders a DOCS argument list (for tests).
std::string RenderArguments(const std::vector<DocArg>& args);

}  // namespace locknode::command
