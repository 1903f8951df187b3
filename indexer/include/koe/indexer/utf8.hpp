/// @file utf8.hpp
/// @brief UTF-8 validation and decoding helpers shared by the parser and the analyzer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace koe::utf8 {

/// Byte offset of the first invalid UTF-8 sequence in `s`, or nullopt when `s` is valid.
std::optional<std::size_t> find_invalid(std::string_view s);

/// Decodes the code point at `s[i]` (which must be valid UTF-8) and advances `i`.
char32_t next(std::string_view s, std::size_t& i);

/// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);

/// Number of code points in valid UTF-8.
std::size_t length(std::string_view s);

/// The longest prefix of `s` holding at most `max_chars` code points.
std::string_view prefix(std::string_view s, std::size_t max_chars);

bool is_hiragana(char32_t c);
bool is_katakana(char32_t c);  ///< includes the long-vowel mark ー
bool is_kanji(char32_t c);
bool is_kana_only(std::string_view s);
bool is_hiragana_only(std::string_view s);  ///< ー counts as hiragana here too

/// Hiragana converted to katakana; everything else unchanged.
std::string to_katakana(std::string_view s);

}  // namespace koe::utf8
