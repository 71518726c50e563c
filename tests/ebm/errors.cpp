// Bad input: each throws std::invalid_argument naming what is wrong.
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

#include <xloss/ebm/ebm.hpp>

namespace ebm = xloss::ebm;

namespace {

// Runs f, expects std::invalid_argument whose message contains every word.
template <class F>
void expect_error(F f, std::initializer_list<const char*> words) {
  try {
    f();
    BOOST_ERROR("no exception");
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    for (const char* w : words) BOOST_TEST(what.find(w) != std::string::npos, "'" << w << "' in: " << what);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_incorrect_answer) {
  Eigen::MatrixXd E(2, 3);
  E << 1, 2, 3, 4, 5, 6;
  Eigen::VectorXi y(2);
  y << 0, 2;
  Eigen::MatrixXd D(2, 3);
  D << 0, 0.6, 0.2, 0.1, 0.2, 0;  // sample 1: nothing at distance >= 0.5
  expect_error([&] { ebm::hinge(E, y, ebm::continuous(D, 0.5), {.m = 1}); }, {"dist", "eps", "sample 1"});
  expect_error([&] { ebm::log(E, y, ebm::continuous(D, 0.5), {}); }, {"dist", "eps"});
  // K = 1: no incorrect answer in discrete mode either.
  Eigen::MatrixXd E1(2, 1);
  E1 << 1, 2;
  Eigen::VectorXi y1 = Eigen::VectorXi::Zero(2);
  expect_error([&] { ebm::hinge(E1, y1, {.m = 1}); }, {"'E'", "K >= 2"});
  expect_error([&] { ebm::perceptron(E1, y1, {}); }, {"'E'", "K >= 2"});
  expect_error([&] { ebm::mee(E1, y1, {.beta = 1}); }, {"'E'", "K >= 2"});
  // Losses that need no incorrect answer accept K = 1: NLL is 0 there.
  BOOST_TEST(ebm::nll(E1, y1, {.beta = 1}) == 0.0);
  BOOST_TEST(ebm::energy(E1, y1, {}) == 1.5);
}

BOOST_AUTO_TEST_CASE(continuous_set_checks) {
  Eigen::MatrixXd E = Eigen::MatrixXd::Zero(2, 3), D(2, 3), D_bad(2, 2);
  D << 0, 1, 1, 1, 0.7, 0;
  Eigen::VectorXi y(2);
  y << 0, 1;  // dist(1, y) = 0.7 >= eps: the correct answer would be incorrect
  expect_error([&] { ebm::hinge(E, y, ebm::continuous(D, 0.5), {.m = 1}); }, {"dist(1, y)", "eps"});
  y << 0, 2;
  expect_error([&] { ebm::hinge(E, y, ebm::continuous(D_bad, 0.5), {.m = 1}); }, {"'dist' is 2x2", "'E' is 2x3"});
  expect_error([&] { ebm::hinge(E, y, ebm::continuous(D, 0.0), {.m = 1}); }, {"'eps'", "positive"});
  y << 0, 3;
  expect_error([&] { ebm::hinge(E, y, ebm::continuous(D, 0.5), {.m = 1}); }, {"label 'y'", "sample 1"});
}

BOOST_AUTO_TEST_CASE(parameters) {
  Eigen::MatrixXd E(1, 3);
  E << 1, 0.5, 2;
  Eigen::VectorXi y = Eigen::VectorXi::Zero(1);
  expect_error([&] { ebm::nll(E, y, {.beta = 0}); }, {"'beta'", "positive"});
  expect_error([&] { ebm::mee(E, y, {.beta = -1}); }, {"'beta'"});
  expect_error([&] { ebm::lvq2_diff(E, y, {.M = 0}); }, {"'M'"});
  expect_error([&] { ebm::lvq2_ratio(E, y, {.delta = 0}); }, {"'delta'"});
  expect_error([&] { ebm::square_exp(E, y, {.gamma = -2}); }, {"'gamma'"});
  expect_error([&] { ebm::hinge(E, y, {.m = NAN}); }, {"'m'", "finite"});
  // lvq2_ratio divides by E_I: it must be positive.
  Eigen::MatrixXd En(1, 3);
  En << 1, -0.5, 2;
  expect_error([&] { ebm::lvq2_ratio(En, y, {.delta = 1}); }, {"E_I", "sample 0"});
  // The engine's own checks still apply (label range, reduction none without loss_out).
  y[0] = 3;
  expect_error([&] { ebm::hinge(E, y, {.m = 1}); }, {"label 'y'"});
  y[0] = 0;
  expect_error([&] { ebm::hinge(E, y, {.m = 1, .reduction = xloss::reduction::none}); }, {"loss_out"});
}
