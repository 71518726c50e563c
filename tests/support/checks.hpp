// Numeric checks shared by the tests: closeness with a readable report, and
// central finite differences.
#pragma once

#include <cmath>
#include <sstream>
#include <string>

#include <Eigen/Core>
#include <boost/test/unit_test.hpp>

namespace xloss::testing {

// |got − want| ≤ atol + rtol·|want| element by element, where NaN matches NaN,
// an infinity matches the same infinity, and −0 matches 0. On failure the
// message names the worst element.
template <class A, class B>
boost::test_tools::predicate_result close(const A& got_in, const B& want_in, double rtol, double atol) {
  Eigen::ArrayXXd got = got_in.template cast<double>().array();
  Eigen::ArrayXXd want = want_in.template cast<double>().array();
  if (got.rows() != want.rows() || got.cols() != want.cols()) {
    boost::test_tools::predicate_result r(false);
    r.message() << "shape " << got.rows() << "x" << got.cols() << " vs " << want.rows() << "x" << want.cols();
    return r;
  }
  double worst = 0;
  Eigen::Index wr = -1, wc = -1;
  for (Eigen::Index c = 0; c < got.cols(); ++c)
    for (Eigen::Index r = 0; r < got.rows(); ++r) {
      double g = got(r, c), w = want(r, c);
      bool ok;
      double excess = 0;
      if (std::isnan(w) || std::isnan(g)) ok = std::isnan(w) && std::isnan(g);
      else if (std::isinf(w) || std::isinf(g)) ok = g == w;
      else {
        double diff = std::fabs(g - w), allowed = atol + rtol * std::fabs(w);
        ok = diff <= allowed;
        excess = ok ? 0 : (allowed > 0 ? diff / allowed : INFINITY);
      }
      if (!ok && (wr < 0 || excess > worst)) {
        worst = excess;
        wr = r;
        wc = c;
      }
    }
  if (wr < 0) return true;
  boost::test_tools::predicate_result res(false);
  res.message().stream().precision(17);
  res.message() << "element (" << wr << "," << wc << "): got " << got(wr, wc) << ", want " << want(wr, wc)
                << " (rtol " << rtol << ", atol " << atol << ")";
  return res;
}

// Central differences of f() with respect to every element of X (changed in
// place and restored): (f(x + h) − f(x − h)) / 2h, with h scaled to |x|.
template <class F, class M>
Eigen::MatrixXd fd_gradient(F&& f, M& X, double h = 1e-6) {
  Eigen::MatrixXd g(X.rows(), X.cols());
  for (Eigen::Index c = 0; c < X.cols(); ++c)
    for (Eigen::Index r = 0; r < X.rows(); ++r) {
      auto saved = X(r, c);
      double step = h * std::max(1.0, std::fabs(static_cast<double>(saved)));
      X(r, c) = saved + step;
      double up = static_cast<double>(f());
      X(r, c) = saved - step;
      double down = static_cast<double>(f());
      X(r, c) = saved;
      g(r, c) = (up - down) / (2 * step);
    }
  return g;
}

}  // namespace xloss::testing
