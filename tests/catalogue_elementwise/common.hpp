// The checks every elementwise catalogue loss goes through. A loss test
// describes its loss with a small `spec` struct:
//
//   name                      the PyTorch name (and reference data file)
//   args                      its data tensors, in order (PyTorch names)
//   grads                     the differentiable ones, in order
//   call<T>(a, c, r, o)       the xloss::nn function on args a (options from
//                             reference case c), writing o.g[k] and o.loss
//   ref<T>(a, r, o)           the same loss through xloss::reference::evaluate
//                             on vectors, default options
//   gen<T>(n, smooth)         random arguments (smooth: off every kink)
//   expected(c, name, k, v)   (optional) the expected value of element k of
//                             tensor `name` where xloss differs from PyTorch
//                             on purpose (docs/catalogue-elementwise.md);
//                             returns v unchanged elsewhere
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <xloss/kernel/reference.hpp>
#include <xloss/nn/kl_div.hpp>

#include "support/checks.hpp"
#include "support/reference_data.hpp"

namespace xloss_test {

using xloss::testing::close;
using xloss::testing::ref_case;
using xloss::testing::tensor;

template <class T> using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T> using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Where a spec has no deliberate differences from PyTorch.
struct spec_base {
  template <class A>
  static double expected(const ref_case&, const std::string&, Eigen::Index, double v, const A&) { return v; }
};

template <class T, class M>
struct outs {
  std::array<M, 3> g;
  M loss;
};

// A reference tensor as a row-major matrix: 2-D as is, 0-d as 1x1, 1-D as a
// column — or as a 1 x C row when the loss's input is 2-D (PyTorch aligns
// trailing dimensions, so a (C,) tensor broadcasts over the rows).
template <class T>
Mat<T> as_mat(const tensor& t, std::size_t input_ndim) {
  Eigen::Index r = 1, c = 1;
  if (t.shape.size() == 2) r = t.shape[0], c = t.shape[1];
  else if (t.shape.size() == 1) (input_ndim == 2 ? c : r) = t.shape[0];
  BOOST_REQUIRE(t.shape.size() <= 2);
  Mat<T> m(r, c);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = static_cast<T>(t.values[k]);
  return m;
}

inline Mat<double> want_mat(const tensor& t) {
  Mat<double> m = as_mat<double>(t, 0);
  return Eigen::Map<Mat<double>>(m.data(), static_cast<Eigen::Index>(t.values.size()), 1);
}
template <class M>
Mat<double> flat(const M& m) {
  Mat<double> d = m.template cast<double>();
  return Eigen::Map<Mat<double>>(d.data(), d.size(), 1);
}

inline xloss::nn::kl_div_reduction reduction_of(const ref_case& c) {
  std::string r = c.opt("reduction", "mean");
  if (r == "batchmean") return xloss::nn::batchmean;
  return r == "none" ? xloss::reduction::none : r == "sum" ? xloss::reduction::sum : xloss::reduction::mean;
}

// Elementwise tolerances: float64 1e-10 relative, float32 1e-5; the absolute
// part scales with the tensor's largest magnitude (values near 0 cancel).
template <class T>
double rtol() { return std::is_same_v<T, double> ? 1e-10 : 1e-5; }
inline double scale_of(const Mat<double>& w) {
  double s = 1;
  for (double v : w.reshaped()) if (std::isfinite(v)) s = std::max(s, std::fabs(v));
  return s;
}

// Every case of the loss's reference data: the value (the stable one where
// PyTorch is flagged unstable), the per-element losses, every gradient.
template <class S, class T>
void check_case(const ref_case& c) {
  BOOST_TEST_CONTEXT(S::name << " " << c.id) {
    const std::size_t ndim = c.at(S::args[0]).shape.size();
    std::vector<Mat<T>> a;
    for (auto name : S::args)
      if (const tensor* t = c.find(name)) a.push_back(as_mat<T>(*t, ndim));
      else a.push_back(Mat<T>());
    outs<T, Mat<T>> o;
    const auto r = reduction_of(c);
    const T value = S::template call<T>(a, c, r, o);

    const bool stable = c.opt("unstable_in_pytorch", "0") == "1";
    Mat<double> want_out = want_mat(c.at(stable ? "out_stable" : "out"));
    auto expect = [&](const std::string& name, Mat<double> w) {
      for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = S::expected(c, name, k, w(k), a);
      return w;
    };
    const double T_eps = std::numeric_limits<T>::epsilon();
    if (r.base == xloss::reduction::none) {
      Mat<double> w = expect("out", want_out);
      BOOST_TEST(close(flat(o.loss), w, rtol<T>(), rtol<T>() * 0.01 * scale_of(w)));
    } else {
      // A reduced value: a few ulp per element of the summed magnitudes.
      const double n = static_cast<double>(a[0].size());
      const double total = flat(o.loss).cwiseAbs().sum() / (r.base == xloss::reduction::mean ? n : 1);
      BOOST_TEST(close(Mat<double>::Constant(1, 1, value), expect("out", want_out),
                       std::is_same_v<T, double> ? 1e-12 : 1e-5, 4 * T_eps * (n + 1) * total + 1e-300));
    }
    for (std::size_t k = 0; k < S::grads.size(); ++k) {
      std::string gname = "grad_" + std::string(S::grads[k]);
      if (stable && c.has(gname + "_stable")) gname += "_stable";
      if (!c.has(gname)) continue;
      Mat<double> w = expect(gname, want_mat(c.at(gname)));
      BOOST_TEST_CONTEXT(gname) BOOST_TEST(close(flat(o.g[k]), w, rtol<T>(), rtol<T>() * 0.01 * scale_of(w)));
    }
  }
}

template <class S>
void check_reference() {
  auto cases = xloss::testing::load_reference(xloss::testing::reference_path(S::name));
  BOOST_REQUIRE(!cases.empty());
  for (const ref_case& c : cases) {
    if (c.opt("dtype", "f64") == "f32") check_case<S, float>(c);
    else check_case<S, double>(c);
  }
}

// The fused kernel (through the xloss::nn function) against the reference
// evaluator on random and extreme inputs, every reduction.
template <class S, class T>
void check_fused_vs_reference() {
  const ref_case defaults;  // no options: each loss's defaults
  for (Eigen::Index n : {0, 1, 17, 100003})
    for (auto r : {xloss::reduction::none, xloss::reduction::mean, xloss::reduction::sum})
      BOOST_TEST_CONTEXT(S::name << " n=" << n << " " << int(r) << " " << sizeof(T)) {
        std::vector<Mat<T>> a = S::template gen<T>(n, false);
        outs<T, Mat<T>> f;
        outs<T, Vec<T>> w;
        const T got = S::template call<T>(a, defaults, r, f);
        std::vector<Vec<T>> v;
        for (const auto& m : a) v.push_back(Eigen::Map<const Vec<T>>(m.data(), m.size()));
        const T want = S::template ref<T>(v, r, w);
        const double tol = std::is_same_v<T, double> ? 1e-12 : 2e-6;
        BOOST_TEST(close(flat(f.loss), flat(w.loss), tol, tol * scale_of(flat(w.loss))));
        for (std::size_t k = 0; k < S::grads.size(); ++k)
          BOOST_TEST(close(flat(f.g[k]), flat(w.g[k]), tol, tol * scale_of(flat(w.g[k]))));
        const double total = flat(w.loss).cwiseAbs().sum();
        if (r != xloss::reduction::none || n > 0)
          BOOST_TEST(close(Mat<double>::Constant(1, 1, got), Mat<double>::Constant(1, 1, want), tol, tol * total));
      }
}

// Central differences of the reference evaluator's summed value against the
// fused gradients (double, inputs off the kinks).
template <class S>
void check_finite_differences() {
  std::vector<Mat<double>> a = S::template gen<double>(9, true);
  outs<double, Mat<double>> f;
  S::template call<double>(a, ref_case{}, xloss::reduction::sum, f);
  for (std::size_t k = 0; k < S::grads.size(); ++k) {
    auto pos = std::find(S::args.begin(), S::args.end(), S::grads[k]) - S::args.begin();
    Vec<double> x = Eigen::Map<Vec<double>>(a[pos].data(), a[pos].size());
    auto value = [&] {
      std::vector<Vec<double>> v;
      for (std::size_t i = 0; i < a.size(); ++i)
        v.push_back(i == std::size_t(pos) ? x : Vec<double>(Eigen::Map<Vec<double>>(a[i].data(), a[i].size())));
      outs<double, Vec<double>> w;
      return S::template ref<double>(v, xloss::reduction::sum, w);
    };
    BOOST_TEST_CONTEXT(S::name << " d/d" << S::grads[k])
    BOOST_TEST(close(flat(f.g[k]), xloss::testing::fd_gradient(value, x), 1e-6, 1e-7));
  }
}

// Runs f and checks that it throws std::invalid_argument naming `name`.
template <class F>
void expect_invalid(F&& f, const std::string& name) {
  try {
    f();
    BOOST_ERROR("no exception; expected one naming '" << name << "'");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find("'" + name + "'") != std::string::npos, "message: " << e.what());
  }
}

// Random draws for gen(): uniform in [lo, hi), and a few exact special values.
struct draw {
  std::mt19937_64 rng{12345};
  template <class T>
  Mat<T> uniform(Eigen::Index n, double lo, double hi) {
    std::uniform_real_distribution<double> u(lo, hi);
    Mat<T> m(n, 1);
    for (auto& v : m.reshaped()) v = static_cast<T>(u(rng));
    return m;
  }
  // Replaces every k-th element by one of `specials` (extremes, kinks, ties).
  template <class T>
  void sprinkle(Mat<T>& m, std::initializer_list<double> specials, int k = 5) {
    std::vector<double> s(specials);
    for (Eigen::Index i = 0; i < m.size(); i += k) m(i) = static_cast<T>(s[std::size_t(i / k) % s.size()]);
  }
};

}  // namespace xloss_test
