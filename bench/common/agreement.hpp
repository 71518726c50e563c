// Before a variant is timed, it must compute what the reference variant
// computes; a fast wrong kernel is not a result. Failures abort the run.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "common/eigen.hpp"

namespace xloss_bench {

[[noreturn]] inline void disagree(const std::string& what, double ref, double got, double tol,
                                  Eigen::Index at) {
  std::fprintf(stderr,
               "agreement check failed: %s at index %ld: reference %.17g, variant %.17g, "
               "|diff| %.3g > tolerance %.3g\n",
               what.c_str(), long(at), ref, got, std::abs(got - ref), tol);
  std::abort();
}

// Loss values are means of n_terms terms summed in different orders; rounding
// in a sum grows like sqrt(n) * eps, so the relative tolerance does too.
template <class T>
void require_close_loss(const std::string& what, T ref, T got, double n_terms) {
  const double eps = std::numeric_limits<T>::epsilon();
  const double tol = 8.0 * eps * std::sqrt(std::max(n_terms, 1.0)) * std::max(std::abs(double(ref)), 1.0);
  if (!(std::abs(double(got) - double(ref)) <= tol)) disagree(what + ": loss", ref, got, tol, 0);
}

// Gradient entries are a few roundings each, and bounded by scale (1/N for
// both losses), so the tolerance is absolute: 64 eps * scale.
template <class A, class B>
void require_close_gradient(const std::string& what, const A& ref, const B& got, double scale) {
  using T = typename A::Scalar;
  const double tol = 64.0 * std::numeric_limits<T>::epsilon() * scale;
  for (Eigen::Index i = 0; i < ref.size(); ++i) {
    const double r = double(ref.data()[i]);
    const double g = double(got.data()[i]);
    if (!(std::abs(g - r) <= tol)) disagree(what, r, g, tol, i);
  }
}

}  // namespace xloss_bench
