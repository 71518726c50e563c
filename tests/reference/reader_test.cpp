#define BOOST_TEST_MODULE reference data
#include <boost/test/unit_test.hpp>

#include "support/reference_data.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace xt = xloss::testing;

namespace {

const std::vector<std::string> kLosses = {
    "binary_cross_entropy", "kl_div", "binary_cross_entropy_with_logits", "margin_ranking_loss",
    "triplet_margin_loss", "soft_margin_loss", "multilabel_margin_loss", "hinge_embedding_loss",
    "cosine_embedding_loss", "cross_entropy", "nll_loss", "multi_margin_loss",
    "multilabel_soft_margin_loss", "huber_loss", "smooth_l1_loss", "mse_loss", "l1_loss"};

// Every *.txt in tests/reference/data, sorted.
std::vector<std::string> data_files() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(XLOSS_SOURCE_DIR "/tests/reference/data"))
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// a and b agree to `ulps` units of the dtype's epsilon (relative); NaN matches NaN.
bool close(double a, double b, double ulps, const std::string& dtype) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  const double eps = dtype == "f32" ? double{FLT_EPSILON} : DBL_EPSILON;
  return std::fabs(a - b) <= ulps * eps * std::max(std::fabs(a), std::fabs(b));
}

const xt::ref_case& find_case(const std::vector<xt::ref_case>& cases, const std::string& id) {
  for (const auto& c : cases)
    if (c.id == id) return c;
  throw std::out_of_range("no case " + id);
}

// The "_<reduction>_<dtype>" that ends every case id of gen_pytorch_losses.py.
// Built with append: GCC 12 -O3 warns falsely (-Wrestrict) on "_" + std::string.
std::string id_suffix(const xt::ref_case& c) {
  std::string suffix(1, '_');
  return suffix.append(c.opt("reduction", "?")).append(1, '_').append(c.opt("dtype", "?"));
}

// "<scenario>_<reduction>_<dtype>" -> "<scenario>_<dtype>", the key shared by
// the reductions of one set of inputs.
std::string scenario_key(const xt::ref_case& c) {
  const std::string suffix = id_suffix(c);
  BOOST_TEST_REQUIRE(c.id.ends_with(suffix));
  std::string key = c.id.substr(0, c.id.size() - suffix.size());
  return key.append(1, '_').append(c.opt("dtype", "?"));
}

void check_values(const xt::tensor& t, const std::vector<double>& expected, double ulps,
                  const std::string& dtype, const std::string& where) {
  BOOST_TEST_REQUIRE(t.values.size() == expected.size(), where);
  for (std::size_t i = 0; i < expected.size(); ++i)
    BOOST_TEST(close(t.values[i], expected[i], ulps, dtype),
               where << "[" << i << "] = " << t.values[i] << ", expected " << expected[i]);
}

}  // namespace

// Every data file in the folder, whichever generator wrote it (others add
// files in the same format): it parses, every case has `out`, integer tensors
// hold integers, grad_<x> has the shape of <x>, and a case flagged
// unstable_in_pytorch carries out_stable of out's shape.
BOOST_AUTO_TEST_CASE(every_data_file_parses_and_is_consistent) {
  BOOST_TEST_REQUIRE(data_files().size() >= kLosses.size());
  for (const std::string& path : data_files()) {
    const auto cases = xt::load_reference(path);
    BOOST_TEST(!cases.empty(), path);
    for (const auto& c : cases) {
      const std::string where = path + ": " + c.loss + " " + c.id;
      BOOST_TEST(c.has("out"), where);
      for (const auto& t : c.tensors) {
        if (t.dtype == "i64")
          for (double v : t.values) BOOST_TEST(v == std::trunc(v), where << " " << t.name);
        if (t.name.starts_with("grad_")) {  // grad_<x>[_stable] has the shape of <x>
          std::string input = t.name.substr(5);
          if (input.ends_with("_stable")) input.resize(input.size() - 7);
          BOOST_TEST_REQUIRE(c.has(input), where << " " << t.name);
          BOOST_TEST(c.at(input).shape == t.shape, where << " " << t.name);
        }
      }
      const bool unstable = c.opt_num("unstable_in_pytorch", 0) != 0;
      BOOST_TEST(unstable == c.has("out_stable"), where);
      if (unstable) BOOST_TEST(c.at("out_stable").shape == c.at("out").shape, where);
    }
    BOOST_TEST_MESSAGE(std::filesystem::path(path).filename().string()
                       << ": " << cases.size() << " cases, " << std::filesystem::file_size(path) << " bytes");
  }
}

