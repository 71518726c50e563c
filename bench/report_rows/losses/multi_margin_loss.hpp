// The multi_margin_loss case of the report (see rows.hpp for the members every loss
// struct provides). Only this loss's DSL header is included, so that its
// translation unit compiles one kernel.
#pragma once

#include <xloss/nn/multi_margin_loss.hpp>

#include "common/counters.hpp"
#include "report_rows/handwritten.hpp"
#include "report_rows/naive.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report {

namespace nn = xloss::nn;

struct multi_margin_loss {
  static constexpr const char* name = "multi_margin_loss";

  template <class T>
  static void fill(row_case<T>& c) {
    c.in = {dyadic_rows<T>(c.rows, 10)};
    c.label = uniform_labels(c.rows, 11);
  }
  template <class T>
  static xloss_bench::case_size size(Index rows) { return row_size<T>(rows, 1, 1, 8, 8); }
  template <class T>
  static T fused(row_case<T>& c, int threads) {
    return nn::multi_margin_loss(c.in[0], c.label, {}, nn::grad<"input"> = c.grad[0], xloss::threads(threads));
  }
  template <class T>
  static T naive(row_case<T>& c) { return naive::multi_margin<T>(c.in[0], c.label, c.grad[0]); }
  template <class T>
  static T handwritten(row_case<T>& c) {
    return handwritten::multi_margin<T>(c.in[0].data(), c.label.data(), c.rows, c.grad[0].data());
  }
};

}  // namespace rows_report
