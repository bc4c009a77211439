#include "keyspace/entry_arena.h"

#include <new>
#include <sys/mman.h>

#include "locknode/base/dcheck.h"

namespace locknode::keyspace::internal {

EntryArena::~EntryArena() {
  for (size_t i = 0; i < space_.regions(); ++i) {
    munmap(space_.Resolve(static_cast<Handle>(i << HandleSpace::kOffsetBits)), kChunkBytes);
  }
}

Handle EntryArena::Allocate(size_t size) {
  LOCKNODE_DCHECK(size > 0 && size <= kMaxSmall);
  SizeClass& c = classes_[ClassOf(size)];
  if (const Handle b = c.free; b != kNoHandle) {
    c.free = static_cast<FreeBlock*>(Resolve(b))->next;
    live_bytes_ += BlockBytes(size);
    return b;
  }
  const auto granules = static_cast<Handle>(BlockBytes(size) / kGranule);
  if (c.bump_end - c.bump >= granules) {
    const Handle b = c.bump;
    c.bump += granules;
    live_bytes_ += BlockBytes(size);
    return b;
  }
  const Handle b = Refill(c, granules);
  live_bytes_ += BlockBytes(size);
  return b;
}

Handle EntryArena::Refill(SizeClass& c, Handle granules) {
  // The tail of the old chunk (< one block) is left unused: at most kMaxSmall bytes per chunk.
  // Straight from mmap: chunks never mix with malloc's heap, whose holes (left by the hash
  // table's old arrays) would otherwise stay resident between them.
  void* mem =
      mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  Handle first = 0;
  try {
    first = space_.AddRange(mem, kChunkBytes);
  } catch (const std::bad_alloc&) {
    munmap(mem, kChunkBytes);  // not registered, so the destructor would not unmap it
    throw;
  }
  const auto chunk_granules = static_cast<Handle>(kChunkBytes / kGranule);
  c.bump = first + granules;
  c.bump_end = first + chunk_granules / granules * granules;
  return first;
}

void EntryArena::Free(Handle block, size_t size) {
  LOCKNODE_DCHECK(size > 0 && size <= kMaxSmall);
  SizeClass& c = classes_[ClassOf(size)];
  new (Resolve(block)) FreeBlock{c.free};
  c.free = block;
  live_bytes_ -= BlockBytes(size);
}

}  // namespace locknode::keyspace::internal
