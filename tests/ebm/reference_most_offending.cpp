// The builder most_offending_loss(H, m) against the reference data
// (moi_<H>: H(E_C − E_I + m)), discrete and continuous, evaluated directly
// with xloss::evaluate.
#include <boost/test/unit_test.hpp>

#include "builder_names.hpp"
#include "ebm_cases.hpp"

namespace ebm = xloss::ebm;

namespace {

template <class T, class Hf>
int run(const std::string& name, Hf h) {
  return ebm_test::check_cases<T>(name, [h](const auto& in, const auto& c, auto&&... out) {
    double m = c.opt_num("m", NAN);
    if (in.continuous)
      return xloss::evaluate(ebm::most_offending_loss(h, ebm::m, ebm::far_answers), in.reduction, ebm::E = in.E,
                             ebm::y = in.y, ebm::dist = in.dist, ebm::eps = in.eps, ebm::m = m,
                             xloss::nn::forward_output<std::remove_const_t<decltype(ebm::E)>>(out)...);
    return xloss::evaluate(ebm::most_offending_loss(h, ebm::m), in.reduction, ebm::E = in.E, ebm::y = in.y,
                           ebm::m = m, xloss::nn::forward_output<std::remove_const_t<decltype(ebm::E)>>(out)...);
  });
}

template <class T>
void run_all() {
  BOOST_TEST(run<T>("moi_hinge0", ebm::H::hinge) == 12);
  BOOST_TEST(run<T>("moi_softplus", ebm::H::softplus) == 11);
  BOOST_TEST(run<T>("moi_squared_hinge", ebm::H::squared_hinge) == 12);
  BOOST_TEST(run<T>("moi_sigmoid", ebm::H::sigmoid) == 11);
}

}  // namespace

BOOST_AUTO_TEST_CASE(most_offending_f64) { run_all<double>(); }
BOOST_AUTO_TEST_CASE(most_offending_f32) { run_all<float>(); }
