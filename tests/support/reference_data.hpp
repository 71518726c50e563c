// Reader for the PyTorch reference data in tests/reference/data/<loss>.txt
// (format: docs/reference-data.md). Tests compare xloss against these values
// without needing PyTorch at test time.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xloss::testing {

// One tensor of a case, values in row-major order. i64 and f32 values are
// stored as double too (both convert exactly; f32 values are the float's value).
struct tensor {
  std::string name, dtype;  // dtype: "f64", "f32" or "i64"
  std::vector<long> shape;  // empty for a 0-d tensor
  std::vector<double> values;

  long numel() const {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }
};

struct ref_case {
  std::string loss, id;
  std::map<std::string, std::string> opts;
  std::vector<tensor> tensors;

  const tensor* find(std::string_view name) const {
    for (const tensor& t : tensors)
      if (t.name == name) return &t;
    return nullptr;
  }
  bool has(std::string_view name) const { return find(name) != nullptr; }

  const tensor& at(std::string_view name) const {
    if (const tensor* t = find(name)) return *t;
    throw std::out_of_range("reference case " + loss + " " + id + " has no tensor '" +
                            std::string(name) + "'");
  }

  std::string opt(std::string_view key, std::string_view fallback) const {
    auto it = opts.find(std::string(key));
    return it == opts.end() ? std::string(fallback) : it->second;
  }

  // Numeric option ("1"/"0" for booleans, "inf" allowed); fallback if absent.
  double opt_num(std::string_view key, double fallback) const {
    auto it = opts.find(std::string(key));
    if (it == opts.end()) return fallback;
    const char* begin = it->second.c_str();
    char* end = nullptr;
    double v = std::strtod(begin, &end);
    if (it->second.empty() || end != begin + it->second.size())
      throw std::invalid_argument("reference case " + loss + " " + id + ": option '" +
                                  std::string(key) + "' is not a number: '" + it->second + "'");
    return v;
  }
};

namespace detail {

inline std::vector<std::string> split_ws(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string tok; in >> tok;) out.push_back(tok);
  return out;
}

// Whole-token strtod (accepts inf/nan); false if anything is left over.
inline bool parse_double(const std::string& tok, double& v) {
  char* end = nullptr;
  v = std::strtod(tok.c_str(), &end);
  return !tok.empty() && end == tok.c_str() + tok.size();
}

inline bool parse_dim(const std::string& tok, long& v) {
  char* end = nullptr;
  v = std::strtol(tok.c_str(), &end, 10);
  return !tok.empty() && end == tok.c_str() + tok.size() && v >= 0;
}

// "tensor <name> <dtype> <ndim> <d0> ... : <v0> ..." -> tensor; message on error.
inline tensor parse_tensor(const std::vector<std::string>& tok) {
  if (tok.size() < 5) throw std::runtime_error("tensor line needs name, dtype, ndim and ':'");
  tensor t{tok[1], tok[2], {}, {}};
  if (t.dtype != "f64" && t.dtype != "f32" && t.dtype != "i64")
    throw std::runtime_error("tensor '" + t.name + "': unknown dtype '" + t.dtype + "'");
  long ndim = 0;
  if (!parse_dim(tok[3], ndim) || tok.size() < 5 + static_cast<std::size_t>(ndim))
    throw std::runtime_error("tensor '" + t.name + "': bad ndim '" + tok[3] + "'");
  for (long i = 0; i < ndim; ++i) {
    long d = 0;
    if (!parse_dim(tok[4 + i], d))
      throw std::runtime_error("tensor '" + t.name + "': bad dimension '" + tok[4 + i] + "'");
    t.shape.push_back(d);
  }
  const std::size_t colon = 4 + static_cast<std::size_t>(ndim);
  if (tok[colon] != ":")
    throw std::runtime_error("tensor '" + t.name + "': expected ':' after the shape, got '" +
                             tok[colon] + "'");
  for (std::size_t i = colon + 1; i < tok.size(); ++i) {
    double v = 0;
    if (!parse_double(tok[i], v))
      throw std::runtime_error("tensor '" + t.name + "': bad value '" + tok[i] + "'");
    // f32 values are written as the shortest decimal of the float: round to float.
    t.values.push_back(t.dtype == "f32" ? static_cast<double>(static_cast<float>(v)) : v);
  }
  if (static_cast<long>(t.values.size()) != t.numel())
    throw std::runtime_error("tensor '" + t.name + "': shape holds " + std::to_string(t.numel()) +
                             " values but the line has " + std::to_string(t.values.size()));
  return t;
}

// Applies one non-comment line to the parser state; throws a message without position.
inline void parse_line(const std::vector<std::string>& tok, std::vector<ref_case>& cases,
                       bool& open) {
  const std::string& kw = tok[0];
  if (kw == "case") {
    if (open) throw std::runtime_error("'case' before the previous case's 'end'");
    if (tok.size() != 3) throw std::runtime_error("'case' needs <loss> <case-id>");
    cases.push_back(ref_case{tok[1], tok[2], {}, {}});
    open = true;
    return;
  }
  if (!open) throw std::runtime_error("'" + kw + "' outside a case");
  ref_case& c = cases.back();
  if (kw == "end") {
    if (tok.size() != 1) throw std::runtime_error("'end' takes no arguments");
    open = false;
  } else if (kw == "opt") {
    if (tok.size() != 3) throw std::runtime_error("'opt' needs <key> <value>");
    if (!c.opts.emplace(tok[1], tok[2]).second)
      throw std::runtime_error("duplicate option '" + tok[1] + "'");
  } else if (kw == "tensor") {
    tensor t = parse_tensor(tok);
    if (c.has(t.name)) throw std::runtime_error("duplicate tensor '" + t.name + "'");
    c.tensors.push_back(std::move(t));
  } else {
    throw std::runtime_error("unknown keyword '" + kw + "'");
  }
}

}  // namespace detail

// All cases of one data file; std::runtime_error("<path>:<line>: <what>") on any error.
inline std::vector<ref_case> load_reference(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open reference data file");
  std::vector<ref_case> cases;
  bool open = false;
  long lineno = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineno;
    std::vector<std::string> tok = detail::split_ws(line);
    if (tok.empty() || tok[0][0] == '#') continue;
    try {
      detail::parse_line(tok, cases, open);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": " + e.what());
    }
  }
  if (open)
    throw std::runtime_error(path + ":" + std::to_string(lineno) + ": case " + cases.back().id +
                             " has no 'end'");
  return cases;
}

#ifndef XLOSS_SOURCE_DIR
#error "reference_data.hpp needs XLOSS_SOURCE_DIR (defined for tests by xloss_add_test)"
#endif

inline std::string reference_path(std::string_view loss) {
  return std::string(XLOSS_SOURCE_DIR) + "/tests/reference/data/" + std::string(loss) + ".txt";
}

}  // namespace xloss::testing
