#include "koe/search/highlighter.hpp"

#include <algorithm>
#include <vector>

#include "koe/indexer/utf8.hpp"

namespace koe::search {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string make_snippet(const Analyzer& analyzer, std::string_view text, const QueryTerms& terms,
                         const SnippetOptions& options) {
  const Analysis a = analyzer.analyze(text);
  std::vector<std::pair<std::size_t, std::size_t>> marks;
  for (const auto& t : a.terms) {
    bool hit = false;
    if (t.kind == TermKind::word || t.kind == TermKind::compound)
      hit = terms.words.count(t.text) > 0;
    else if (t.kind == TermKind::reading)
      hit = terms.readings.count(t.text) > 0;
    if (hit && t.end > t.begin) marks.emplace_back(t.begin, t.end);
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
  auto piece = [&](std::size_t b, std::size_t e) {
    std::string s = html_escape(text.substr(b, e - b));
    std::string out;
    for (char c : s) {
      if (c == '\n')
        out += " / ";
      else
        out += c;
    }
    return out;
  };
  std::string out;
  if (from > 0) out += "…";
  std::size_t at = from;
  for (auto [b, e] : merged) {
    if (e <= from || b >= to) continue;
    b = std::max(b, from);
    e = std::min(e, to);
    out += piece(at, b);
    out += "<mark>" + piece(b, e) + "</mark>";
    at = e;
  }
  out += piece(at, to);
  if (to < text.size()) out += "…";
  return out;
}

}  // namespace koe::search
