// What the elementwise catalogue losses (MSE, L1, BCE, KLDiv, ...) share:
// binding Eigen vectors *and matrices* to the scalar variables of a loss.
//
// PyTorch's elementwise losses work on tensors of any shape; the engine's
// scalar variables take vectors. A matrix is therefore viewed as one flat
// vector of its numel elements, in its own storage order, without copying.
// Every other argument of the same shape (target, gradients, loss_out) must
// be laid out the same way, so that element k of each flat view is the same
// (row, column). Non-differentiable arguments (weight, pos_weight, a
// SoftMargin target ...) may instead broadcast by NumPy's rules on Eigen's
// 2-D shapes — (rows, cols), (1, cols), (rows, 1) or (1, 1) — and are then
// expanded once into a buffer owned by the call (one O(numel) copy).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <xloss/nn/functional.hpp>

namespace xloss::nn::detail {

[[noreturn]] inline void bad_argument(std::string_view name, const std::string& what) {
  throw std::invalid_argument("xloss::nn: '" + std::string(name) + "' " + what);
}

// One call of an elementwise loss on data of scalar type T, shaped like `input`.
template <class T>
class elementwise_call {
 public:
  template <class D>
  explicit elementwise_call(const D& input, std::string_view name)
      : rows_(input.rows()), cols_(input.cols()) {
    view<const T> v = make_view(input);
    // The visiting order is the input's storage order (irrelevant for vectors).
    row_major_ = v.is_vector() || (v.cs == 1 && v.rs == v.cols);
    if (!v.is_vector() && !row_major_ && !(v.rs == 1 && v.cs == v.rows))
      bad_argument(name, "must be a contiguous matrix (a Block or strided Map of a matrix is not supported)");
  }

  std::ptrdiff_t rows() const { return rows_; }
  std::ptrdiff_t numel() const { return rows_ * cols_; }

  // reduction::none/mean/sum only (a cast integer is rejected here).
  static reduction checked(reduction r) {
    if (r != reduction::none && r != reduction::mean && r != reduction::sum)
      bad_argument("reduction", "must be none, mean or sum");
    return r;
  }

  // Binds `data`, which must have the input's shape, to the variable.
  template <class Var, class D>
  input<Var, T> same_shape(Var, const D& data, std::string_view name) const {
    static_assert(std::is_same_v<typename D::Scalar, T>, "xloss::nn: all real arguments have the input's scalar type");
    return {flat(make_view(data), name)};
  }

  // Binds `data`, which broadcasts to the input's shape, to the variable
  // (copied in the input's order if it is not already laid out that way).
  template <class Var, class D>
  input<Var, T> broadcast(Var, const D& data, std::string_view name) {
    static_assert(std::is_same_v<typename D::Scalar, T>, "xloss::nn: all real arguments have the input's scalar type");
    view<const T> v = make_view(data);
    if (same_shape_as_input(v.rows, v.cols) && in_input_order(v)) return {flat(v, name)};
    const bool r1 = data.rows() == 1 || data.rows() == rows_, c1 = data.cols() == 1 || data.cols() == cols_;
    if (!r1 || !c1)
      bad_argument(name, "is " + shape(data.rows(), data.cols()) + ", which does not broadcast to the input's " +
                             shape(rows_, cols_) + " (NumPy rules on the 2-D shapes: a per-column weight is 1 x " +
                             std::to_string(cols_) + ")");
    Eigen::Matrix<T, Eigen::Dynamic, 1>& e = owned_.emplace_back(numel());
    for (std::ptrdiff_t r = 0; r < rows_; ++r)
      for (std::ptrdiff_t c = 0; c < cols_; ++c)
        e[row_major_ ? r * cols_ + c : c * rows_ + r] = data(data.rows() == 1 ? 0 : r, data.cols() == 1 ? 0 : c);
    return {{e.data(), numel(), 1, 1, 1}};
  }

  // An output of the call (grad<"name"> = G, loss_out = L, threads(n)) as the
  // engine binding, with gradient and loss arrays viewed flat like the input.
  // Vars are the loss's differentiable variables.
  template <class... Vars, class O>
  auto bind_output(O&& o) const {
    auto b = forward_output<Vars...>(static_cast<O&&>(o));
    using B = decltype(b);
    if constexpr (is_grad_output_v<B>)
      return B{flat_output(b.out, "grad<\"" + std::string(B::var::name) + "\">")};
    else if constexpr (is_loss_output_v<B>)
      return B{flat_output(b.out, "loss_out")};
    else
      return b;
  }

 private:
  static std::string shape(std::ptrdiff_t r, std::ptrdiff_t c) { return std::to_string(r) + "x" + std::to_string(c); }

  bool same_shape_as_input(std::ptrdiff_t r, std::ptrdiff_t c) const {
    const bool vectors = (r == 1 || c == 1) && (rows_ == 1 || cols_ == 1);  // orientation is incidental
    return (r == rows_ && c == cols_) || (vectors && r * c == numel());
  }

  // Can the data be read as one flat vector in the input's element order?
  template <class S>
  bool in_input_order(const view<S>& v) const {
    return v.is_vector() || v.size() == 0 || (row_major_ ? (v.cs == 1 && v.rs == v.cols) : (v.rs == 1 && v.cs == v.rows));
  }

  // The data as an N x 1 view in the input's element order.
  template <class S>
  view<S> flat(view<S> v, std::string_view name) const {
    if (!same_shape_as_input(v.rows, v.cols))
      bad_argument(name, "is " + shape(v.rows, v.cols) + " but the input is " + shape(rows_, cols_));
    if (v.is_vector() || v.size() == 0) return {v.p, v.size(), 1, v.size() == 0 ? 1 : v.vstride(), 1};
    if (in_input_order(v)) return {v.p, v.size(), 1, 1, 1};
    bad_argument(name, std::string("must be contiguous and ") + (row_major_ ? "row" : "column") +
                           "-major like the input");
  }

  template <class S>
  xloss::output<S> flat_output(const xloss::output<S>& o, const std::string& name) const {
    view<S> v = o.fitted(rows_, cols_, name);  // resizes a plain Matrix/Array to the input's shape
    // A plain vector is contiguous; its view from fitted() may carry the
    // strides of the other orientation (engine-bugs note), so rebuild it.
    if (o.object != nullptr && v.is_vector()) return {{v.p, v.size(), 1, 1, 1}};
    return {flat(v, name)};
  }

  std::ptrdiff_t rows_, cols_;
  bool row_major_ = true;
  std::list<Eigen::Matrix<T, Eigen::Dynamic, 1>> owned_;  // expanded broadcasts (stable addresses)
};

// The elementwise_call shaped like `input` (the argument `name`), with its scalar type.
template <class D>
auto call_for(const D& input, std::string_view name = "input") {
  return elementwise_call<std::remove_const_t<typename D::Scalar>>(input, name);
}

}  // namespace xloss::nn::detail
