#include "koe/indexer/normalizer.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "koe/indexer/error.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe {
namespace {

bool is_combining_sound_mark(char32_t c) {
  return c == 0x3099 || c == 0x309A || c == 0xFF9E || c == 0xFF9F || c == 0x309B || c == 0x309C;
}

bool is_long_vowel_lookalike(char32_t c) {
  return c == '-' || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014 || c == 0x2015 ||
         c == 0x2212 || c == 0x30FC || c == 0xFF70 || c == 0x2500 || c == 0x2501;
}

bool is_tilde(char32_t c) { return c == '~' || c == 0x301C || c == 0xFF5E || c == 0x223C || c == 0x3030; }

char32_t voiced(char32_t c) {
  // か→が … ほ→ぼ and their katakana; ウ→ヴ.
  if ((c >= 0x304B && c <= 0x3062 && (c % 2 == 1)) || (c >= 0x30AB && c <= 0x30C2 && (c % 2 == 1))) return c + 1;
  if ((c >= 0x3064 && c <= 0x3069 && c % 2 == 0) || (c >= 0x30C4 && c <= 0x30C9 && c % 2 == 0)) return c + 1;
  if ((c >= 0x306F && c <= 0x307D && (c - 0x306F) % 3 == 0) || (c >= 0x30CF && c <= 0x30DD && (c - 0x30CF) % 3 == 0))
    return c + 1;
  if (c == 0x30A6) return 0x30F4;
  return c;
}

char32_t unvoiced(char32_t c) {
  char32_t base = c - 1;
  return voiced(base) == c ? base : c;
}

}  // namespace

Normalizer::Normalizer() {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) throw Error(std::string("ICU: cannot load NFKC_Casefold data: ") + u_errorName(status));
}

std::pair<std::size_t, std::size_t> NormalizedText::to_original(std::size_t b, std::size_t e) const {
  if (text.empty() || b >= text.size()) return {0, 0};
  if (e > text.size()) e = text.size();
  if (e <= b) return {begin[b], begin[b]};
  return {begin[b], end[e - 1]};
}

NormalizedText Normalizer::normalize(std::string_view text) const {
  const auto* nfkc = static_cast<const icu::Normalizer2*>(nfkc_cf_);
  NormalizedText out;
  out.text.reserve(text.size());
  out.begin.reserve(text.size());
  out.end.reserve(text.size());
  char32_t last = 0;  // last code point written, for the context rules

  auto emit = [&](char32_t cp, std::size_t ob, std::size_t oe) {
    const std::size_t before = out.text.size();
    utf8::append(out.text, cp);
    for (std::size_t k = before; k < out.text.size(); ++k) {
      out.begin.push_back(static_cast<std::uint32_t>(ob));
      out.end.push_back(static_cast<std::uint32_t>(oe));
    }
    last = cp;
  };

  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t seg_begin = i;
    char32_t cp = utf8::next(text, i);
    // A base character and the sound marks after it normalize together (ﾌﾞ → ブ).
    while (i < text.size()) {
      std::size_t j = i;
      if (!is_combining_sound_mark(utf8::next(text, j))) break;
      i = j;
    }
    const std::size_t seg_end = i;

    if (cp < 0x80 && cp != '\n' && cp != '\t' && cp != '\r' && cp != ' ' && (cp < 0x20 || cp == 0x7F)) {
      emit(' ', seg_begin, seg_end);
      continue;
    }
    if (cp == '\t' || cp == '\r' || cp == 0x3000 || cp == 0x00A0) {
      emit(' ', seg_begin, seg_end);
      continue;
    }
    if (cp == '\n') {
      emit('\n', seg_begin, seg_end);
      continue;
    }
    if (is_tilde(cp)) {
      emit(0x301C, seg_begin, seg_end);
      continue;
    }
    if (is_long_vowel_lookalike(cp) && (utf8::is_katakana(last) || utf8::is_hiragana(last)) &&
        seg_end - seg_begin <= 3) {
      emit(0x30FC, seg_begin, seg_end);
      continue;
    }
    if (cp == 0x303B) {  // 〻 → 々
      emit(0x3005, seg_begin, seg_end);
      continue;
    }
    if ((cp == 0x309D || cp == 0x30FD) && (utf8::is_hiragana(last) || utf8::is_katakana(last))) {
      emit(unvoiced(last), seg_begin, seg_end);
      continue;
    }
    if ((cp == 0x309E || cp == 0x30FE) && (utf8::is_hiragana(last) || utf8::is_katakana(last))) {
      emit(voiced(unvoiced(last)), seg_begin, seg_end);
      continue;
    }
    if (cp < 0x80) {
      emit(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp, seg_begin, seg_end);
      continue;
    }
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString src = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data() + seg_begin, static_cast<int32_t>(seg_end - seg_begin)));
    icu::UnicodeString dst = nfkc->normalize(src, status);
    if (U_FAILURE(status)) dst = src;
    for (int32_t k = 0; k < dst.length();) {
      UChar32 c = dst.char32At(k);
      k += U16_LENGTH(c);
      if (u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY) == U_CONTROL_CHAR) c = ' ';
      if (is_tilde(static_cast<char32_t>(c))) c = 0x301C;
      if (is_long_vowel_lookalike(static_cast<char32_t>(c)) && c != 0x30FC && utf8::is_katakana(last)) c = 0x30FC;
      emit(static_cast<char32_t>(c), seg_begin, seg_end);
    }
  }
  return out;
}

}  // namespace koe
