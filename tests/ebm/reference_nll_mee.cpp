// NLL and MEE against the reference data.
#include <boost/test/unit_test.hpp>

#include "ebm_cases.hpp"

using ebm_test::check_cases;

namespace {

template <class T>
void run() {
  BOOST_TEST(check_cases<T>("nll", [](const auto& in, const auto& c, auto&&... out) {
               return xloss::ebm::nll(in.E, in.y, {.beta = c.opt_num("beta", NAN), .reduction = in.reduction}, out...);
             }) == 17);
  BOOST_TEST(check_cases<T>("mee", [](const auto& in, const auto& c, auto&&... out) {
               return xloss::ebm::mee(in.E, in.y, {.beta = c.opt_num("beta", NAN), .reduction = in.reduction}, out...);
             }) == 17);
}

}  // namespace

BOOST_AUTO_TEST_CASE(nll_mee_f64) { run<double>(); }
BOOST_AUTO_TEST_CASE(nll_mee_f32) { run<float>(); }
