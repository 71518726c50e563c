// The cosine_embedding_loss case of the report (see rows.hpp for the members every loss
// struct provides). Only this loss's DSL header is included, so that its
// translation unit compiles one kernel.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <xloss/nn/cosine_embedding_loss.hpp>

#include "common/counters.hpp"
#include "report_rows/handwritten.hpp"
#include "report_rows/naive.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report {

namespace nn = xloss::nn;

struct cosine_embedding_loss {
  static constexpr const char* name = "cosine_embedding_loss";

  // Rows U(−1, 1), targets alternating −1, +1. Margin 0 puts the kink of the
  // y = −1 rows at cos = 0: rows with |cos| < 1e-3 there are redrawn.
  template <class T>
  static void fill(row_case<T>& c) {
    Rows<T> a = uniform_rows<T>(c.rows, 4, -1, 1), b(c.rows, dim);
    c.sign.resize(c.rows);
    for (Index r = 0; r < c.rows; ++r) {
      c.sign(r) = r % 2 ? T(1) : T(-1);
      for (std::uint64_t draw = 0;; ++draw) {
        double ab = 0, aa = 0, bb = 0;
        for (Index j = 0; j < dim; ++j) {
          b(r, j) = T(xloss_bench::uniform(5 + draw, std::uint64_t(r * dim + j), -1, 1));
          ab += double(a(r, j)) * double(b(r, j)), aa += double(a(r, j)) * double(a(r, j)), bb += double(b(r, j)) * double(b(r, j));
        }
        if (c.sign(r) == T(1) || std::abs(ab / std::sqrt(aa * bb)) >= 1e-3) break;
      }
    }
    c.in = {a, b};
  }
  template <class T>
  static xloss_bench::case_size size(Index rows) { return row_size<T>(rows, 2, 2, sizeof(T), sizeof(T)); }
  template <class T>
  static T fused(row_case<T>& c, int threads) {
    return nn::cosine_embedding_loss(c.in[0], c.in[1], c.sign, {}, nn::grad<"input1"> = c.grad[0],
                                     nn::grad<"input2"> = c.grad[1], xloss::threads(threads));
  }
  template <class T>
  static T naive(row_case<T>& c) { return naive::cosine_embedding<T>(c.in[0], c.in[1], c.sign, c.grad[0], c.grad[1]); }
  template <class T>
  static T handwritten(row_case<T>& c) {
    return handwritten::cosine_embedding<T>(c.in[0].data(), c.in[1].data(), c.sign.data(), c.rows,
                                            c.grad[0].data(), c.grad[1].data());
  }
};

}  // namespace rows_report
