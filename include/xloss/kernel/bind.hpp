// Binding data to a loss's variables:
//   x = X            an input (any dense Eigen object with direct memory access)
//   m = 0.5          a parameter value
//   grad(x) = G      where to write ∂loss/∂x (an Eigen lvalue: Matrix, Array,
//                    Map, Ref, Block …; plain objects are resized, views must
//                    already have the right size)
//   loss_out = L     where to write the per-sample losses (reduction none)
//   threads(2)       how many threads to use
// A binding records pointer, size and strides; nothing is copied.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <Eigen/Core>

#include <xloss/expression/expr.hpp>
#include <xloss/kernel/error.hpp>

namespace xloss {

namespace detail {
template <class D>
inline constexpr bool direct_access_v =
    (Eigen::internal::traits<std::remove_cvref_t<D>>::Flags & Eigen::DirectAccessBit) != 0;

template <class D>
constexpr void require_eigen() {
  static_assert(std::is_base_of_v<Eigen::EigenBase<std::remove_cvref_t<D>>, std::remove_cvref_t<D>>,
                "xloss: bind an Eigen object (Matrix, Array, Map, Ref, Block) to a variable");
  static_assert(direct_access_v<D>,
                "xloss: bind an Eigen object with direct memory access; evaluate an Eigen expression "
                "into a Matrix/Array first");
}

// Strides of element (r, c) in memory.
template <class D> std::ptrdiff_t row_stride(const D& d) {
  return std::remove_cvref_t<D>::IsRowMajor ? d.outerStride() : d.innerStride();
}
template <class D> std::ptrdiff_t col_stride(const D& d) {
  return std::remove_cvref_t<D>::IsRowMajor ? d.innerStride() : d.outerStride();
}
}  // namespace detail

// A 2-D strided view; vectors are N×1. Element (r, c) is p[r*rs + c*cs].
template <class T>
struct view {
  using value_type = T;
  T* p = nullptr;
  std::ptrdiff_t rows = 0, cols = 0, rs = 0, cs = 0;
  T& operator()(std::ptrdiff_t r, std::ptrdiff_t c) const { return p[r * rs + c * cs]; }
  std::ptrdiff_t size() const { return rows * cols; }
  bool is_vector() const { return rows == 1 || cols == 1; }
  // A vector's i-th element and stride, whichever way it is oriented.
  std::ptrdiff_t vstride() const { return rows == 1 ? cs : rs; }
};

template <class D>
auto make_view(D&& d) {
  detail::require_eigen<D>();
  using S = std::remove_reference_t<decltype(*d.data())>;
  return view<S>{d.data(), d.rows(), d.cols(), detail::row_stride(d), detail::col_stride(d)};
}

// ------------------------------------------------------------ bindings
template <class Var, class S>
struct input {  // data for a scalar, row or label variable
  using var = Var;
  using scalar = std::remove_const_t<S>;
  view<const scalar> data;
};
template <class Var, class S>
struct param_value {
  using var = Var;
  S value;
};
// An output: a view, or for a plain Matrix/Array bound as an lvalue, the
// object itself so that it can be resized to the right shape first.
template <class S>
struct output {
  view<S> data;
  void* object = nullptr;
  view<S> (*resize)(void*, std::ptrdiff_t, std::ptrdiff_t) = nullptr;

