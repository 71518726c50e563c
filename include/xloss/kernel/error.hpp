// Run-time errors of an evaluation: std::invalid_argument("xloss: …").
//
// The message is assembled out of line, in one function per translation unit
// shared by every check of every kernel: the checks are templates instantiated
// per loss and binding, and building a std::string at each of them was most of
// the object code of a kernel's translation unit (measured: 18 of 28 KiB).
//   detail::fail({"'", name, "' has ", n, " samples"});
#pragma once

#include <concepts>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace xloss::detail {

// One piece of a message: text or an integer.
struct message_part {
  std::string_view text;
  long long number = 0;
  bool is_number = false;
  message_part(std::string_view t) : text(t) {}
  message_part(const char* t) : text(t) {}
  template <std::integral I>
  message_part(I n) : number(static_cast<long long>(n)), is_number(true) {}
};

[[noreturn, gnu::cold, gnu::noinline]] inline void fail(std::initializer_list<message_part> parts) {
  std::string message = "xloss: ";
  for (const message_part& p : parts) {
    if (p.is_number) message += std::to_string(p.number);
    else message += p.text;
  }
  throw std::invalid_argument(message);
}

}  // namespace xloss::detail
