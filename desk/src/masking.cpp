#include "koe/desk/masking.hpp"

#include <unicode/regex.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>

#include "koe/indexer/error.hpp"
#include "koe/indexer/mecab_tokenizer.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe::desk {
namespace {

// The patterns read the analyzer's normalized text: NFKC with case folding, so full-width
// digits, ＠, （ and the ideographic space arrive as ASCII. Dashes stay as typed, hence H.
#define H "[\\-\\u2010-\\u2015\\u2212\\u30FC]"
#define DIGIT_BEFORE "(?<![0-9\\-.,/])"

// Domestic numbers start with 0, which keeps dates (2024-04-01) and postal codes out.
constexpr const char* kPhone =
    "(?<![0-9\\-])(?:"
    "\\+81[ \\-]?(?:\\(0\\))?[0-9]{1,4}[ " H "]?[0-9]{1,4}[ " H
    "]?[0-9]{3,4}"
    "|0[0-9]{1,4}[ " H "][0-9]{1,4}[ " H
    "][0-9]{3,4}"
    "|0[0-9]{1,4}\\([0-9]{1,4}\\)[0-9]{3,4}"
    "|\\(0[0-9]{1,4}\\) ?[0-9]{1,4}" H
    "?[0-9]{3,4}"
    "|0[0-9]{9,10}"
    ")(?![0-9])";

constexpr const char* kEmail = "[a-z0-9._%+\\-]+@[a-z0-9\\-]+(?:\\.[a-z0-9\\-]+)+";

constexpr const char* kPostal = "〒 ?[0-9]{3}" H
                                "?[0-9]{4}(?![0-9])"
                                "|" DIGIT_BEFORE "[0-9]{3}" H "[0-9]{4}(?![0-9]|" H "[0-9])";

// A run of place-name characters ending in a house number. A number written with 丁目, 番地 or
// 番…号 marks an address after any place name; a bare 1-2-3 needs a place name of two
// characters or more, and a bare 24-1 a 市, 区, 町 or 村 in it (資料1-2 is no address).
#define RUN "[\\p{Han}\\p{Katakana}ヶケヵ々ー]"
#define NUM "(?:[0-9]{1,5}|[一二三四五六七八九十〇]{1,4})"
constexpr const char* kAddress =
    RUN "{1,24}(?:" NUM "丁目 ?" NUM "(?:番地?|号|" H ")(?:" NUM "号?)?(?:" H
        "[0-9]{1,5})?"
        "|" NUM "番地(?:(?:の|" H ")?" NUM
        "号?)?"
        "|" NUM "番" NUM
        "号"
        ")(?![0-9])"
        "|" RUN "{2,24}[0-9]{1,5}" H "[0-9]{1,5}" H "[0-9]{1,5}(?:" H
        "[0-9]{1,5})?(?![0-9])"
        "|" RUN "{0,20}[市区町村]" RUN "{0,10}[0-9]{1,5}" H "[0-9]{1,5}(?![0-9]|" H "[0-9])";

// 氏名：山田太郎, 名前: 山田 太郎 (a second word unless it is the next label), お名前：さくら.
#define NAME_CHARS "[\\p{Han}\\p{Katakana}ー々a-z・]"
constexpr const char* kNameLabel =
    "(?:氏名|お?名前) ?: ?(" NAME_CHARS "{1,20}(?: (?!住所|電話|連絡先|メール|年齢|性別|tel|e-?mail)" NAME_CHARS
    "{1,20})?|\\p{Hiragana}{2,12})";

#undef H
#undef DIGIT_BEFORE
#undef RUN
#undef NUM
#undef NAME_CHARS

struct Pattern {
  MaskKind kind;
  int group;  // the capture group masked (0: the whole match)
  std::unique_ptr<icu::RegexPattern> regex;
};

// In priority order: where two overlap, the earlier kind wins (an e-mail's digits are not a
// telephone number; a telephone number's last seven digits are not a postal code).
const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> compiled = [] {
    std::vector<Pattern> out;
    const std::pair<MaskKind, const char*> sources[] = {
        {MaskKind::email, kEmail},     {MaskKind::phone, kPhone},    {MaskKind::address, kPostal},
        {MaskKind::address, kAddress}, {MaskKind::name, kNameLabel},
    };
    for (const auto& [kind, source] : sources) {
      UErrorCode status = U_ZERO_ERROR;
      UParseError where;
      std::unique_ptr<icu::RegexPattern> re(
          icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(source), where, status));
      if (U_FAILURE(status))
        throw Error(std::string("[desk][mask] pattern does not compile at offset ") + std::to_string(where.offset) +
                    ": " + u_errorName(status));
      out.push_back({kind, kind == MaskKind::name ? 1 : 0, std::move(re)});
    }
    return out;
  }();
  return compiled;
}

struct UTextCloser {
  void operator()(UText* t) const { utext_close(t); }
};

// Byte ranges of the matches in `text` (UTF-8): ICU's matcher over UTF-8 UText reports native
// (byte) indexes, so nothing is converted to UTF-16 and back.
void find_matches(const Pattern& p, std::string_view text, std::vector<MaskSpan>& out) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UText, UTextCloser> ut(
      utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status));
  std::unique_ptr<icu::RegexMatcher> m(p.regex->matcher(status));
  if (U_FAILURE(status)) throw Error(std::string("[desk][mask] ICU matcher: ") + u_errorName(status));
  m->reset(ut.get());
  while (m->find()) {
    const auto b = m->start64(p.group, status);
    const auto e = m->end64(p.group, status);
    if (U_FAILURE(status)) throw Error(std::string("[desk][mask] ICU match: ") + u_errorName(status));
    if (b >= 0 && e > b) out.push_back({static_cast<std::size_t>(b), static_cast<std::size_t>(e), p.kind});
  }
}

