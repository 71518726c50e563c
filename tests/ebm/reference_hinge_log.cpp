// hinge, log and MCE against the reference data, discrete and continuous.
#include <boost/test/unit_test.hpp>

#include "ebm_cases.hpp"

using ebm_test::check_cases;
using ebm_test::in_case_mode;

namespace {

template <class T>
void run() {
  BOOST_TEST(check_cases<T>("hinge", in_case_mode([](const auto& in, const auto& c, const auto& answers, auto&&... out) {
               return xloss::ebm::hinge(in.E, in.y, answers, {.m = c.opt_num("m", NAN), .reduction = in.reduction},
                                        out...);
             })) == 16);
  BOOST_TEST(check_cases<T>("log", in_case_mode([](const auto& in, const auto&, const auto& answers, auto&&... out) {
               return xloss::ebm::log(in.E, in.y, answers, {.reduction = in.reduction}, out...);
             })) == 11);
  BOOST_TEST(check_cases<T>("mce", in_case_mode([](const auto& in, const auto&, const auto& answers, auto&&... out) {
               return xloss::ebm::mce(in.E, in.y, answers, {.reduction = in.reduction}, out...);
             })) == 11);
}

}  // namespace

BOOST_AUTO_TEST_CASE(hinge_log_mce_f64) { run<double>(); }
BOOST_AUTO_TEST_CASE(hinge_log_mce_f32) { run<float>(); }
