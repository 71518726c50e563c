// The expression layer: every loss is an *empty literal type*.
//
// A node is `expr<Op, Args...>`: the operation and its operands live in the
// type, nothing in the object. Terminals name their data (`scalar_var<"x">`)
// and data is bound only when the loss is evaluated, so an expression can be
// stored in `auto`, copied and returned from functions without ever dangling,
// and two equal subexpressions are the same type — which is how the planner
// finds common subexpressions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace xloss {

// ---------------------------------------------------------------- names
template <std::size_t N>
struct fixed_string {
  char value[N]{};
  constexpr fixed_string(const char (&s)[N]) {  // NOLINT: implicit on purpose
    for (std::size_t i = 0; i < N; ++i) value[i] = s[i];
  }
  constexpr std::string_view view() const { return {value, N - 1}; }
};

// ---------------------------------------------------------------- kinds
// Every expression has a kind. Reals are what arithmetic works on; masks come
// from comparisons; indices are integer positions (labels, the inner index,
// argmin results) and must be converted with `as_real` before arithmetic.
enum class kind { real, mask, index };

// ---------------------------------------------------------------- nodes
namespace detail {
// `x = data` on a variable makes a binding (kernel/bind.hpp).
template <class Var, class D>
auto bind_to(Var, D&& data);
}  // namespace detail
#define XLOSS_BINDABLE(Self)                                       \
  template <class D>                                               \
  auto operator=(D&& data) const {                                 \
    return detail::bind_to(Self{}, static_cast<D&&>(data));        \
  }

template <class Op, class... A>
struct expr {
  using op = Op;
};

// Per-sample real: x[i].
template <fixed_string Name>
struct scalar_var {
  static constexpr std::string_view name = Name.view();
  XLOSS_BINDABLE(scalar_var)
};
// Per-sample row of reals X(i, ·). Written alone, it means the element at the
// inner index j of the enclosing reduction; `X[k]`, `X[label]` pick others.
template <fixed_string Name>
struct row_var {
  static constexpr std::string_view name = Name.view();
  XLOSS_BINDABLE(row_var)
  template <class I>
  constexpr auto operator[](I i) const;  // reductions.hpp
};
// Per-sample integer label y[i] (a position in a row).
template <fixed_string Name>
struct label_var {
  static constexpr std::string_view name = Name.view();
  XLOSS_BINDABLE(label_var)
};
// Per-sample padded list of labels Y(i, ·): an N×L integer matrix whose row
// i lists sample i's labels, ended by the first negative entry (the padding,
// e.g. −1). A list has its own inner index, `entry` (index_var<2>): written
// alone inside a reduction it means Y[entry], and a reduction over `entry`
// runs over the list's entries (its length, per sample). One label list per
// loss.
template <fixed_string Name>
struct label_list_var {
  static constexpr std::string_view name = Name.view();
  XLOSS_BINDABLE(label_list_var)
};
// Runtime real parameter (margin, beta, …), bound by value at evaluation.
template <fixed_string Name>
struct param_var {
  static constexpr std::string_view name = Name.view();
  XLOSS_BINDABLE(param_var)
};
// Inner index: index_var<0> is j (the default axis), index_var<1> is k, both
// over the row; index_var<2> runs over the entries of the loss's label list.
template <int K>
struct index_var {};
// The free index of a row gradient: dL/dX(i, out).
struct out_index {};
// Compile-time rational constant N/D, always normalised (D > 0, gcd 1).
template <std::intmax_t N, std::intmax_t D = 1>
struct constant {
  static_assert(D > 0, "xloss: constant denominators are positive");
  static constexpr std::intmax_t num = N, den = D;
  template <class T>
  static constexpr T as() { return static_cast<T>(N) / static_cast<T>(D); }
};

using zero = constant<0>;
using one = constant<1>;

// ---------------------------------------------------------------- traits
template <class T> struct is_expr_t : std::false_type {};
template <class Op, class... A> struct is_expr_t<expr<Op, A...>> : std::true_type {};
template <fixed_string N> struct is_expr_t<scalar_var<N>> : std::true_type {};
template <fixed_string N> struct is_expr_t<row_var<N>> : std::true_type {};
template <fixed_string N> struct is_expr_t<label_var<N>> : std::true_type {};
template <fixed_string N> struct is_expr_t<label_list_var<N>> : std::true_type {};
template <fixed_string N> struct is_expr_t<param_var<N>> : std::true_type {};
template <int K> struct is_expr_t<index_var<K>> : std::true_type {};
template <> struct is_expr_t<out_index> : std::true_type {};
template <std::intmax_t N, std::intmax_t D> struct is_expr_t<constant<N, D>> : std::true_type {};

