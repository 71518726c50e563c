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
#include <cstring>
#include <new>
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
// n consecutive elements (unit stride: strided data is staged first).
template <class V, class S>
XLOSS_INLINE V load_lane(const S* p, int n) {
  if constexpr (lane::is_pack_v<V>) {
    constexpr int W = V::size;
    using T = lane::scalar_t<V>;
    if constexpr (!std::is_same_v<S, T>) {  // labels: convert lane by lane
      V r(T(0));
      for (int l = 0; l < n; ++l) r.v[l] = static_cast<T>(p[l]);
      return r;
    } else if (n == W) {
      return simd::load<W>(p);
    } else {
      return simd::load_partial<W>(p, n, T(0));
    }
  } else {
    (void)n;
    return static_cast<V>(*p);
  }
}
template <class V, class S>
XLOSS_INLINE void store_lane(S* p, const V& v, int n) {
  if constexpr (lane::is_pack_v<V>) {
    if (n == V::size) simd::store(p, v);
    else simd::store_partial(p, v, n);
  } else {
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
// One input of an evaluation: reals (scalar and row variables), labels and
// label lists (32- or 64-bit integers) or a parameter value.
template <class T>
struct input_view {
  view<const T> real;
  const void* labels = nullptr;
  std::ptrdiff_t label_stride = 0;   // between samples
  std::ptrdiff_t entry_stride = 0;   // between the entries of a label list
  std::ptrdiff_t entries = 0;        // a label list's width L
  bool labels64 = false;
  T param = T(0);

  T label(std::ptrdiff_t i, std::ptrdiff_t e = 0) const {
    std::ptrdiff_t at = i * label_stride + e * entry_stride;
    return labels64 ? static_cast<T>(static_cast<const std::int64_t*>(labels)[at])
                    : static_cast<T>(static_cast<const std::int32_t*>(labels)[at]);
  }
  // A label list's length at sample i: its entries before the first negative.
  std::ptrdiff_t list_length(std::ptrdiff_t i) const {
    std::ptrdiff_t e = 0;
    while (e < entries && label(i, e) >= T(0)) ++e;
    return e;
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
  bool contiguous = false;  // no array the loops run along needs staging (executor::needs_staging)

  template <class Var> const input_view<T>& in() const { return inputs[index_of_v<Var, Terminals>]; }

  // The positions of index K at sample i: the row's, or (index 2) the
  // entries of the loss's label list.
  template <class V> struct is_list : std::bool_constant<is_label_list_var_v<V>> {};
  using lists = detail::filter_t<Terminals, is_list>;
  static_assert(lists::size <= 1, "xloss: a loss reads at most one label list");
  template <int K> std::ptrdiff_t extent(std::ptrdiff_t i) const {
    if constexpr (K != 2) return cols;
    else if constexpr (lists::size == 0) return (void)i, 0;
    else return in<detail::nth_t<lists, 0>>().list_length(i);
  }
};

// Where the leaves of a row plan's per-sample values come from: sample i,
// one value at a time (the passes over the row use cursors).
template <class Data, class SampleFrame>
struct context {
  const Data& d;
  SampleFrame* sample;  // the current sample's per-sample values
  std::ptrdiff_t i;     // the sample
  std::ptrdiff_t pos = 0;  // the position of a row read outside a pass (none)

  template <class N, class V> XLOSS_INLINE V leaf() const {
    using T = lane::scalar_t<V>;
    if constexpr (is_scalar_var_v<N>) {
      const auto& v = d.template in<N>().real;
      static_assert(!lane::is_pack_v<V>, "xloss internal: per-sample values of a row plan are scalars");
      return static_cast<V>(v.p[i * v.vstride()]);
    } else if constexpr (is_param_var_v<N>) {
      return V(d.template in<N>().param);
    } else if constexpr (is_label_var_v<N>) {
      return V(d.template in<N>().label(i));
    } else if constexpr (is_row_var_v<N>) {
      const auto& v = d.template in<N>().real;
      return static_cast<V>(v(i, pos));
    } else if constexpr (is_index_var_v<N> || std::is_same_v<N, out_index>) {
      return iota<V>(pos);
    } else {
      static_assert(requires { op_of<N>::index; }, "xloss internal: unknown leaf");
      return V(static_cast<T>(d.template extent<op_of<N>::index>(i)));
    }
  }

  template <class I> static constexpr bool owns = false;  // no loop index at the sample level

  // R at a per-sample position: a label or an argmin (−1: over nothing).
  template <class R, class V, class Ix> XLOSS_INLINE V gather(const V& at) const {
    using T = lane::scalar_t<V>;
    const auto c = static_cast<std::ptrdiff_t>(at);
    if constexpr (is_label_list_var_v<R>) {
      const auto& in = d.template in<R>();
      return at >= T(0) && c < in.entries ? in.label(i, c) : lane::quiet_nan<V>();
    } else {
      const auto& v = d.template in<R>().real;
      return at >= T(0) && c < v.cols ? V(v(i, c)) : lane::quiet_nan<V>();
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

// X[at] in a loop whose lanes are positions of LaneIndex, given C's
// gather_one (R at one position of the current sample). A position that does
// not depend on the lanes' index is the same in every lane (the planner
// hoists what a loop does not vary, and inner loops broadcast): one load;
// otherwise one load per lane.
template <class R, class Ix, class LaneIndex, class V, class C>
XLOSS_INLINE V gather_lanes(const C& c, const V& at) {
  if constexpr (!lane::is_pack_v<V> || !detail::depends_on_v<Ix, LaneIndex>) {
    return V(c.template gather_one<R>(lane::lane_value(at, 0)));
  } else {
    V r(lane::scalar_t<V>(0));
    for (int l = 0; l < V::size; ++l) r.v[l] = c.template gather_one<R>(at.v[l]);
    return r;
  }
}

// A per-thread buffer of at least n elements, allocated (zeroed) by the
// thread's first call that needs that many and then reused: warm calls
// allocate nothing. Not a std::vector, whose templates would be compiled
// again in every unit that evaluates a loss.
template <class T> T* staging_buffer(std::size_t n) {
  thread_local struct buffer {
    void* data = nullptr;
    std::size_t size = 0;
    ~buffer() { ::operator delete(data); }
  } b;
  if (b.size < n) {
    void* grown = ::operator new(n * sizeof(T));
    std::memset(grown, 0, n * sizeof(T));
    ::operator delete(b.data);
    b.data = grown;
    b.size = n;
  }
  return static_cast<T*>(b.data);
}

// Runs step(position, lanes) over [0, end): full packs of W, then one partial.
template <int W, class Step>
XLOSS_INLINE void for_packs(std::ptrdiff_t end, Step&& step) {
  std::ptrdiff_t p = 0;
  for (; p + W <= end; p += W) step(p, W);
  if (p < end) step(p, static_cast<int>(end - p));
}

// A loop's view of the data, hoisted out of the loop: where each input starts
// (for this sample, or this chunk of samples; unit stride along the loop, see
// executor::run_staged) and the per-sample values the loop reads, broadcast once.
template <class Data, class SampleFrame, class Outer, class V, class Index = void>
struct cursor {
  using T = lane::scalar_t<V>;
  using lane_type = V;
  using terms = typename Data::terminals;
  static constexpr int W = lane::width_v<V>;
  using lane_index = Index;  // what the lanes are positions of
  const Data& d;
  SampleFrame* sample;
  std::ptrdiff_t i = 0;  // the sample (row loops)
  std::ptrdiff_t list_n = 0;  // its label list's length (scanned once per loop, not per use)
  std::array<const T*, terms::size> base{};
  frame<Outer, V> outer_values;
  std::ptrdiff_t pos = 0;  // the first position (or sample) of this pack
  int n = 0;               // valid lanes in this pack

  explicit cursor(const Data& data, SampleFrame* s = nullptr) : d(data), sample(s) {}

  // Rows at sample i, along the row.
  void start_rows(std::ptrdiff_t sample_index) {
    i = sample_index;
    list_n = d.template extent<2>(i);
    detail::for_each_type(terms{}, [&]<class X>() XLOSS_LAMBDA_INLINE {
      if constexpr (is_row_var_v<X>) {
        const auto& v = d.template in<X>().real;
        base[index_of_v<X, terms>] = v.p + i * v.rs;
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
      }
    });
  }

  template <class X> XLOSS_INLINE V load() const {
    constexpr std::size_t k = index_of_v<X, terms>;
    return load_lane<V>(base[k] + pos, n);
  }

  // Does this loop run over index I (so that X[I] is a plain load)?
  template <class I> static constexpr bool owns = std::is_same_v<I, Index>;

  template <class N, class V2> XLOSS_INLINE V leaf() const {
    static_assert(std::is_same_v<V, V2>);
    if constexpr (is_scalar_var_v<N> || is_row_var_v<N>) return load<N>();
    else if constexpr (is_node_v<N, op::at>) return load<detail::arg_t<N, 0>>();  // X[the loop's index]
    else if constexpr (is_label_list_var_v<N>) return entries<N>();
    else if constexpr (is_index_var_v<N> || std::is_same_v<N, out_index>) return iota<V>(pos);
    else if constexpr (is_param_var_v<N>) return V(d.template in<N>().param);
    else return V(static_cast<T>(positions<op_of<N>::index>()));
  }
  template <int K> XLOSS_INLINE std::ptrdiff_t positions() const { return K == 2 ? list_n : d.cols; }
  // A label list's entries at this pack's positions, converted lane by lane.
  template <class L> XLOSS_INLINE V entries() const {
    const auto& in = d.template in<L>();
    if constexpr (lane::is_pack_v<V>) {
      V r(T(0));
      for (int l = 0; l < n; ++l) r.v[l] = in.label(i, pos + l);
      return r;
    } else {
      return in.label(i, pos);
    }
  }
  // One element of sample i's data at position p (inner loops).
  template <class X> XLOSS_INLINE T element(std::ptrdiff_t p) const {
    if constexpr (is_label_list_var_v<X>) return d.template in<X>().label(i, p);
    else return base[index_of_v<X, terms>][p];
  }
  // R at position a of this sample; a position outside R gives NaN.
  template <class R> XLOSS_INLINE T gather_one(T a) const {
    const std::ptrdiff_t limit = is_label_list_var_v<R> ? d.template in<R>().entries : d.cols;
    const auto c = static_cast<std::ptrdiff_t>(a);
    return a >= T(0) && c < limit ? element<R>(c) : std::numeric_limits<T>::quiet_NaN();
  }
  template <class R, class V2, class Ix> XLOSS_INLINE V gather(const V& at) const {
    return gather_lanes<R, Ix, Index>(*this, at);
  }
  // The number of positions reduction R runs over at this sample.
  template <class R> XLOSS_INLINE std::ptrdiff_t extent() const { return positions<op_of<R>::index>(); }
  template <class N, class V2> XLOSS_INLINE auto outer() const {
    static_assert(contains_v<N, Outer>, "xloss internal: a loop reads a value it did not hoist");
    return outer_values.template get<N>();
  }
};

// The inner loop of a nested reduction (plan.hpp) over index Idx, inside a
// loop whose lanes are W positions of another index: the inner loop visits
// one position at a time and broadcasts what it reads there, so every lane
// keeps its own accumulator. Values of the enclosing loop come from its frame.
template <class Parent, class F, class Idx>
struct inner_cursor {
  using V = typename Parent::lane_type;
  using T = lane::scalar_t<V>;
  using lane_type = V;
  using lane_index = typename Parent::lane_index;
  const Parent& c;
  const F& f;
  std::ptrdiff_t pos = 0;

  template <class I> static constexpr bool owns = std::is_same_v<I, Idx>;
  template <class N, class V2> XLOSS_INLINE V leaf() const {
    if constexpr (is_index_var_v<N>) return V(static_cast<T>(pos));
    else if constexpr (is_row_var_v<N> || is_label_list_var_v<N>) return V(c.template element<N>(pos));  // X[j]
    else if constexpr (is_node_v<N, op::at>) return V(c.template element<detail::arg_t<N, 0>>(pos));  // X[Idx]
    else return c.template leaf<N, V>();
  }
  template <class N, class V2> XLOSS_INLINE auto outer() const {
    if constexpr (contains_v<N, typename F::list>) return f.template get<N>();
    else return c.template outer<N, V2>();
  }
  template <class R> XLOSS_INLINE T gather_one(T a) const { return c.template gather_one<R>(a); }
  template <class R, class V2, class Ix> XLOSS_INLINE V gather(const V& at) const {
    return gather_lanes<R, Ix, lane_index>(*this, at);
  }
  template <class R> XLOSS_INLINE std::ptrdiff_t extent() const { return c.template extent<R>(); }
};

// The inner loop of a nested reduction over the row, inside a loop that runs
// one position at a time (a label list's entries, see entry_at_a_time): here
// the inner loop is the vectorised one, W row positions per pack, and the
// enclosing loop's values are broadcast to the lanes.
template <class Parent, class F, class Idx>
struct row_inner_cursor {
  using T = typename Parent::T;
  using V = lane_of<T>;
  using lane_type = V;
  using lane_index = Idx;
  const Parent& c;
  const F& f;
  std::ptrdiff_t pos = 0;
  int n = 0;

  template <class I> static constexpr bool owns = std::is_same_v<I, Idx>;
  template <class X> XLOSS_INLINE V load() const {
    constexpr std::size_t k = index_of_v<X, typename Parent::terms>;
    return load_lane<V>(c.base[k] + pos, n);
  }
  template <class N, class V2> XLOSS_INLINE V leaf() const {
    if constexpr (is_index_var_v<N>) return iota<V>(pos);
    else if constexpr (is_row_var_v<N>) return load<N>();                                    // X[k]
    else if constexpr (is_node_v<N, op::at>) return load<detail::arg_t<N, 0>>();             // X[k]
    else return V(c.template leaf<N, T>());                                                  // parameters, extents
  }
  template <class S> XLOSS_INLINE static auto spread(const S& s) {
    if constexpr (std::is_same_v<S, bool>) return V(T(s ? 1 : 0)) == V(T(1));
    else return V(s);
  }
  template <class N, class V2> XLOSS_INLINE auto outer() const {
    if constexpr (contains_v<N, typename F::list>) return spread(f.template get<N>());
    else return spread(c.template outer<N, T>());
  }
  template <class X> XLOSS_INLINE T element(std::ptrdiff_t p) const { return c.template element<X>(p); }
  template <class R> XLOSS_INLINE T gather_one(T a) const { return c.template gather_one<R>(a); }
  template <class R, class V2, class Ix> XLOSS_INLINE V gather(const V& at) const {
    return gather_lanes<R, Ix, Idx>(*this, at);
  }
  template <class R> XLOSS_INLINE std::ptrdiff_t extent() const { return c.template extent<R>(); }
};

// ------------------------------------------------------------ evaluation
template <class A, class V, class F, class C>
XLOSS_INLINE auto fetch(F& f, const C& c) {
  if constexpr (contains_v<A, typename F::list>) return f.template get<A>();
  else return c.template outer<A, V>();
}

template <class N, class V, class F, class C> XLOSS_INLINE V nested(F& f, const C& c);
template <class N, class V, class F, class C> XLOSS_INLINE V nested_lanes(F& f, const C& c);

template <class N, class V, class F, class C>
XLOSS_INLINE auto compute(F& f, const C& c) {
  if constexpr (is_constant_v<N>) {
    return V(N::template as<lane::scalar_t<V>>());
  } else if constexpr (is_node_v<N, op::at> && !C::template owns<detail::arg_t<N, 1>>) {
    return c.template gather<detail::arg_t<N, 0>, V, detail::arg_t<N, 1>>(fetch<detail::arg_t<N, 1>, V>(f, c));
  } else if constexpr (is_leaf_v<N>) {
    return c.template leaf<N, V>();
  } else if constexpr (is_reduction_v<N>) {
    return nested<N, V>(f, c);
  } else {
    return [&]<class Op, class... A>(expr<Op, A...>) XLOSS_LAMBDA_INLINE { return Op::eval(fetch<A, V>(f, c)...); }(N{});
  }
}

// Computes the nodes of List (a sub-list of the frame's schedule) in order
// (a fold rather than for_each_type: no lambda instantiated per node).
template <class V, class... N, class F, class C>
XLOSS_INLINE void compute_each(tlist<N...>, F& f, const C& c) {
  ((f.template get<N>() = compute<N, V>(f, c)), ...);
}
template <class List, class V, class F, class C>
XLOSS_INLINE void compute_all(F& f, const C& c) {
  compute_each<V>(List{}, f, c);
}

// ------------------------------------------------------------ reductions
// The accumulator of one reduction node over the positions of a row. Only
// arg-reductions keep positions: the passes keep their accumulators in
// registers only while they are small (GCC scalarises small aggregates; a
// pass computing three sums with positions spilled them to the stack at
// every step, measured 3x slower).
struct no_index {};
template <class R, class V>
struct accumulator {
  using T = lane::scalar_t<V>;
  static constexpr op::reduce how = op_of<R>::how;
  static constexpr bool finds_max = how == op::reduce::max || how == op::reduce::argmax;
  static constexpr bool is_sum = how == op::reduce::sum;
  static constexpr bool gives_index =
      how == op::reduce::argmax || how == op::reduce::argmin || how == op::reduce::argmin_where;

  V value = is_sum ? V(T(0)) : finds_max ? -lane::infinity<V>() : lane::infinity<V>();
  [[no_unique_address]] std::conditional_t<gives_index, V, no_index> index{};

  accumulator() {
    if constexpr (gives_index) index = V(T(-1));
  }

  template <class M, class... A>
  XLOSS_INLINE void add(const M& valid, std::ptrdiff_t pos, const V& b, const A&... cond) {
    if constexpr (is_sum) {
      value = value + lane::select(valid, b, V(T(0)));
    } else {
      auto take = lane::mask_and(valid, finds_max ? value < b : b < value);
      if constexpr (sizeof...(A) == 1) take = lane::mask_and(take, cond...);
      value = lane::select(take, b, value);
      if constexpr (gives_index) index = lane::select(take, iota<V>(pos), index);
    }
  }
  // Nested reductions: every lane is its own reduction, at position pos.
  template <class... A>
  XLOSS_INLINE void add_lanes(std::ptrdiff_t pos, const V& b, const A&... cond) {
    if constexpr (is_sum) {
      value = value + b;
    } else {
      auto take = finds_max ? value < b : b < value;
      if constexpr (sizeof...(A) == 1) take = lane::mask_and(take, cond...);
      value = lane::select(take, b, value);
      if constexpr (gives_index) index = lane::select(take, V(static_cast<T>(pos)), index);
    }
  }
  V lanes() const {
    if constexpr (gives_index) return index;
    else return value;
  }

  // The reduced value; for arg-reductions the first position wins ties.
  T result() const {
    if constexpr (!lane::is_pack_v<V>) {
      return lanes();
    } else if constexpr (is_sum) {
      return simd::hsum(value);
    } else if constexpr (!gives_index) {  // no lane holds NaN: add() never takes one
      if constexpr (finds_max) return simd::hmax(value);
      else return simd::hmin(value);
    } else {
      T best = value[0], at = index[0];
      for (int l = 1; l < V::size; ++l) {
        bool better = finds_max ? value[l] > best : value[l] < best;
        if (better || (value[l] == best && index[l] >= T(0) && (at < T(0) || index[l] < at))) {
          best = value[l];
          at = index[l];
        }
      }
      return at;
    }
  }
};

template <class R, class V, class F, class C, class M>
XLOSS_INLINE void accumulate(accumulator<R, V>& a, F& f, const C& c, const M& valid) {
  [&]<class Op, class... A>(expr<Op, A...>) XLOSS_LAMBDA_INLINE { a.add(valid, c.pos, fetch<A, V>(f, c)...); }(R{});
}

// A nested reduction N at the enclosing loop's current position(s): its inner
// loop over N's index.
template <class N, class V, class F, class C>
XLOSS_INLINE V nested(F& f, const C& c) {
  using Sched = plan::inner_schedule_t<N>;
  using I = typename plan::reduction_index<N>::type;
  if constexpr (!lane::is_pack_v<V> && lane::fast_v<V> && !std::is_same_v<I, index_var<2>>) {
    // One outer position at a time: the inner loop over the row runs in packs.
    using P = lane_of<V>;
    accumulator<N, P> acc;
    row_inner_cursor<C, F, I> ic{c, f};
    auto step = [&](std::ptrdiff_t p, int n) XLOSS_LAMBDA_INLINE {
      ic.pos = p;
      ic.n = n;
      frame<Sched, P> g;
      compute_all<Sched, P>(g, ic);
      accumulate(acc, g, ic, first_n<P>(n));
    };
    for_packs<lane::width_v<P>>(c.template extent<N>(), step);
    return acc.result();
  } else {
    return nested_lanes<N, V>(f, c);
  }
}

// The lanes of the enclosing loop each accumulate, one inner position at a time.
template <class N, class V, class F, class C>
XLOSS_INLINE V nested_lanes(F& f, const C& c) {
  using Sched = plan::inner_schedule_t<N>;
  using I = typename plan::reduction_index<N>::type;
  accumulator<N, V> acc;
  inner_cursor<C, F, I> ic{c, f};
  const std::ptrdiff_t n = c.template extent<N>();
  for (std::ptrdiff_t p = 0; p < n; ++p) {
    ic.pos = p;
    frame<Sched, V> g;
    compute_all<Sched, V>(g, ic);
    [&]<class Op, class... A>(expr<Op, A...>) XLOSS_LAMBDA_INLINE { acc.add_lanes(p, fetch<A, V>(g, ic)...); }(N{});
  }
  return acc.lanes();
}

// ------------------------------------------------------------ execution
// The lanes of a loop over index Key with element schedule Sched. A loop over
// a label list (a few entries) whose elements are reductions over the row
// runs one entry at a time, so that the long inner loop over the row is the
// vectorised one (nested()); every other loop runs in packs.
template <class N>
struct is_row_nested
    : std::bool_constant<is_reduction_v<N> && !std::is_same_v<typename plan::reduction_index<N>::type, index_var<2>>> {};
template <class T, class Key, class Sched>
using loop_lanes_t = std::conditional_t<std::is_same_v<Key, index_var<2>> &&
                                            detail::filter_t<Sched, is_row_nested>::size != 0, T, lane_of<T>>;

template <class Plan, class Data>
struct executor {
  using T = typename Data::scalar;
  using V = lane_of<T>;
  static constexpr int W = lane::width_v<V>;
  using sample_frame = frame<typename Plan::sample, std::conditional_t<Plan::elementwise, V, T>>;
  using ctx = context<Data, sample_frame>;
  static constexpr std::size_t n_scalar_grads = Plan::scalar_grads::size;

  const Data& d;

  // The per-sample losses of a chunk, summed in double lanes: a float pack
  // widens half by half into two register-wide accumulators.
  struct loss_sum {
    static constexpr bool split = lane::is_pack_v<V> && std::is_same_v<T, float> && W >= 2;
    using wide = std::conditional_t<split, simd::pack<double, (split ? W / 2 : 1)>,
                                    std::conditional_t<lane::is_pack_v<V>, V, double>>;
    wide lo = wide(0.0), hi = wide(0.0);
    XLOSS_INLINE void add(const V& v) {
      if constexpr (split) {
        const auto h = simd::detail::halves(v);
        lo = lo + simd::widen(h.lo);
        hi = hi + simd::widen(h.hi);
      } else if constexpr (lane::is_pack_v<V>) {
        lo = lo + v;
      } else {
        lo = lo + static_cast<double>(v);
      }
    }
    double result() const { return widen_sum(lo) + widen_sum(hi); }
  };

  // The sum of the per-sample losses of samples [b, e).
  // The loops are compiled once, for unit-stride data (plain vector loads
  // and stores); data with other strides is staged (run_staged).
  double run(std::ptrdiff_t b, std::ptrdiff_t e) const {
    if (!d.contiguous) return run_staged(b, e);
    if constexpr (Plan::elementwise) {
      return run_elementwise(b, e, loss_sum{}).result();
    } else {
      double total = 0;
      run_rows(b, e, total);
      return total;
    }
  }

  // Adds the losses of samples [b, e) to `total` (taken and returned by
  // value, so that the accumulator can live in registers).
  loss_sum run_elementwise(std::ptrdiff_t b, std::ptrdiff_t e, loss_sum total) const {
    using cur_t = cursor<Data, sample_frame, tlist<>, V>;
    cur_t c(d);
    c.start_samples();
    auto outs = grad_outputs();
    const V scale(d.scale);
    // Full packs, then one partial pack: the full loop has no masks and
    // plain loads and stores (measured: 18.0 -> 14.0 instructions/element
    // for BCE-with-logits).
    auto step = [&]<bool Full>(std::ptrdiff_t i, int n) XLOSS_LAMBDA_INLINE {
      c.pos = i;
      c.n = Full ? W : n;
      sample_frame f;
      compute_all<typename Plan::sample, V>(f, c);
      const V& loss = f.template get<typename Plan::loss>();
      total.add(Full ? loss : lane::select(first_n<V>(c.n), loss, V(T(0))));
      if (d.losses.p != nullptr) store_lane(d.losses.p + i, loss, c.n);
      std::size_t g = 0;
      detail::for_each_type(typename Plan::scalar_grads{}, [&]<class G>() XLOSS_LAMBDA_INLINE {
        store_lane(outs[g++] + i, scale * fetch<G, V>(f, c), c.n);
      });
    };
    std::ptrdiff_t i = b;
    for (; i + W <= e; i += W) step.template operator()<true>(i, W);
    if (i < e) step.template operator()<false>(i, static_cast<int>(e - i));
    return total;
  }

  // Where each per-sample gradient starts (unit stride).
  std::array<T*, n_scalar_grads> grad_outputs() const {
    std::array<T*, n_scalar_grads> o{};
    for (std::size_t g = 0; g < n_scalar_grads; ++g) o[g] = d.grads[g].p;
    return o;
  }

  // ------------------------------------------------------------ staging
  // Data whose stride along its loop is not 1 (a column of a row-major
  // matrix, the rows of a column-major one, an InnerStride map) is copied,
  // a block of samples at a time, into unit-stride buffers; the loops run on
  // the copies and strided outputs are copied back. So the loops exist once
  // (compile time), and they always load and store whole packs.
  // Blocks of 256 samples for elementwise plans (a multiple of W: the loss
  // is summed in the same lanes and order as for unit-stride data, so the
  // bits agree), of up to 16 samples for row plans (a row array is copied
  // row-major, reading down the columns; at most 4096 elements per array
  // unless one row is longer). The buffers are per thread (staging_buffer).
  // f(view, along_row) for every real array of an evaluation: the inputs,
  // the gradients, the per-sample losses.
  template <class DataRef, class F>
  static void for_each_array(DataRef& data, F&& f) {
    detail::for_each_type(typename Data::terminals{}, [&]<class X>() {
      if constexpr (is_scalar_var_v<X> || is_row_var_v<X>)
        f(data.inputs[index_of_v<X, typename Data::terminals>].real, is_row_var_v<X>);
    });
    for (std::size_t g = 0; g < data.grads.size(); ++g) f(data.grads[g], g >= n_scalar_grads);
    f(data.losses, false);
  }
  // Does a loop run along v (every array of an elementwise plan, the rows of
  // a row plan, whose per-sample values are read one at a time) at a stride
  // other than 1?
  static bool strided(const auto& v, bool along_row) {
    return (Plan::elementwise || along_row) && v.p != nullptr && v.size() > 1 && (along_row ? v.cs : v.vstride()) != 1;
  }
  // Set once per evaluation, as data.contiguous (evaluate.hpp).
  static bool needs_staging(const Data& data) {
    bool any = false;
    for_each_array(data, [&](const auto& v, bool along_row) { any = any || strided(v, along_row); });
    return any;
  }

  double run_staged(std::ptrdiff_t b, std::ptrdiff_t e) const {
    static_assert(!Plan::elementwise || 256 % W == 0);
    const std::ptrdiff_t D = Plan::elementwise ? 1 : d.cols;  // elements per sample of a staged row
    const std::ptrdiff_t B = Plan::elementwise ? 256 : std::clamp<std::ptrdiff_t>(4096 / std::max<std::ptrdiff_t>(D, 1), 1, 16);
    const auto per_array = static_cast<std::size_t>(B * std::max<std::ptrdiff_t>(D, 1));  // elements of one buffer
    std::size_t arrays = 0;
    for_each_array(d, [&](const auto& v, bool along_row) { arrays += strided(v, along_row); });
    T* buffer = staging_buffer<T>(arrays * per_array);
    struct copy_back { view<T> to; T* from; bool along_row; };
    std::array<copy_back, std::tuple_size_v<decltype(d.grads)> + 1> outputs{};
    loss_sum lanes_total;
    double total = 0;
    for (std::ptrdiff_t s = b; s < e; s += B) {
      const std::ptrdiff_t len = std::min(B, e - s);
      Data part = d;
      std::size_t used = 0, staged_outputs = 0;
      // Each array's samples [s, s + len): advanced in place, or (strided) a
      // buffer, filled from an input or copied back to an output afterwards.
      for_each_array(part, [&]<class S>(view<S>& v, bool along_row) {
        if (!strided(v, along_row)) {
          if (v.p != nullptr) v.p += s * (along_row ? v.rs : v.vstride());
          return;
        }
        T* q = buffer + (used++) * per_array;
        if constexpr (std::is_const_v<S>) transfer<false>(v, q, s, len, along_row ? D : 1, along_row);
        else outputs[staged_outputs++] = {v, q, along_row};
        v = {q, len, along_row ? D : 1, along_row ? D : 1, 1};
      });
      detail::for_each_type(typename Data::terminals{}, [&]<class X>() {
        auto& in = part.inputs[index_of_v<X, typename Data::terminals>];
        if constexpr (is_label_var_v<X> || is_label_list_var_v<X>)
          in.labels = static_cast<const char*>(in.labels) + s * in.label_stride * (in.labels64 ? 8 : 4);
      });
      part.n = len;
      part.contiguous = true;
      const executor block{part};
      if constexpr (Plan::elementwise) lanes_total = block.run_elementwise(0, len, lanes_total);
      else block.run_rows(0, len, total);
      for (std::size_t o = 0; o < staged_outputs; ++o) {
        const copy_back& c = outputs[o];
        transfer<true>(c.to, c.from, s, len, c.along_row ? D : 1, c.along_row);
      }
    }
    return Plan::elementwise ? lanes_total.result() : total;
  }

  // Samples [s, s + len) of v and the block q (row-major, D per sample):
  // copied in (v -> q) or, Back, out (q -> v). Down the columns: unit stride
  // in a column-major matrix.
  template <bool Back, class S>
  static void transfer(const view<S>& v, T* q, std::ptrdiff_t s, std::ptrdiff_t len, std::ptrdiff_t D, bool along_row) {
    for (std::ptrdiff_t j = 0; j < D; ++j)
      for (std::ptrdiff_t r = 0; r < len; ++r) {
        S* x = v.p + (along_row ? (s + r) * v.rs + j * v.cs : (s + r) * v.vstride());
        if constexpr (Back) *x = q[r * D + j];
        else q[r * D + j] = *x;
      }
  }


  void run_rows(std::ptrdiff_t b, std::ptrdiff_t e, double& total) const {
    for (std::ptrdiff_t i = b; i < e; ++i) {
      sample_frame f;
      ctx c{d, &f, i};
      run_stages(f, c, std::make_integer_sequence<int, Plan::stages + 1>{});
      T loss = f.template get<typename Plan::loss>();
      total += static_cast<double>(loss);
      if (d.losses.p != nullptr) d.losses.p[i * d.losses.vstride()] = loss;
      store_scalar_grads(f, c, i);
      if constexpr (Plan::row_grads::size > 0) gradient_pass(f, c);
    }
  }

  template <int... S>
  void run_stages(sample_frame& f, ctx& c, std::integer_sequence<int, S...>) const {
    ((S > 0 ? row_pass<S>(f, c) : void(), compute_all<typename Plan::template computed_at<S>, T>(f, c)), ...);
  }

  // The passes of stage S: one per index (j, k: the row; entry: the label
  // list), each computing all of its reductions together.
  template <int S>
  void row_pass(sample_frame& f, const ctx& sc) const {
    detail::for_each_type(typename Plan::template keys_at<S>{}, [&]<class Key>() { key_pass<S, Key>(f, sc); });
  }

  // One sweep along the row computing the reductions of index Key at stage S
  // — and, in the last pass of a plan whose row gradients need nothing from
  // it (plan::grads_in_last_pass), writing the dense row gradients too, from
  // one element schedule shared with the reductions.
  template <int S, class Key>
  void key_pass(sample_frame& f, const ctx& sc) const {
    constexpr bool with_gradients = Plan::grads_in_last_pass && S == Plan::stages;
    using Rs = typename Plan::template pass_reductions<S, Key>;
    using RG = std::conditional_t<with_gradients, typename Plan::row_grads_in_pass, tlist<>>;
    using Sched = typename decltype([] {
      if constexpr (with_gradients) return std::type_identity<typename Plan::template last_pass_schedule<>>{};
      else return std::type_identity<typename Plan::template pass_schedule<S, Key>>{};
    }())::type;
    using PV = loop_lanes_t<T, Key, Sched>;
    using Reads = typename plan::concat2<plan::all_operands_t<Rs>, RG>::type;
    using cur_t = cursor<Data, sample_frame, plan::outer_refs_t<Sched, Reads>, PV, Key>;
    cur_t c(d, &f);
    c.start_rows(sc.i);
    auto accs = make_accumulators<PV>(Rs{});
    [[maybe_unused]] const auto outs = row_grad_outputs(sc.i);
    [[maybe_unused]] const PV scale(d.scale);
    auto step = [&](std::ptrdiff_t pos, int n) XLOSS_LAMBDA_INLINE {
      c.pos = pos;
      c.n = n;
      frame<Sched, PV> ef;
      compute_all<Sched, PV>(ef, c);
      auto valid = first_n<PV>(n);
      detail::for_each_type(Rs{}, [&]<class R>() XLOSS_LAMBDA_INLINE {
        accumulate(std::get<index_of_v<R, Rs>>(accs), ef, c, valid);
      });
      std::size_t g = 0;
      detail::for_each_type(RG{}, [&]<class G>() XLOSS_LAMBDA_INLINE {
        store_lane(outs[g++] + pos, scale * fetch<G, PV>(ef, c), n);
      });
    };
    for_packs<lane::width_v<PV>>(c.template extent<detail::nth_t<Rs, 0>>(), step);
    detail::for_each_type(Rs{}, [&]<class R>() XLOSS_LAMBDA_INLINE {
      f.template get<R>() = std::get<index_of_v<R, Rs>>(accs).result();
    });
  }
  template <class L, class... R> static auto make_accumulators(tlist<R...>) { return std::tuple<accumulator<R, L>...>{}; }

  // Where sample i's row gradients start.
  XLOSS_INLINE std::array<T*, Plan::row_grads::size> row_grad_outputs(std::ptrdiff_t i) const {
    std::array<T*, Plan::row_grads::size> outs{};
    for (std::size_t g = 0; g < outs.size(); ++g) {
      const view<T>& o = d.grads[n_scalar_grads + g];
      outs[g] = o.p + i * o.rs;
    }
    return outs;
  }

  // One pass over the row writing every row gradient (unless the last row
  // pass wrote them), then the scatter terms. Inlined into the per-sample
  // loop: as a call it cost a vzeroupper, a stack frame and the re-broadcast
  // of its per-sample values per sample, and GCC vectorised the per-sample
  // scalars around the call badly (triplet float 10⁶ fused / hand-written
  // 1.25 -> 1.0, cosine 2.4 -> 2.0; idle machine, interleaved).
  XLOSS_INLINE void gradient_pass(sample_frame& f, const ctx& sc) const {
    using Sched = typename Plan::grad_schedule;
    using RG = typename Plan::row_grads;
    const auto outs = row_grad_outputs(sc.i);
    if constexpr (!Plan::grads_in_last_pass) {
      using cur_t = cursor<Data, sample_frame, plan::outer_refs_t<Sched, RG>, V, out_index>;
      cur_t c(d, &f);
      c.start_rows(sc.i);
      const V scale(d.scale);
      auto step = [&](std::ptrdiff_t pos, int n) XLOSS_LAMBDA_INLINE {
        c.pos = pos;
        c.n = n;
        frame<Sched, V> ef;
        compute_all<Sched, V>(ef, c);
        std::size_t g = 0;
        detail::for_each_type(RG{}, [&]<class G>() XLOSS_LAMBDA_INLINE {
          store_lane(outs[g++] + pos, scale * fetch<G, V>(ef, c), n);
        });
      };
      for_packs<W>(d.cols, step);
    }
    std::size_t g = 0;
    detail::for_each_type(typename Plan::scatters{}, [&]<class Ss>() XLOSS_LAMBDA_INLINE {
      detail::for_each_type(Ss{}, [&]<class Sc>() XLOSS_LAMBDA_INLINE { scatter_pass<Sc>(f, sc, outs[g]); });
      ++g;
    });
  }

  // A scatter term Σ_k [I(k) = out]·h(k) of a row gradient (plan.hpp): one
  // loop over k adding h(k) at position I(k), after the gradient pass; a
  // point scatter [I = out]·h: h added at I.
  template <class Sc>
  XLOSS_INLINE void scatter_pass(sample_frame& f, const ctx& sc, T* out) const {
    using Roots = typename Plan::template scatter_roots<Sc>;
    using Pos = detail::nth_t<Roots, 0>;
    using H = detail::nth_t<Roots, 1>;
    if constexpr (plan::is_point_scatter_v<Sc>) {
      const T a = fetch<Pos, T>(f, sc);
      const auto p = static_cast<std::ptrdiff_t>(a);
      if (a >= T(0) && p < d.cols) out[p] += d.scale * fetch<H, T>(f, sc);
    } else {
      loop_scatter_pass<Sc, Pos, H>(f, sc, out);
    }
  }
  template <class Sc, class Pos, class H>
  void loop_scatter_pass(sample_frame& f, const ctx& sc, T* out) const {
    using Sched = typename Plan::template scatter_schedule<Sc>;
    using Roots = typename Plan::template scatter_roots<Sc>;
    using I = typename plan::reduction_index<Sc>::type;
    using PV = loop_lanes_t<T, I, Sched>;
    using cur_t = cursor<Data, sample_frame, plan::outer_refs_t<Sched, Roots>, PV, I>;
    cur_t c(d, &f);
    c.start_rows(sc.i);
    const T scale = d.scale;
    for_packs<lane::width_v<PV>>(c.template extent<Sc>(), [&](std::ptrdiff_t pos, int n) XLOSS_LAMBDA_INLINE {
      c.pos = pos;
      c.n = n;
      frame<Sched, PV> ef;
      compute_all<Sched, PV>(ef, c);
      const PV at = fetch<Pos, PV>(ef, c), h = fetch<H, PV>(ef, c);
      for (int l = 0; l < c.n; ++l) {
        const T a = lane::lane_value(at, l);
        const auto p = static_cast<std::ptrdiff_t>(a);
        if (a >= T(0) && p < d.cols) out[p] += scale * lane::lane_value(h, l);
      }
    });
  }

  // Row plans: the per-sample gradients of sample i.
  XLOSS_INLINE void store_scalar_grads(sample_frame& f, const ctx& c, std::ptrdiff_t i) const {
    std::size_t g = 0;
    detail::for_each_type(typename Plan::scalar_grads{}, [&]<class G>() XLOSS_LAMBDA_INLINE {
      const view<T>& out = d.grads[g++];
      out.p[i * out.vstride()] = d.scale * fetch<G, T>(f, c);
    });
  }
};

}  // namespace xloss::kernel
