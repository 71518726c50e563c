// The multilabel_margin_loss case of the report (see rows.hpp for the members every loss
// struct provides). Only this loss's DSL header is included, so that its
// translation unit compiles one kernel.
#pragma once

#include <cstdint>

#include <xloss/nn/multilabel_margin_loss.hpp>

#include "common/counters.hpp"
#include "report_rows/handwritten.hpp"
#include "report_rows/naive.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report {

namespace nn = xloss::nn;

struct multilabel_margin_loss {
  static constexpr const char* name = "multilabel_margin_loss";

  // Three distinct targets per row, then −1.
  template <class T>
  static void fill(row_case<T>& c) {
    c.in = {dyadic_rows<T>(c.rows, 14)};
    c.label_rows = LabelRows::Constant(c.rows, dim, -1);
    for (Index i = 0; i < c.rows; ++i) {
      const auto first = std::int64_t(xloss_bench::mix(15, std::uint64_t(i)) % dim);
      for (std::int64_t k = 0; k < 3; ++k) c.label_rows(i, k) = (first + 37 * k) % dim;
    }
  }
  // Reads its whole int64 target matrix: PyTorch checks every entry, even after the −1.
  template <class T>
  static xloss_bench::case_size size(Index rows) { return row_size<T>(rows, 1, 1, 8.0 * dim, 8.0 * dim); }
  template <class T>
  static T fused(row_case<T>& c, int threads) {
    return nn::multilabel_margin_loss(c.in[0], c.label_rows, {}, nn::grad<"input"> = c.grad[0],
                                      xloss::threads(threads));
  }
  template <class T>
  static T naive(row_case<T>& c) { return naive::multilabel_margin<T>(c.in[0], c.label_rows, c.grad[0]); }
  template <class T>
  static T handwritten(row_case<T>& c) {
    return handwritten::multilabel_margin<T>(c.in[0].data(), c.label_rows.data(), c.rows, c.grad[0].data());
  }
};

}  // namespace rows_report
