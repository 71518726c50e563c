// What every catalogue function shares: asking for gradients by the
// argument's PyTorch name, and forwarding outputs to the engine.
//
//   float L = xloss::nn::binary_cross_entropy_with_logits(x, y, {.reduction = xloss::reduction::sum},
//                                                         xloss::nn::grad<"input"> = gx);
// The loss's DSL variables carry the PyTorch argument names, so grad<"input">
// becomes the engine's grad(<the variable named "input">). loss_out = L,
// threads(n) pass through unchanged.
#pragma once

#include <vector>

#include <xloss/xloss.hpp>

namespace xloss::nn {

template <fixed_string Name, class S>
struct named_grad {
  output<S> out;
};

template <fixed_string Name>
struct named_grad_slot {
  template <class D>
  auto operator=(D&& g) const {
    auto o = make_output(static_cast<D&&>(g));
    return named_grad<Name, typename decltype(o.data)::value_type>{o};
  }
};
// grad<"input"> = G: write the gradient with respect to argument "input" into G.
template <fixed_string Name>
inline constexpr named_grad_slot<Name> grad{};

namespace detail {
template <fixed_string Name, class... Vars>
struct find_var {
  using type = void;
};
template <fixed_string Name, class V0, class... Vars>
struct find_var<Name, V0, Vars...> {
  using type = std::conditional_t<V0::name == Name.view(), V0, typename find_var<Name, Vars...>::type>;
};
}  // namespace detail

// The engine binding for one output of a catalogue call whose
// differentiable variables are Vars.
template <class... Vars, class B>
auto forward_output(B&& b) {
  using D = std::remove_cvref_t<B>;
  if constexpr (requires { []<fixed_string N, class S>(named_grad<N, S>) {}(b); }) {
    return [&]<fixed_string N, class S>(const named_grad<N, S>& g) {
      using V = typename detail::find_var<N, Vars...>::type;
      static_assert(!std::is_void_v<V>, "xloss: this loss has no differentiable argument of that name");
      return grad_output<V, S>{g.out};
    }(b);
  } else {
    static_assert(is_loss_output_v<D> || std::is_same_v<D, thread_count>,
                  "xloss: catalogue functions take grad<\"name\"> = G, loss_out = L and threads(n) as outputs");
    return D(b);
  }
}

namespace detail {
// Per-thread scratch for what a wrapper derives from its arguments (per-sample
// weights, checked labels, masks): reused across calls and only grown, so a
// call neither allocates nor faults in fresh pages (slow on the benchmark
// machines). Tag keeps the buffers of different uses apart; the map is valid
// until the next scratch<Tag, T> call on this thread.
template <class Tag, class T>
Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>> scratch(std::ptrdiff_t size) {
  thread_local std::vector<T> storage;
  if (storage.size() < static_cast<std::size_t>(size)) storage.resize(static_cast<std::size_t>(size));
  return {storage.data(), size};
}
}  // namespace detail

}  // namespace xloss::nn