// The files of gen_pytorch_losses.py: size budget, one file per loss, unique
// "<scenario>_<reduction>_<dtype>" ids, both dtypes and all reductions present,
// and tensor dtypes matching the case's dtype option.
BOOST_AUTO_TEST_CASE(the_pytorch_loss_files_cover_the_catalogue) {
  std::uintmax_t total_bytes = 0;
  for (const std::string& loss : kLosses) {
    const std::string path = xt::reference_path(loss);
    const std::uintmax_t bytes = std::filesystem::file_size(path);
    BOOST_TEST(bytes < 1'000'000u, path << " is " << bytes << " bytes");
    total_bytes += bytes;
    std::set<std::string> ids, reductions, dtypes;
    for (const auto& c : xt::load_reference(path)) {
      const std::string where = loss + " " + c.id;
      BOOST_TEST(c.loss == loss, where);
      BOOST_TEST(ids.insert(c.id).second, where << ": duplicate case id");
      const std::string dtype = c.opt("dtype", "?");
      BOOST_TEST((dtype == "f64" || dtype == "f32"), where);
      BOOST_TEST(c.id.ends_with(id_suffix(c)), where);
      reductions.insert(c.opt("reduction", "?"));
      dtypes.insert(dtype);
      for (const auto& t : c.tensors)
        if (t.dtype != "i64")  // stable references are float64 by design
          BOOST_TEST(t.dtype == (t.name.ends_with("_stable") ? "f64" : dtype), where << " " << t.name);
    }
    BOOST_TEST(dtypes.size() == 2u, loss);
    for (const char* r : {"none", "mean", "sum"}) BOOST_TEST(reductions.count(r) == 1u, loss << " " << r);
    if (loss == "kl_div") BOOST_TEST(reductions.count("batchmean") == 1u);
  }
  BOOST_TEST(total_bytes < 6'000'000u);
}

// f32 values are short decimals; the reader parses them with strtod and then
// rounds to float. That double rounding must agree with a direct strtof.
BOOST_AUTO_TEST_CASE(float32_values_round_to_the_same_float_either_way) {
  long checked = 0;
  for (const std::string& path : data_files()) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("tensor ")) continue;
      std::istringstream tok(line);
      std::string word, name, dtype;
      tok >> word >> name >> dtype;
      if (dtype != "f32") continue;
      while (tok >> word && word != ":") {
      }
      while (tok >> word) {
        const float direct = std::strtof(word.c_str(), nullptr);
        const float via_double = static_cast<float>(std::strtod(word.c_str(), nullptr));
        BOOST_TEST((direct == via_double || (std::isnan(direct) && std::isnan(via_double))),
                   path << " " << name << ": " << word);
        ++checked;
      }
    }
  }
  BOOST_TEST(checked > 10000);
}

