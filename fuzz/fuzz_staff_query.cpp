// Bytes → parse_staff_query and build_voice_query: what staff type in the search box and
// what citizens send as a voice. A Status (400) is a fine answer to anything; an exception,
// a sanitizer report or a query Xapian cannot describe is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "koe/search/query_builder.hpp"

namespace {
// No index: kana reaches no kanji here (the query's shape with readings is the parser test's).
const koe::search::ReadingTable kNoReadings;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koe::fuzz::check;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto& analyzer = koe::fuzz::analyzer();

  const auto staff = koe::search::parse_staff_query(analyzer, kNoReadings, text);
  if (staff.ok()) {
    const auto& sq = staff.value();
    check(!sq.required.empty() || !sq.filters.empty(), "an accepted staff query has something to search", text);
    for (const auto& q : sq.required) (void)q.get_description();
    for (const auto& q : sq.optional) (void)q.get_description();
    for (const auto& q : sq.excluded) (void)q.get_description();
    check(koe::search::filter_query(sq.filters).ok(), "an accepted query's filters build", text);
  } else {
    check(staff.status().http_status == 400 && !staff.status().code.empty(), "a refused query is a 400 with a code",
          staff.status().message);
  }

  const auto voice = koe::search::build_voice_query(analyzer, kNoReadings, text);
  if (voice.ok()) {
    (void)voice.value().query.get_description();
    check(voice.value().content_terms > 0 || !voice.value().query.empty(), "an accepted voice has a query", text);
  } else {
    check(voice.status().http_status == 400 && !voice.status().code.empty(), "a refused voice is a 400 with a code",
          voice.status().message);
  }
  return 0;
}
