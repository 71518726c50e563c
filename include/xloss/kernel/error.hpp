// Run-time errors of an evaluation: std::invalid_argument("xloss: …").
//
// The message is assembled out of line, in one function per translation unit
// shared by every check of every kernel: the checks are templates instantiated
// per loss and binding, and building a std::string at each of them was most of
// the object code of a kernel's translation unit (measured: 18 of 28 KiB). It
// is written into a fixed buffer with snprintf, not a std::string: no string
// templates are instantiated in the unit at all (messages longer than the
// buffer, 1 KiB, end cut short).
//   detail::fail({"'", name, "' has ", n, " samples"});
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
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
  char message[1024] = "xloss: ";
  std::size_t used = 7;
  for (const message_part& p : parts) {
    if (used + 1 >= sizeof message) break;
    int n = p.is_number ? std::snprintf(message + used, sizeof message - used, "%lld", p.number)
                        : std::snprintf(message + used, sizeof message - used, "%.*s",
                                        static_cast<int>(p.text.size()), p.text.data());
    used = std::min(sizeof message - 1, used + static_cast<std::size_t>(n));
  }
  throw std::invalid_argument(message);
}

}  // namespace xloss::detail
