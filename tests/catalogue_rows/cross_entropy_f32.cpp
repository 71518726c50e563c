// CrossEntropyLoss: the float32 reference cases and kernel checks
// (cross_entropy.hpp; the tests: cross_entropy.cpp).
#include "cross_entropy.hpp"

namespace rows_test::cross_entropy_test {
template void reference_case<float>(const ref_case&);
template void kernel_sizes<float>();
}  // namespace rows_test::cross_entropy_test
