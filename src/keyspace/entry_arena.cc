#include "keyspace/entry_arena.h"

#include <sys/mman.h>

#include <new>

#include "locknode/base/dcheck.h"

namespace locknode::keyspace::internal {

EntryArena::~EntryArena() {
  for (char* chunk : chunks_) munmap(chunk, kChunkBytes);
}

void* EntryArena::Allocate(size_t size) {
  LOCKNODE_DCHECK(size > 0);
  if (size > kMaxSmall) return ::operator new(size);
  SizeClass& c = classes_[ClassOf(size)];
  if (FreeBlock* b = c.free) {
    c.free = b->next;
    return b;
  }
  const size_t block = BlockBytes(size);
  if (static_cast<size_t>(c.bump_end - c.bump) >= block) {
    void* p = c.bump;
    c.bump += block;
    return p;
  }
  return Refill(c, block);
}

void* EntryArena::Refill(SizeClass& c, size_t block) {
  // The tail of the old chunk (< one block) is left unused: at most kMaxSmall bytes per chunk.
  chunks_.reserve(chunks_.size() + 1);  // so push_back below cannot throw after the new
  // Straight from mmap: chunks never mix with malloc's heap, whose holes (left by the hash
  // table's old arrays) would otherwise stay resident between them.
  void* mem = mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  char* chunk = static_cast<char*>(mem);
  chunks_.push_back(chunk);
  c.bump = chunk + block;
  c.bump_end = chunk + kChunkBytes / block * block;
  return chunk;
}

void EntryArena::Free(void* block, size_t size) {
  if (size > kMaxSmall) {
    ::operator delete(block);
    return;
  }
  SizeClass& c = classes_[ClassOf(size)];
  c.free = new (block) FreeBlock{c.free};
}

}  // namespace locknode::keyspace::internal
