#include "search_grams.hpp"

#include <unicode/uchar.h>

#include "koe/indexer/utf8.hpp"

namespace koe::desk {
namespace {

// Exactly the characters unicode61 keeps in tokens by default (categories L*, N*, Co), so
// a bigram written here is one token there.
bool is_token_char(char32_t c) {
  switch (u_charType(static_cast<UChar32>(c))) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_PRIVATE_USE_CHAR:
      return true;
    default:
      return false;
  }
}

// Runs of token characters, each as the list of its characters (UTF-8).
std::vector<std::vector<std::string_view>> runs_of(std::string_view text) {
  std::vector<std::vector<std::string_view>> runs(1);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t c = utf8::next(text, i);
    if (is_token_char(c)) {
      runs.back().push_back(text.substr(start, i - start));
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
  }
  if (runs.back().empty()) runs.pop_back();
  return runs;
}

}  // namespace

std::string search_grams(const Normalizer& normalizer, std::string_view text) {
  const std::string norm = normalizer.normalize(text).text;
  std::string out;
  out.reserve(norm.size() * 2);
  for (const auto& run : runs_of(norm)) {
    if (run.size() == 1) {
      out += run[0];
      out += ' ';
      continue;
    }
    for (std::size_t k = 0; k + 1 < run.size(); ++k) {
      out += run[k];
      out += run[k + 1];
      out += ' ';
    }
  }
  if (!out.empty()) out.pop_back();
  return out;
}

WordQuery word_query(const Normalizer& normalizer, std::string_view word) {
  WordQuery q;
  const std::string norm = normalizer.normalize(word).text;
  for (const auto& run : runs_of(norm)) {
    if (run.size() == 1) {
      q.single_chars.emplace_back(run[0]);
      continue;
    }
    // A phrase: the bigrams must follow each other, as they do only where the word is whole.
    std::string phrase = "\"";
    for (std::size_t k = 0; k + 1 < run.size(); ++k) {
      if (k) phrase += ' ';
      phrase += run[k];
      phrase += run[k + 1];
    }
    phrase += '"';
    q.fts += (q.fts.empty() ? "" : " AND ") + phrase;
  }
  return q;
}

}  // namespace koe::desk
