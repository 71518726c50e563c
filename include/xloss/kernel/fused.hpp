// The fused kernel: executes a plan (plan/plan.hpp) over the samples.
//
// Elementwise plans run one loop over samples, W samples per SIMD pack: each
// input element is loaded once, every scheduled node is computed once per
// pack, the per-sample loss is accumulated (in double) and each gradient
// element is stored once.
// Row plans run, per sample: the stage-0 scalars, then for each stage one
// pass over the row computing all of that stage's reductions together
// (vectorised along the row), then the scalars they enable, and finally one
// pass writing every row gradient.
// Samples are processed in chunks whose size depends only on N, each chunk
// producing its own partial sum; partial sums are combined in a fixed
// pairwise order, so any thread count gives bit-identical results.
#pragma once

#include <array>
#include <cstdint>
#include <tuple>

#include <xloss/kernel/bind.hpp>
#include <xloss/kernel/lanes.hpp>
#include <xloss/kernel/threads.hpp>
#include <xloss/plan/plan.hpp>

// The kernel's helpers must disappear into the loops that call them: GCC
// otherwise keeps loads and stores as calls (measured: 5x slower rows).
#define XLOSS_INLINE [[gnu::always_inline]] inline
#define XLOSS_LAMBDA_INLINE __attribute__((always_inline))

namespace xloss::kernel {

using detail::contains_v;
using detail::index_of_v;
using detail::tlist;

template <class N, class V>
using value_t = std::conditional_t<kind_v<N> == kind::mask, lane::mask_t<V>, V>;

// The values of one schedule's nodes, computed in order. Plain members, not
// std::tuple: a tuple value-initialises (zeroes) every slot on construction.
template <std::size_t I, class T> struct slot { T value; };
template <class Seq, class... T> struct slots;
template <std::size_t... I, class... T>
struct slots<std::index_sequence<I...>, T...> : slot<I, T>... {};

template <class List, class V> struct frame;
template <class... N, class V>
struct frame<tlist<N...>, V> {
  using list = tlist<N...>;
  slots<std::index_sequence_for<N...>, value_t<N, V>...> values;
  template <class E> XLOSS_INLINE auto& get() {
    constexpr std::size_t i = index_of_v<E, list>;
    return static_cast<slot<i, value_t<E, V>>&>(values).value;
  }
  template <class E> XLOSS_INLINE const auto& get() const {
    constexpr std::size_t i = index_of_v<E, list>;
    return static_cast<const slot<i, value_t<E, V>>&>(values).value;
  }
};

// Leaves: nodes whose value is read from the data rather than computed.
template <class E>
inline constexpr bool is_leaf_v = is_data_terminal_v<E> || is_index_var_v<E> || std::is_same_v<E, out_index> ||
                                  is_node_v<E, op::at> || requires { op_of<E>::index; } && !is_reduction_v<E>;

// The lanes the kernel runs on: native SIMD packs for float and double, one
// scalar at a time for any other type (e.g. the tests' counting scalar).
template <class T> struct lane_for { using type = T; };
template <class T>
  requires lane::fast_v<T>
struct lane_for<T> { using type = simd::pack<T, simd::native_lanes<T>>; };
template <class T> using lane_of = typename lane_for<T>::type;

// ------------------------------------------------------------ lane memory
template <class V, class S>
XLOSS_INLINE V load_lane(const S* p, std::ptrdiff_t stride, int n) {
  if constexpr (lane::is_pack_v<V>) {
    constexpr int W = V::size;
    using T = lane::scalar_t<V>;
    if constexpr (!std::is_same_v<S, T>) {  // labels: convert lane by lane
      V r(T(0));
      for (int l = 0; l < n; ++l) r.v[l] = static_cast<T>(p[l * stride]);
      return r;
    } else if (n == W) {
      return stride == 1 ? simd::load<W>(p) : simd::load_strided<W>(p, stride);
    } else {
      return stride == 1 ? simd::load_partial<W>(p, n, T(0)) : simd::load_strided_partial<W>(p, stride, n, T(0));
    }
  } else {
    (void)stride;
    (void)n;
    return static_cast<V>(*p);
  }
}
template <class V, class S>
XLOSS_INLINE void store_lane(S* p, std::ptrdiff_t stride, const V& v, int n) {
  if constexpr (lane::is_pack_v<V>) {
    constexpr int W = V::size;
    if (n == W) {
      if (stride == 1) simd::store(p, v);
      else simd::store_strided(p, stride, v);
    } else {
      if (stride == 1) simd::store_partial(p, v, n);
      else simd::store_strided_partial(p, stride, v, n);
    }
  } else {
    (void)stride;
    (void)n;
    *p = v;
  }
}
template <class V> XLOSS_INLINE V iota(std::ptrdiff_t start) {
  using T = lane::scalar_t<V>;
  if constexpr (lane::is_pack_v<V>) return V::iota(static_cast<T>(start));
  else return static_cast<T>(start);
}
template <class V> XLOSS_INLINE auto first_n(int n) {
  if constexpr (lane::is_pack_v<V>) return simd::first_n<lane::scalar_t<V>, V::size>(n);
  else return n > 0;
}
template <class V> double widen_sum(const V& v) {
  if constexpr (lane::is_pack_v<V>) return simd::hsum(v);
  else return static_cast<double>(v);
}

// ------------------------------------------------------------ data access
// One input of an evaluation: reals (scalar and row variables), labels
// (32- or 64-bit integers) or a parameter value.
template <class T>
struct input_view {
  view<const T> real;
  const void* labels = nullptr;
  std::ptrdiff_t label_stride = 0;
  bool labels64 = false;
  T param = T(0);

