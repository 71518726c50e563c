// Counts the heap allocations of the test program that includes this header;
// include it from exactly one translation unit per test executable, and read
// xloss::testing::allocations.
//
// Normally it replaces malloc itself (forwarding to glibc's __libc_* entry
// points), so that every allocation counts: operator new's, and also Eigen's,
// which calls std::malloc directly. posix_memalign is left alone: Clang 14's
// <mm_malloc.h> redeclares it without noexcept, which clashes with any
// definition here (neither xloss nor Eigen calls it). Under AddressSanitizer, which owns
// malloc, it replaces the global operator new/delete instead (Eigen's
// allocations are then not seen; the regular builds see them).
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace xloss::testing {
inline std::atomic<long> allocations{0};
}

#if defined(__SANITIZE_ADDRESS__)
#define XLOSS_TESTING_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XLOSS_TESTING_ASAN 1
#endif
#endif

#ifndef XLOSS_TESTING_ASAN
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) noexcept {
  ++xloss::testing::allocations;
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) noexcept {
  ++xloss::testing::allocations;
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) noexcept {
  ++xloss::testing::allocations;
  return __libc_realloc(p, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) noexcept {
  ++xloss::testing::allocations;
  return __libc_memalign(alignment, n);
}
void* memalign(std::size_t alignment, std::size_t n) noexcept {
  ++xloss::testing::allocations;
  return __libc_memalign(alignment, n);
}
void free(void* p) noexcept { __libc_free(p); }
}
#else
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
#endif
