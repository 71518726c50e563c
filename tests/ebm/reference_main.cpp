// The EBM losses against the PyTorch reference data: every case of
// tests/reference/data/ebm_*.txt, values and gradients, f64 and f32.
#define BOOST_TEST_MODULE ebm_reference
#include <boost/test/unit_test.hpp>

#include "ebm_cases.hpp"

namespace {

// energy and perceptron: discrete only; every case also in f32.
template <class T>
void energy_and_perceptron() {
  BOOST_TEST(ebm_test::check_cases<T>("energy", [](const auto& in, const auto&, auto&&... out) {
    return xloss::ebm::energy(in.E, in.y, {.reduction = in.reduction}, out...);
  }) == 7);
  BOOST_TEST(ebm_test::check_cases<T>("perceptron", [](const auto& in, const auto&, auto&&... out) {
    return xloss::ebm::perceptron(in.E, in.y, {.reduction = in.reduction}, out...);
  }) == 9);
}

}  // namespace

BOOST_AUTO_TEST_CASE(energy_perceptron_f64) { energy_and_perceptron<double>(); }
BOOST_AUTO_TEST_CASE(energy_perceptron_f32) { energy_and_perceptron<float>(); }
