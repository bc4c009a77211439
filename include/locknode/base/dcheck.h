#pragma once

#include <cstdio>
#include <cstdlib>

// LOCKNODE_CHECK: always on (the fuzz harnesses' invariants). A failed check is a bug, never an
// expected condition, so it aborts.
#define LOCKNODE_CHECK(cond)                                                        \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

// Invariant checks compiled in for Debug and sanitizer builds (LOCKNODE_ENABLE_DCHECK), free in
// Release.
#ifdef LOCKNODE_ENABLE_DCHECK
#define LOCKNODE_DCHECK(cond) LOCKNODE_CHECK(cond)
#else
// sizeof keeps the expression type-checked (and its helpers "used") without evaluating it.
#define LOCKNODE_DCHECK(cond)     \
  do {                            \
    (void)sizeof((cond) ? 1 : 0); \
  } while (0)
#endif
