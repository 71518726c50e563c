// Two loss kernels in one translation unit (those of kernel_triplet.cpp and
// kernel_bce.cpp): what a kernel costs once another one has instantiated the
// evaluation machinery every kernel shares (thread pool, error messages,
// staging buffers, the SIMD math of the scalar type).
#define XLOSS_COMPILE_COST_NO_MAIN
#include "kernel_triplet.cpp"
#include "kernel_bce.cpp"
int main() { return 0; }
