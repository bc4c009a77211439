#pragma once

// Private to the command module: the two encodings of a hash value and the one interface the
// hash commands use over both (Redis 7.0 src/t_hash.c: listpack below the thresholds, a hash
// table above them; a hash never goes back to listpack, as in Redis).
//
// - Compact ("listpack"): flat bytes stored inside the key's entry (Keyspace::SetCompact):
//   [varint field length][field][varint value length][value], pairs in insertion order, as
//   Redis's listpack keeps them (HGETALL replies in that order). A Redisson lock (one 38-byte
//   field, value "1") is 41 bytes, so the whole key is one arena block.
// - HashTable ("hashtable"): an Object with a real hash table, for more than
//   kHashMaxListpackEntries fields or any field or value longer than kHashMaxListpackValue.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "locknode/keyspace/keyspace.h"
#include "locknode/keyspace/value.h"

namespace locknode::command {

// Redis 7.0's defaults for hash-max-listpack-entries / hash-max-listpack-value (fixed here).
inline constexpr size_t kHashMaxListpackEntries = 512;
inline constexpr size_t kHashMaxListpackValue = 64;

struct HashPair {
  std::string_view field;
  std::string_view value;
};

// The compact encoding's codec. Views point into the bytes given. NextCompactPair reads the pair
// at *pos and advances it; false at the end.
bool NextCompactPair(std::string_view bytes, size_t* pos, HashPair* pair);
std::vector<HashPair> DecodeCompactHash(std::string_view bytes);
std::string EncodeCompactHash(const std::vector<std::pair<std::string, std::string>>& pairs);

// The "hashtable" encoding. Fields are unique; order is the table's.
class HashTable final : public keyspace::Object {
 public:
  HashTable() = default;
  keyspace::ValueKind kind() const override { return keyspace::ValueKind::kHash; }
  std::string_view encoding() const override { return "hashtable"; }
  size_t AllocatedBytes() const override;
  std::unique_ptr<keyspace::Object> Clone() const override;

  size_t size() const { return map_.size(); }
  const std::string* Find(std::string_view field) const;
  // Inserts or overwrites; true if the field is new.
  bool Set(std::string_view field, std::string_view value);
  bool Erase(std::string_view field);
  template <typename F>
  void ForEach(F&& fn) const {
    for (const auto& [f, v] : map_) fn(std::string_view(f), std::string_view(v));
  }
  // HSCAN over a table: the fields whose ScanHash is >= `cursor`, smallest hashes first, about
  // `count` of them (all fields sharing the last hash are included). Returns the next cursor
  // (0 when done). Ordering by a fixed hash of the field, not by table slot, gives Redis's
  // guarantee whatever the table does between calls: a field present for the whole scan is
  // returned (exactly once), however the table grows or shrinks. O(size) per call.
  uint64_t Scan(uint64_t cursor, size_t count, std::vector<HashPair>* out) const;

 private:
  HashTable(const HashTable& other) = default;
  static size_t StringHeap(const std::string& s);
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  boost::unordered_flat_map<std::string, std::string, Hash, Eq> map_;
  size_t string_heap_ = 0;  // heap bytes of the strings outside their small-string buffers
};

// One hash looked up for a command: the view of the whole value (read) and the write side.
// Reads work on whichever encoding the key has, in place (a compact hash is read from its
// entry's bytes, so the object is valid only until the next keyspace call). The first write to a
// compact hash copies its pairs; writes edit the copy, and Commit stores the new bytes (a
// one-field lock's same-length rewrite stays in place in the entry); writes on a table edit it
// in place. Crossing a threshold converts to a table (never back).
class HashValue {
 public:
  // From a FindTyped result of kind kHash (kFound), or empty (kMissing).
  static HashValue Of(const keyspace::TypedEntry& found);

  bool exists() const { return exists_; }
  size_t size() const;
  std::optional<std::string_view> Get(std::string_view field) const;
  // Every pair in the encoding's order.
  template <typename F>
  void ForEach(F&& fn) const {
    if (table_ != nullptr) {
      table_->ForEach(fn);
    } else if (decoded_) {
      for (const auto& [f, v] : pairs_) fn(std::string_view(f), std::string_view(v));
    } else {
      size_t pos = 0;
      HashPair p;
      while (NextCompactPair(compact_, &pos, &p)) fn(p.field, p.value);
    }
  }
  // The pairs as views (compact: encoding order).
  std::vector<HashPair> Pairs() const;
  const HashTable* table() const { return table_; }

  // Redis hashTypeTryConversion: a field or value longer than kHashMaxListpackValue among
  // `args` converts a compact hash to a table before anything is written.
  void ConvertIfLong(std::span<const std::string_view> args);
  // Inserts or overwrites; true if the field is new.
  bool Set(std::string_view field, std::string_view value);
  bool Erase(std::string_view field);
  // Stores the result under `key` (an emptied hash deletes the key, as Redis does), keeping its
  // TTL. Call once after the writes, before any other keyspace call.
  void Commit(keyspace::Keyspace& ks, std::string_view key, Millis now);

 private:
  void ConvertToTable();
  void Decode();  // compact_ -> pairs_, before the first write
  std::optional<bool> SpliceSet(std::string_view field, std::string_view value);
  bool exists_ = false;
  bool dirty_ = false;
  bool decoded_ = false;
  std::string_view compact_;          // the entry's bytes (or spliced_), until decoded
  std::string spliced_;               // compact bytes after SpliceSet
  HashTable* table_ = nullptr;        // the stored table, or owned_.get()
  std::unique_ptr<HashTable> owned_;  // a table made by converting a compact hash
  std::vector<std::pair<std::string, std::string>> pairs_;  // compact: a copy of the pairs
};

}  // namespace locknode::command
