#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "locknode/base/dcheck.h"

namespace locknode::keyspace {

// A 32-bit name for an 8-byte-aligned block. Half the size of a pointer: the keyspace's index
// and the timing wheel's links store these, which saves 8+ bytes per key.
using Handle = uint32_t;
// "No block": never issued (it is in the reserved range below).
inline constexpr Handle kNoHandle = UINT32_MAX;

// Maps handles to addresses. Memory is registered in regions of up to 1 MiB; a handle is the
// region's index (high 15 bits) and the offset in 8-byte granules (low 17 bits), so resolving is
// one load from a small, hot table plus a shift and an add. The table has room for every region
// from the start (256 KiB of address space, resident only as far as it is used) and never moves,
// so a Resolver can keep a plain pointer to it. The space owns no memory: whoever registers a
// region keeps it alive (and at the same address) while its handles are in use. Single-threaded.
//
// Capacity: kMaxRegions regions, i.e. just under 32 GiB. Handles >= kFirstReserved are never
// issued, so owners may use them as markers (the wheel's "no node" and list heads).
class HandleSpace {
 public:
  static constexpr size_t kGranule = 8;
  static constexpr int kOffsetBits = 17;
  static constexpr size_t kRegionBytes = kGranule << kOffsetBits;  // 1 MiB
  // The last region's handles are the reserved range.
  static constexpr size_t kMaxRegions = (size_t{1} << (32 - kOffsetBits)) - 1;
  static constexpr Handle kFirstReserved = static_cast<Handle>(kMaxRegions << kOffsetBits);

  // Resolves this space's handles: one pointer, cheap to copy into whatever resolves often (the
  // wheel, the hash table's functors). Valid while the space lives, across AddRange calls.
  class Resolver {
   public:
    void* operator()(Handle h) const {
      return regions_[h >> kOffsetBits] + size_t{h & kOffsetMask} * kGranule;
    }

   private:
    friend class HandleSpace;
    static constexpr Handle kOffsetMask = (Handle{1} << kOffsetBits) - 1;
    explicit Resolver(char* const* regions) : regions_(regions) {}
    char* const* regions_;
  };

  HandleSpace() : regions_(std::make_unique_for_overwrite<char*[]>(kMaxRegions)) {}

  // Registers [base, base + bytes) (base 8-byte aligned, bytes > 0) as consecutive regions and
  // returns the handle of `base`. The block at byte offset x (a multiple of 8) then has handle
  // first + x / 8, since consecutive regions cover consecutive handles. Throws std::bad_alloc
  // when the space is full (it registers nothing then). O(bytes / 1 MiB).
  Handle AddRange(void* base, size_t bytes) {
    LOCKNODE_DCHECK(reinterpret_cast<uintptr_t>(base) % kGranule == 0 && bytes > 0);
    const size_t count = (bytes + kRegionBytes - 1) / kRegionBytes;
    if (count > kMaxRegions - size_) throw std::bad_alloc();
    const auto first = static_cast<Handle>(size_ << kOffsetBits);
    for (size_t i = 0; i < count; ++i)
      regions_[size_++] = static_cast<char*>(base) + i * kRegionBytes;
    return first;
  }

  Resolver resolver() const { return Resolver(regions_.get()); }
  // The block's address. O(1).
  void* Resolve(Handle h) const {
    LOCKNODE_DCHECK((h >> kOffsetBits) < size_);
    return resolver()(h);
  }

  size_t regions() const { return size_; }

 private:
  std::unique_ptr<char*[]> regions_;  // [0, size_) registered; the rest never read
  size_t size_ = 0;
};

}  // namespace locknode::keyspace
