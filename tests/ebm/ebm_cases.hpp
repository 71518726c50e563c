// Running the EBM reference cases (tests/reference/data/ebm_*.txt, see
// docs/ebm-reference.md) through xloss and comparing value and grad_E.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <boost/test/unit_test.hpp>

#include <xloss/ebm/ebm.hpp>

#include "support/checks.hpp"
#include "support/reference_data.hpp"

namespace ebm_test {

using xloss::testing::ref_case;
template <class T> using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T> using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
using labels = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

// A tensor of shape (N, K), (N) or () as a matrix (row-major data).
template <class T>
matrix<T> as_matrix(const xloss::testing::tensor& t) {
  long rows = t.shape.empty() ? 1 : t.shape[0];
  long cols = t.shape.size() < 2 ? 1 : t.shape[1];
  matrix<T> m(rows, cols);
  for (long r = 0; r < rows; ++r)
    for (long c = 0; c < cols; ++c) m(r, c) = static_cast<T>(t.values[static_cast<std::size_t>(r * cols + c)]);
  return m;
}

// The inputs of one case in precision T.
template <class T>
struct inputs {
  matrix<T> E, dist, margin;
  labels y;
  double eps = 0;
  bool continuous = false;
  xloss::reduction reduction = xloss::reduction::none;
};

inline xloss::reduction reduction_of(const ref_case& c) {
  std::string r = c.opt("reduction", "");
  if (r == "none") return xloss::reduction::none;
  if (r == "mean") return xloss::reduction::mean;
  if (r == "sum") return xloss::reduction::sum;
  throw std::runtime_error("case " + c.id + ": unknown reduction '" + r + "'");
}

template <class T>
inputs<T> inputs_of(const ref_case& c) {
  inputs<T> in;
  in.E = as_matrix<T>(c.at("E"));
  in.y = as_matrix<double>(c.at("y")).reshaped().cast<std::int64_t>();
  in.continuous = c.opt("mode", "discrete") == "continuous";
  if (in.continuous) {
    in.dist = as_matrix<T>(c.at("dist"));
    in.eps = c.opt_num("eps", NAN);
  }
  if (c.has("margin")) in.margin = as_matrix<T>(c.at("margin"));
  in.reduction = reduction_of(c);
  return in;
}

// Runs every case of `loss` in precision T (dtype f64 or f32) through
// eval(inputs, grad output, loss_out output) and compares value and grad_E.
// Tolerances: relative 1e-10 (f64) / 1e-5 (f32), with absolute floors that
// follow the conditioning of the formulas:
//   value     1e-14 (f64) / 1e-6 (f32) · max(1, max|E|): a value is computed
//             from energies of that size;
//   gradient  1e-14 (f64) / 1e-7 (f32) · max(1, largest entry) · max(1, β·max|E|):
//             a softmax entry is exp(−β·E_j − logsumexp), whose exponent
//             carries the rounding of β·E (the engine's logsumexp gradient),
//             and the reference's own MEE gradient cancels when P_y is tiny
//             (random.beta10 row 1: torch −3.9214854e-10, exact and xloss
//             −3.9217144e-10, checked with mpmath at 50 digits).
template <class T, class Eval>
int check_cases(const std::string& loss, Eval eval) {
  const bool f64 = std::is_same_v<T, double>;
  const double rtol = f64 ? 1e-10 : 1e-5, value_unit = f64 ? 1e-14 : 1e-6, grad_unit = f64 ? 1e-14 : 1e-7;
  int checked = 0;
  for (const ref_case& c : xloss::testing::load_reference(xloss::testing::reference_path("ebm_" + loss))) {
    if (c.opt("dtype", "") != (f64 ? "f64" : "f32")) continue;
    BOOST_TEST_CONTEXT("ebm_" << loss << " case " << c.id) {
      inputs<T> in = inputs_of<T>(c);
      matrix<T> G;
      vector<T> L;
      T value = eval(in, c, xloss::nn::grad<"E"> = G, xloss::loss_out = L);
      matrix<double> want_out = as_matrix<double>(c.at("out")), want_grad = as_matrix<double>(c.at("grad_E"));
      double max_e = static_cast<double>(in.E.cwiseAbs().maxCoeff());
      double value_floor = value_unit * std::max(1.0, max_e);
      double grad_floor = grad_unit * std::max(1.0, want_grad.cwiseAbs().maxCoeff()) *
                          std::max(1.0, c.opt_num("beta", 1.0) * max_e);
      if (in.reduction == xloss::reduction::none) {
        BOOST_TEST(xloss::testing::close(L, want_out.reshaped(), rtol, value_floor));
        BOOST_TEST(xloss::testing::close(Eigen::Matrix<double, 1, 1>::Constant(static_cast<double>(value)),
                                         Eigen::Matrix<double, 1, 1>::Constant(want_out.sum()), rtol,
                                         value_floor * static_cast<double>(in.E.rows())));
      } else {
        BOOST_TEST(xloss::testing::close(Eigen::Matrix<double, 1, 1>::Constant(static_cast<double>(value)),
                                         want_out, rtol, value_floor));
      }
      BOOST_TEST(xloss::testing::close(G, want_grad, rtol, grad_floor));
      ++checked;
    }
  }
  return checked;
}

// eval for check_cases from f(inputs, case, answers, outputs...): calls f
// with the case's set of incorrect answers, discrete or continuous.
template <class F>
auto in_case_mode(F f) {
  return [f](const auto& in, const ref_case& c, auto&&... out) {
    if (in.continuous) return f(in, c, xloss::ebm::continuous(in.dist, in.eps), out...);
    return f(in, c, xloss::ebm::discrete, out...);
  };
}

}  // namespace ebm_test
