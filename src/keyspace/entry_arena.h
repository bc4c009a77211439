#pragma once

// Private to the keyspace module: where entries live.

#include <array>
#include <cstddef>
#include <vector>

namespace locknode::keyspace::internal {

// Size-class slab for keyspace entries. glibc malloc puts an 8-byte header before every block
// and rounds to 16 bytes, so a lock entry (32-byte header + ~11-byte key + 36-byte token = 79
// bytes) cost a 96-byte chunk; here it costs 80. Blocks up to kMaxSmall bytes come from 1 MiB
// chunks carved per size class (multiples of 8) and are recycled through a per-class free list;
// bigger ones go to operator new. Chunks are returned to the system only when the arena dies,
// so resident memory follows the peak per size class, like a malloc that never trims.
// Allocate and Free are O(1) and branch-light. Single-threaded.
class EntryArena {
 public:
  static constexpr size_t kGranule = 8;
  static constexpr size_t kMaxSmall = 256;
  static constexpr size_t kChunkBytes = 1024 * 1024;

  EntryArena() = default;
  ~EntryArena();
  EntryArena(const EntryArena&) = delete;
  EntryArena& operator=(const EntryArena&) = delete;

  // Bytes a block of `size` bytes really occupies (what maxmemory-style accounting should count;
  // blocks above kMaxSmall also carry malloc's own header, not counted here).
  static constexpr size_t BlockBytes(size_t size) {
    return (size + kGranule - 1) / kGranule * kGranule;
  }

  void* Allocate(size_t size);
  // `size` must be the one given to Allocate.
  void Free(void* block, size_t size);

 private:
  static constexpr size_t kClasses = kMaxSmall / kGranule;
  struct FreeBlock {
    FreeBlock* next;
  };
  struct SizeClass {
    FreeBlock* free = nullptr;
    char* bump = nullptr;  // next never-used block of the current chunk
    char* bump_end = nullptr;
  };
  static size_t ClassOf(size_t size) { return (size + kGranule - 1) / kGranule - 1; }
  void* Refill(SizeClass& c, size_t block);

  std::array<SizeClass, kClasses> classes_{};
  std::vector<char*> chunks_;
};

}  // namespace locknode::keyspace::internal
