#pragma once
// The SIMD lane layer used by the fused kernels: pack<T, W>, mask<T, W>,
// lane-wise operations, loads/stores and horizontal reductions.
// See docs/simd.md.
#include "xloss/simd/horizontal.hpp"
#include "xloss/simd/memory.hpp"
#include "xloss/simd/pack_core.hpp"
