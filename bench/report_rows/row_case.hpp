// The data of one row-loss case (B rows of D = 128, PyTorch's row-major
// layout) and the generators that fill it. Every variant of a loss reads the
// same row_case and writes its gradients into c.grad.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "baselines/packet.hpp"
#include "common/counters.hpp"
#include "common/data.hpp"
#include "common/eigen.hpp"

namespace rows_report {

using Eigen::Index;
template <class T>
using Rows = xloss_bench::baselines::Rows<T>;
template <class T>
using Vec = xloss_bench::baselines::Vec<T>;
using Labels = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;
using LabelRows = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline constexpr Index dim = 128;  // D

// B for a nominal size B·D (at least one row): "1e6" is 7812 rows.
inline Index rows_for(long nominal) { return nominal / dim > 0 ? nominal / dim : 1; }

template <class T>
struct row_case {
  Index rows = 0;
  std::vector<Rows<T>> in;    // real inputs, all differentiable, PyTorch's argument order
  Vec<T> sign;                // cosine_embedding_loss's target (±1)
  Labels label;               // one class per row
  LabelRows label_rows;       // multilabel_margin_loss's −1-terminated target lists
  std::vector<Rows<T>> grad;  // one per input, same order
};

template <class T>
Rows<T> uniform_rows(Index rows, std::uint64_t seed, double lo, double hi) {
  Rows<T> r(rows, dim);
  for (Index i = 0; i < r.size(); ++i) r.data()[i] = T(xloss_bench::uniform(seed, std::uint64_t(i), lo, hi));
  return r;
}

// Multiples of 2^-10 in [-1, 1): sums like 1 − x[y] + x[j] are then exact in
// float and double, so a hinge's z > 0 test decides alike in every variant
// (otherwise a z within rounding of 0 may legitimately go either way).
template <class T>
Rows<T> dyadic_rows(Index rows, std::uint64_t seed) {
  Rows<T> r(rows, dim);
  for (Index i = 0; i < r.size(); ++i)
    r.data()[i] = T(double(std::int64_t(xloss_bench::mix(seed, std::uint64_t(i)) % 2048) - 1024) / 1024.0);
  return r;
}

inline Labels uniform_labels(Index rows, std::uint64_t seed) {
  Labels y(rows);
  for (Index i = 0; i < rows; ++i) y(i) = std::int64_t(xloss_bench::mix(seed, std::uint64_t(i)) % dim);
  return y;
}

// What a case of `rows` rows moves (the floor's input). Bytes that must move:
// every input read once, every gradient written with write-allocate (twice),
// labels once (8 bytes each), as in bench/common/bandwidth.hpp.
// reads: real row arrays read; writes: gradient arrays; extra: other bytes
// moved per row (labels, targets); held: other bytes per row in the working set.
template <class T>
xloss_bench::case_size row_size(Index rows, double reads, double writes, double extra, double held) {
  const double e = double(rows * dim), s = sizeof(T);
  return {e, (reads + 2 * writes) * s * e + extra * double(rows),
          std::size_t((reads + writes) * s * e + held * double(rows))};
}

// Gradient buffers, first-touched here so that no variant pays for fresh pages.
template <class T>
void zero_grads(row_case<T>& c) {
  c.grad.assign(c.in.size(), Rows<T>::Zero(c.rows, dim));
}

}  // namespace rows_report
