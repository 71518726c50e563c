// LVQ2 (both forms), square-square and square-exp against the reference
// data, discrete and continuous.
#include <boost/test/unit_test.hpp>

#include "ebm_cases.hpp"

using ebm_test::check_cases;
using ebm_test::in_case_mode;

namespace {

template <class T>
void run() {
  BOOST_TEST(check_cases<T>("lvq2_diff", in_case_mode([](const auto& in, const auto& c, const auto& answers, auto&&... out) {
               return xloss::ebm::lvq2_diff(in.E, in.y, answers, {.M = c.opt_num("M", NAN), .reduction = in.reduction},
                                            out...);
             })) == 12);
  BOOST_TEST(check_cases<T>("lvq2_ratio", in_case_mode([](const auto& in, const auto& c, const auto& answers, auto&&... out) {
               return xloss::ebm::lvq2_ratio(in.E, in.y, answers,
                                             {.delta = c.opt_num("delta", NAN), .reduction = in.reduction}, out...);
             })) == 16);
  BOOST_TEST(check_cases<T>("square_square", in_case_mode([](const auto& in, const auto& c, const auto& answers, auto&&... out) {
               return xloss::ebm::square_square(in.E, in.y, answers, {.m = c.opt_num("m", NAN), .reduction = in.reduction},
                                                out...);
             })) == 11);
  BOOST_TEST(check_cases<T>("square_exp", in_case_mode([](const auto& in, const auto& c, const auto& answers, auto&&... out) {
               return xloss::ebm::square_exp(in.E, in.y, answers,
                                             {.gamma = c.opt_num("gamma", NAN), .reduction = in.reduction}, out...);
             })) == 14);
}

}  // namespace

BOOST_AUTO_TEST_CASE(lvq2_square_f64) { run<double>(); }
BOOST_AUTO_TEST_CASE(lvq2_square_f32) { run<float>(); }