  T label(std::ptrdiff_t i) const {
    return labels64 ? static_cast<T>(static_cast<const std::int64_t*>(labels)[i * label_stride])
                    : static_cast<T>(static_cast<const std::int32_t*>(labels)[i * label_stride]);
  }
};

// Everything one evaluation reads and writes; Terminals lists the loss's data
// terminals, the gradient views follow the plan's root order.
template <class T, class Terminals, std::size_t Grads>
struct data {
  using scalar = T;
  using terminals = Terminals;
  std::array<input_view<T>, Terminals::size> inputs{};
  std::array<view<T>, Grads> grads{};
  view<T> losses{};       // per-sample losses (reduction none), or empty
  T scale = T(1);         // the reduction's weight per sample: 1 or 1/N
  std::ptrdiff_t n = 0;   // samples
  std::ptrdiff_t cols = 0;  // the row length (axis j)
  bool contiguous = false;  // every real input and output has unit stride along its loop

  template <class Var> const input_view<T>& in() const { return inputs[index_of_v<Var, Terminals>]; }
};

// Where the leaves of one frame come from: the current sample (or pack of
// samples) and, inside a row pass, the current positions.
template <class Data, class SampleFrame>
struct context {
  const Data& d;
  SampleFrame* sample;  // row plans: the current sample's per-sample values
  std::ptrdiff_t i;     // the sample (row plans) or the first of the pack
  int n_samples;        // valid samples in this pack (elementwise plans)
  std::ptrdiff_t pos = 0;  // first position of this pack along the row
  int n_pos = 0;           // valid positions in this pack

