// Bytes → Normalizer + Analyzer::analyze. Callers reject invalid UTF-8 before analysing;
// here invalid input must be refused with koe::Error, and valid input must give terms whose
// byte ranges lie inside the original text on character boundaries, with non-empty text and
// positions that never go back within a kind.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "koe/indexer/error.hpp"

namespace {

void check_normalized(std::string_view original, const koe::NormalizedText& n) {
  using koe::fuzz::check;
  check(koe::fuzz::valid_utf8(n.text), "normalized text is valid UTF-8", n.text);
  check(n.begin.size() == n.text.size() && n.end.size() == n.text.size(), "one offset pair per normalized byte");
  for (std::size_t k = 0; k < n.text.size(); ++k) {
    check(n.begin[k] < n.end[k] && n.end[k] <= original.size(), "normalized byte maps into the original", n.text);
    check(koe::fuzz::is_boundary(original, n.begin[k]) && koe::fuzz::is_boundary(original, n.end[k]),
          "normalized byte maps to whole original characters", n.text);
    if (k) check(n.begin[k - 1] <= n.begin[k], "offsets never go back", n.text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koe::fuzz::check;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& analyzer = koe::fuzz::analyzer();

  if (!koe::fuzz::valid_utf8(text)) {
    try {
      (void)analyzer.analyze(text);
    } catch (const koe::Error& e) {
      check(std::string_view(e.what()).find("byte offset") != std::string_view::npos, "the error names the offset",
            e.what());
      return 0;
    }
    check(false, "analyze refuses invalid UTF-8", text);
  }

  check_normalized(text, analyzer.normalizer().normalize(text));
  const auto a = analyzer.analyze(text);
  check_normalized(text, a.normalized);
  std::array<std::uint32_t, 4> last_position{};
  for (const auto& t : a.terms) {
    check(!t.text.empty(), "no term has empty text", text);
    check(koe::fuzz::valid_utf8(t.text), "term text is valid UTF-8", t.text);
    check(t.begin < t.end && t.end <= text.size(), "a term's byte range lies inside the text", t.text);
    check(koe::fuzz::is_boundary(text, t.begin) && koe::fuzz::is_boundary(text, t.end),
          "a term's byte range lies on character boundaries", t.text);
    check(t.position < a.positions, "a term's position is one of the analysis's", t.text);
    auto& last = last_position[static_cast<std::size_t>(t.kind)];
    check(t.position >= last, "positions never go back within a kind", t.text);
    last = t.position;
  }
  return 0;
}
