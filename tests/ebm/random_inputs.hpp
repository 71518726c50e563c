// Seeded random inputs for the EBM property tests.
#pragma once

#include <cmath>
#include <random>

#include <Eigen/Core>

namespace ebm_test {

template <class T> using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T> using vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Energies: normal (tied = false) or on a coarse quarter grid, so that the
// correct and incorrect answers tie often (tied = true); positive when asked.
template <class T>
matrix<T> energies(int n, int k, unsigned seed, bool tied, bool positive) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.5);
  std::uniform_int_distribution<int> grid(0, 4);
  matrix<T> e(n, k);
  for (int i = 0; i < n; ++i)
    for (int q = 0; q < k; ++q) {
      double v = tied ? 0.25 * grid(gen) : normal(gen);
      e(i, q) = static_cast<T>(positive ? std::fabs(v) + 0.25 : v);
    }
  return e;
}
inline Eigen::VectorXi random_labels(int n, int k, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> label(0, k - 1);
  Eigen::VectorXi y(n);
  for (int i = 0; i < n; ++i) y[i] = label(gen);
  return y;
}
// Distances for continuous mode: 0 at the label, others in [0, 1) on a grid
// of tenths, so that some answers are closer than eps = 0.3 and some sit on it.
template <class T>
matrix<T> distances(const Eigen::VectorXi& y, int k, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> tenth(0, 9);
  matrix<T> d(y.size(), k);
  for (int i = 0; i < y.size(); ++i) {
    for (int q = 0; q < k; ++q) d(i, q) = static_cast<T>(0.1 * tenth(gen));
    d(i, y[i]) = 0;
    d(i, (y[i] + 1) % k) = static_cast<T>(0.5);  // at least one incorrect answer
  }
  return d;
}

}  // namespace ebm_test
