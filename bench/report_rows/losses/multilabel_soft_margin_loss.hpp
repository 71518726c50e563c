// The multilabel_soft_margin_loss case of the report (see rows.hpp for the members every loss
// struct provides). Only this loss's DSL header is included, so that its
// translation unit compiles one kernel.
#pragma once

#include <xloss/nn/multilabel_soft_margin_loss.hpp>

#include "common/counters.hpp"
#include "report_rows/handwritten.hpp"
#include "report_rows/naive.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report {

namespace nn = xloss::nn;

struct multilabel_soft_margin_loss {
  static constexpr const char* name = "multilabel_soft_margin_loss";

  template <class T>
  static void fill(row_case<T>& c) { c.in = {uniform_rows<T>(c.rows, 12, -4, 4), uniform_rows<T>(c.rows, 13, 0, 1)}; }
  template <class T>
  static xloss_bench::case_size size(Index rows) { return row_size<T>(rows, 2, 2, 0, 0); }
  template <class T>
  static T fused(row_case<T>& c, int threads) {
    return nn::multilabel_soft_margin_loss(c.in[0], c.in[1], {}, nn::grad<"input"> = c.grad[0],
                                           nn::grad<"target"> = c.grad[1], xloss::threads(threads));
  }
  template <class T>
  static T naive(row_case<T>& c) { return naive::multilabel_soft_margin<T>(c.in[0], c.in[1], c.grad[0], c.grad[1]); }
  template <class T>
  static T handwritten(row_case<T>& c) {
    return handwritten::multilabel_soft_margin<T>(c.in[0].data(), c.in[1].data(), c.rows, c.grad[0].data(),
                                                  c.grad[1].data());
  }
};

}  // namespace rows_report
