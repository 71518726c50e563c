#pragma once
// CTC as a term of a DSL loss. `ctc_term<"ctc">` is a per-sample scalar of
// the DSL whose value is sample n's CTC loss; any expression of it and of
// other per-sample data is evaluated, with its gradient, by evaluate_ctc:
//
//   constexpr auto c = xloss::ctc_term<"ctc">;
//   constexpr auto len = xloss::scalar<"len">;
//   auto loss = c / len + 0.1_c * xloss::softplus(...);
//   float L = xloss::evaluate_ctc(loss, xloss::reduction::mean,
//       xloss::ctc_input(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity),
//       xloss::grad_ctc(G),                  // d L / d log_probs, T*N*C
//       len = Len, xloss::threads(2), ws);   // bindings as for xloss::evaluate; a ctc_workspace
//
// Three steps: (1) the lattice computes every c_n and, in the same
// alpha-beta pass, ∂c_n/∂log_probs straight into G; (2) xloss::evaluate
// runs the expression with c bound to the c_n and grad(c) giving the
// adjoints a_n = ∂L/∂c_n; (3) sample n's rows of G are multiplied by a_n.
// See docs/ctc.md, "CTC inside a DSL loss".
#include "xloss/lattice/ctc.hpp"

#include "xloss/detail/type_list.hpp"
#include "xloss/expression/expr.hpp"
#include "xloss/kernel/evaluate.hpp"
#include "xloss/kernel/threads.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace xloss {

namespace detail {

// A CTC term is a scalar variable whose name carries this prefix; the
// prefix is how evaluate_ctc finds the term in the loss's type.
inline constexpr std::string_view ctc_term_prefix = "ctc:";

template <fixed_string Name>
constexpr auto ctc_term_name() {
  constexpr std::size_t p = ctc_term_prefix.size(), n = Name.view().size();
  char s[p + n + 1]{};
  for (std::size_t i = 0; i < p; ++i) s[i] = ctc_term_prefix[i];
  for (std::size_t i = 0; i < n; ++i) s[p + i] = Name.value[i];
  return fixed_string<p + n + 1>(s);
}

template <class V> inline constexpr bool is_ctc_term_v = false;
template <fixed_string N>
inline constexpr bool is_ctc_term_v<scalar_var<N>> = N.view().starts_with(ctc_term_prefix);

// The CTC terms an expression uses.
template <class E> struct ctc_terms_of { using type = tlist<>; };
template <fixed_string N>
  requires is_ctc_term_v<scalar_var<N>>
struct ctc_terms_of<scalar_var<N>> { using type = tlist<scalar_var<N>>; };
template <class... L> struct ctc_union { using type = tlist<>; };
template <class L0, class... L> struct ctc_union<L0, L...> {
  using type = union_t<L0, typename ctc_union<L...>::type>;
};
template <class Op, class... A> struct ctc_terms_of<expr<Op, A...>> {
  using type = typename ctc_union<typename ctc_terms_of<A>::type...>::type;
};
template <class L> struct ctc_first;
template <class T0, class... T> struct ctc_first<tlist<T0, T...>> { using type = T0; };

}  // namespace detail

// Sample n's CTC loss, as a per-sample scalar of the DSL. Its printed name
// is "ctc:<Name>"; scalar names starting with "ctc:" are reserved for it.
template <fixed_string Name>
inline constexpr scalar_var<detail::ctc_term_name<Name>()> ctc_term{};

// The CTC data of an evaluate_ctc call (arguments as in ctc_loss).
template <class Real>
struct ctc_term_input {
  ctc_frames<Real> frames;
  ctc_targets targets;
  std::span<const std::int64_t> input_lengths, target_lengths;
  std::int64_t blank;
  bool zero_infinity;
  bool logits;  // frames are unnormalised logits (log_softmax folded in)
};

template <class Real>
ctc_term_input<Real> ctc_input(ctc_frames<Real> log_probs, ctc_targets targets,
                               std::span<const std::int64_t> input_lengths,
                               std::span<const std::int64_t> target_lengths, std::int64_t blank = 0,
                               bool zero_infinity = false) {
  return {log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, false};
}

