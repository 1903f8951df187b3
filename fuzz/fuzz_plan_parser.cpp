// Bytes → koe::parse_plan. A plan document is the indexer's untrusted input: whatever it
// holds, the parser returns a department or throws koe::Error (ParseError with file:line).
// Any other exception, a sanitizer report or a broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "fuzz_support.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/plan_parser.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/wire/json.hpp"

namespace {

void check_sections(const std::vector<koe::Section>& sections) {
  using koe::fuzz::check;
  for (const auto& s : sections) {
    check(koe::fuzz::valid_utf8(s.text), "section text is valid UTF-8", s.text);
    check(s.line >= 1, "a section has a source line");
    for (const auto& item : s.items) check(koe::fuzz::valid_utf8(item), "list item is valid UTF-8", item);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koe::fuzz::check;
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  koe::ParsedDocument doc;
  try {
    doc = koe::parse_plan(content, "fuzz.tsv", {"2026-fuzz", "2026"});
  } catch (const koe::ParseError& e) {
    check(e.line() >= 1, "a ParseError names a line", e.what());
    check(std::string_view(e.what()).starts_with("fuzz.tsv:"), "a ParseError starts with the file", e.what());
    return 0;
  } catch (const koe::Error&) {
    return 0;
  }
  const auto& d = doc.department;
  check(!d.projects.empty(), "a parsed plan has a project");
  check_sections(d.sections);
  std::set<std::string> ids;
  for (const auto& p : d.projects) {
    check(ids.insert(p.id).second, "project ids are unique", p.id);
    check_sections(p.sections);
  }
  // What the index stores reads back the same, and what `koe corpus dump` prints is valid
  // JSON (nlohmann throws on invalid UTF-8).
  for (const auto& r : koe::section_records(d)) {
    check(koe::SectionRecord::from_stored(r.to_stored()) == r, "a record survives storing", r.id);
    (void)koe::wire::section_dump_json(r).dump();
  }
  return 0;
}
