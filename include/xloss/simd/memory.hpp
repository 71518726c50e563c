#pragma once
// Loads and stores between memory and pack<T, W>: contiguous, partial (the
// loop tail) and strided. Partial forms touch only elements [0, n): they are
// what lets a kernel process a tail without reading past the user's array.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "xloss/simd/pack_core.hpp"

namespace xloss::simd {

namespace detail {
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_bad_lane_count(const char* function, int n, int width) {
  char message[256];  // not a std::string: no string templates in every unit that loads a pack
  std::snprintf(message, sizeof message, "xloss::simd::%s: n = %d is outside [0, %d] (the pack width)", function, n,
                width);
  throw std::invalid_argument(message);
}
// A vector of T aligned only as T. Loads and stores through it are typed
// accesses: GCC lets a vector type alias its element type and nothing else,
// so storing a pack of floats does not make the caller reload its pointers
// and counts from memory, as a memcpy (which may alias anything) does.
template <class T, int W> struct unaligned_vec {
  typedef T type __attribute__((vector_size(W * sizeof(T)), aligned(alignof(T))));
};

// Inline test + noreturn throw: the optimiser then knows n <= W afterwards.
inline void check_lane_count(const char* function, int n, int width) {
  if (n < 0 || n > width) [[unlikely]]
    throw_bad_lane_count(function, n, width);
}
}  // namespace detail

// p need not be aligned.
template <int W, class T> pack<T, W> load(const T* p) {
  pack<T, W> r;
  r.v = *reinterpret_cast<const typename detail::unaligned_vec<T, W>::type*>(p);  // a copy:
  return r;  // binding pack's const vector_type& to *p would assume full alignment
}

// Lanes i < n get p[i], the others get fill. Never reads p[n] or beyond.
// Throws std::invalid_argument unless 0 <= n <= W.
template <int W, class T> pack<T, W> load_partial(const T* p, int n, T fill) {
  detail::check_lane_count("load_partial", n, W);
  pack<T, W> r(fill);
  for (int i = 0; i < n; ++i) r.v[i] = p[i];
  return r;
}

// Lane i gets p[i * stride]; stride may be zero or negative.
template <int W, class T> pack<T, W> load_strided(const T* p, std::ptrdiff_t stride) {
  pack<T, W> r;
  for (int i = 0; i < W; ++i) r.v[i] = p[i * stride];
  return r;
}

template <int W, class T>
pack<T, W> load_strided_partial(const T* p, std::ptrdiff_t stride, int n, T fill) {
  detail::check_lane_count("load_strided_partial", n, W);
  pack<T, W> r(fill);
  for (int i = 0; i < n; ++i) r.v[i] = p[i * stride];
  return r;
}

template <class T, int W> void store(T* p, pack<T, W> a) {
  *reinterpret_cast<typename detail::unaligned_vec<T, W>::type*>(p) = a.v;
}

// Writes p[i] = a[i] for i < n only.
template <class T, int W> void store_partial(T* p, pack<T, W> a, int n) {
  detail::check_lane_count("store_partial", n, W);
  for (int i = 0; i < n; ++i) p[i] = a.v[i];
}

template <class T, int W> void store_strided(T* p, std::ptrdiff_t stride, pack<T, W> a) {
  for (int i = 0; i < W; ++i) p[i * stride] = a.v[i];
}

template <class T, int W>
void store_strided_partial(T* p, std::ptrdiff_t stride, pack<T, W> a, int n) {
  detail::check_lane_count("store_strided_partial", n, W);
  for (int i = 0; i < n; ++i) p[i * stride] = a.v[i];
}

}  // namespace xloss::simd
