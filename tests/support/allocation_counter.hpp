// Counts the heap allocations of the test program that includes this header:
// it replaces the global operator new/delete, so include it from exactly one
// translation unit per test executable. Read xloss::testing::allocations.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace xloss::testing {
inline std::atomic<long> allocations{0};
}

// GCC cannot see that this operator new and operator delete pair malloc with free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  ++xloss::testing::allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