// Anything that can be an operand of the DSL.
template <class T>
concept expression = is_expr_t<std::remove_cvref_t<T>>::value;

template <class T> inline constexpr bool is_constant_v = false;
template <std::intmax_t N, std::intmax_t D> inline constexpr bool is_constant_v<constant<N, D>> = true;
template <class T> inline constexpr bool is_zero_v = std::is_same_v<T, zero>;
template <class T> inline constexpr bool is_one_v = std::is_same_v<T, one>;

template <class T> inline constexpr bool is_scalar_var_v = false;
template <fixed_string N> inline constexpr bool is_scalar_var_v<scalar_var<N>> = true;
template <class T> inline constexpr bool is_row_var_v = false;
template <fixed_string N> inline constexpr bool is_row_var_v<row_var<N>> = true;
template <class T> inline constexpr bool is_label_var_v = false;
template <fixed_string N> inline constexpr bool is_label_var_v<label_var<N>> = true;
template <class T> inline constexpr bool is_label_list_var_v = false;
template <fixed_string N> inline constexpr bool is_label_list_var_v<label_list_var<N>> = true;
template <class T> inline constexpr bool is_param_var_v = false;
template <fixed_string N> inline constexpr bool is_param_var_v<param_var<N>> = true;
template <class T> inline constexpr bool is_index_var_v = false;
template <int K> inline constexpr bool is_index_var_v<index_var<K>> = true;

// Data terminals: the things bound to user data at evaluation.
template <class T>
inline constexpr bool is_data_terminal_v =
    is_scalar_var_v<T> || is_row_var_v<T> || is_label_var_v<T> || is_label_list_var_v<T> || is_param_var_v<T>;
// Terminals bound to integers.
template <class T> inline constexpr bool is_integer_var_v = is_label_var_v<T> || is_label_list_var_v<T>;

template <class E> struct node_op { using type = void; };
template <class Op, class... A> struct node_op<expr<Op, A...>> { using type = Op; };
template <class E> using op_of = typename node_op<E>::type;

// is_node_v<E, Op>: E is an `expr` whose operation is Op.
template <class E, class Op> inline constexpr bool is_node_v = std::is_same_v<op_of<E>, Op>;

// The kind of an expression (see `kind`). Operations declare theirs with a
// static member `result_kind`; reals are the default.
template <class E> struct kind_of { static constexpr kind value = kind::real; };
template <fixed_string N> struct kind_of<label_var<N>> { static constexpr kind value = kind::index; };
template <fixed_string N> struct kind_of<label_list_var<N>> { static constexpr kind value = kind::index; };
template <int K> struct kind_of<index_var<K>> { static constexpr kind value = kind::index; };
template <> struct kind_of<out_index> { static constexpr kind value = kind::index; };
template <class Op, class... A>
  requires requires { Op::result_kind; }
struct kind_of<expr<Op, A...>> { static constexpr kind value = Op::result_kind; };
template <class E> inline constexpr kind kind_v = kind_of<std::remove_cvref_t<E>>::value;

}  // namespace xloss

namespace xloss {
// Declaring the variables of a loss:
//   constexpr auto x = xloss::scalar<"x">;   // per-sample real
//   constexpr auto E = xloss::row<"E">;      // per-sample row
//   constexpr auto y = xloss::label<"y">;    // per-sample label
//   constexpr auto Y = xloss::labels<"Y">;   // per-sample padded label list
//   constexpr auto m = xloss::param<"m">;    // runtime parameter
template <fixed_string N> inline constexpr scalar_var<N> scalar{};
template <fixed_string N> inline constexpr row_var<N> row{};
template <fixed_string N> inline constexpr label_var<N> label{};
template <fixed_string N> inline constexpr label_list_var<N> labels{};
template <fixed_string N> inline constexpr param_var<N> param{};
}  // namespace xloss