  template <class N, class V> XLOSS_INLINE V leaf() const {
    using T = lane::scalar_t<V>;
    if constexpr (is_scalar_var_v<N>) {
      const auto& v = d.template in<N>().real;
      return load_lane<V>(v.p + i * v.vstride(), v.vstride(), n_samples);
    } else if constexpr (is_param_var_v<N>) {
      return V(d.template in<N>().param);
    } else if constexpr (is_label_var_v<N>) {
      return V(d.template in<N>().label(i));
    } else if constexpr (is_row_var_v<N>) {
      const auto& v = d.template in<N>().real;
      return load_lane<V>(v.p + i * v.rs + pos * v.cs, v.cs, n_pos);
    } else if constexpr (is_index_var_v<N> || std::is_same_v<N, out_index>) {
      return iota<V>(pos);
    } else if constexpr (is_node_v<N, op::at>) {
      return [&]<class R, class I>(expr<op::at, R, I>) XLOSS_LAMBDA_INLINE -> V {
        const auto& v = d.template in<R>().real;
        if constexpr (std::is_same_v<I, out_index>) {
          return load_lane<V>(v.p + i * v.rs + pos * v.cs, v.cs, n_pos);
        } else {  // a gather at a per-sample position: a label or an argmin
          T at = sample->template get<I>();
          auto c = static_cast<std::ptrdiff_t>(at);
          if (!(at >= T(0)) || c >= v.cols) return lane::quiet_nan<V>();  // argmin over nothing
          return V(v(i, c));
        }
      }(N{});
    } else {
      static_assert(requires { op_of<N>::index; }, "xloss internal: unknown leaf");
      return V(static_cast<T>(d.cols));
    }
  }

  // A per-sample value used inside a row pass, broadcast to the lanes.
  template <class N, class V> XLOSS_INLINE auto outer() const {
    static_assert(contains_v<N, typename SampleFrame::list>, "xloss internal: node missing from the sample schedule");
    const auto& s = sample->template get<N>();
    if constexpr (kind_v<N> == kind::mask) return V(s ? 1 : 0) == V(1);
    else return V(s);
  }
};

// A loop's view of the data, hoisted out of the loop: where each input starts
// (for this sample, or this chunk of samples) and its stride along the loop,
// and the per-sample values the loop reads, broadcast once.
template <class Data, class SampleFrame, class Outer, class V, bool Contiguous>
struct cursor {
  using T = lane::scalar_t<V>;
  using terms = typename Data::terminals;
  const Data& d;
  SampleFrame* sample;
  std::array<const T*, terms::size> base{};
  std::array<std::ptrdiff_t, terms::size> stride{};
  frame<Outer, V> outer_values;
  std::ptrdiff_t pos = 0;  // the first position (or sample) of this pack
  int n = 0;               // valid lanes in this pack

  explicit cursor(const Data& data, SampleFrame* s = nullptr) : d(data), sample(s) {}

  // Rows at sample i, along the row.
  void start_rows(std::ptrdiff_t i) {
    detail::for_each_type(terms{}, [&]<class X>() XLOSS_LAMBDA_INLINE {
      if constexpr (is_row_var_v<X>) {
        const auto& v = d.template in<X>().real;
        base[index_of_v<X, terms>] = v.p + i * v.rs;
        stride[index_of_v<X, terms>] = v.cs;
      }
    });
    detail::for_each_type(Outer{}, [&]<class N>() XLOSS_LAMBDA_INLINE {
      const auto& s = sample->template get<N>();
      if constexpr (kind_v<N> == kind::mask) outer_values.template get<N>() = V(s ? 1 : 0) == V(1);
      else outer_values.template get<N>() = V(s);
    });
  }
  // Per-sample scalars, across samples.
  void start_samples() {
    detail::for_each_type(terms{}, [&]<class X>() XLOSS_LAMBDA_INLINE {
      if constexpr (is_scalar_var_v<X>) {
        const auto& v = d.template in<X>().real;
        base[index_of_v<X, terms>] = v.p;
        stride[index_of_v<X, terms>] = v.vstride();
      }
    });
  }

  template <class X> XLOSS_INLINE V load() const {
    constexpr std::size_t k = index_of_v<X, terms>;
    if constexpr (Contiguous) return load_lane<V>(base[k] + pos, 1, n);
    else return load_lane<V>(base[k] + pos * stride[k], stride[k], n);
  }