// The same with logits; grad_ctc then receives d loss / d logits.
template <class Real>
ctc_term_input<Real> ctc_input_from_logits(ctc_frames<Real> logits, ctc_targets targets,
                                           std::span<const std::int64_t> input_lengths,
                                           std::span<const std::int64_t> target_lengths, std::int64_t blank = 0,
                                           bool zero_infinity = false) {
  return {logits, targets, input_lengths, target_lengths, blank, zero_infinity, true};
}

// Where evaluate_ctc writes the gradient with respect to the CTC input:
// T*N*C entries, the layout of the input.
template <class Real>
struct ctc_term_grad {
  std::span<Real> data;
};
template <class Real>
ctc_term_grad<Real> grad_ctc(std::span<Real> g) {
  return {g};
}
template <class Range>
  requires std::ranges::contiguous_range<Range> && std::ranges::sized_range<Range>
auto grad_ctc(Range& g) {
  return grad_ctc(std::span(g));
}

namespace detail {

template <class B> inline constexpr bool is_ctc_input_v = false;
template <class R> inline constexpr bool is_ctc_input_v<ctc_term_input<R>> = true;
template <class B> inline constexpr bool is_ctc_grad_v = false;
template <class R> inline constexpr bool is_ctc_grad_v<ctc_term_grad<R>> = true;
template <class B> inline constexpr bool is_ctc_workspace_v = false;
template <class R> inline constexpr bool is_ctc_workspace_v<ctc_workspace<R>> = true;

// Bindings evaluate_ctc consumes itself; the rest go to xloss::evaluate.
template <class B>
inline constexpr bool ctc_own_v = is_ctc_input_v<B> || is_ctc_grad_v<B> || is_ctc_workspace_v<B> ||
                                  std::is_same_v<B, thread_count>;

// Does a binding (x = X, grad(x) = G) name a CTC term?
template <class B> inline constexpr bool binds_ctc_term_v = false;
template <class B>
  requires requires { typename B::var; }
inline constexpr bool binds_ctc_term_v<B> = is_ctc_term_v<typename B::var>;

template <class... B> struct ctc_real { using type = void; };
template <class B0, class... B> struct ctc_real<B0, B...> { using type = typename ctc_real<B...>::type; };
template <class R, class... B> struct ctc_real<ctc_term_input<R>, B...> { using type = R; };

template <class B>
auto engine_binding(B&& b) {
  if constexpr (ctc_own_v<std::remove_cvref_t<B>>)
    return std::tuple<>{};
  else
    return std::forward_as_tuple(static_cast<B&&>(b));
}

// Step (3): sample n's gradient rows times a_n. Zeroed samples keep their
// zero rows whatever a_n is (zero_infinity: the gradient is 0).
template <class Real>
void scale_ctc_rows(std::span<Real> grad, ctc_index N, ctc_index C,
                    std::span<const std::int64_t> input_lengths, std::span<const Real> adjoints,
                    std::span<const unsigned char> zeroed, int threads) {
  auto sample = [&](ctc_index b) {
    if (zeroed[b]) return;
    for (ctc_index t = 0; t < input_lengths[b]; ++t)
      Eigen::Map<Eigen::Array<Real, Eigen::Dynamic, 1>>(grad.data() + (t * N + b) * C, C) *= adjoints[b];
  };
  thread_pool::instance().run(
      threads, N, [](void* body, std::ptrdiff_t b, int) { (*static_cast<decltype(sample)*>(body))(b); }, &sample);
}

}  // namespace detail

