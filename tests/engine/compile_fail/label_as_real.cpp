// Must not compile: a label is a position, not a number.
#include <xloss/xloss.hpp>
int main() {
  constexpr auto y = xloss::label<"y">;
  auto bad = xloss::exp(y);
  (void)bad;
}