  template <class N, class V2> XLOSS_INLINE V leaf() const {
    static_assert(std::is_same_v<V, V2>);
    if constexpr (is_scalar_var_v<N> || is_row_var_v<N>) return load<N>();
    else if constexpr (is_node_v<N, op::at>) return load<detail::arg_t<N, 0>>();  // X[out]
    else if constexpr (is_index_var_v<N> || std::is_same_v<N, out_index>) return iota<V>(pos);
    else if constexpr (is_param_var_v<N>) return V(d.template in<N>().param);
    else return V(static_cast<T>(d.cols));  // extent
  }
  template <class N, class V2> XLOSS_INLINE auto outer() const {
    static_assert(contains_v<N, Outer>, "xloss internal: a loop reads a value it did not hoist");
    return outer_values.template get<N>();
  }
};

// ------------------------------------------------------------ evaluation
template <class A, class V, class F, class C>
XLOSS_INLINE auto fetch(F& f, const C& c) {
  if constexpr (contains_v<A, typename F::list>) return f.template get<A>();
  else return c.template outer<A, V>();
}

template <class N, class V, class F, class C>
XLOSS_INLINE auto compute(F& f, const C& c) {
  if constexpr (is_constant_v<N>) {
    return V(N::template as<lane::scalar_t<V>>());
  } else if constexpr (is_leaf_v<N>) {
    return c.template leaf<N, V>();
  } else {
    return [&]<class Op, class... A>(expr<Op, A...>) XLOSS_LAMBDA_INLINE { return Op::eval(fetch<A, V>(f, c)...); }(N{});
  }
}

// Computes the nodes of List (a sub-list of the frame's schedule) in order.
template <class List, class V, class F, class C>
XLOSS_INLINE void compute_all(F& f, const C& c) {
  detail::for_each_type(List{}, [&]<class N>() XLOSS_LAMBDA_INLINE { f.template get<N>() = compute<N, V>(f, c); });
}

// ------------------------------------------------------------ reductions
// The accumulator of one reduction node over the positions of a row.
template <class R, class V>
struct accumulator {
  using T = lane::scalar_t<V>;
  static constexpr op::reduce how = op_of<R>::how;
  static constexpr bool finds_max = how == op::reduce::max || how == op::reduce::argmax;
  static constexpr bool is_sum = how == op::reduce::sum;
  static constexpr bool gives_index =
      how == op::reduce::argmax || how == op::reduce::argmin || how == op::reduce::argmin_where;

  V value = is_sum ? V(T(0)) : finds_max ? -lane::infinity<V>() : lane::infinity<V>();
  V index = V(T(-1));

  template <class M, class... A>
  XLOSS_INLINE void add(const M& valid, std::ptrdiff_t pos, const V& b, const A&... cond) {
    if constexpr (is_sum) {
      value = value + lane::select(valid, b, V(T(0)));
    } else {
      auto take = lane::mask_and(valid, finds_max ? value < b : b < value);
      if constexpr (sizeof...(A) == 1) take = lane::mask_and(take, cond...);
      value = lane::select(take, b, value);
      index = lane::select(take, iota<V>(pos), index);
    }
  }
  // The reduced value; for max/min the first position wins ties.
  T result() const {
    if constexpr (!lane::is_pack_v<V>) {
      return gives_index ? index : value;
    } else if constexpr (is_sum) {
      return simd::hsum(value);
    } else {
      T best = value[0], at = index[0];
      for (int l = 1; l < V::size; ++l) {
        bool better = finds_max ? value[l] > best : value[l] < best;
        if (better || (value[l] == best && index[l] >= T(0) && (at < T(0) || index[l] < at))) {
          best = value[l];
          at = index[l];
        }
      }
      return gives_index ? at : best;
    }
  }
};

template <class R, class V, class F, class C, class M>
XLOSS_INLINE void accumulate(accumulator<R, V>& a, F& f, const C& c, const M& valid) {
  [&]<class Op, class... A>(expr<Op, A...>) XLOSS_LAMBDA_INLINE { a.add(valid, c.pos, fetch<A, V>(f, c)...); }(R{});
}

// ------------------------------------------------------------ execution
template <class Plan, class Data>
struct executor {
  using T = typename Data::scalar;
  using V = lane_of<T>;
  static constexpr int W = lane::width_v<V>;
  using sample_frame = frame<typename Plan::sample, std::conditional_t<Plan::elementwise, V, T>>;
  using ctx = context<Data, sample_frame>;
  static constexpr std::size_t n_scalar_grads = Plan::scalar_grads::size;

