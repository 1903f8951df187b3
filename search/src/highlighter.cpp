#include "koe/search/highlighter.hpp"

#include <algorithm>
#include <vector>

#include "koe/indexer/schema.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe::search {

namespace {

/// Appends `text` HTML-escaped; with `newline` set, a line break is appended as that instead.
void append_escaped(std::string& out, std::string_view text, std::string_view newline = "\n") {
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view replacement;
    switch (text[i]) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = "&quot;";
        break;
      case '\'':
        replacement = "&#39;";
        break;
      case '\n':
        replacement = newline;
        break;
      default:
        continue;
    }
    out.append(text, plain, i - plain);
    out.append(replacement);
    plain = i + 1;
  }
  out.append(text, plain);
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  append_escaped(out, text);
  return out;
}

namespace {

bool char_boundary(std::string_view text, std::size_t at) {
  return at == text.size() || (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xc0) != 0x80);
}

/// Whether the query asked for this span's text.
bool queried(const TermSpan& span, const QueryTerms& terms) { return terms.words.find(span.text) != terms.words.end(); }

}  // namespace

std::string make_snippet(std::string_view text, const std::vector<TermSpan>& spans, const QueryTerms& terms,
                         const SnippetOptions& options) {
  std::vector<std::pair<std::size_t, std::size_t>> marks;
  for (const auto& span : spans) {
    if (span.begin >= span.end || span.end > text.size()) continue;
    if (!char_boundary(text, span.begin) || !char_boundary(text, span.end)) continue;
    if (queried(span, terms)) marks.emplace_back(span.begin, span.end);
  }
  std::sort(marks.begin(), marks.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (auto m : marks) {
    if (!merged.empty() && m.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, m.second);
    else
      merged.push_back(m);
  }

  // Character starts, so the window never cuts inside a character.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size();) {
    starts.push_back(i);
    utf8::next(text, i);
  }
  starts.push_back(text.size());
  const std::size_t nchars = starts.size() - 1;
  std::size_t from = 0, to = text.size();
  if (nchars > options.max_chars) {
    // Slide a window of max_chars characters; keep the one covering most marks, starting
    // a little before the first of them.
    std::size_t best_start = 0, best_count = 0;
    for (std::size_t k = 0; k < merged.size(); ++k) {
      const std::size_t begin_byte = merged[k].first;
      const std::size_t begin_char =
          static_cast<std::size_t>(std::lower_bound(starts.begin(), starts.end(), begin_byte) - starts.begin());
      const std::size_t start_char = begin_char > 10 ? begin_char - 10 : 0;
      const std::size_t end_byte = starts[std::min(nchars, start_char + options.max_chars)];
      std::size_t count = 0;
      for (auto& m : merged)
        if (m.first >= starts[start_char] && m.second <= end_byte) ++count;
      if (count > best_count) best_count = count, best_start = start_char;
    }
    from = starts[best_start];
    to = starts[std::min(nchars, best_start + options.max_chars)];
  }
  // List items are joined by " / " where the text breaks lines.
  auto piece = [&](std::string& out, std::size_t b, std::size_t e) {
    append_escaped(out, text.substr(b, e - b), " / ");
  };
  std::string out;
  out.reserve(to - from + 32);
  if (from > 0) out += "…";
  std::size_t at = from;
  for (auto [b, e] : merged) {
    if (e <= from || b >= to) continue;
    b = std::max(b, from);
    e = std::min(e, to);
    piece(out, at, b);
    out += "<mark>";
    piece(out, b, e);
    out += "</mark>";
    at = e;
  }
  piece(out, at, to);
  if (to < text.size()) out += "…";
  return out;
}

std::string make_snippet(const Xapian::Document& document, std::string_view text, const QueryTerms& terms,
                         const SnippetOptions& options) {
  const std::string encoded = document.get_value(schema::kSlotTermSpans);
  const DecodedTermSpans stored = decode_term_spans(encoded, text);
  return make_snippet(text, stored.spans, terms, options);
}

std::string make_snippet(const Analyzer& analyzer, std::string_view text, const QueryTerms& terms,
                         const SnippetOptions& options) {
  const Analysis analysis = analyzer.analyze(text);
  return make_snippet(text, term_spans(analysis), terms, options);
}

}  // namespace koe::search
