// Must not compile: labels have no gradient.
#include <xloss/xloss.hpp>
int main() {
  constexpr auto E = xloss::row<"E">;
  constexpr auto y = xloss::label<"y">;
  auto g = xloss::d(E[y], y);
  (void)g;
}
