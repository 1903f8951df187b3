// The term spans stored with each section: what the analyzer found survives encoding, and a
// damaged string never reads past its end.
#include "koe/indexer/term_spans.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "test_support.hpp"

namespace {

bool same(const std::vector<koe::TermSpan>& a, const std::vector<koe::TermSpan>& b) {
  auto key = [](const koe::TermSpan& s) { return std::tuple(std::string(s.text), s.begin, s.end); };
  std::vector<std::tuple<std::string, std::size_t, std::size_t>> ka, kb;
  for (const auto& s : a) ka.push_back(key(s));
  for (const auto& s : b) kb.push_back(key(s));
  std::sort(ka.begin(), ka.end());
  std::sort(kb.begin(), kb.end());
  return ka == kb;
}

}  // namespace

TEST_CASE("Term spans hold every word and compound of a text, and no reading or bigram", "[term_spans]") {
  const std::string text = "ふるさと納税の返礼品に桑都ペイを加え、シティプロモーションを進める。";
  const auto analysis = koe::test::analyzer().analyze(text);
  const auto spans = koe::term_spans(analysis);
  std::size_t expected = 0;
  for (const auto& t : analysis.terms)
    if ((t.kind == koe::TermKind::word || t.kind == koe::TermKind::compound) && t.end > t.begin) ++expected;
  CHECK(spans.size() == expected);
  bool reading = false, compound = false;
  for (const auto& s : spans) {
    CHECK(s.end <= text.size());
    if (s.text == "フルサトノウゼイ") reading = true;
    if (s.text == "ふるさと納税") compound = true;
  }
  CHECK_FALSE(reading);
  CHECK(compound);
}

TEST_CASE("Term spans survive encoding, a repeated word included", "[term_spans]") {
  const std::string text = "公園のトイレが暗い。公園の遊具も古い。公園";
  const auto analysis = koe::test::analyzer().analyze(text);
  const auto spans = koe::term_spans(analysis);
  const std::string encoded = koe::encode_term_spans(spans, text);
  const auto decoded = koe::decode_term_spans(encoded, text);
  CHECK(same(decoded.spans, spans));
  std::size_t parks = 0;
  for (const auto& s : decoded.spans)
    if (s.text == "公園") {
      ++parks;
      CHECK(text.substr(s.begin, s.end - s.begin) == "公園");
    }
  CHECK(parks == 3);
  // A word spelled as in the text is not written at all.
  CHECK(encoded.find("公園") == std::string::npos);
  CHECK(encoded.size() < text.size());
  CHECK(koe::encode_term_spans({}, text).empty());
  CHECK(koe::decode_term_spans("", text).spans.empty());
}

TEST_CASE("Terms spelled otherwise than the text survive encoding", "[term_spans]") {
  // Folded variants (寄付 → 寄附), width and case (ＳＮＳ → sns, ｼﾃｨﾌﾟﾛﾓｰｼｮﾝ in full-width katakana).
  const std::string text = "ＳＮＳで寄付を募る。ふるさとのうぜいの返礼品。ｼﾃｨﾌﾟﾛﾓｰｼｮﾝ";
  const auto analysis = koe::test::analyzer().analyze(text);
  const auto spans = koe::term_spans(analysis);
  bool folded = false;
  for (const auto& s : spans)
    if (s.text != text.substr(s.begin, s.end - s.begin)) folded = true;
  REQUIRE(folded);
  const std::string encoded = koe::encode_term_spans(spans, text);
  CHECK(same(koe::decode_term_spans(encoded, text).spans, spans));
}

TEST_CASE("A damaged term span string yields what was read before the damage, within bounds", "[term_spans]") {
  const std::string text = "ＳＮＳで市民参加のまちづくりを審議会で進める。しみんさんか";
  const auto analysis = koe::test::analyzer().analyze(text);
  const auto spans = koe::term_spans(analysis);
  const std::string encoded = koe::encode_term_spans(spans, text);
  REQUIRE(encoded.size() > 10);
  auto within = [](std::string_view inner, std::string_view outer) {
    return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
  };
  for (std::size_t cut = 0; cut < encoded.size(); ++cut) {
    const std::string prefix = encoded.substr(0, cut);
    const auto decoded = koe::decode_term_spans(prefix, text);
    CHECK(decoded.spans.size() <= spans.size());
    const std::string_view unpacked(decoded.unpacked.data(), decoded.unpacked.size());
    for (const auto& s : decoded.spans) {
      CHECK(s.end <= text.size());
      CHECK((within(s.text, prefix) || within(s.text, text) || within(s.text, unpacked)));
    }
  }
  // The same string over a shorter text: no range past its end.
  for (std::size_t shorter = 0; shorter < text.size(); shorter += 7)
    for (const auto& s : koe::decode_term_spans(encoded, text.substr(0, shorter)).spans) CHECK(s.end <= shorter);
  using namespace std::string_literals;
  CHECK(koe::decode_term_spans("\x08\x01x\x01\x00\x01"s, text).spans.empty());  // unknown form
  CHECK(koe::decode_term_spans("\x03\x01x\x01\x00\x01"s, text).spans.empty());  // unknown spelling
  CHECK(koe::decode_term_spans("\x04"s, text).spans.empty());                   // repeats nothing
  CHECK(koe::decode_term_spans("\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s, text).spans.empty());
  CHECK(koe::decode_term_spans("\x00\x40"
                               "abc"s,
                               text)
            .spans.empty());                                                        // a term longer than the rest
  CHECK(koe::decode_term_spans("\x02\x01\x70\x01\x00\x01"s, text).spans.empty());   // not katakana
  CHECK(koe::decode_term_spans("\x01\x00"s, text).spans.empty());                   // a spelling from no range
  CHECK(koe::decode_term_spans("\x00\x01x\x01\x00\x01"s, text).spans.size() == 1);  // and a good one

  // One entry of 40 ranges, then 100,000 one-byte entries each repeating them: four million
  // spans if decoded whole, at most kMaxSpansPerTextByte a byte of text.
  std::string repeated = "\x00\x01x\x28"s;
  for (int k = 0; k < 40; ++k) repeated += "\x00\x01"s;
  repeated += std::string(100'000, '\x05');
  const auto capped = koe::decode_term_spans(repeated, text);
  CHECK(capped.spans.size() > 40);
  CHECK(capped.spans.size() <= koe::kMaxSpansPerTextByte * text.size());
}