  // The view, after resizing a plain object or checking a view's shape.
  // `what` names the output in the error (as grad(what) for a gradient).
  view<S> fitted(std::ptrdiff_t rows, std::ptrdiff_t cols, std::string_view what, bool gradient = false) const {
    if (object != nullptr) return resize(object, rows, cols);
    if (data.rows == rows && data.cols == cols) return data;
    if (data.size() == rows * cols && data.is_vector() && (rows == 1 || cols == 1))
      return data.rows == rows ? data : view<S>{data.p, rows, cols, data.cs, data.rs};
    detail::fail({gradient ? "grad(" : "", what, gradient ? ")" : "", " is ", data.rows, "x", data.cols, ", expected ",
                  rows, "x", cols});
  }
};
template <class D>
auto make_output(D&& d) {
  detail::require_eigen<D>();
  using P = std::remove_cvref_t<D>;
  using S = std::remove_reference_t<decltype(*d.data())>;
  static_assert(!std::is_const_v<S>, "xloss: outputs are written into mutable Eigen objects");
  output<S> o{make_view(d)};
  if constexpr (std::is_lvalue_reference_v<D> && std::is_base_of_v<Eigen::PlainObjectBase<P>, P>) {
    o.object = &d;
    o.resize = [](void* obj, std::ptrdiff_t rows, std::ptrdiff_t cols) {
      P& m = *static_cast<P*>(obj);
      if constexpr (P::IsVectorAtCompileTime) {
        m.resize(rows * cols);  // contiguous: element (r, c) at r·cols + c
        return view<S>{m.data(), rows, cols, cols, 1};
      } else {
        m.resize(rows, cols);
        return view<S>{m.data(), rows, cols, detail::row_stride(m), detail::col_stride(m)};
      }
    };
  }
  return o;
}

template <class Var, class S>
struct grad_output {
  using var = Var;
  using scalar = S;
  output<S> out;
};
template <class S>
struct loss_output {
  using scalar = S;
  output<S> out;
};
struct thread_count {
  int n;
};
inline thread_count threads(int n) { return {n}; }
// divide_by(c): with reduction::sum, divide the loss and every gradient by c
// (e.g. KLDiv's batchmean divides by the batch size, not the element count).
struct divisor {
  double by;
};
inline divisor divide_by(double c) { return {c}; }

template <class B> inline constexpr bool is_input_v = false;
template <class V, class S> inline constexpr bool is_input_v<input<V, S>> = true;
template <class B> inline constexpr bool is_param_value_v = false;
template <class V, class S> inline constexpr bool is_param_value_v<param_value<V, S>> = true;
template <class B> inline constexpr bool is_grad_output_v = false;
template <class V, class S> inline constexpr bool is_grad_output_v<grad_output<V, S>> = true;
template <class B> inline constexpr bool is_loss_output_v = false;
template <class S> inline constexpr bool is_loss_output_v<loss_output<S>> = true;

// grad(x) = G
template <class Var>
struct grad_slot {
  template <class D>
  auto operator=(D&& g) const {
    static_assert(!is_label_var_v<Var>, "xloss: cannot differentiate with respect to a label");
    static_assert(!is_param_var_v<Var>,
                  "xloss: gradients with respect to parameters are not supported; make it a variable");
    auto o = make_output(static_cast<D&&>(g));
    return grad_output<Var, typename decltype(o.data)::value_type>{o};
  }
};
template <expression V>
constexpr grad_slot<std::remove_cvref_t<V>> grad(V) {
  static_assert(is_scalar_var_v<V> || is_row_var_v<V>,
                "xloss: grad(v) takes a scalar or row variable of the loss");
  return {};
}

struct loss_out_slot {
  template <class D>
  auto operator=(D&& l) const {
    auto o = make_output(static_cast<D&&>(l));
    return loss_output<typename decltype(o.data)::value_type>{o};
  }
};
inline constexpr loss_out_slot loss_out{};

template <class Var, class D>
auto detail::bind_to(Var, D&& data) {
  if constexpr (is_param_var_v<Var>) {
    static_assert(std::is_arithmetic_v<std::remove_cvref_t<D>>, "xloss: a parameter is bound to a number");
    return param_value<Var, std::remove_cvref_t<D>>{data};
  } else {
    using S = std::remove_const_t<std::remove_reference_t<decltype(*data.data())>>;
    if constexpr (is_integer_var_v<Var>)
      static_assert(std::is_integral_v<S>, "xloss: a label (list) is bound to integers (e.g. Eigen::VectorXi)");
    else
      static_assert(!std::is_integral_v<S>, "xloss: a real variable is bound to floating-point data");
    auto v = make_view(data);
    return input<Var, S>{{v.p, v.rows, v.cols, v.rs, v.cs}};
  }
}

}  // namespace xloss
