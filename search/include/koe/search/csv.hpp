/// @file csv.hpp
/// @brief CSV as Excel writes it: UTF-8 with or without BOM, or Shift_JIS (CP932); quoted
/// fields with commas, quotes and newlines inside.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace koe::search {

enum class TextEncoding { automatic, utf8, cp932 };

/// The bytes as UTF-8 (BOM dropped). `automatic` takes valid UTF-8 as UTF-8 and anything
/// else as CP932, Excel's "CSV" on Japanese Windows. Throws Error when CP932 does not
/// decode either, naming the byte offset.
std::string decode_text(std::string_view bytes, TextEncoding encoding, std::string* detected = nullptr);

struct CsvRecord {
  int line = 0;  ///< line the record starts on
  std::vector<std::string> fields;
};

struct CsvParse {
  std::vector<CsvRecord> records;
  std::vector<std::string> errors;  ///< "line N: …" for records that could not be read
};

CsvParse parse_csv(std::string_view text);

/// One CSV field, quoted when it must be; a value Excel would run as a formula (=, +, -, @
/// first) gets a leading apostrophe.
std::string csv_field(std::string_view value);

}  // namespace koe::search
