// The plain scalar reference evaluator: unfused, unvectorised, unlowered.
//
// reference::evaluate(loss, reduction, bindings...) has the same interface and
// the same checks as xloss::evaluate, but computes every value by walking the
// expression tree per sample (and per position, for row gradients) in long
// double with std:: functions, evaluating reductions by direct loops and the
// high-level primitives by their textbook formulas. It shares nothing with the
// planner or the kernel, so the tests compare the fused kernel against it.
// It is slow: O(D²) per row gradient.
#pragma once

#include <cmath>

#include <xloss/kernel/evaluate.hpp>

namespace xloss::reference {

using real = long double;

template <class Data>
struct walker {
  const Data& d;
  std::ptrdiff_t i = 0;           // the sample
  std::ptrdiff_t index[4] = {};   // values of index_var<0..3> inside reductions
  std::ptrdiff_t out = 0;         // the position of a row gradient

  template <class E> auto value(E e) -> std::conditional_t<kind_v<E> == kind::mask, bool, real> {
    if constexpr (is_constant_v<E>) {
      return static_cast<real>(E::num) / static_cast<real>(E::den);
    } else if constexpr (is_scalar_var_v<E>) {
      const auto& v = d.template in<E>().real;
      return v.p[i * v.vstride()];
    } else if constexpr (is_param_var_v<E>) {
      return d.template in<E>().param;
    } else if constexpr (is_label_var_v<E>) {
      return d.template in<E>().label(i);
    } else if constexpr (is_label_list_var_v<E>) {
      return d.template in<E>().label(i, index[2]);
    } else if constexpr (is_row_var_v<E>) {
      return d.template in<E>().real(i, index[0]);
    } else if constexpr (is_index_var_v<E>) {
      return [&]<int K>(index_var<K>) { return static_cast<real>(index[K]); }(e);
    } else if constexpr (std::is_same_v<E, out_index>) {
      return static_cast<real>(out);
    } else {
      return node(e);
    }
  }

  template <class Op, class... A> auto node(expr<Op, A...> e) {
    if constexpr (std::is_same_v<Op, op::at>) {
      return [&]<class R, class I>(R, I) -> real {
        real at = value(I{});
        if constexpr (is_label_list_var_v<R>) {
          const auto& in = d.template in<R>();
          if (!(at >= 0) || at >= static_cast<real>(in.entries)) return NAN;
          return in.label(i, static_cast<std::ptrdiff_t>(at));
        } else {
          const auto& v = d.template in<R>().real;
          if (!(at >= 0) || at >= static_cast<real>(v.cols)) return NAN;
          return v(i, static_cast<std::ptrdiff_t>(at));
        }
      }(A{}...);
    } else if constexpr (is_reduction_op_v<Op>) {
      return reduce(e);
    } else if constexpr (requires { Op::index; }) {
      return static_cast<real>(d.template extent<Op::index>(i));  // extent
    } else if constexpr (std::is_same_v<Op, op::sigmoid>) {
      return real(1) / (real(1) + std::exp(-value(A{}...)));
    } else if constexpr (std::is_same_v<Op, op::softplus>) {
      real x = value(A{}...);
      return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    } else if constexpr (std::is_same_v<Op, op::log_sigmoid>) {
      real x = -value(A{}...);
      return -(x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)));
    } else {
      return Op::eval(value(A{})...);
    }
  }

  // The positions a reduction runs over: the row's, or a label list's entries.
  template <class R> std::ptrdiff_t extent() const { return d.template extent<op_of<R>::index>(i); }

  template <class Op, class B, class... C> real reduce(expr<Op, B, C...> e) {
    constexpr int K = Op::index;
    const std::ptrdiff_t n = extent<decltype(e)>();
    std::ptrdiff_t saved = index[K];
    real acc = 0, best = NAN;
    std::ptrdiff_t at = -1;
    for (std::ptrdiff_t p = 0; p < n; ++p) {
      index[K] = p;
      if constexpr (std::is_same_v<Op, op::sum<K>>) {
        acc += value(B{});
      } else if constexpr (std::is_same_v<Op, op::norm2<K>>) {
        real b = value(B{});
        acc += b * b;
      } else if constexpr (std::is_same_v<Op, op::pnorm<K>>) {
        acc += std::pow(std::fabs(value(B{})), value(C{}...));
      } else {
        bool allowed = true;
        if constexpr (sizeof...(C) == 1) allowed = value(C{}...);
        real b = value(B{});
        constexpr bool is_max = std::is_same_v<Op, op::max_over<K>> || std::is_same_v<Op, op::argmax<K>> ||
                                std::is_same_v<Op, op::logsumexp<K>>;
        if (allowed && !std::isnan(b) && (at < 0 || (is_max ? b > best : b < best))) {
          best = b;
          at = p;
        }
      }
    }
    real result;
    if constexpr (std::is_same_v<Op, op::sum<K>>) {
      result = acc;
    } else if constexpr (std::is_same_v<Op, op::norm2<K>>) {
      result = std::sqrt(acc);
    } else if constexpr (std::is_same_v<Op, op::pnorm<K>>) {
      result = std::pow(acc, 1 / value(C{}...));
    } else if constexpr (std::is_same_v<Op, op::logsumexp<K>>) {
      real s = 0;
      for (std::ptrdiff_t p = 0; p < n; ++p) {
        index[K] = p;
        s += std::exp(value(B{}) - best);
      }
      result = at < 0 ? -INFINITY : best + std::log(s);
    } else if constexpr (std::is_same_v<Op, op::argmax<K>> || std::is_same_v<Op, op::argmin<K>> ||
                         std::is_same_v<Op, op::argmin_where<K>>) {
      result = static_cast<real>(at);
    } else {
      constexpr bool is_max = std::is_same_v<Op, op::max_over<K>>;
      result = at < 0 ? (is_max ? -INFINITY : INFINITY) : best;
    }
    index[K] = saved;
    return result;
  }
};

// Same interface as xloss::evaluate.
template <expression Loss, class... B>
auto evaluate(Loss loss, reduction r, B&&... bindings) {
  using P = detail::prepared<Loss, std::remove_cvref_t<B>...>;
  using T = typename P::T;
  P prep(r, bindings...);
  const auto& data = prep.data;
  walker<typename P::data_t> w{data};
  real total = 0;
  for (std::ptrdiff_t i = 0; i < data.n; ++i) {
    w.i = i;
    real l = w.value(loss);
    total += l;
    if (data.losses.p != nullptr) data.losses.p[i * data.losses.vstride()] = static_cast<T>(l);
    std::size_t g = 0;
    detail::for_each_type(typename P::scalar_vars{}, [&]<class V>() {
      const auto& o = data.grads[g++];
      o.p[i * o.vstride()] = static_cast<T>(data.scale * w.value(d(loss, V{})));
    });
    detail::for_each_type(typename P::row_vars{}, [&]<class V>() {
      const auto& o = data.grads[g++];
      for (std::ptrdiff_t p = 0; p < data.cols; ++p) {
        w.out = p;
        o(i, p) = static_cast<T>(data.scale * w.value(d(loss, V{})));
      }
    });
  }
  return static_cast<T>(total / static_cast<real>(prep.total_divisor));
}

}  // namespace xloss::reference
