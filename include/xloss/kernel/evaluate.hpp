// evaluate(loss, reduction, bindings...): the loss value and every gradient
// asked for, in one fused pass.
//
//   auto x = xloss::scalar<"x">; auto y = xloss::scalar<"y">;
//   auto bce = xloss::softplus(x) - y * x;
//   float L = xloss::evaluate(bce, xloss::reduction::mean, x = X, y = Y, xloss::grad(x) = G);
//
// Returns the reduced loss (for reduction::none: the sum of the per-sample
// losses, which are written to `loss_out`). Gradients are those of the
// reduced loss (reduction::none: of each sample's own loss). Bad shapes,
// labels out of range and missing outputs throw std::invalid_argument naming
// the variable; misuse that the types reveal does not compile.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <string_view>

#include <xloss/derivative/derive.hpp>
#include <xloss/kernel/bind.hpp>
#include <xloss/kernel/error.hpp>
#include <xloss/kernel/fused.hpp>
#include <xloss/kernel/reduction.hpp>
#include <xloss/plan/lower.hpp>
#include <xloss/plan/plan.hpp>

namespace xloss {

namespace detail {

// The data terminals of an expression, in order of first appearance.
template <class Acc, class E> struct terminals { using type = Acc; };
template <class Acc, class E> using terminals_t = typename terminals<Acc, E>::type;
template <class Acc, class E>
  requires is_data_terminal_v<E>
struct terminals<Acc, E> { using type = push_unique_t<Acc, E>; };
template <class Acc, class Op, class... A>
struct terminals<Acc, expr<Op, A...>> {
  using type = typename plan::fold<Acc, tlist<A...>, terminals>::type;
};

template <class B> struct binding_var { using type = void; };
template <class V, class S> struct binding_var<input<V, S>> { using type = V; };
template <class V, class S> struct binding_var<param_value<V, S>> { using type = V; };
template <class V, class S> struct binding_var<grad_output<V, S>> { using type = V; };
template <class B> using binding_var_t = typename binding_var<B>::type;

// The variables whose gradients are asked for, scalar ones and row ones.
template <class B, template <class> class Is>
using grad_var_if = std::conditional_t<is_grad_output_v<B> && Is<binding_var_t<B>>::value, tlist<binding_var_t<B>>, tlist<>>;
template <class V> struct is_scalar_var_t : std::bool_constant<is_scalar_var_v<V>> {};
template <class V> struct is_row_var_t : std::bool_constant<is_row_var_v<V>> {};
template <class... L> struct concat { using type = tlist<>; };
template <class... A, class... L> struct concat<tlist<A...>, L...> {
  using type = union_t<tlist<A...>, typename concat<L...>::type>;
};

// The real scalar type of a binding (void for labels, parameters, options).
template <class B> struct real_of { using type = void; };
template <class V, class S>
  requires(!is_integer_var_v<V>)
struct real_of<input<V, S>> { using type = S; };
template <class V, class S> struct real_of<grad_output<V, S>> { using type = S; };
template <class S> struct real_of<loss_output<S>> { using type = S; };
template <class B> using real_of_t = typename real_of<B>::type;

// The real scalar type of the bound data (float or double).
template <class... B> struct real_scalar { using type = void; };
template <class B0, class... B> struct real_scalar<B0, B...> {
  using type = std::conditional_t<std::is_void_v<real_of_t<B0>>, typename real_scalar<B...>::type, real_of_t<B0>>;
};
template <class T, class B>
inline constexpr bool same_real_v = std::is_void_v<real_of_t<B>> || std::is_same_v<real_of_t<B>, T>;

template <class Var, class... B>
inline constexpr bool is_bound_v = ((!is_grad_output_v<B> && std::is_same_v<binding_var_t<B>, Var>) || ...);

template <class Loss, class L> struct lowered_grads;
template <class Loss, class... V> struct lowered_grads<Loss, tlist<V...>> {
  using type = tlist<decltype(plan::lower(d(Loss{}, V{})))...>;
};

template <class... Term, class... B> constexpr bool all_terminals_bound(tlist<Term...>, tlist<B...>) {
  return (is_bound_v<Term, B...> && ...);
}

// Sums partial results in a fixed pairwise order.
inline double pairwise_sum(const double* p, std::ptrdiff_t n) {
  if (n <= 0) return 0.0;
  if (n == 1) return p[0];
  std::ptrdiff_t h = n / 2;
  return pairwise_sum(p, h) + pairwise_sum(p + h, n - h);
}

// Everything about one evaluation that does not depend on the engine: the
// plan's types, the data views, the shape checks.

template <class Loss, class... B>
struct prepared {
  using T = typename real_scalar<B...>::type;
  static_assert(!std::is_void_v<T>, "xloss: the loss has no real-valued data bound (x = some Eigen vector)");
  static_assert((same_real_v<T, B> && ...),
                "xloss: all real data and gradients of one evaluation have the same scalar type (float or double)");
  static_assert(!depends_on_v<Loss, index_var<0>> && !depends_on_v<Loss, index_var<1>>,
                "xloss: the loss depends on a row outside a reduction; reduce it (sum, max_over, logsumexp, X[y] …)");
  using terms = terminals_t<tlist<>, Loss>;
  static_assert(all_terminals_bound(terms{}, tlist<B...>{}),
                "xloss: a variable of the loss is not bound to data (bind it: x = data, m = value)");
  using scalar_vars = typename concat<grad_var_if<B, is_scalar_var_t>...>::type;
  using row_vars = typename concat<grad_var_if<B, is_row_var_t>...>::type;
  static_assert(scalar_vars::size + row_vars::size == (std::size_t(is_grad_output_v<B>) + ...),
                "xloss: each gradient is asked for once");
  using lowered = decltype(plan::lower(Loss{}));
  using plan_t = plan::plan<lowered, typename lowered_grads<Loss, scalar_vars>::type,
                            typename lowered_grads<Loss, row_vars>::type>;
  using data_t = kernel::data<T, terms, scalar_vars::size + row_vars::size>;