// 'sum' is the sum of 'none' and 'mean' divides it by the documented count
// (pytorch_losses.md section 0.1 and appendix A): checks the generator paired the
// reductions correctly and that the data obeys PyTorch's reduction rules.
BOOST_AUTO_TEST_CASE(reductions_agree_with_the_unreduced_output) {
  for (const std::string& loss : kLosses) {
    const auto cases = xt::load_reference(xt::reference_path(loss));
    std::map<std::string, const xt::ref_case*> none;
    for (const auto& c : cases)
      if (c.opt("reduction", "") == "none") none[scenario_key(c)] = &c;
    int checked = 0;
    for (const auto& c : cases) {
      const std::string red = c.opt("reduction", "");
      if (red == "none") continue;
      const std::string where = loss + " " + c.id;
      BOOST_TEST_REQUIRE(none.count(scenario_key(c)) == 1u, where);
      const xt::ref_case& u = *none[scenario_key(c)];
      long double sum = 0, abs_sum = 0;
      for (double v : u.at("out").values) sum += v, abs_sum += std::fabs(v);
      if (!std::isfinite(static_cast<double>(sum))) continue;  // inf/NaN elements: nothing to compare

      // The divisor of 'mean': weighted count of non-ignored class targets for
      // NLL / CE with class indices, batch size for batchmean, numel otherwise.
      long double divisor = static_cast<long double>(u.at("out").numel());
      const xt::tensor& target = c.has("target") ? c.at("target") : c.at("out");
      if ((loss == "nll_loss" || loss == "cross_entropy") && target.dtype == "i64") {
        divisor = 0;
        for (double y : target.values)
          if (y != c.opt_num("ignore_index", -100))
            divisor += c.has("weight") ? c.at("weight").values[static_cast<std::size_t>(y)] : 1.0;
      }
      if (red == "batchmean")
        divisor = c.at("input").shape.empty() ? 1 : c.at("input").shape[0];

      const double got = c.at("out").values.at(0);
      const long double want = red == "sum" ? sum : sum / divisor;
      const double n = static_cast<double>(u.at("out").numel()) + 1;
      if (red != "sum" && divisor == 0) {
        BOOST_TEST(std::isnan(got), where << ": 0/0 should be NaN, got " << got);
      } else {
        const long double tol = static_cast<long double>(
            n * 4 * (c.opt("dtype", "") == "f32" ? FLT_EPSILON : DBL_EPSILON));
        const long double scale = red == "sum" ? abs_sum : abs_sum / divisor;
        BOOST_TEST(std::fabs(static_cast<long double>(got) - want) <= tol * scale,
                   where << ": " << got << " vs " << static_cast<double>(want));
      }
      ++checked;
    }
    BOOST_TEST(checked > 0, loss);
  }
}

// Element-wise regression losses recomputed from the stored inputs in long
// double (the definitions in pytorch_losses.md appendix A), with grad_output = 1.
BOOST_AUTO_TEST_CASE(elementwise_losses_match_their_definitions) {
  for (const std::string loss : {"mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss"}) {
    int checked = 0;
    for (const auto& c : xt::load_reference(xt::reference_path(loss))) {
      if (c.opt("reduction", "") != "none") continue;
      const std::string dtype = c.opt("dtype", "");
      const auto& x = c.at("input").values;
      const auto& y = c.at("target").values;
      const long double delta = c.opt_num("delta", 1), beta = c.opt_num("beta", 1);
      std::vector<double> out, grad, grad_target;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const long double d = static_cast<long double>(x[i]) - y[i], a = std::fabs(d);
        const long double sgn = d > 0 ? 1 : (d < 0 ? -1 : 0);
        long double l = a, g = sgn;
        if (loss == "mse_loss") l = d * d, g = 2 * d;
        if (loss == "huber_loss" && a < delta) l = d * d / 2, g = d;
        if (loss == "huber_loss" && a >= delta) l = delta * (a - delta / 2), g = delta * sgn;
        if (loss == "smooth_l1_loss" && a < beta) l = d * d / 2 / beta, g = d / beta;
        if (loss == "smooth_l1_loss" && a >= beta) l = a - beta / 2;
        out.push_back(static_cast<double>(l));
        grad.push_back(static_cast<double>(g));
        grad_target.push_back(static_cast<double>(-g));
        // |d| has no derivative at 0, so the value there is a convention: PyTorch's
        // (SmoothL1 with beta = 0 gives -1 for both gradients) is not checked here.
        if (loss == "smooth_l1_loss" && beta == 0 && d == 0) {
          grad.back() = c.at("grad_input").values[i];
          grad_target.back() = c.at("grad_target").values[i];
        }
      }
      check_values(c.at("out"), out, 4, dtype, loss + " " + c.id + " out");
      check_values(c.at("grad_input"), grad, 4, dtype, loss + " " + c.id + " grad_input");
      check_values(c.at("grad_target"), grad_target, 4, dtype, loss + " " + c.id + " grad_target");
      ++checked;
    }
    BOOST_TEST(checked >= 4, loss);
  }
}