bool is_honorific(const MecabToken& t) {
  static constexpr std::string_view kHonorifics[] = {"さん", "様", "さま", "氏", "君", "くん", "ちゃん", "殿", "どの"};
  return std::find(std::begin(kHonorifics), std::end(kHonorifics), t.surface) != std::end(kHonorifics);
}

bool starts_with_letter(std::string_view s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  const char32_t c = utf8::next(s, i);
  return utf8::is_kanji(c) || utf8::is_hiragana(c) || utf8::is_katakana(c) || (c >= 'a' && c <= 'z');
}

// A word that may be part of a person's name before an honorific: what MeCab tags as a
// person's name or a proper noun, or does not know at all (a rare surname: 髙橋). Common
// nouns (職員, 市長, お客, 運転手), pronouns (皆) and symbols are not names.
bool is_name_part(const MecabToken& t) {
  // ipadic tags these as 人名, but before さん they are what they say (八百屋さん: the greengrocer).
  static constexpr std::string_view kOrdinary[] = {"八百屋"};
  if (t.pos1 != "名詞" || !starts_with_letter(t.surface)) return false;
  if (std::find(std::begin(kOrdinary), std::end(kOrdinary), t.surface) != std::end(kOrdinary)) return false;
  if (t.pos2 == "固有名詞") return t.pos3 == "人名" || t.pos3 == "一般";
  return t.unknown && t.pos2 != "数";
}

void find_names(const Analyzer& analyzer, std::string_view norm, std::vector<MaskSpan>& out) {
  const auto tokens = analyzer.tokenizer().tokenize(norm);
  auto only_spaces = [&](std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k)
      if (norm[k] != ' ') return false;
    return true;
  };
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    if (!is_honorific(tokens[i]) || tokens[i].pos1 != "名詞") continue;
    // A name directly followed by its honorific (皆 さん is not a name).
    if (tokens[i - 1].end != tokens[i].begin || !is_name_part(tokens[i - 1])) continue;
    std::size_t first = i - 1;
    for (;;) {
      if (first > 0 && is_name_part(tokens[first - 1]) && only_spaces(tokens[first - 1].end, tokens[first].begin)) {
        --first;  // 山田 太郎
      } else if (first > 1 && tokens[first - 1].surface == "・" && is_name_part(tokens[first - 2])) {
        first -= 2;  // ジョン・スミス
      } else {
        break;
      }
    }
    // Glued to a noun before it, the "name" is the end of a compound (ケア+マネさん).
    if (first > 0 && tokens[first - 1].end == tokens[first].begin &&
        (tokens[first - 1].pos1 == "名詞" || tokens[first - 1].pos1 == "接頭詞"))
      continue;
    out.push_back({tokens[first].begin, tokens[i - 1].end, MaskKind::name});
  }
}

bool spaces_only(std::string_view s) {
  while (!s.empty()) {
    if (s.front() == ' ') {
      s.remove_prefix(1);
    } else if (s.starts_with("\u3000")) {
      s.remove_prefix(3);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view mask_placeholder(MaskKind kind) {
  switch (kind) {
    case MaskKind::phone:
      return "［電話番号］";
    case MaskKind::email:
      return "［メール］";
    case MaskKind::address:
      return "［住所］";
    case MaskKind::name:
      return "［氏名］";
  }
  return "［氏名］";
}

std::vector<MaskSpan> find_personal_info(const Analyzer& analyzer, std::string_view text) {
  if (auto bad = utf8::find_invalid(text)) throw Error("invalid UTF-8 at byte offset " + std::to_string(*bad));
  const auto norm = analyzer.normalizer().normalize(text);
  std::vector<MaskSpan> found;  // normalized offsets, in priority order
  for (const auto& p : patterns()) find_matches(p, norm.text, found);
  find_names(analyzer, norm.text, found);

  std::vector<MaskSpan> kept;  // original offsets, not overlapping, earlier kinds first
  for (const auto& s : found) {
    const auto range = norm.to_original(s.begin, s.end);
    const std::size_t b = range.first, e = range.second;  // named: clang 14 cannot capture bindings
    const bool overlaps =
        std::any_of(kept.begin(), kept.end(), [&](const MaskSpan& k) { return b < k.end && k.begin < e; });
    if (!overlaps) kept.push_back({b, e, s.kind});
  }
  std::sort(kept.begin(), kept.end(), [](const MaskSpan& a, const MaskSpan& b) { return a.begin < b.begin; });
  return kept;
}

std::string mask_personal_info(const Analyzer& analyzer, std::string_view text) {
  const auto spans = find_personal_info(analyzer, text);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  std::optional<MaskKind> last;  // the kind of the placeholder just written, when nothing but spaces followed
  for (const auto& s : spans) {
    const std::string_view between = text.substr(at, s.begin - at);
    if (last && *last == s.kind && spaces_only(between)) {
      at = s.end;
      continue;
    }
    out += between;
    out += mask_placeholder(s.kind);
    at = s.end;
    last = s.kind;
  }
  out += text.substr(at);
  return out;
}

Masker masker(const Analyzer& analyzer) {
  return [&analyzer](std::string_view text) { return mask_personal_info(analyzer, text); };
}

}  // namespace koe::desk
