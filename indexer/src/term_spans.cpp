#include "koe/indexer/term_spans.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "koe/indexer/utf8.hpp"
#include "koe/indexer/varint.hpp"

namespace koe {
namespace {

/// The byte before each entry: how its term is spelt, and whether it repeats the previous
/// entry's ranges.
enum FormBits : unsigned char {
  kSpellingMask = 3,   ///< one of the Spelling values
  kSameRangesBit = 4,  ///< no count and ranges: those of the previous entry
  kKnownBits = 7,
};
enum Spelling : unsigned char {
  kExplicit = 0,  ///< varint length, UTF-8 bytes
  kSurface = 1,   ///< nothing: the text at the entry's first range
  kPacked = 2,    ///< varint character count, one byte each: code point − U+30A0
};

constexpr char32_t kPackedBase = 0x30A0;  // the katakana block, U+30A0..U+30FF (ー and ・ included)
constexpr char32_t kPackedLast = 0x30FF;

/// The term one byte a character, or "" when a character lies outside the katakana block.
std::string packed_katakana(std::string_view term) {
  std::string out;
  for (std::size_t i = 0; i < term.size();) {
    const char32_t c = utf8::next(term, i);
    if (c < kPackedBase || c > kPackedLast) return {};
    out += static_cast<char>(c - kPackedBase);
  }
  return out;
}

void append_utf8(std::vector<char>& out, char32_t c) {
  // Katakana block only: three bytes.
  out.push_back(static_cast<char>(0xE0 | (c >> 12)));
  out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
  out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
}

}  // namespace

std::vector<TermSpan> term_spans(const Analysis& analysis) {
  std::vector<TermSpan> spans;
  spans.reserve(analysis.terms.size());
  for (const auto& t : analysis.terms) {
    if (t.end <= t.begin) continue;
    if (t.kind == TermKind::word || t.kind == TermKind::compound) spans.push_back({t.text, t.begin, t.end});
  }
  return spans;
}

std::string encode_term_spans(const std::vector<TermSpan>& spans, std::string_view text) {
  // Ordered by first occurrence, so the encoding is deterministic.
  std::vector<std::string_view> order;
  std::map<std::string_view, std::vector<std::pair<std::size_t, std::size_t>>> ranges;
  for (const auto& s : spans) {
    if (s.begin >= s.end || s.end > text.size()) continue;
    auto& r = ranges[s.text];
    if (r.empty()) order.push_back(s.text);
    r.emplace_back(s.begin, s.end);
  }
  std::string out;
  const std::vector<std::pair<std::size_t, std::size_t>>* previous_ranges = nullptr;
  for (const auto& term : order) {
    auto& r = ranges[term];
    std::sort(r.begin(), r.end());
    unsigned char form = 0;
    const bool same_ranges = previous_ranges && *previous_ranges == r;
    if (same_ranges) form |= kSameRangesBit;
    previous_ranges = &r;
    std::string spelt;
    if (text.substr(r.front().first, r.front().second - r.front().first) == term) {
      form |= kSurface;
    } else if (std::string packed = packed_katakana(term); !packed.empty()) {
      form |= kPacked;
      spelt = std::move(packed);
    } else {
      form |= kExplicit;
      spelt = term;
    }
    out += static_cast<char>(form);
    if ((form & kSpellingMask) != kSurface) {
      varint::put(out, spelt.size());
      out += spelt;
    }
    if (same_ranges) continue;
    varint::put(out, r.size());
    std::size_t previous = 0;
    for (const auto& [begin, end] : r) {
      varint::put(out, begin - previous);
      varint::put(out, end - begin);
      previous = begin;
    }
  }
  return out;
}

DecodedTermSpans decode_term_spans(std::string_view encoded, std::string_view text) {
  DecodedTermSpans decoded;
  // A packed byte becomes three: the bound holds for every packed term together.
  decoded.unpacked.reserve(3 * encoded.size());
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t at = 0;
  while (at < encoded.size()) {
    const auto form = static_cast<unsigned char>(encoded[at++]);
    const auto spelling = static_cast<unsigned char>(form & kSpellingMask);
    if (form > kKnownBits || spelling > kPacked) return decoded;
    if ((form & kSameRangesBit) && ranges.empty()) return decoded;
    std::string_view term;
    if (spelling != kSurface) {
      std::size_t length = 0;
      if (!varint::get(encoded, at, length) || length > encoded.size() - at) return decoded;
      term = encoded.substr(at, length);
      at += length;
      if (spelling == kPacked) {
        const std::size_t start = decoded.unpacked.size();
        for (const char c : term) {
          const auto offset = static_cast<unsigned char>(c);
          if (offset > kPackedLast - kPackedBase) return decoded;
          append_utf8(decoded.unpacked, kPackedBase + offset);
        }
        term = std::string_view(decoded.unpacked.data() + start, decoded.unpacked.size() - start);
      }
    }
    if (!(form & kSameRangesBit)) {
      ranges.clear();
      std::size_t count = 0;
      if (!varint::get(encoded, at, count)) return decoded;
      std::size_t begin = 0;
      for (std::size_t k = 0; k < count; ++k) {
        std::size_t delta = 0, size = 0;
        if (!varint::get(encoded, at, delta) || !varint::get(encoded, at, size)) return decoded;
        if (delta > text.size() - begin || size > text.size() - begin - delta) return decoded;
        begin += delta;
        ranges.emplace_back(begin, begin + size);
      }
      if (ranges.empty()) return decoded;
    }
    if (spelling == kSurface) term = text.substr(ranges.front().first, ranges.front().second - ranges.front().first);
    if (ranges.size() > kMaxSpansPerTextByte * text.size() - decoded.spans.size()) return decoded;
    for (const auto& [begin, end] : ranges) decoded.spans.push_back({term, begin, end});
  }
  return decoded;
}

}  // namespace koe
