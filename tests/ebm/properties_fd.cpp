// Every loss's gradient against central finite differences of its value, at
// random points (off the kinks).
#include <boost/test/unit_test.hpp>

#include <xloss/ebm/ebm.hpp>

#include "random_inputs.hpp"
#include "support/checks.hpp"

namespace ebm = xloss::ebm;
using namespace ebm_test;
using xloss::reduction;

namespace {

// Central differences of the summed loss; the points are random normals, so
// no kink (d = 0, d = M, ties) is within the step.
template <class Loss, class... B>
void finite_differences(const char* name, Loss loss, matrix<double> E, const Eigen::VectorXi& y, B... bindings) {
  BOOST_TEST_CONTEXT(name) {
    matrix<double> G;
    xloss::evaluate(loss, reduction::sum, ebm::E = E, ebm::y = y, bindings..., xloss::grad(ebm::E) = G);
    auto value = [&] { return xloss::evaluate(loss, reduction::sum, ebm::E = E, ebm::y = y, bindings...); };
    BOOST_TEST(xloss::testing::close(G, xloss::testing::fd_gradient(value, E), 1e-6, 1e-8));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(gradients_match_finite_differences) {
  matrix<double> E = energies<double>(9, 5, 21, false, false), Ep = energies<double>(9, 5, 22, false, true);
  Eigen::VectorXi y = random_labels(9, 5, 23);
  matrix<double> D = distances<double>(y, 5, 24);
  finite_differences("energy", ebm::loss::energy(), E, y);
  finite_differences("perceptron", ebm::loss::perceptron(), E, y);
  finite_differences("hinge", ebm::loss::hinge(), E, y, ebm::m = 0.5);
  finite_differences("hinge continuous", ebm::loss::hinge(ebm::far_answers), E, y, ebm::m = 0.5, ebm::dist = D,
                     ebm::eps = 0.3);
  finite_differences("log", ebm::loss::log(), E, y);
  finite_differences("mce", ebm::loss::mce(), E, y);
  finite_differences("lvq2_diff", ebm::loss::lvq2_diff(), E, y, ebm::M = 1.0);
  finite_differences("lvq2_ratio", ebm::loss::lvq2_ratio(), Ep, y, ebm::delta = 1.0);
  finite_differences("square_square", ebm::loss::square_square(), Ep, y, ebm::m = 1.0);
  finite_differences("square_exp", ebm::loss::square_exp(), E, y, ebm::gamma = 0.5);
  finite_differences("nll", ebm::loss::nll(), E, y, ebm::beta = 2.0);
  finite_differences("mee", ebm::loss::mee(), E, y, ebm::beta = 2.0);
}
