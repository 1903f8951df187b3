// UTF-8 validation and the kana helpers the parser, the analyzer and the API rely on.
#include "koe/indexer/utf8.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

TEST_CASE("find_invalid gives the offset of the first bad sequence", "[utf8]") {
  struct Case {
    const char* what;
    std::string bytes;
    std::optional<std::size_t> offset;
  };
  const Case cases[] = {
      {"empty", "", std::nullopt},
      {"ASCII", "koe 2026", std::nullopt},
      {"Japanese", "市民の声", std::nullopt},
      {"4-byte character", "\xF0\x9F\x98\x80", std::nullopt},
      {"largest code point", "\xF4\x8F\xBF\xBF", std::nullopt},
      {"a NUL byte is valid", std::string("a\0b", 3), std::nullopt},
      {"lone continuation byte", "ab\x80", 2},
      {"0xFF", "市\xFF", 3},
      {"truncated 3-byte character", "市\xE5\xB8", 3},
      {"truncated at the very end", "\xE5", 0},
      {"overlong '/'", "\xC0\xAF", 0},
      {"overlong 3-byte", "\xE0\x80\xAF", 0},
      {"UTF-16 surrogate", "a\xED\xA0\x80", 1},
      {"above U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"5-byte lead", "\xF8\x88\x80\x80\x80", 0},
      {"Shift_JIS bytes", "id,\x82\xd3\x82\xe9", 3},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(koe::utf8::find_invalid(c.bytes) == c.offset);
  }
}

TEST_CASE("Decoding, encoding and counting agree", "[utf8]") {
  const std::string s = "aé市\xF0\x9F\x98\x80";
  std::size_t i = 0;
  CHECK(koe::utf8::next(s, i) == U'a');
  CHECK(koe::utf8::next(s, i) == U'é');
  CHECK(koe::utf8::next(s, i) == U'市');
  CHECK(koe::utf8::next(s, i) == U'\U0001F600');
  CHECK(i == s.size());
  std::string out;
  for (char32_t c : {U'a', U'é', U'市', U'\U0001F600'}) koe::utf8::append(out, c);
  CHECK(out == s);
  CHECK(koe::utf8::length(s) == 4);
  CHECK(koe::utf8::prefix(s, 3) == "aé市");
  CHECK(koe::utf8::prefix(s, 10) == s);
}

TEST_CASE("Kana helpers tell kana from kanji and convert hiragana", "[utf8]") {
  CHECK(koe::utf8::to_katakana("ふるさとのうぜい") == "フルサトノウゼイ");
  CHECK(koe::utf8::to_katakana("ひしょ課") == "ヒショ課");
  CHECK(koe::utf8::is_kana_only("ふるさと"));
  CHECK(koe::utf8::is_kana_only("フルサトー"));
  CHECK_FALSE(koe::utf8::is_kana_only("ふるさと納税"));
  CHECK_FALSE(koe::utf8::is_kana_only("sns"));
  CHECK(koe::utf8::is_kanji(U'納'));
  CHECK_FALSE(koe::utf8::is_kanji(U'ふ'));
  CHECK(koe::utf8::is_hiragana(U'ふ'));
  CHECK(koe::utf8::is_katakana(U'ー'));
}
