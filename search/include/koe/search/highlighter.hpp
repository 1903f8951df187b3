/// @file highlighter.hpp
/// @brief Snippets with <mark> around matched words, from the analyzer's byte offsets (Xapian's
/// own snippet generator knows nothing of MeCab terms). An indexed section's offsets were
/// stored at index time (term_spans.hpp); other text is analyzed here.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/term_spans.hpp"
#include "koe/search/query_builder.hpp"

namespace koe::search {

struct SnippetOptions {
  std::size_t max_chars = 120;  ///< longer text is cut to its best passage
};

/// The best passage of `text`, HTML-escaped, with `<mark>` around every span whose text is one
/// of the query's words and "…" where it was cut. List items are joined by " / ".
/// Spans outside the text or not on character boundaries are ignored.
std::string make_snippet(std::string_view text, const std::vector<TermSpan>& spans, const QueryTerms& terms,
                         const SnippetOptions& options = {});

/// The snippet of an indexed section: `document` is its Xapian document, `text` its stored text.
std::string make_snippet(const Xapian::Document& document, std::string_view text, const QueryTerms& terms,
                         const SnippetOptions& options = {});

/// The snippet of any text, analyzed here.
std::string make_snippet(const Analyzer& analyzer, std::string_view text, const QueryTerms& terms,
                         const SnippetOptions& options = {});

/// HTML-escapes text (& < > " ').
std::string html_escape(std::string_view text);

}  // namespace koe::search
