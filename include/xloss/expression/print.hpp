// to_string(e): any expression, and so any derivative, as a readable formula.
//   to_string(softplus(x) - y * x)   == "softplus(x) - y * x"
//   to_string(d(softplus(x) - y * x, x)) == "sigmoid(x) - y"
#pragma once

#include <cstdio>
#include <string>

#include <xloss/expression/reductions.hpp>

namespace xloss {
namespace detail {

inline std::string index_name(int k) { return k == 0 ? "j" : k == 1 ? "k" : "i" + std::to_string(k); }

template <class E> constexpr int precedence() {
  if constexpr (requires { op_of<E>::precedence; }) return op_of<E>::precedence;
  else if constexpr (is_constant_v<E>) return E::den == 1 && E::num >= 0 ? 9 : 2;
  else return 9;  // terminals and calls never need parentheses
}

template <class E> std::string print(E);

// Operand of an infix operator: parenthesised when it binds more loosely
// (or, on the right, equally: a - (b - c)).
template <class A> std::string operand(int outer, bool right) {
  int inner = precedence<A>();
  std::string s = print(A{});
  return inner < outer || (right && inner == outer) ? "(" + s + ")" : s;
}

template <class... A> std::string comma_list() {
  std::string s;
  ((s += (s.empty() ? "" : ", ") + print(A{})), ...);
  return s;
}

template <class E> std::string print(E) {
  if constexpr (is_constant_v<E>) {
    if constexpr (E::den == 1) return std::to_string(E::num);
    else if constexpr (E::den % 2 == 0 || E::den % 5 == 0) {  // a terminating decimal
      char s[32];
      std::snprintf(s, sizeof s, "%.15g", static_cast<double>(E::num) / static_cast<double>(E::den));
      return s;
    } else return std::to_string(E::num) + "/" + std::to_string(E::den);
  } else if constexpr (is_row_var_v<E>) {
    return std::string(E::name);
  } else if constexpr (is_data_terminal_v<E>) {
    return std::string(E::name);
  } else if constexpr (is_index_var_v<E>) {
    return [&]<int K>(index_var<K>) { return index_name(K); }(E{});
  } else if constexpr (std::is_same_v<E, out_index>) {
    return "out";
  } else {
    return [&]<class Op, class... A>(expr<Op, A...>) -> std::string {
      if constexpr (std::is_same_v<Op, op::at>) {
        return comma_list<std::tuple_element_t<0, std::tuple<A...>>>() + "[" +
               comma_list<std::tuple_element_t<1, std::tuple<A...>>>() + "]";
      } else if constexpr (std::is_same_v<Op, op::kron>) {
        using T = std::tuple<A...>;
        std::string delta = "[" + print(std::tuple_element_t<0, T>{}) + " == " + print(std::tuple_element_t<1, T>{}) + "]";
        if constexpr (is_one_v<std::tuple_element_t<2, T>>) return delta;
        else return delta + "*" + operand<std::tuple_element_t<2, T>>(2, true);
      } else if constexpr (is_reduction_op_v<Op>) {
        return std::string(Op::name) + "_" + index_name(Op::index) + "(" + comma_list<A...>() + ")";
      } else if constexpr (requires { Op::index; }) {
        return std::string(Op::name) + "_" + index_name(Op::index);
      } else if constexpr (requires { Op::style; }) {
        if constexpr (Op::style == print_style::prefix)
          return std::string(Op::symbol) + operand<A...>(Op::precedence, false);
        else
          return [&]<class L, class R>(L, R) {
            return operand<L>(Op::precedence, false) + " " + std::string(Op::symbol) + " " +
                   operand<R>(Op::precedence, true);
          }(A{}...);
      } else {
        return std::string(Op::name) + "(" + comma_list<A...>() + ")";
      }
    }(E{});
  }
}

}  // namespace detail

template <expression E>
std::string to_string(E e) {
  return detail::print(e);
}

}  // namespace xloss
