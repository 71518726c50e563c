// A minimal type list: the planner's only data structure. Hand-rolled with
// fold expressions because it is all the planner needs and costs far less
// compile time than a general metaprogramming library (docs/design.md).
#pragma once

#include <cstddef>
#include <type_traits>

namespace xloss::detail {

template <class... T>
struct tlist {
  static constexpr std::size_t size = sizeof...(T);
};

template <class T, class L> inline constexpr bool contains_v = false;
template <class T, class... L>
inline constexpr bool contains_v<T, tlist<L...>> = (std::is_same_v<T, L> || ...);

// push_unique<L, T>: L with T appended unless already present.
template <class L, class T> struct push_unique;
template <class... L, class T>
struct push_unique<tlist<L...>, T> {
  using type = std::conditional_t<contains_v<T, tlist<L...>>, tlist<L...>, tlist<L..., T>>;
};
template <class L, class T> using push_unique_t = typename push_unique<L, T>::type;

// union_t<A, B>: A followed by the members of B not in A (order kept).
template <class A, class B> struct union_;
template <class A> struct union_<A, tlist<>> { using type = A; };
template <class A, class B0, class... B>
struct union_<A, tlist<B0, B...>> {
  using type = typename union_<push_unique_t<A, B0>, tlist<B...>>::type;
};
template <class A, class B> using union_t = typename union_<A, B>::type;

// index_of_v<T, L>: position of T in L (L must contain T).
template <class T, class L> struct index_of;
template <class T, class... L>
struct index_of<T, tlist<L...>> {
  static constexpr std::size_t value = [] {
    constexpr bool hits[] = {std::is_same_v<T, L>..., false};
    std::size_t i = 0;
    while (!hits[i]) ++i;
    return i;
  }();
};
template <class T, class L> inline constexpr std::size_t index_of_v = index_of<T, L>::value;

// nth_t<L, I>: the I-th member of L.
template <class L, std::size_t I> struct nth;
template <class T0, class... T> struct nth<tlist<T0, T...>, 0> { using type = T0; };
template <class T0, class... T, std::size_t I> struct nth<tlist<T0, T...>, I> : nth<tlist<T...>, I - 1> {};
template <class L, std::size_t I> using nth_t = typename nth<L, I>::type;

// filter_t<L, Pred>: members of L for which Pred<T>::value holds.
template <class L, template <class> class Pred> struct filter;
template <class... L, template <class> class Pred>
struct filter<tlist<L...>, Pred> {
  template <class T>
  using keep = std::conditional_t<Pred<T>::value, tlist<T>, tlist<>>;
  template <class... Ls> struct cat { using type = tlist<>; };
  template <class... A, class... Rest>
  struct cat<tlist<A...>, Rest...> {
    using type = typename union_<tlist<A...>, typename cat<Rest...>::type>::type;
  };
  using type = typename cat<keep<L>...>::type;
};
template <class L, template <class> class Pred> using filter_t = typename filter<L, Pred>::type;

// for_each_type<L>(f): calls f.template operator()<T>() for each T in order.
template <class... T, class F>
[[gnu::always_inline]] constexpr void for_each_type(tlist<T...>, F&& f) {
  (f.template operator()<T>(), ...);
}

}  // namespace xloss::detail