  const Data& d;

  // The sum of the per-sample losses of samples [b, e).
  // The loops are compiled twice: for unit-stride data (the common case,
  // plain vector loads and stores) and for any strides.
  double run(std::ptrdiff_t b, std::ptrdiff_t e) const {
    if constexpr (Plan::elementwise) {
      return d.contiguous ? run_elementwise<true>(b, e) : run_elementwise<false>(b, e);
    } else {
      return d.contiguous ? run_rows<true>(b, e) : run_rows<false>(b, e);
    }
  }

  template <bool Contiguous>
  double run_elementwise(std::ptrdiff_t b, std::ptrdiff_t e) const {
    using cur_t = cursor<Data, sample_frame, tlist<>, V, Contiguous>;
    cur_t c(d);
    c.start_samples();
    auto outs = grad_outputs();
    const V scale(d.scale);
    auto total = wide_zero();
    for (std::ptrdiff_t i = b; i < e; i += W) {
      c.pos = i;
      c.n = static_cast<int>(std::min<std::ptrdiff_t>(W, e - i));
      sample_frame f;
      compute_all<typename Plan::sample, V>(f, c);
      const V& loss = f.template get<typename Plan::loss>();
      total = total + to_wide(c.n == W ? loss : lane::select(first_n<V>(c.n), loss, V(T(0))));
      if (d.losses.p != nullptr) store_lane(d.losses.p + i * d.losses.vstride(), d.losses.vstride(), loss, c.n);
      std::size_t g = 0;
      detail::for_each_type(typename Plan::scalar_grads{}, [&]<class G>() XLOSS_LAMBDA_INLINE {
        const auto& o = outs[g++];
        if constexpr (Contiguous) store_lane(o.first + i, 1, scale * fetch<G, V>(f, c), c.n);
        else store_lane(o.first + i * o.second, o.second, scale * fetch<G, V>(f, c), c.n);
      });
    }
    return widen_sum(total);
  }

  // Each gradient output's start and stride along the scalar axis.
  std::array<std::pair<T*, std::ptrdiff_t>, n_scalar_grads> grad_outputs() const {
    std::array<std::pair<T*, std::ptrdiff_t>, n_scalar_grads> o{};
    for (std::size_t g = 0; g < n_scalar_grads; ++g) o[g] = {d.grads[g].p, d.grads[g].vstride()};
    return o;
  }

  template <bool Contiguous>
  double run_rows(std::ptrdiff_t b, std::ptrdiff_t e) const {
    double total = 0;
    for (std::ptrdiff_t i = b; i < e; ++i) {
      sample_frame f;
      ctx c{d, &f, i, 1};
      run_stages<Contiguous>(f, c, std::make_integer_sequence<int, Plan::stages + 1>{});
      T loss = f.template get<typename Plan::loss>();
      total += static_cast<double>(loss);
      if (d.losses.p != nullptr) d.losses.p[i * d.losses.vstride()] = loss;
      store_scalar_grads(f, c, i);
      if constexpr (Plan::row_grads::size > 0) gradient_pass<Contiguous>(f, c);
    }
    return total;
  }

  template <bool Contiguous, int... S>
  void run_stages(sample_frame& f, ctx& c, std::integer_sequence<int, S...>) const {
    ((S > 0 ? row_pass<S, Contiguous>(f, c) : void(), compute_all<typename Plan::template computed_at<S>, T>(f, c)), ...);
  }

