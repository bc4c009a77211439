#include "locknode/script/script_cache.h"

#include <cctype>

#include "locknode/base/sha1.h"

namespace locknode::script {

ScriptCache::~ScriptCache() {
  for (ScriptEntry& e : lru_) engine_.Release(e.fn);
}

const ScriptEntry* ScriptCache::Intern(std::string_view body, std::string* error) {
  if (auto it = by_body_.find(body); it != by_body_.end()) {
    Touch(it->second);
    return &*it->second;
  }
  if (body.size() > limits_.max_script_bytes) {
    *error = "ERR script is larger than lua-max-script-bytes (" +
             std::to_string(limits_.max_script_bytes) + " bytes)";
    return nullptr;
  }
  ScriptEntry entry;
  entry.sha = Sha1Hex(body);
  entry.body.assign(body);
  entry.fn = engine_.Compile(body, &entry.flags, error);
  if (entry.fn == kNoFunction) return nullptr;
  entry.fast_path = ClassifyScript(body);
  lru_.push_front(std::move(entry));
  const auto it = lru_.begin();
  by_sha_.emplace(it->sha, it);
  by_body_.emplace(it->body, it);
  bytes_ += it->body.size();
  EvictToFit();
  return &*it;
}

const ScriptEntry* ScriptCache::Find(std::string_view sha) {
  if (sha.size() != 40) return nullptr;
  char lower[40];
  for (size_t i = 0; i < 40; ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(sha[i])));
  }
  const auto it = by_sha_.find(std::string_view(lower, 40));
  if (it == by_sha_.end()) return nullptr;
  Touch(it->second);
  return &*it->second;
}

bool ScriptCache::Contains(std::string_view sha) const {
  if (sha.size() != 40) return false;
  char lower[40];
  for (size_t i = 0; i < 40; ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(sha[i])));
  }
  return by_sha_.contains(std::string_view(lower, 40));
}

void ScriptCache::Flush() {
  for (ScriptEntry& e : lru_) engine_.Release(e.fn);
  by_sha_.clear();
  by_body_.clear();
  lru_.clear();
  bytes_ = 0;
  engine_.CollectGarbage();
}

void ScriptCache::set_limits(const CacheLimits& limits) {
  limits_ = limits;
  EvictToFit();
}

// Never evicts the entry just inserted (the front): it is about to run.
void ScriptCache::EvictToFit() {
  while (lru_.size() > 1 && (lru_.size() > limits_.max_scripts || bytes_ > limits_.max_bytes)) {
    Erase(std::prev(lru_.end()));
    ++evictions_;
  }
}

void ScriptCache::Erase(Lru::iterator it) {
  by_sha_.erase(it->sha);
  by_body_.erase(it->body);
  bytes_ -= it->body.size();
  engine_.Release(it->fn);
  lru_.erase(it);
}

}  // namespace locknode::script
