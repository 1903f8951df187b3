/// @file fuzz_support.hpp
/// @brief What every koe libFuzzer harness shares: one analyzer per process and a check that
/// turns a broken invariant into a crash libFuzzer records.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe::fuzz {

/// Built once: loading MeCab and ICU costs far more than one input. KOE_DICDIR and
/// KOE_DICTIONARIES point it elsewhere, as they do for the CLI.
inline const Analyzer& analyzer() {
  static const Analyzer a([] {
    auto o = default_analyzer_options();
    if (const char* d = std::getenv("KOE_DICDIR"); d && *d) o.dicdir = d;
    if (const char* d = std::getenv("KOE_DICTIONARIES"); d && *d) o.dictionaries = d;
    return o;
  }());
  return a;
}

/// Aborts (a crash with the input saved) when `ok` is false: an invariant the harness checks
/// is as much a finding as a sanitizer report.
inline void check(bool ok, const char* what, std::string_view detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "koe fuzz: invariant violated: %s «%.*s»\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline bool is_boundary(std::string_view s, std::size_t i) {
  return i == s.size() || (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80);
}

inline bool valid_utf8(std::string_view s) { return !utf8::find_invalid(s).has_value(); }

}  // namespace koe::fuzz
