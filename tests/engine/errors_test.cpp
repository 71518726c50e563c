// Bad input throws std::invalid_argument naming the variable and the problem.
#define BOOST_TEST_MODULE errors
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

#include <xloss/xloss.hpp>

using namespace xloss;
using namespace xloss::literals;

namespace {
constexpr auto x = scalar<"x">;
constexpr auto y = scalar<"y">;
constexpr auto E = row<"E">;
constexpr auto F = row<"F">;
constexpr auto lab = label<"lab">;

// Runs f, expecting std::invalid_argument whose message contains every part.
template <class F>
void expect_error(F f, std::initializer_list<std::string> parts) {
  try {
    f();
    BOOST_ERROR("no exception");
  } catch (const std::invalid_argument& e) {
    std::string msg = e.what();
    for (const auto& p : parts) BOOST_TEST(msg.find(p) != std::string::npos, "'" << p << "' not in: " << msg);
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(sample_counts_must_agree) {
  Eigen::VectorXd X(5), Y(4);
  expect_error([&] { evaluate(x * y, reduction::sum, x = X, y = Y); }, {"'y'", "4", "'x'", "5"});
}

BOOST_AUTO_TEST_CASE(rows_must_share_their_length) {
  Eigen::MatrixXd A(3, 4), B(3, 5);
  expect_error([&] { evaluate(dot(E, F), reduction::sum, E = A, F = B); }, {"row 'F'", "5 columns", "row 'E'", "4"});
}

BOOST_AUTO_TEST_CASE(labels_must_be_positions) {
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(3, 4);
  Eigen::VectorXi Y(3);
  Y << 0, 4, 1;
  expect_error([&] { evaluate(E[lab], reduction::sum, E = A, lab = Y); }, {"label 'lab'", "4", "sample 1", "[0, 4)"});
  Y << 0, -1, 1;
  expect_error([&] { evaluate(E[lab], reduction::sum, E = A, lab = Y); }, {"label 'lab'", "-1"});
}

BOOST_AUTO_TEST_CASE(scalars_must_be_vectors) {
  Eigen::MatrixXd X(3, 2), Y(6, 1);
  expect_error([&] { evaluate(x * y, reduction::sum, x = X, y = Y); }, {"'x'", "vector", "3x2"});
}

BOOST_AUTO_TEST_CASE(outputs_must_fit) {
  Eigen::VectorXd X(5), Y(5), storage(3);
  Eigen::Map<Eigen::VectorXd> G(storage.data(), 3);
  expect_error([&] { evaluate(x * y, reduction::sum, x = X, y = Y, grad(x) = G); }, {"grad(x)", "3x1", "5x1"});
  expect_error([&] { evaluate(x * y, reduction::none, x = X, y = Y); }, {"reduction::none", "loss_out"});
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
  Eigen::VectorXd X(5), Y(5);
  expect_error([&] { evaluate(x * y, reduction::sum, x = X, y = Y, threads(0)); }, {"threads(0)"});
  expect_error([&] { evaluate(x * y, reduction::mean, x = X, y = Y, divide_by(2)); }, {"divide_by", "reduction::sum"});
}

BOOST_AUTO_TEST_CASE(plain_objects_are_resized) {
  Eigen::VectorXd X = Eigen::VectorXd::Ones(5), Y = Eigen::VectorXd::Ones(5), G(2);
  evaluate(x * y, reduction::sum, x = X, y = Y, grad(x) = G);
  BOOST_TEST(G.size() == 5);
  BOOST_TEST((G.array() == 1).all());
}

// Messages are assembled in a fixed buffer: numbers of every size come out
// whole, and a message longer than the buffer ends cut short, never overruns.
BOOST_AUTO_TEST_CASE(messages_are_assembled_whole_or_cut_short) {
  expect_error([] { detail::fail({"n = ", -9223372036854775807LL - 1, ", m = ", 0, ", k = ", 18}); },
               {"xloss: n = -9223372036854775808, m = 0, k = 18"});
  const std::string long_name(3000, 'v');
  try {
    detail::fail({"'", std::string_view(long_name), "' is wrong"});
  } catch (const std::invalid_argument& e) {
    std::string msg = e.what();
    BOOST_TEST(msg.size() == 1023u);
    BOOST_TEST(msg == "xloss: '" + long_name.substr(0, 1023 - 8));
  }
}
