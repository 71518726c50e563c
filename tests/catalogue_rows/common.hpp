// Shared by the row-wise catalogue tests: reference tensors as Eigen rows,
// the reduction of a case, tolerances and random data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

#include <boost/test/unit_test.hpp>

#include <xloss/kernel/reference.hpp>
#include <xloss/xloss.hpp>

#include "support/checks.hpp"
#include "support/reference_data.hpp"

namespace rows_test {

using xloss::testing::ref_case;
using xloss::testing::tensor;
template <class T> using Rows = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T> using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
using Labels = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

// A tensor as samples × classes: (N, C) as is, (C) as one row, () as 1×1,
// and (N, C, d) as N·d rows (the class dimension 1 moved last, rows in
// PyTorch's order of the remaining dimensions).
template <class T>
Rows<T> rows(const tensor& t) {
  const auto& s = t.shape;
  if (s.size() <= 1) return Eigen::Map<const Eigen::RowVectorXd>(t.values.data(), t.numel()).cast<T>();
  long n = s[0], c = s[1], d = s.size() == 3 ? s[2] : 1;
  BOOST_REQUIRE(s.size() <= 3);
  Rows<T> r(n * d, c);
  for (long i = 0; i < n; ++i)
    for (long k = 0; k < c; ++k)
      for (long e = 0; e < d; ++e) r(i * d + e, k) = static_cast<T>(t.values[static_cast<std::size_t>((i * c + k) * d + e)]);
  return r;
}
// Any tensor as a flat vector (row-major order).
template <class T>
Vec<T> flat(const tensor& t) {
  return Eigen::Map<const Eigen::VectorXd>(t.values.data(), t.numel()).cast<T>();
}
inline Labels labels(const tensor& t) { return flat<double>(t).cast<std::int64_t>(); }

inline xloss::reduction reduction_of(const ref_case& c) {
  std::string r = c.opt("reduction", "mean");
  if (r == "none") return xloss::reduction::none;
  if (r == "sum") return xloss::reduction::sum;
  BOOST_REQUIRE_EQUAL(r, "mean");
  return xloss::reduction::mean;
}
inline bool is_f32(const ref_case& c) { return c.opt("dtype", "f64") == "f32"; }

// Tolerances against PyTorch (docs/catalogue-rows.md): float64 1e-10 relative
// per element, float32 1e-5; the absolute part is that relative bound times
// the largest magnitude of the tensor compared (cancellation near 0).
struct tolerance {
  double rtol, atol;
};
inline tolerance tolerance_for(bool f32, const Eigen::MatrixXd& want) {
  double scale = want.size() == 0 ? 1 : want.array().isFinite().select(want.array().abs(), 0).maxCoeff();
  double rtol = f32 ? 1e-5 : 1e-10;
  return {rtol, rtol * std::max(scale, 1e-3)};
}

// got ≈ the reference tensor `name` of case c (shaped as rows()).
template <class M>
void check_tensor(const ref_case& c, const M& got, const std::string& name) {
  Eigen::MatrixXd want = rows<double>(c.at(name));
  if (want.rows() == 1 && got.cols() == 1 && got.rows() != 1) want.transposeInPlace();  // N losses as a column
  tolerance t = tolerance_for(is_f32(c), want);
  BOOST_TEST(xloss::testing::close(got, want, t.rtol, t.atol), c.id << " " << name);
}
// Per-sample losses against the flattened tensor `out`.
template <class T>
void check_losses(const ref_case& c, const Vec<T>& got) {
  Eigen::MatrixXd want = flat<double>(c.at("out"));
  tolerance t = tolerance_for(is_f32(c), want);
  BOOST_TEST(xloss::testing::close(got, want, t.rtol, t.atol), c.id << " out");
}
template <class T>
void check_value(const ref_case& c, T got) {
  Eigen::MatrixXd g(1, 1);
  g(0, 0) = static_cast<double>(got);
  check_tensor(c, g, "out");
}

// Every case of `loss`'s PyTorch reference data (there must be `count` of
// them), each run by the case function of its dtype.
inline void check_reference(const std::string& loss, std::size_t count, void (*f32_case)(const ref_case&),
                            void (*f64_case)(const ref_case&)) {
  auto cases = xloss::testing::load_reference(xloss::testing::reference_path(loss));
  BOOST_REQUIRE_EQUAL(cases.size(), count);
  for (const auto& c : cases) is_f32(c) ? f32_case(c) : f64_case(c);
}

// A reference case's loss as `run(outputs...)` evaluates it (returning the
// value): with loss_out and its per-sample losses checked under reduction
// none, else the value checked.
template <class T, class F>
void check_value_or_losses(const ref_case& c, F&& run) {
  if (c.opt("reduction", "mean") == "none") {
    Vec<T> losses;
    run(xloss::loss_out = losses);
    check_losses(c, losses);
  } else {
    check_value(c, run());
  }
}

// Uniform random rows in [lo, hi).
template <class T>
Rows<T> uniform(std::mt19937_64& gen, long n, long d, double lo = -1, double hi = 1) {
  std::uniform_real_distribution<double> u(lo, hi);
  Rows<T> r(n, d);
  for (long i = 0; i < r.size(); ++i) r.data()[i] = static_cast<T>(u(gen));
  return r;
}

// Uniform random class labels in [0, classes).
inline Labels random_labels(std::mt19937_64& gen, long n, long classes) {
  Labels y(n);
  for (long i = 0; i < n; ++i) y(i) = static_cast<std::int64_t>(gen() % static_cast<unsigned long>(classes));
  return y;
}

// Fused kernel vs the long-double reference evaluator: `run(eval, out)` makes
// one evaluation with `eval` writing into the outputs `out` (a struct of
// Eigen objects compared member by member by `compare`).
inline constexpr auto fused = [](auto&&... a) { return xloss::evaluate(a...); };
inline constexpr auto slow = [](auto&&... a) { return xloss::reference::evaluate(a...); };

template <class T>
tolerance kernel_tolerance() {
  return std::is_same_v<T, float> ? tolerance{2e-4, 2e-5} : tolerance{1e-10, 1e-12};
}
template <class T, class A, class B>
void check_kernel(const A& got, const B& want, const std::string& what) {
  tolerance t = kernel_tolerance<T>();
  double scale = want.size() == 0 ? 0 : want.template cast<double>().array().abs().maxCoeff();
  BOOST_TEST(xloss::testing::close(got, want, t.rtol, t.atol * std::max(1.0, scale)), what);
}

// The sizes the kernel is checked at. The reference evaluator's row gradients
// cost O(D²) per sample, so N = 1000 is checked with short rows only.
inline constexpr long sample_counts[] = {0, 1, 17, 1000};
inline constexpr long row_lengths[] = {1, 7, 128, 129};
inline bool affordable(long n, long d) { return n * d * d <= 50000; }

template <class T>
std::string size_name(long n, long d) {
  return std::string(sizeof(T) == 4 ? "f32" : "f64") + " N=" + std::to_string(n) + " D=" + std::to_string(d);
}

// f() throws std::invalid_argument whose message contains `name`.
template <class F>
void throws_naming(F f, const std::string& name) {
  try {
    f();
    BOOST_ERROR("no exception; expected one naming " << name);
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find(name) != std::string::npos, e.what() << " should name " << name);
  }
}

// Loss value (as 1×1) and outputs of the fused and reference evaluations.
template <class T>
void check_values(T fused_value, T reference_value, const std::string& what) {
  Eigen::Matrix<T, 1, 1> f{fused_value}, s{reference_value};
  check_kernel<T>(f, s, what + " value");
}

}  // namespace rows_test
