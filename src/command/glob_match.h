#pragma once

#include <string_view>

namespace locknode::command {

// Redis's glob matcher (util.c stringmatchlen): '*', '?', '[abc]', '[^a-z]' and '\' escapes.
// CONFIG GET matches case-insensitively (nocase = true), COMMAND LIST FILTERBY PATTERN too.
// Iterative with backtracking to the last '*', so a hostile pattern costs O(n*m), never
// exponential time (Redis 7 added a nesting limit for the same reason).
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase);

// True if `s` has a glob metacharacter; CONFIG GET replies with the name as the client typed
// it for a plain name, and with the canonical name for a pattern (Redis 7.0 configGetCommand).
bool HasGlobChars(std::string_view s);

}  // namespace locknode::command
