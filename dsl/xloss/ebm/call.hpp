// What the user-facing EBM functions share: which answers are incorrect,
// the checks of the input, and the call into the engine.
//
//   float L = xloss::ebm::hinge(E, y, {.m = 1}, xloss::nn::grad<"E"> = G);
//   float L = xloss::ebm::hinge(E, y, xloss::ebm::continuous(dist, 0.5), {.m = 1},
//                               xloss::nn::grad<"E"> = G);
// E and dist are dense N×K Eigen objects (float or double), y an integer
// vector of N labels. Outputs: nn::grad<"E"> = G, loss_out = L (the per-sample
// losses; required with reduction::none), threads(n). The reduction is an
// option, mean by default as in PyTorch.
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

#include <xloss/ebm/incorrect.hpp>
#include <xloss/nn/functional.hpp>

namespace xloss::ebm {

// Discrete mode: every answer but the correct one is incorrect.
struct discrete_answers {
  using mask = discrete_mask;
};
inline constexpr discrete_answers discrete{};

// Continuous mode: the answers with dist(i, j) >= eps are incorrect. The
// correct answer must be closer than eps (dist(i, y) < eps).
template <class D>
struct continuous_answers {
  using mask = continuous_mask;
  const D& distances;
  double eps;
};
template <class D>
continuous_answers<D> continuous(const D& distances, double threshold) {
  return {distances, threshold};
}

template <class A> inline constexpr bool is_continuous_answers_v = false;
template <class D> inline constexpr bool is_continuous_answers_v<continuous_answers<D>> = true;
template <class A>
concept answer_set = std::is_same_v<A, discrete_answers> || is_continuous_answers_v<A>;

namespace detail {

inline void fail(const std::string& what) { throw std::invalid_argument("xloss::ebm: " + what); }

inline void require_finite(double v, const char* name) {
  if (!std::isfinite(v)) fail("parameter '" + std::string(name) + "' must be finite, got " + std::to_string(v));
}
inline void require_positive(double v, const char* name) {
  if (!(v > 0 && std::isfinite(v)))
    fail("parameter '" + std::string(name) + "' must be positive and finite, got " + std::to_string(v));
}

template <class V>
using element_t = std::remove_const_t<typename V::value_type>;

// Checks the labels and, for a continuous set, eps and dist; then calls
// on_row(i, E_I) with the lowest energy of an incorrect answer of every sample,
// and fails on a sample that has none: a loss built on the most offending
// incorrect answer is undefined there.
template <class Answers, class ED, class YD, class F>
void for_each_most_offending(const Answers& answers, const ED& energies, const YD& labels, F&& on_row) {
  auto e = make_view(energies);
  auto lab = make_view(labels);
  if (lab.size() != e.rows || (e.rows > 1 && !lab.is_vector()))
    fail("'y' must be a vector of " + std::to_string(e.rows) + " labels, one per row of 'E'");
  if constexpr (!std::is_same_v<Answers, discrete_answers>) {
    require_positive(answers.eps, "eps");
    auto dv = make_view(answers.distances);
    if (dv.rows != e.rows || dv.cols != e.cols)
      fail("'dist' is " + std::to_string(dv.rows) + "x" + std::to_string(dv.cols) + " but 'E' is " +
           std::to_string(e.rows) + "x" + std::to_string(e.cols));
  }
  for (std::ptrdiff_t i = 0; i < e.rows; ++i) {
    auto yi = static_cast<long long>(lab.p[i * lab.vstride()]);
    if (yi < 0 || yi >= e.cols)
      fail("label 'y' is " + std::to_string(yi) + " at sample " + std::to_string(i) + ", outside [0, " +
           std::to_string(e.cols) + ")");
    auto incorrect = [&](std::ptrdiff_t q) {
      if constexpr (std::is_same_v<Answers, discrete_answers>) {
        return q != yi;
      } else {  // the engine's comparison: dist >= eps in the data's precision
        auto dv = make_view(answers.distances);
        return dv(i, q) >= static_cast<element_t<decltype(dv)>>(answers.eps);
      }
    };
    if constexpr (!std::is_same_v<Answers, discrete_answers>)
      if (incorrect(static_cast<std::ptrdiff_t>(yi)))
        fail("dist(" + std::to_string(i) + ", y) is not below eps = " + std::to_string(answers.eps) +
             ": the correct answer would count as incorrect");
    bool found = false;
    double lowest = 0;
    for (std::ptrdiff_t q = 0; q < e.cols; ++q)
      if (incorrect(q) && (!found || static_cast<double>(e(i, q)) < lowest)) {
        lowest = static_cast<double>(e(i, q));
        found = true;
      }
    if (!found) {
      if constexpr (std::is_same_v<Answers, discrete_answers>)
        fail("'E' has 1 answer per sample: there is no incorrect answer (K >= 2 is needed)");
      else
        fail("sample " + std::to_string(i) + " has no incorrect answer: no entry of its row of 'dist' is >= eps = " +
             std::to_string(answers.eps));
    }
    on_row(i, lowest);
  }
}

// The most offending answer exists for every sample (discrete: K >= 2;
// continuous: the full check above).
template <class Answers, class ED, class YD>
void require_incorrect_answers(const Answers& answers, const ED& energies, const YD& labels) {
  if constexpr (std::is_same_v<Answers, discrete_answers>) {
    if (energies.rows() > 0 && energies.cols() < 2)
      fail("'E' has 1 answer per sample: there is no incorrect answer (K >= 2 is needed)");
  } else {
    for_each_most_offending(answers, energies, labels, [](std::ptrdiff_t, double) {});
  }
}

// Evaluates `formula` on E = energies, y = labels (and dist, eps in continuous
// mode), the parameter bindings `params` and the user's outputs.
template <class Loss, class Answers, class ED, class YD, class... P, class... Out>
auto call(Loss formula, const Answers& answers, const ED& energies, const YD& labels, reduction r,
          std::tuple<P...> params, Out&&... out) {
  return std::apply(
      [&](auto... p) {
        if constexpr (std::is_same_v<Answers, discrete_answers>)
          return xloss::evaluate(formula, r, E = energies, y = labels, p...,
                                 nn::forward_output<row_var<"E">>(static_cast<Out&&>(out))...);
        else
          return xloss::evaluate(formula, r, E = energies, y = labels, dist = answers.distances, eps = answers.eps,
                                 p..., nn::forward_output<row_var<"E">>(static_cast<Out&&>(out))...);
      },
      params);
}

}  // namespace detail
}  // namespace xloss::ebm
