#pragma once

// Private to the keyspace module: where entries live.

#include <array>
#include <cstddef>

#include "locknode/keyspace/handle_space.h"

namespace locknode::keyspace::internal {

// Size-class slab for keyspace entries, naming blocks by 32-bit Handle (not pointer) so the
// index and the wheel links take 4 bytes each. glibc malloc puts an 8-byte header before every
// block and rounds to 16 bytes, so a lock entry (24-byte header + ~11-byte key + 36-byte token =
// 71 bytes) would cost an 80-byte chunk; here it costs 72. Blocks of 1..kMaxSmall bytes come from
// 1 MiB mmap chunks carved per size class (multiples of 8), each chunk one region of the
// arena's HandleSpace, and are recycled through a per-class free list; bigger blocks are the
// caller's business (Entry keeps them out of line). Chunks are returned to the system only when
// the arena dies, so resident memory follows the peak per size class, like a malloc that never
// trims. Allocate and Free are O(1) and branch-light. Single-threaded.
class EntryArena {
 public:
  static constexpr size_t kGranule = HandleSpace::kGranule;
  static constexpr size_t kMaxSmall = 256;
  static constexpr size_t kChunkBytes = HandleSpace::kRegionBytes;

  EntryArena() = default;
  ~EntryArena();
  EntryArena(const EntryArena&) = delete;
  EntryArena& operator=(const EntryArena&) = delete;

  // Bytes a block of `size` bytes really occupies (what maxmemory-style accounting should count).
  static constexpr size_t BlockBytes(size_t size) {
    return (size + kGranule - 1) / kGranule * kGranule;
  }

  // A block of 1..kMaxSmall bytes, 8-byte aligned, never kNoHandle. Throws std::bad_alloc when
  // mmap fails or the handle space is full (just under 32 GiB of chunks).
  Handle Allocate(size_t size);
  // `size` must be the one given to Allocate.
  void Free(Handle block, size_t size);

  // The block's address; stable while it is allocated. O(1): one table load.
  void* Resolve(Handle block) const { return space_.Resolve(block); }
  // Bytes of the blocks handed out and not freed, and of the chunks mapped (INFO used_memory:
  // the arena is an allocator beside malloc, so its blocks are counted the way malloc's are).
  size_t live_bytes() const { return live_bytes_; }
  size_t mapped_bytes() const { return space_.regions() * kChunkBytes; }
  // Resolves every handle this arena hands out (the timing wheel and the index link through it).
  const HandleSpace& space() const { return space_; }

 private:
  static constexpr size_t kClasses = kMaxSmall / kGranule;
  struct FreeBlock {
    Handle next;
  };
  // Handles within one chunk are consecutive granules, so bump allocation is handle arithmetic.
  struct SizeClass {
    Handle free = kNoHandle;
    Handle bump = 0;  // next never-used block of the current chunk
    Handle bump_end = 0;
  };
  static size_t ClassOf(size_t size) { return (size + kGranule - 1) / kGranule - 1; }
  Handle Refill(SizeClass& c, Handle granules);

  std::array<SizeClass, kClasses> classes_{};
  size_t live_bytes_ = 0;
  HandleSpace space_;  // its regions are exactly the chunks, in allocation order
};

}  // namespace locknode::keyspace::internal
