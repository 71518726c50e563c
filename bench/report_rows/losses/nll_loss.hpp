// The nll_loss case of the report (see rows.hpp for the members every loss
// struct provides). Only this loss's DSL header is included, so that its
// translation unit compiles one kernel.
#pragma once

#include <xloss/nn/nll_loss.hpp>

#include "common/counters.hpp"
#include "report_rows/handwritten.hpp"
#include "report_rows/naive.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report {

namespace nn = xloss::nn;

struct nll_loss {
  static constexpr const char* name = "nll_loss";

  template <class T>
  static void fill(row_case<T>& c) {
    c.in = {uniform_rows<T>(c.rows, 8, -4, 0)};
    c.label = uniform_labels(c.rows, 9);
  }
  // Needs only x[y] of each row: one 64-byte line, not the row, and the label;
  // the input's bytes count in the working set.
  template <class T>
  static xloss_bench::case_size size(Index rows) {
    auto s = row_size<T>(rows, 0, 1, 64 + 8, 8);
    s.working_set_bytes += std::size_t(rows * dim) * sizeof(T);
    return s;
  }
  template <class T>
  static T fused(row_case<T>& c, int threads) {
    return nn::nll_loss(c.in[0], c.label, {}, nn::grad<"input"> = c.grad[0], xloss::threads(threads));
  }
  template <class T>
  static T naive(row_case<T>& c) { return naive::nll<T>(c.in[0], c.label, c.grad[0]); }
  template <class T>
  static T handwritten(row_case<T>& c) {
    return handwritten::nll<T>(c.in[0].data(), c.label.data(), c.rows, c.grad[0].data());
  }
};

}  // namespace rows_report