  data_t data;
  int threads = default_threads();
  double total_divisor = 1;  // the reduced loss is the per-sample sum divided by this

  prepared(reduction r, const B&... b) {
    // Names are static strings: nothing is allocated unless a check fails.
    std::string_view n_from, cols_from;
    auto samples = [&](std::ptrdiff_t n, std::string_view name) {
      if (n_from.empty()) {
        data.n = n;
        n_from = name;
      } else if (n != data.n) {
        fail({"'", name, "' has ", n, " samples but '", n_from, "' has ", data.n});
      }
    };
    // Data bound to a variable the loss does not read is ignored (generic
    // code may bind more than one loss needs); its gradient is zero.
    auto take_input = [&]<class Bi>(const Bi& bi) {
      if constexpr ((is_input_v<Bi> || is_param_value_v<Bi>) && contains_v<binding_var_t<Bi>, terms>) {
        using Var = binding_var_t<Bi>;
        auto& in = data.inputs[index_of_v<Var, terms>];
        std::string_view name(Var::name);
        if constexpr (is_param_value_v<Bi>) {
          in.param = static_cast<T>(bi.value);
        } else {
          const auto& v = bi.data;
          if constexpr (is_row_var_v<Var>) {
            samples(v.rows, name);
            if (cols_from.empty()) {
              data.cols = v.cols;
              cols_from = name;
            } else if (v.cols != data.cols) {
              fail({"row '", name, "' has ", v.cols, " columns but row '", cols_from, "' has ", data.cols});
            }
            in.real = {v.p, v.rows, v.cols, v.rs, v.cs};
          } else if constexpr (is_label_list_var_v<Var>) {
            static_assert(sizeof(typename Bi::scalar) == 4 || sizeof(typename Bi::scalar) == 8,
                          "xloss: label lists are 32- or 64-bit integers");
            samples(v.rows, name);
            in.labels = v.p;
            in.label_stride = v.rs;
            in.entry_stride = v.cs;
            in.entries = v.cols;
            in.labels64 = sizeof(typename Bi::scalar) == 8;
          } else {
            if (!v.is_vector() && v.size() != 0)
              fail({"'", name, "' must be a vector (N x 1 or 1 x N), got ", v.rows, "x", v.cols});
            samples(v.size(), name);
            if constexpr (is_label_var_v<Var>) {
              static_assert(sizeof(typename Bi::scalar) == 4 || sizeof(typename Bi::scalar) == 8,
                            "xloss: labels are 32- or 64-bit integers");
              in.labels = v.p;
              in.label_stride = v.vstride();
              in.labels64 = sizeof(typename Bi::scalar) == 8;
            } else {
              in.real = {v.p, v.rows, v.cols, v.rs, v.cs};
            }
          }
        }
      } else if constexpr (std::is_same_v<Bi, thread_count>) {
        if (bi.n < 1) fail({"threads(", bi.n, "): the thread count must be at least 1"});
        threads = bi.n;
      } else if constexpr (std::is_same_v<Bi, xloss::divisor>) {
        if (r != reduction::sum) fail({"divide_by(c) goes with reduction::sum"});
        total_divisor = bi.by;
      }
    };
    (take_input(b), ...);
    if (n_from.empty()) fail({"the loss reads no per-sample data, so the number of samples is unknown"});
    check_labels(std::make_index_sequence<terms::size>{});

    auto take_output = [&]<class Bi>(const Bi& bi) {
      if constexpr (is_grad_output_v<Bi>) {
        using Var = binding_var_t<Bi>;
        if constexpr (is_scalar_var_v<Var>)
          data.grads[index_of_v<Var, scalar_vars>] = bi.out.fitted(data.n, 1, Var::name, true);
        else
          data.grads[scalar_vars::size + index_of_v<Var, row_vars>] = bi.out.fitted(data.n, data.cols, Var::name, true);
      } else if constexpr (is_loss_output_v<Bi>) {
        data.losses = bi.out.fitted(data.n, 1, "loss_out");
      }
    };
    (take_output(b), ...);
    if (r == reduction::none && data.losses.p == nullptr && data.n > 0)
      fail({"reduction::none writes the per-sample losses: bind loss_out = <vector>"});
    if (r == reduction::mean) total_divisor = static_cast<double>(data.n);
    data.scale = total_divisor != 1 && total_divisor != 0 ? static_cast<T>(1 / total_divisor) : T(1);
  }

