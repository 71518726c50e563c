// The cross_entropy case of the report (see rows.hpp for the members every loss
// struct provides). Only this loss's DSL header is included, so that its
// translation unit compiles one kernel.
#pragma once

#include <xloss/nn/cross_entropy.hpp>

#include "common/counters.hpp"
#include "report_rows/handwritten.hpp"
#include "report_rows/naive.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report {

namespace nn = xloss::nn;

struct cross_entropy {
  static constexpr const char* name = "cross_entropy";

  template <class T>
  static void fill(row_case<T>& c) {
    c.in = {uniform_rows<T>(c.rows, 6, -4, 4)};
    c.label = uniform_labels(c.rows, 7);
  }
  template <class T>
  static xloss_bench::case_size size(Index rows) { return row_size<T>(rows, 1, 1, 8, 8); }
  template <class T>
  static T fused(row_case<T>& c, int threads) {
    return nn::cross_entropy(c.in[0], c.label, {}, nn::grad<"input"> = c.grad[0], xloss::threads(threads));
  }
  template <class T>
  static T naive(row_case<T>& c) { return naive::cross_entropy<T>(c.in[0], c.label, c.grad[0]); }
  template <class T>
  static T handwritten(row_case<T>& c) {
    return handwritten::cross_entropy<T>(c.in[0].data(), c.label.data(), c.rows, c.grad[0].data());
  }
};

}  // namespace rows_report
