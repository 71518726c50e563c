// <Eigen/Core> for the benchmarks, with GCC 12's false positive silenced.
//
// GCC 12.2 (Debian 12) reports "'__Y' may be used uninitialized" inside its own
// avx512fintrin.h whenever an _mm512_undefined_*() intrinsic (which Eigen's
// AVX-512 predux uses) is inlined at -O3: GCC bug 105593, fixed in 12.3. The
// warning is located in the intrinsics header, so it is silenced for the
// region where that header is first included, and nowhere else. This only
// works if this header is the first to include <Eigen/Core> in the TU.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop
#else
#include <Eigen/Core>
#endif
