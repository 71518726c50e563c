// Must not compile: a runtime number cannot become part of an expression type.
#include <xloss/xloss.hpp>
int main() {
  constexpr auto x = xloss::scalar<"x">;
  double two = 2;
  auto bad = two * x;
  (void)bad;
}
