// The builder generalized_margin_loss(H, C) = Σ_{j≠y} H(E_C − E_j + C(y, j))
// against the reference data (gml), every H and cost.
//
// Value and gradient from the fused kernel against the reference data, and
// the fused per-sample values against xloss::reference::evaluate.
#include <boost/test/unit_test.hpp>

#include <xloss/kernel/reference.hpp>

#include "builder_names.hpp"
#include "ebm_cases.hpp"

namespace ebm = xloss::ebm;

namespace {

template <class T>
void run() {
  int n = ebm_test::check_cases<T>("gml", [](const auto& in, const auto& c, auto&& grad, auto&& per_sample) {
    return ebm_test::with_hinge_function(c.opt("H", ""), [&](auto h) {
      return ebm_test::with_cost(in, c, [&](auto cost, auto binding) {
        auto loss = ebm::generalized_margin_loss(h, cost);
        ebm_test::vector<T> fused;
        xloss::evaluate(loss, xloss::reduction::none, ebm::E = in.E, ebm::y = in.y, binding, xloss::loss_out = fused);
        T value = xloss::evaluate(loss, in.reduction, ebm::E = in.E, ebm::y = in.y, binding,
                                  xloss::nn::forward_output<std::remove_const_t<decltype(ebm::E)>>(grad), per_sample);
        ebm_test::vector<T> ref;
        xloss::reference::evaluate(loss, xloss::reduction::none, ebm::E = in.E, ebm::y = in.y, binding,
                                   xloss::loss_out = ref);
        BOOST_TEST(xloss::testing::close(fused, ref, std::is_same_v<T, double> ? 1e-12 : 1e-5, 1e-12));
        return value;
      });
    });
  });
  BOOST_TEST(n == 92);
}

}  // namespace

BOOST_AUTO_TEST_CASE(generalized_margin_f64) { run<double>(); }
BOOST_AUTO_TEST_CASE(generalized_margin_f32) { run<float>(); }
