/// @file highlighter.hpp
/// @brief Snippets with <mark> around matched words, from the analyzer's offsets (Xapian's
/// own snippet generator knows nothing of MeCab terms).
#pragma once

#include <string>
#include <string_view>

#include "koe/indexer/analyzer.hpp"
#include "koe/search/query_builder.hpp"

namespace koe::search {

struct SnippetOptions {
  std::size_t max_chars = 120;  ///< longer text is cut to its best passage
};

/// The best passage of `text`, HTML-escaped, with `<mark>` around every matched word and
/// "…" where it was cut. List items are joined by " / ".
std::string make_snippet(const Analyzer& analyzer, std::string_view text, const QueryTerms& terms,
                         const SnippetOptions& options = {});

/// HTML-escapes text (& < > " ').
std::string html_escape(std::string_view text);

}  // namespace koe::search
