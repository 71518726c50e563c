// Deterministic benchmark inputs, cheap enough to generate 10^7 values per case
// (std:: distributions are slow and differ between standard libraries).
#pragma once

#include <cstdint>

namespace xloss_bench {

// splitmix64 of (seed, i): a counter-based generator, so filling is one pass
// with no state and any element can be recomputed.
inline std::uint64_t mix(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + i + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [lo, hi) from the top 53 bits.
inline double uniform(std::uint64_t seed, std::uint64_t i, double lo, double hi) {
  return lo + (hi - lo) * double(mix(seed, i) >> 11) * 0x1.0p-53;
}

}  // namespace xloss_bench