// Evaluates a DSL loss that uses one ctc_term. `bindings` are those of
// xloss::evaluate plus: one ctc_input(...) or ctc_input_from_logits(...),
// optionally grad_ctc(G), optionally a ctc_workspace (by reference; reused,
// it makes the call allocation-free). threads(n) applies to both the
// lattice and the expression (default: the workspace's count, else
// xloss::default_threads()). Returns what xloss::evaluate returns.
template <expression Loss, class... B>
auto evaluate_ctc(Loss loss, reduction r, B&&... bindings) {
  using terms = typename detail::ctc_terms_of<Loss>::type;
  static_assert(terms::size != 0, "xloss::evaluate_ctc: the loss does not use a ctc_term");
  static_assert(terms::size < 2, "xloss::evaluate_ctc: one ctc_term per loss");
  static_assert(!(detail::binds_ctc_term_v<std::remove_cvref_t<B>> || ...),
                "xloss::evaluate_ctc: a ctc_term is computed, not bound: give its data with xloss::ctc_input");
  static_assert((0 + ... + int(detail::is_ctc_input_v<std::remove_cvref_t<B>>)) == 1,
                "xloss::evaluate_ctc: bind the CTC data once: xloss::ctc_input(...)");
  static_assert((0 + ... + int(detail::is_ctc_grad_v<std::remove_cvref_t<B>>)) <= 1,
                "xloss::evaluate_ctc: grad_ctc(...) is given at most once");
  using Real = typename detail::ctc_real<std::remove_cvref_t<B>...>::type;
  using Term = typename detail::ctc_first<terms>::type;

  const ctc_term_input<Real>* in = nullptr;
  std::span<Real> grad;
  ctc_workspace<Real>* ws = nullptr;
  std::optional<int> asked_threads;
  auto take = [&]<class Bi>(Bi& b) {
    using P = std::remove_cvref_t<Bi>;
    if constexpr (detail::is_ctc_input_v<P>) in = &b;
    if constexpr (detail::is_ctc_grad_v<P>) {
      static_assert(std::is_same_v<P, ctc_term_grad<Real>>,
                    "xloss::evaluate_ctc: grad_ctc has the scalar type of the CTC input");
      grad = b.data;
    }
    if constexpr (detail::is_ctc_workspace_v<P>) {
      static_assert(std::is_same_v<P, ctc_workspace<Real>>,
                    "xloss::evaluate_ctc: the ctc_workspace has the scalar type of the CTC input");
      ws = &b;
    }
    if constexpr (std::is_same_v<P, thread_count>) asked_threads = b.n;
  };
  (take(bindings), ...);
  const int n_threads = asked_threads ? *asked_threads : ws ? ws->threads() : default_threads();
  if (n_threads < 1)
    detail::ctc_fail_in("evaluate_ctc", "threads(", n_threads, "): the thread count must be at least 1");
  std::optional<ctc_workspace<Real>> local;
  if (!ws) ws = &local.emplace();

  const ctc_options opt{.blank = in->blank, .zero_infinity = in->zero_infinity};
  const ctc_index N = in->frames.batch, C = in->frames.classes;
  using pass = detail::ctc_pass<Real>;
  const auto values = pass::run(in->logits, in->frames, in->targets, in->input_lengths, in->target_lengths, opt,
                                {.grad = grad}, n_threads, [](ctc_index) { return Real(1); }, *ws, "evaluate_ctc",
                                "grad_ctc");
  const auto adjoints = pass::adjoints(*ws, N);
  using vec = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  const Eigen::Map<const vec> c_values(values.data(), N);
  Eigen::Map<vec> c_adjoints(adjoints.data(), N);
  const auto total = std::apply(
      [&](auto&&... rest) {
        if (grad.empty())
          return evaluate(loss, r, Term{} = c_values, static_cast<decltype(rest)>(rest)..., xloss::threads(n_threads));
        return evaluate(loss, r, Term{} = c_values, xloss::grad(Term{}) = c_adjoints,
                        static_cast<decltype(rest)>(rest)..., xloss::threads(n_threads));
      },
      std::tuple_cat(detail::engine_binding(static_cast<B&&>(bindings))...));
  if (!grad.empty())
    detail::scale_ctc_rows(grad, N, C, in->input_lengths, std::span<const Real>(adjoints), pass::zeroed(*ws),
                           n_threads);
  return total;
}

}  // namespace xloss
