/// @file normalizer.hpp
/// @brief Unicode normalization for how Japanese is really typed, keeping offsets back into
/// the original text so a highlighter can mark the user's own characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace koe {

struct NormalizedText {
  std::string text;  ///< normalized UTF-8
  /// For each byte of `text`, the original byte range of the character it came from.
  std::vector<std::uint32_t> begin;
  std::vector<std::uint32_t> end;

  /// The original byte range [first, second) that normalized bytes [b, e) came from.
  std::pair<std::size_t, std::size_t> to_original(std::size_t b, std::size_t e) const;
};

/// NFKC with case folding (ＳＮＳ → sns, ﾌﾙｻﾄ → フルサト, １２３ → 123), then koe's own rules:
/// long-vowel look-alikes after katakana become ー, 〜/～/∼ become 〜, iteration marks
/// ゝゞヽヾ〻 are spelled out, control characters become spaces. Thread-safe.
class Normalizer {
 public:
  Normalizer();
  /// `text` must be valid UTF-8 (the analyzer checks).
  NormalizedText normalize(std::string_view text) const;

 private:
  const void* nfkc_cf_;  // icu::Normalizer2*, owned by ICU
};

}  // namespace koe
