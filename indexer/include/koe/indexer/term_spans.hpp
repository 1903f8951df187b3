/// @file term_spans.hpp
/// @brief Where each searchable word of a section lies in its text. Stored with the section at
/// index time (schema::kSlotTermSpans), so a snippet marks a query's words without running the
/// analyzer again: Xapian's positions count tokens, not bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/analyzer.hpp"

namespace koe {

/// One occurrence of a word or compound: its canonical text (as indexed, without prefix) and
/// its byte range in the section text. `text` views into whatever the spans were made from.
/// (Readings need no spans: a query reaches kanji through them and marks the kanji.)
struct TermSpan {
  std::string_view text;
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// The spans of an analysis: every word and compound with a non-empty range (bigrams are
/// never marked). Views into `analysis`, which must outlive them.
std::vector<TermSpan> term_spans(const Analysis& analysis);
/// Spans of a temporary analysis would dangle at once.
std::vector<TermSpan> term_spans(Analysis&& analysis) = delete;

/// A compact byte string of `spans` over `text`, each distinct term once with all its ranges:
/// a form byte (spelling, same ranges as the entry before), the term (nothing when it is the
/// text at its first range, one byte a character when it is all katakana, else its UTF-8
/// bytes; varint length first), then — unless they repeat the previous entry's — a varint
/// count and per range a varint begin (delta from the previous range) and a varint length.
std::string encode_term_spans(const std::vector<TermSpan>& spans, std::string_view text);

/// Spans decoded from a stored string. The texts view into `text`, the encoded string and
/// `unpacked` (katakana spelled out again), so keep all three while the spans are in use.
struct DecodedTermSpans {
  std::vector<TermSpan> spans;
  std::vector<char> unpacked;  ///< reserved once: never reallocated under the views
};

/// At most this many spans a byte of text are decoded. A section's words, compounds and their
/// spellings start a few to a character; a damaged string of one-byte entries repeating the
/// ranges before them would otherwise decode to the square of its length.
inline constexpr std::size_t kMaxSpansPerTextByte = 16;

/// The spans of an encoded string over the same `text`. A string cut short or malformed yields
/// the spans read before the fault, no span lies outside `text`, and no more than
/// kMaxSpansPerTextByte × text.size() are read.
DecodedTermSpans decode_term_spans(std::string_view encoded, std::string_view text);

}  // namespace koe
