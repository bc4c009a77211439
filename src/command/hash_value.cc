#include "command/hash_value.h"

#include <algorithm>

#include "locknode/base/dcheck.h"

namespace locknode::command {
namespace {

// LEB128: 7 bits a byte, low groups first. A listpack-sized field (<= 64 bytes) takes one byte.
void PutLength(std::string& out, size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

// Reads a length-prefixed string at `*pos`; the bytes are ours (written by EncodeCompactHash).
std::string_view TakeString(std::string_view bytes, size_t* pos) {
  size_t n = 0;
  int shift = 0;
  for (;;) {
    const auto b = static_cast<unsigned char>(bytes[(*pos)++]);
    n |= static_cast<size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
  }
  const std::string_view s = bytes.substr(*pos, n);
  *pos += n;
  return s;
}

}  // namespace

bool NextCompactPair(std::string_view bytes, size_t* pos, HashPair* pair) {
  if (*pos >= bytes.size()) return false;
  pair->field = TakeString(bytes, pos);
  pair->value = TakeString(bytes, pos);
  return true;
}

std::vector<HashPair> DecodeCompactHash(std::string_view bytes) {
  std::vector<HashPair> pairs;
  size_t pos = 0;
  HashPair p;
  while (NextCompactPair(bytes, &pos, &p)) pairs.push_back(p);
  return pairs;
}

std::string EncodeCompactHash(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [f, v] : pairs) {
    PutLength(out, f.size());
    out.append(f);
    PutLength(out, v.size());
    out.append(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HashTable

size_t HashTable::StringHeap(const std::string& s) {
  // libstdc++ keeps up to 15 bytes in the string itself.
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

size_t HashTable::AllocatedBytes() const {
  using Slot = decltype(map_)::value_type;
  return sizeof(*this) + map_.bucket_count() * (sizeof(Slot) + 1) + string_heap_;
}

std::unique_ptr<keyspace::Object> HashTable::Clone() const {
  return std::unique_ptr<keyspace::Object>(new HashTable(*this));
}

const std::string* HashTable::Find(std::string_view field) const {
  auto it = map_.find(field);
  return it == map_.end() ? nullptr : &it->second;
}

bool HashTable::Set(std::string_view field, std::string_view value) {
  auto it = map_.find(field);
  if (it != map_.end()) {
    string_heap_ -= StringHeap(it->second);
    it->second.assign(value);
    string_heap_ += StringHeap(it->second);
    return false;
  }
  auto [slot, inserted] = map_.emplace(std::string(field), std::string(value));
  string_heap_ += StringHeap(slot->first) + StringHeap(slot->second);
  return inserted;
}

bool HashTable::Erase(std::string_view field) {
  auto it = map_.find(field);
  if (it == map_.end()) return false;
  string_heap_ -= StringHeap(it->first) + StringHeap(it->second);
  map_.erase(it);
  return true;
}

uint64_t HashTable::Scan(uint64_t cursor, size_t count, std::vector<HashPair>* out) const {
  struct Candidate {
    uint64_t hash;
    HashPair pair;
  };
  std::vector<Candidate> candidates;
  for (const auto& [f, v] : map_) {
    const uint64_t h = std::hash<std::string_view>{}(f);
    if (h >= cursor) candidates.push_back({h, {f, v}});
  }
  const auto by_hash = [](const Candidate& a, const Candidate& b) { return a.hash < b.hash; };
  uint64_t next = 0;
  if (count > 0 && candidates.size() > count) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(count - 1),
                     candidates.end(), by_hash);
    const uint64_t last = candidates[count - 1].hash;
    // Everything up to and including `last` goes out; a next cursor past UINT64_MAX means done.
    std::erase_if(candidates, [last](const Candidate& c) { return c.hash > last; });
    next = last == UINT64_MAX ? 0 : last + 1;
  }
  std::sort(candidates.begin(), candidates.end(), by_hash);
  for (const Candidate& c : candidates) out->push_back(c.pair);
  return next;
}

// ---------------------------------------------------------------------------------------------
// HashValue

HashValue HashValue::Of(const keyspace::TypedEntry& found) {
  HashValue h;
  if (found.match != keyspace::Match::kFound) return h;
  h.exists_ = true;
  if (found.entry.object != nullptr) {
    // The hash family stores no other object of kind kHash.
    LOCKNODE_DCHECK(dynamic_cast<HashTable*>(found.entry.object) != nullptr);
    h.table_ = static_cast<HashTable*>(found.entry.object);
    return h;
  }
  h.compact_ = found.entry.value;
  return h;
}

void HashValue::Decode() {
  if (decoded_ || table_ != nullptr) return;
  ForEach([&](std::string_view f, std::string_view v) { pairs_.emplace_back(f, v); });
  decoded_ = true;
  compact_ = {};
}

size_t HashValue::size() const {
  if (table_ != nullptr) return table_->size();
  if (decoded_) return pairs_.size();
  size_t n = 0;
  ForEach([&](std::string_view, std::string_view) { ++n; });
  return n;
}

std::optional<std::string_view> HashValue::Get(std::string_view field) const {
  if (table_ != nullptr) {
    const std::string* v = table_->Find(field);
    if (v == nullptr) return std::nullopt;
    return *v;
  }
  if (decoded_) {
    for (const auto& [f, v] : pairs_) {
      if (f == field) return std::string_view(v);
    }
    return std::nullopt;
  }
  size_t pos = 0;
  HashPair p;
  while (NextCompactPair(compact_, &pos, &p)) {
    if (p.field == field) return p.value;
  }
  return std::nullopt;
}

std::vector<HashPair> HashValue::Pairs() const {
  std::vector<HashPair> out;
  out.reserve(size());
  ForEach([&](std::string_view f, std::string_view v) { out.push_back({f, v}); });
  return out;
}

void HashValue::ConvertToTable() {
  Decode();
  owned_ = std::make_unique<HashTable>();
  for (const auto& [f, v] : pairs_) owned_->Set(f, v);
  pairs_.clear();
  table_ = owned_.get();
  dirty_ = true;
}

void HashValue::ConvertIfLong(std::span<const std::string_view> args) {
  if (table_ != nullptr) return;
  for (std::string_view a : args) {
    if (a.size() > kHashMaxListpackValue) {
      ConvertToTable();
      return;
    }
  }
}

// A write to a compact hash that stays compact (a lock's HINCRBY, the HSET of a new lock) is
// spliced into one copy of the bytes, without decoding every pair into strings. nullopt: the
// write needs the general path (a conversion, or the pairs were decoded already).
std::optional<bool> HashValue::SpliceSet(std::string_view field, std::string_view value) {
  if (decoded_ || table_ != nullptr || field.size() > kHashMaxListpackValue ||
      value.size() > kHashMaxListpackValue) {
    return std::nullopt;
  }
  std::string next;
  size_t pos = 0;
  size_t count = 0;
  HashPair p;
  while (NextCompactPair(compact_, &pos, &p)) {
    ++count;
    if (p.field == field) {
      // Keep everything up to the value's length prefix and after the value.
      const auto value_at = static_cast<size_t>(p.field.data() + p.field.size() - compact_.data());
      next.reserve(compact_.size() + value.size() + 8);
      next.append(compact_.substr(0, value_at));
      PutLength(next, value.size());
      next.append(value);
      next.append(compact_.substr(pos));
      spliced_ = std::move(next);
      compact_ = spliced_;
      dirty_ = true;
      return false;
    }
  }
  if (count + 1 > kHashMaxListpackEntries) return std::nullopt;
  next.reserve(compact_.size() + field.size() + value.size() + 4);
  next.append(compact_);
  PutLength(next, field.size());
  next.append(field);
  PutLength(next, value.size());
  next.append(value);
  spliced_ = std::move(next);
  compact_ = spliced_;
  dirty_ = true;
  return true;
}

bool HashValue::Set(std::string_view field, std::string_view value) {
  if (const auto spliced = SpliceSet(field, value)) return *spliced;
  Decode();
  dirty_ = true;
  // Redis hashTypeSet: a long field or value converts before the write (HINCRBY*'s path).
  if (table_ == nullptr &&
      (field.size() > kHashMaxListpackValue || value.size() > kHashMaxListpackValue)) {
    ConvertToTable();
  }
  if (table_ != nullptr) return table_->Set(field, value);
  for (auto& [f, v] : pairs_) {
    if (f == field) {
      v.assign(value);  // in place: a listpack keeps the field's position
      return false;
    }
  }
  pairs_.emplace_back(std::string(field), std::string(value));
  if (pairs_.size() > kHashMaxListpackEntries) ConvertToTable();
  return true;
}

bool HashValue::Erase(std::string_view field) {
  if (table_ != nullptr) {
    const bool erased = table_->Erase(field);
    dirty_ = dirty_ || erased;
    return erased;
  }
  Decode();
  auto it =
      std::find_if(pairs_.begin(), pairs_.end(), [&](const auto& p) { return p.first == field; });
  if (it == pairs_.end()) return false;
  pairs_.erase(it);
  dirty_ = true;
  return true;
}

void HashValue::Commit(keyspace::Keyspace& ks, std::string_view key, Millis now) {
  if (!dirty_) return;
  dirty_ = false;
  using keyspace::SetCond;
  using keyspace::TtlMode;
  if (size() == 0) {
    ks.Erase(key, now);  // Redis deletes a hash whose last field went
  } else if (owned_ != nullptr) {
    table_ = nullptr;
    ks.SetObject(key, std::move(owned_), SetCond::kAlways, TtlMode::kKeep, 0, now);
  } else if (table_ != nullptr) {
    ks.ObjectChanged(key, *table_);
  } else if (!decoded_) {
    ks.SetCompact(key, keyspace::ValueKind::kHash, compact_, SetCond::kAlways, TtlMode::kKeep, 0,
                  now);  // spliced
  } else {
    ks.SetCompact(key, keyspace::ValueKind::kHash, EncodeCompactHash(pairs_), SetCond::kAlways,
                  TtlMode::kKeep, 0, now);
  }
}

}  // namespace locknode::command