  // Every label must be a position of the rows it indexes.
  template <std::size_t... I>
  void check_labels(std::index_sequence<I...>) const {
    (check_label<std::tuple_element_t<I, type_tuple<terms>>>(), ...);
  }
  template <class Var>
  void check_label() const {
    if constexpr (is_label_var_v<Var>) {
      const auto& in = data.inputs[index_of_v<Var, terms>];
      const double cols = static_cast<double>(data.cols);
      for (std::ptrdiff_t i = 0; i < data.n; ++i) {
        double label = static_cast<double>(in.label(i));
        if (!(label >= 0 && label < cols))
          fail({"label '", std::string_view(Var::name), "' is ", static_cast<long long>(label), " at sample ", i,
                ", outside [0, ", data.cols, ")"});
      }
    } else if constexpr (is_label_list_var_v<Var>) {  // the entries before the padding
      const auto& in = data.inputs[index_of_v<Var, terms>];
      const double cols = static_cast<double>(data.cols);
      for (std::ptrdiff_t i = 0; i < data.n; ++i)
        for (std::ptrdiff_t e = 0, n = in.list_length(i); e < n; ++e) {
          double label = static_cast<double>(in.label(i, e));
          if (!(label < cols))
            fail({"label list '", std::string_view(Var::name), "' has ", static_cast<long long>(label), " at (", i, ", ", e,
                  "), outside [0, ", data.cols, ") (a negative entry ends the list)"});
        }
    }
  }
  template <class L> struct tuple_of;
  template <class... X> struct tuple_of<tlist<X...>> { using type = std::tuple<X...>; };
  template <class L> using type_tuple = typename tuple_of<L>::type;
};

}  // namespace detail

// The plan of a loss with gradients with respect to Wrt..., for inspection:
//   using P = xloss::plan_for<decltype(loss), decltype(x)>;
//   static_assert(P::elementwise && xloss::plan::count_v<typename P::sample, xloss::op::exp> == 1);
namespace detail {
template <class Loss, class... Wrt>
using plan_for_t = plan::plan<
    decltype(plan::lower(Loss{})),
    typename detail::lowered_grads<Loss, typename detail::concat<std::conditional_t<
                                             is_scalar_var_v<Wrt>, detail::tlist<Wrt>, detail::tlist<>>...>::type>::type,
    typename detail::lowered_grads<Loss, typename detail::concat<std::conditional_t<
                                             is_row_var_v<Wrt>, detail::tlist<Wrt>, detail::tlist<>>...>::type>::type>;
}  // namespace detail
template <class Loss, class... Wrt>
using plan_for = detail::plan_for_t<std::remove_cvref_t<Loss>, std::remove_cvref_t<Wrt>...>;

// Chunks of samples: their size depends only on N (never on the thread
// count), at most max_chunks of them, each with its own partial sum.
inline constexpr std::ptrdiff_t max_chunks = 256;

template <expression Loss, class... B>
auto evaluate(Loss, reduction r, B&&... bindings) {
  using P = detail::prepared<Loss, std::remove_cvref_t<B>...>;
  using T = typename P::T;
  P prep(r, bindings...);
  using exec_t = kernel::executor<typename P::plan_t, typename P::data_t>;
  prep.data.contiguous = !exec_t::needs_staging(prep.data);
  const auto& data = prep.data;
  exec_t exec{data};

  constexpr std::ptrdiff_t W = exec_t::W;
  std::ptrdiff_t per_sample = P::plan_t::elementwise ? 1 : std::max<std::ptrdiff_t>(data.cols, 1);
  std::ptrdiff_t chunk = std::max<std::ptrdiff_t>(std::max<std::ptrdiff_t>(1, 16384 / per_sample),
                                                  (data.n + max_chunks - 1) / max_chunks);
  if (P::plan_t::elementwise) chunk = (chunk + W - 1) / W * W;
  std::ptrdiff_t chunks = (data.n + chunk - 1) / chunk;

  std::array<double, max_chunks> partial{};
  struct job {
    const exec_t* exec;
    double* partial;
    std::ptrdiff_t chunk, n;
  } work{&exec, partial.data(), chunk, data.n};
  detail::thread_pool::instance().run(prep.threads, chunks, [](void* p, std::ptrdiff_t c, int) {
    auto& jb = *static_cast<job*>(p);
    jb.partial[c] = jb.exec->run(c * jb.chunk, std::min(jb.n, (c + 1) * jb.chunk));
  }, &work);

  double total = detail::pairwise_sum(partial.data(), chunks);
  return static_cast<T>(total / prep.total_divisor);  // mean over no samples: 0/0 = NaN, as PyTorch
}

}  // namespace xloss