  // One pass over the row computing every reduction of stage S together.
  template <int S, bool Contiguous>
  void row_pass(sample_frame& f, const ctx& sc) const {
    using Rs = typename Plan::template pass_reductions<S, 0>;
    static_assert(Rs::size == Plan::template reductions_at<S>::size,
                  "xloss: reductions over an index other than j are not supported by the fused kernel yet");
    using Sched = typename Plan::template pass_schedule<S, 0>;
    using cur_t = cursor<Data, sample_frame, plan::outer_refs_t<Sched, plan::all_operands_t<Rs>>, V, Contiguous>;
    cur_t c(d, &f);
    c.start_rows(sc.i);
    auto accs = make_accumulators(Rs{});
    auto step = [&](std::ptrdiff_t pos, int n) XLOSS_LAMBDA_INLINE {
      c.pos = pos;
      c.n = n;
      frame<Sched, V> ef;
      compute_all<Sched, V>(ef, c);
      auto valid = first_n<V>(n);
      detail::for_each_type(Rs{}, [&]<class R>() XLOSS_LAMBDA_INLINE {
        accumulate(std::get<index_of_v<R, Rs>>(accs), ef, c, valid);
      });
    };
    std::ptrdiff_t pos = 0;
    for (; pos + W <= d.cols; pos += W) step(pos, W);
    if (pos < d.cols) step(pos, static_cast<int>(d.cols - pos));
    detail::for_each_type(Rs{}, [&]<class R>() XLOSS_LAMBDA_INLINE {
      f.template get<R>() = std::get<index_of_v<R, Rs>>(accs).result();
    });
  }

  template <class... R> static auto make_accumulators(tlist<R...>) { return std::tuple<accumulator<R, V>...>{}; }

  // One pass over the row writing every row gradient.
  template <bool Contiguous>
  void gradient_pass(sample_frame& f, const ctx& sc) const {
    using Sched = typename Plan::grad_schedule;
    using RG = typename Plan::row_grads;
    using cur_t = cursor<Data, sample_frame, plan::outer_refs_t<Sched, RG>, V, Contiguous>;
    cur_t c(d, &f);
    c.start_rows(sc.i);
    std::array<std::pair<T*, std::ptrdiff_t>, RG::size> outs{};
    for (std::size_t g = 0; g < RG::size; ++g) {
      const view<T>& o = d.grads[n_scalar_grads + g];
      outs[g] = {o.p + sc.i * o.rs, o.cs};
    }
    const V scale(d.scale);
    auto step = [&](std::ptrdiff_t pos, int n) XLOSS_LAMBDA_INLINE {
      c.pos = pos;
      c.n = n;
      frame<Sched, V> ef;
      compute_all<Sched, V>(ef, c);
      std::size_t g = 0;
      detail::for_each_type(RG{}, [&]<class G>() XLOSS_LAMBDA_INLINE {
        const auto& o = outs[g++];
        if constexpr (Contiguous) store_lane(o.first + pos, 1, scale * fetch<G, V>(ef, c), n);
        else store_lane(o.first + pos * o.second, o.second, scale * fetch<G, V>(ef, c), n);
      });
    };
    std::ptrdiff_t pos = 0;
    for (; pos + W <= d.cols; pos += W) step(pos, W);
    if (pos < d.cols) step(pos, static_cast<int>(d.cols - pos));
  }

  // Row plans: the per-sample gradients of sample i.
  XLOSS_INLINE void store_scalar_grads(sample_frame& f, const ctx& c, std::ptrdiff_t i) const {
    std::size_t g = 0;
    detail::for_each_type(typename Plan::scalar_grads{}, [&]<class G>() XLOSS_LAMBDA_INLINE {
      const view<T>& out = d.grads[g++];
      out.p[i * out.vstride()] = d.scale * fetch<G, T>(f, c);
    });
  }

  // Loss sums in double: a float pack widens lane by lane.
  static auto wide_zero() {
    if constexpr (lane::is_pack_v<V>) return simd::pack<double, lane::width_v<V>>(0.0);
    else return 0.0;
  }
  static auto to_wide(const V& v) {
    if constexpr (lane::is_pack_v<V> && std::is_same_v<T, float>) return simd::widen(v);
    else if constexpr (lane::is_pack_v<V>) return v;
    else return static_cast<double>(v);
  }
};

}  // namespace xloss::kernel