// Values measured from PyTorch independently of the generator (the worked
// examples of pytorch_losses.md), or exact mathematics where stated.
BOOST_AUTO_TEST_CASE(worked_examples_of_the_spec) {
  const auto load = [](const std::string& loss) { return xt::load_reference(xt::reference_path(loss)); };
  const double eps = static_cast<double>(1e-12f);  // PyTorch's EPSILON (float literal)

  const auto bce = load("binary_cross_entropy");  // section 1 numerics
  const auto& b = find_case(bce, "extreme_none_f64");
  check_values(b.at("input"), {0, 0, 0, 1, 1, 1, 0.5, 1e-50, 1 - 0x1p-53, 1e-30, 0.999999, 0.25}, 0, "f64",
               "bce input");
  const auto& bo = b.at("out").values;
  check_values(xt::tensor{"", "", {4}, {bo[0], bo[2], bo[5], bo[8]}}, {100, 30, 70, 36.7368005696771}, 4,
               "f64", "bce out");
  BOOST_TEST(close(b.at("grad_input").values[0], -1 / eps, 1, "f64"));
  BOOST_TEST(b.at("grad_input").values[0] == -1000000003995.8029);
  BOOST_TEST(find_case(bce, "extreme_none_f32").at("out").values[9] == 69.07755279541015625);

  const auto kl_cases = load("kl_div");
  const auto& kl = find_case(kl_cases, "extreme_log0_none_f64");  // section 2
  const auto& ko = kl.at("out").values;
  check_values(xt::tensor{"", "", {3}, {ko[0], ko[1], ko[2]}},
               {-0.12188758248682008, 0, -0.5785148410513679}, 4, "f64", "kl_div out");

  const auto bce_logits = load("binary_cross_entropy_with_logits");  // section 3
  check_values(find_case(bce_logits, "spec_example_none_f64").at("out"),
               {1.887457232832735, 1.42223095254032, 4.253856022085945}, 4, "f64", "bce_logits out");

  const auto mr_cases = load("margin_ranking_loss");
  const auto& mr = find_case(mr_cases, "kink_m0.5_none_f64");  // section 4
  for (const char* name : {"out", "grad_input1", "grad_target"}) {
    const std::map<std::string, std::vector<double>> want = {
        {"out", {0, 0.5, 0, 0}}, {"grad_input1", {-0.0, -1, 0, 1}}, {"grad_target", {-0.0, -0.0, 0, 0.5}}};
    const auto& v = mr.at(name).values;
    check_values(xt::tensor{"", "", {4}, {v[0], v[1], v[2], v[3]}}, want.at(name), 0, "f64", name);
  }

  const auto triplet = load("triplet_margin_loss");  // section 5
  check_values(find_case(triplet, "spec_example_none_f64").at("out"),
               {2.498001805406602e-13, 1.4999999999995}, 16, "f64", "triplet out");
  const double r = 1 / std::sqrt(2.0);  // A=P=N=0: -eps/|eps| along (1,1)
  check_values(find_case(triplet, "zeros_p2_none_f64").at("grad_positive"), {-r, -r, -r, -r}, 2, "f64",
               "triplet zeros grad_positive");

  const auto sm_cases = load("soft_margin_loss");
  const auto& sm = find_case(sm_cases, "extreme_none_f64");  // section 6, x=0 y=1
  BOOST_TEST(sm.at("input").values[9] == 0.0);
  BOOST_TEST(close(sm.at("out").values[9], std::log(2.0), 1, "f64"));
  BOOST_TEST(sm.at("grad_input").values[9] == -0.5);

  const auto mlm = load("multilabel_margin_loss");  // section 7
  BOOST_TEST(close(find_case(mlm, "vec_spec1_none_f64").at("out").values[0], 0.85, 2, "f64"));
  check_values(find_case(mlm, "vec_spec1_none_f64").at("grad_input"), {-0.5, 0.5, 0.5, -0.5}, 0, "f64", "mlm1");
  BOOST_TEST(find_case(mlm, "vec_spec2_none_f64").at("out").values[0] == 0.125);
  check_values(find_case(mlm, "vec_spec2_none_f64").at("grad_input"), {-0.25, 0, 0.25, 0}, 0, "f64", "mlm2");

  const auto he_cases = load("hinge_embedding_loss");
  const auto& he = find_case(he_cases, "spec_example_nonpm1_none_f64");  // section 8
  check_values(he.at("out"), {2, 0, 0.5, 2}, 0, "f64", "hinge out");
  check_values(he.at("grad_input"), {-1, -1, 1, 1}, 0, "f64", "hinge grad");

  const auto ce_cases = load("cosine_embedding_loss");
  const auto& ce = find_case(ce_cases, "extreme_m0_none_f64");  // section 9
  const double g0 = -1 / std::sqrt(eps * (3 + eps));  // x1 = 0, x2 = (1,1,1,0,0), y = 1
  const auto& gi = ce.at("grad_input1").values;
  check_values(xt::tensor{"", "", {3}, {gi[0], gi[1], gi[2]}}, {g0, g0, g0}, 4, "f64", "cosine grad");
  BOOST_TEST(close(g0, -577350.2703430185, 4, "f64"));
  BOOST_TEST(close(ce.at("out").values[5], 0.90049628078222, 1e3, "f64"));  // printed with 14 digits
}

