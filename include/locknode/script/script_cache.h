#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "locknode/script/fast_path.h"
#include "locknode/script/lua_engine.h"

namespace locknode::script {

struct CacheLimits {
  // Bounds on cached scripts. Beyond either, the least recently used script is evicted:
  // clients recover through their NOSCRIPT fallback (EVAL or SCRIPT LOAD then EVALSHA; all lock
  // libraries in COMPAT §2 have one). Redis 7.0 never evicts; 7.4 evicts EVAL scripts (500).
  size_t max_scripts = 1000;
  size_t max_bytes = size_t{16} << 20;        // sum of script body sizes
  size_t max_script_bytes = size_t{1} << 20;  // one body; larger ones are refused
};

// One cached script. Owned by the cache; a pointer stays valid until the next Intern, Flush or
// eviction (single-threaded: the shard never holds one across commands).
struct ScriptEntry {
  std::string sha;   // 40 lowercase hex
  std::string body;  // exact bytes
  FunctionRef fn = kNoFunction;
  ScriptFlags flags;
  FastPath fast_path;  // classified once, at insertion
};

// sha1 -> compiled function (Redis's lctx.lua_scripts with luaCreateFunction), with LRU
// eviction. The SHA is computed once per body: an EVAL of a known body is found through a
// hash of the body text without rehashing SHA-1.
class ScriptCache {
 public:
  ScriptCache(LuaEngine& engine, CacheLimits limits) : engine_(engine), limits_(limits) {}
  ~ScriptCache();
  ScriptCache(const ScriptCache&) = delete;
  ScriptCache& operator=(const ScriptCache&) = delete;

  // EVAL / SCRIPT LOAD: returns the entry for `body`, compiling and classifying it on a miss.
  // On failure returns nullptr and sets *error to Redis's reply text (compile error, shebang
  // error, or the size limit).
  const ScriptEntry* Intern(std::string_view body, std::string* error);
  // EVALSHA: case-insensitive SHA lookup (Redis lower-cases it); marks the entry recently used.
  // A SHA that is not 40 characters long is never found (Redis replies NOSCRIPT at once).
  const ScriptEntry* Find(std::string_view sha);
  // SCRIPT EXISTS: like Find but does not touch the LRU order.
  bool Contains(std::string_view sha) const;
  // SCRIPT FLUSH: drops every script and collects the Lua garbage.
  void Flush();

  size_t size() const { return by_sha_.size(); }
  size_t bytes() const { return bytes_; }
  uint64_t evictions() const { return evictions_; }
  const CacheLimits& limits() const { return limits_; }
  void set_limits(const CacheLimits& limits);

 private:
  using Lru = std::list<ScriptEntry>;
  void Touch(Lru::iterator it) { lru_.splice(lru_.begin(), lru_, it); }
  void EvictToFit();
  void Erase(Lru::iterator it);

  LuaEngine& engine_;
  CacheLimits limits_;
  Lru lru_;  // most recently used first; list nodes never move, so views into them are stable
  std::unordered_map<std::string_view, Lru::iterator> by_sha_;
  std::unordered_map<std::string_view, Lru::iterator> by_body_;
  size_t bytes_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace locknode::script
