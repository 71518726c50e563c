// The fused kernel against xloss::reference::evaluate (a long-double tree
// walker sharing nothing with the planner) on random and tied energies, float
// and double, both modes.
#include <boost/test/unit_test.hpp>

#include <xloss/ebm/ebm.hpp>
#include <xloss/kernel/reference.hpp>

#include "random_inputs.hpp"
#include "support/checks.hpp"

namespace ebm = xloss::ebm;
using namespace ebm_test;
using xloss::reduction;

namespace {

template <class T, class Loss, class... B>
void compare(const char* name, Loss loss, const matrix<T>& E, const Eigen::VectorXi& y, B... bindings) {
  BOOST_TEST_CONTEXT(name << (std::is_same_v<T, float> ? " float" : " double")) {
    for (reduction r : {reduction::none, reduction::mean}) {
      vec<T> lf, lr;
      matrix<T> gf, gr;
      T vf = xloss::evaluate(loss, r, ebm::E = E, ebm::y = y, bindings..., xloss::grad(ebm::E) = gf,
                             xloss::loss_out = lf, xloss::threads(2));
      T vr = xloss::reference::evaluate(loss, r, ebm::E = E, ebm::y = y, bindings..., xloss::grad(ebm::E) = gr,
                                        xloss::loss_out = lr);
      const double rtol = std::is_same_v<T, double> ? 1e-12 : 2e-5, atol = std::is_same_v<T, double> ? 1e-14 : 1e-6;
      BOOST_TEST(xloss::testing::close(lf, lr, rtol, atol));
      BOOST_TEST(xloss::testing::close(gf, gr, rtol, atol));
      BOOST_TEST(xloss::testing::close(Eigen::Matrix<T, 1, 1>::Constant(vf), Eigen::Matrix<T, 1, 1>::Constant(vr),
                                       rtol, atol * static_cast<double>(E.rows())));
    }
  }
}

template <class T>
void fused_vs_reference(bool tied) {
  const int n = 37, k = 6;
  matrix<T> E = energies<T>(n, k, tied ? 11 : 12, tied, false);
  matrix<T> Ep = energies<T>(n, k, tied ? 13 : 14, tied, true);
  Eigen::VectorXi y = random_labels(n, k, 15);
  matrix<T> D = distances<T>(y, k, 16);
  auto far = ebm::far_answers;
  compare("energy", ebm::loss::energy(), E, y);
  compare("perceptron", ebm::loss::perceptron(), E, y);
  compare("hinge", ebm::loss::hinge(), E, y, ebm::m = 0.5);
  compare("hinge continuous", ebm::loss::hinge(far), E, y, ebm::m = 0.5, ebm::dist = D, ebm::eps = 0.5);
  compare("log", ebm::loss::log(), E, y);
  compare("mce continuous", ebm::loss::mce(far), E, y, ebm::dist = D, ebm::eps = 0.3);
  compare("lvq2_diff", ebm::loss::lvq2_diff(), E, y, ebm::M = 0.5);
  compare("lvq2_ratio", ebm::loss::lvq2_ratio(), Ep, y, ebm::delta = 0.5);
  compare("square_square continuous", ebm::loss::square_square(far), Ep, y, ebm::m = 1.0, ebm::dist = D,
          ebm::eps = 0.5);
  compare("square_exp", ebm::loss::square_exp(), E, y, ebm::gamma = 0.5);
  compare("nll", ebm::loss::nll(), E, y, ebm::beta = 2.0);
  compare("mee", ebm::loss::mee(), E, y, ebm::beta = 2.0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(fused_matches_reference_random) {
  fused_vs_reference<double>(false);
  fused_vs_reference<float>(false);
}
BOOST_AUTO_TEST_CASE(fused_matches_reference_tied) {
  fused_vs_reference<double>(true);
  fused_vs_reference<float>(true);
}