namespace {

// Writes `text` to a scratch file and returns the message load_reference throws.
std::string load_error(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / "xloss_reader_test_bad.txt";
  std::ofstream(path) << text;
  try {
    xt::load_reference(path.string());
  } catch (const std::runtime_error& e) {
    std::filesystem::remove(path);
    return e.what();
  }
  std::filesystem::remove(path);
  return "(no error)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(parse_errors_name_file_line_and_problem) {
  const std::string ok = "# header\ncase l a\nopt reduction none\ntensor out f64 1 2 : 1 inf\nend\n";
  BOOST_TEST(load_error(ok) == "(no error)");
  const std::map<std::string, std::string> bad = {
      {"case l a\ntensor out f64 1 3 : 1 2\nend\n", ":2: tensor 'out': shape holds 3 values but the line has 2"},
      {"case l a\ntensor out f16 0 : 1\nend\n", ":2: tensor 'out': unknown dtype 'f16'"},
      {"case l a\ntensor out f64 0 : 1x\nend\n", ":2: tensor 'out': bad value '1x'"},
      {"case l a\ntensor out f64 1 2 1 2\nend\n", ":2: tensor 'out': expected ':' after the shape, got '1'"},
      {"case l a\nopt p 1\nopt p 2\nend\n", ":3: duplicate option 'p'"},
      {"opt p 1\n", ":1: 'opt' outside a case"},
      {"case l a\ncase l b\n", ":2: 'case' before the previous case's 'end'"},
      {"case l a\ntensor out f64 0 : 1\n", ":2: case a has no 'end'"},
      {"case l a\nfoo\nend\n", ":2: unknown keyword 'foo'"}};
  for (const auto& [text, message] : bad) {
    const std::string got = load_error(text);
    BOOST_TEST(got.ends_with(message), got << " should end with " << message);
    BOOST_TEST(got.find("xloss_reader_test_bad.txt:") != std::string::npos, got);
  }
}

BOOST_AUTO_TEST_CASE(lookups_name_the_case_when_they_fail) {
  const auto cases = xt::load_reference(xt::reference_path("mse_loss"));
  const xt::ref_case& c = cases.front();
  BOOST_TEST(c.opt("no_such_option", "fallback") == "fallback");
  BOOST_TEST(c.opt_num("no_such_option", 2.5) == 2.5);
  BOOST_CHECK_EXCEPTION(c.at("no_such_tensor"), std::out_of_range, [&](const std::out_of_range& e) {
    const std::string m = e.what();
    return m.find("no_such_tensor") != std::string::npos && m.find(c.id) != std::string::npos;
  });
  BOOST_CHECK_EXCEPTION(c.opt_num("reduction", 0), std::invalid_argument, [](const std::invalid_argument& e) {
    return std::string(e.what()).find("'reduction' is not a number") != std::string::npos;
  });
}
