// The triplet_margin_loss case of the report (see rows.hpp for the members every loss
// struct provides). Only this loss's DSL header is included, so that its
// translation unit compiles one kernel.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <xloss/nn/triplet_margin_loss.hpp>

#include "baselines/triplet.hpp"
#include "common/counters.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report {

namespace nn = xloss::nn;

struct triplet_margin_loss {
  static constexpr const char* name = "triplet_margin_loss";

  // Anchors U(−1, 1), positives a + U(−0.2, 0.2), negatives a + U(−0.35, 0.35):
  // about half the rows active. Rows within 1e-3 of the kink z = 0 are redrawn
  // (there rounding may legitimately put two variants on different sides).
  template <class T>
  static void fill(row_case<T>& c) {
    Rows<T> a = uniform_rows<T>(c.rows, 1, -1, 1), p = a + uniform_rows<T>(c.rows, 2, -0.2, 0.2), n(c.rows, dim);
    for (Index r = 0; r < c.rows; ++r)
      for (std::uint64_t draw = 0;; ++draw) {
        double su = 0, sv = 0;
        for (Index j = 0; j < dim; ++j) {
          n(r, j) = a(r, j) + T(xloss_bench::uniform(3 + draw, std::uint64_t(r * dim + j), -0.35, 0.35));
          const double u = double(a(r, j)) - double(p(r, j)) + double(T(1e-6)), v = double(a(r, j)) - double(n(r, j)) + double(T(1e-6));
          su += u * u;
          sv += v * v;
        }
        if (std::abs(std::sqrt(su) - std::sqrt(sv) + 1) >= 1e-3) break;
      }
    c.in = {a, p, n};
  }
  template <class T>
  static xloss_bench::case_size size(Index rows) { return row_size<T>(rows, 3, 3, 0, 0); }
  template <class T>
  static T fused(row_case<T>& c, int threads) {
    return nn::triplet_margin_loss(c.in[0], c.in[1], c.in[2], {}, nn::grad<"anchor"> = c.grad[0],
                                   nn::grad<"positive"> = c.grad[1], nn::grad<"negative"> = c.grad[2],
                                   xloss::threads(threads));
  }
  template <class T>
  static T naive(row_case<T>& c) {
    return xloss_bench::baselines::triplet::naive<T>(c.in[0], c.in[1], c.in[2], c.grad[0], c.grad[1], c.grad[2]);
  }
  template <class T>
  static T handwritten(row_case<T>& c) {
    return xloss_bench::baselines::triplet::handwritten<T>(c.in[0], c.in[1], c.in[2], c.grad[0], c.grad[1],
                                                            c.grad[2]);
  }
};

}  // namespace rows_report
