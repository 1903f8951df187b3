// Bytes → decode_text (automatic, UTF-8, CP932), parse_csv, read_voices and csv_field: the
// batch upload path, where Excel's Shift_JIS CSV arrives. koe::Error is the one refusal
// allowed; decoded text, fields and voices must be valid UTF-8, and a field written by
// csv_field must read back as itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "koe/indexer/error.hpp"
#include "koe/search/csv.hpp"
#include "koe/search/router.hpp"

namespace {

using koe::fuzz::check;
using koe::search::TextEncoding;

void check_csv(const koe::search::CsvParse& csv) {
  int last_line = 0;
  for (const auto& rec : csv.records) {
    check(rec.line > last_line, "records start on increasing lines");
    last_line = rec.line;
    check(!rec.fields.empty(), "a record has a field");
    for (const auto& f : rec.fields) check(koe::fuzz::valid_utf8(f), "a field of valid text is valid UTF-8", f);
  }
}

void check_round_trip(const std::string& field) {
  if (field.empty()) return;  // an empty record is a blank line, skipped by design
  const auto written = koe::search::csv_field(field);
  const auto back = koe::search::parse_csv(written + "\r\n");
  check(back.errors.empty() && back.records.size() == 1 && back.records[0].fields.size() == 1,
        "csv_field writes exactly one field", written);
  const bool formula = std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos;
  check(back.records[0].fields[0] == (formula ? "'" + field : field), "csv_field reads back as written", written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  for (auto encoding : {TextEncoding::automatic, TextEncoding::utf8, TextEncoding::cp932}) {
    std::string text;
    std::string detected;
    try {
      text = koe::search::decode_text(bytes, encoding, &detected);
    } catch (const koe::Error&) {
      continue;
    }
    check(koe::fuzz::valid_utf8(text), "decoded text is valid UTF-8", text);
    check(detected == "utf-8" || detected == "cp932", "the encoding is named", detected);
    const auto csv = koe::search::parse_csv(text);
    check_csv(csv);
    if (encoding == TextEncoding::automatic)
      for (const auto& rec : csv.records)
        for (const auto& f : rec.fields) check_round_trip(f);
  }

  for (auto format :
       {koe::search::BatchFormat::automatic, koe::search::BatchFormat::csv, koe::search::BatchFormat::jsonl}) {
    try {
      const auto batch = koe::search::read_voices(bytes, format, TextEncoding::automatic);
      for (const auto& v : batch.voices) {
        check(koe::fuzz::valid_utf8(v.id) && koe::fuzz::valid_utf8(v.text), "a voice is valid UTF-8", v.text);
        check(v.line >= 1, "a voice names its line");
      }
      for (const auto& e : batch.errors) check(e.starts_with("line "), "a batch error starts with its line", e);
    } catch (const koe::Error&) {
    }
  }
  return 0;
}
