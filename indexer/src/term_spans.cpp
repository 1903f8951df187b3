#include "koe/indexer/term_spans.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "koe/indexer/utf8.hpp"

namespace koe {
namespace {

/// The byte before each entry: its kind, how its term is spelt, and whether it repeats the
/// previous entry's ranges (a word's reading lies where the word does).
enum FormBits : unsigned char {
  kReadingBit = 1,     ///< a reading, else a word or compound
  kSpellingMask = 6,   ///< one of the Spelling values, shifted by 1
  kSameRangesBit = 8,  ///< no count and ranges: those of the previous entry
  kKnownBits = 15,
};
enum Spelling : unsigned char {
  kExplicit = 0,  ///< varint length, UTF-8 bytes
  kSurface = 1,   ///< nothing: the text at the entry's first range
  kPacked = 2,    ///< varint character count, one byte each: code point − U+30A0
};

constexpr char32_t kPackedBase = 0x30A0;  // the katakana block, U+30A0..U+30FF (ー and ・ included)
constexpr char32_t kPackedLast = 0x30FF;

void put_varint(std::string& out, std::size_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

/// Reads a varint at `at`; false when the string ends inside it or it overflows.
bool get_varint(std::string_view in, std::size_t& at, std::size_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 8 * sizeof(std::size_t); shift += 7) {
    if (at >= in.size()) return false;
    const auto byte = static_cast<unsigned char>(in[at++]);
    v |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

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
    switch (t.kind) {
      case TermKind::word:
      case TermKind::compound:
        spans.push_back({TermSpanKind::word, t.text, t.begin, t.end});
        break;
      case TermKind::reading:
        spans.push_back({TermSpanKind::reading, t.text, t.begin, t.end});
        break;
      case TermKind::bigram:
        break;
    }
  }
  return spans;
}

std::string encode_term_spans(const std::vector<TermSpan>& spans, std::string_view text) {
  // Ordered by first occurrence, so the encoding is deterministic.
  using Key = std::pair<TermSpanKind, std::string_view>;
  std::vector<Key> order;
  std::map<Key, std::vector<std::pair<std::size_t, std::size_t>>> ranges;
  for (const auto& s : spans) {
    if (s.begin >= s.end || s.end > text.size()) continue;
    auto& r = ranges[{s.kind, s.text}];
    if (r.empty()) order.emplace_back(s.kind, s.text);
    r.emplace_back(s.begin, s.end);
  }
  std::string out;
  const std::vector<std::pair<std::size_t, std::size_t>>* previous_ranges = nullptr;
  for (const auto& key : order) {
    auto& r = ranges[key];
    std::sort(r.begin(), r.end());
    const auto [kind, term] = key;
    unsigned char form = kind == TermSpanKind::reading ? kReadingBit : 0;
    const bool same_ranges = previous_ranges && *previous_ranges == r;
    if (same_ranges) form |= kSameRangesBit;
    previous_ranges = &r;
    std::string spelt;
    if (text.substr(r.front().first, r.front().second - r.front().first) == term) {
      form |= kSurface << 1;
    } else if (std::string packed = kind == TermSpanKind::reading ? packed_katakana(term) : ""; !packed.empty()) {
      form |= kPacked << 1;
      spelt = std::move(packed);
    } else {
      form |= kExplicit << 1;
      spelt = term;
    }
    out += static_cast<char>(form);
    if ((form & kSpellingMask) >> 1 != kSurface) {
      put_varint(out, spelt.size());
      out += spelt;
    }
    if (same_ranges) continue;
    put_varint(out, r.size());
    std::size_t previous = 0;
    for (const auto& [begin, end] : r) {
      put_varint(out, begin - previous);
      put_varint(out, end - begin);
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
    const auto spelling = static_cast<unsigned char>((form & kSpellingMask) >> 1);
    if (form > kKnownBits || spelling > kPacked) return decoded;
    if ((form & kSameRangesBit) && ranges.empty()) return decoded;
    std::string_view term;
    if (spelling != kSurface) {
      std::size_t length = 0;
      if (!get_varint(encoded, at, length) || length > encoded.size() - at) return decoded;
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
      if (!get_varint(encoded, at, count)) return decoded;
      std::size_t begin = 0;
      for (std::size_t k = 0; k < count; ++k) {
        std::size_t delta = 0, size = 0;
        if (!get_varint(encoded, at, delta) || !get_varint(encoded, at, size)) return decoded;
        if (delta > text.size() - begin || size > text.size() - begin - delta) return decoded;
        begin += delta;
        ranges.emplace_back(begin, begin + size);
      }
      if (ranges.empty()) return decoded;
    }
    if (spelling == kSurface) term = text.substr(ranges.front().first, ranges.front().second - ranges.front().first);
    const TermSpanKind kind = (form & kReadingBit) ? TermSpanKind::reading : TermSpanKind::word;
    for (const auto& [begin, end] : ranges) decoded.spans.push_back({kind, term, begin, end});
  }
  return decoded;
}

}  // namespace koe
