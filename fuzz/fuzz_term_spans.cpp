// Bytes → the term spans stored with each section and the snippets made from them. The input
// is a section text, then a NUL, then a stored span string. A valid text is analyzed and its
// spans must survive encoding, giving the snippet the analyzer gives; the stored string, from
// a damaged index say, is decoded over the text and must give spans inside it and a snippet
// that is valid UTF-8. Nothing is refused: damage only loses spans.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/term_spans.hpp"
#include "koe/search/highlighter.hpp"

namespace {

/// Every word of the analysis, so each span is a candidate mark.
koe::search::QueryTerms all_terms(const koe::Analysis& analysis) {
  koe::search::QueryTerms terms;
  for (const auto& t : analysis.terms) terms.words.insert(t.text);
  return terms;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koe::fuzz::check;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto nul = bytes.find('\0');
  const std::string_view text = bytes.substr(0, nul);
  const std::string_view stored = nul == std::string_view::npos ? std::string_view{} : bytes.substr(nul + 1);
  if (!koe::fuzz::valid_utf8(text)) return 0;  // the indexer analyzes only valid UTF-8

  koe::Analysis analysis;
  try {
    analysis = koe::fuzz::analyzer().analyze(text);
  } catch (const koe::Error&) {
    return 0;
  }
  const auto terms = all_terms(analysis);
  const auto spans = koe::term_spans(analysis);
  const std::string encoded = koe::encode_term_spans(spans, text);
  const auto decoded = koe::decode_term_spans(encoded, text);
  check(decoded.spans.size() == spans.size(), "every span survives encoding", text);
  const std::string from_spans = koe::search::make_snippet(text, decoded.spans, terms);
  check(from_spans == koe::search::make_snippet(text, spans, terms), "stored spans give the analyzer's snippet", text);

  const auto damaged = koe::decode_term_spans(stored, text);
  for (const auto& s : damaged.spans) check(s.begin <= s.end && s.end <= text.size(), "a span lies inside the text");
  check(koe::fuzz::valid_utf8(koe::search::make_snippet(text, damaged.spans, terms)), "a snippet is valid UTF-8");
  return 0;
}
