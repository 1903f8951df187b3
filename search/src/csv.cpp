#include "koe/search/csv.hpp"

#include <unicode/ucnv.h>

#include <memory>

#include "koe/indexer/error.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe::search {
namespace {

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

std::string from_cp932(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open("windows-31j", &status));
  if (U_FAILURE(status)) throw Error(std::string("ICU: no windows-31j converter: ") + u_errorName(status));
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::u16string u16(bytes.size() + 1, u'\0');
  UChar* target = reinterpret_cast<UChar*>(u16.data());
  const char* source = bytes.data();
  ucnv_toUnicode(conv.get(), &target, target + u16.size(), &source, bytes.data() + bytes.size(), nullptr, true,
                 &status);
  if (U_FAILURE(status))
    throw Error("the file is neither UTF-8 nor Shift_JIS (CP932): undecodable byte near offset " +
                std::to_string(source - bytes.data()));
  u16.resize(static_cast<std::size_t>(target - reinterpret_cast<UChar*>(u16.data())));
  std::string out;
  for (std::size_t i = 0; i < u16.size(); ++i) {
    char32_t c = u16[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < u16.size()) c = 0x10000 + ((c - 0xD800) << 10) + (u16[++i] - 0xDC00);
    utf8::append(out, c);
  }
  return out;
}

}  // namespace

std::string decode_text(std::string_view bytes, TextEncoding encoding, std::string* detected) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    if (encoding == TextEncoding::automatic) encoding = TextEncoding::utf8;
  }
  if (encoding == TextEncoding::automatic)
    encoding = utf8::find_invalid(bytes) ? TextEncoding::cp932 : TextEncoding::utf8;
  if (detected) *detected = encoding == TextEncoding::utf8 ? "utf-8" : "cp932";
  if (encoding == TextEncoding::cp932) return from_cp932(bytes);
  if (auto bad = utf8::find_invalid(bytes))
    throw Error("invalid UTF-8 at byte offset " + std::to_string(*bad) + " (for Shift_JIS files use --encoding cp932)");
  return std::string(bytes);
}

CsvParse parse_csv(std::string_view text) {
  CsvParse out;
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool in_quotes = false, quoted = false, broken = false;
    for (;;) {
      if (i >= text.size()) {
        if (in_quotes) broken = true;
        rec.fields.push_back(std::move(field));
        break;
      }
      const char c = text[i++];
      if (in_quotes) {
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            field += '"';
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
        }
        continue;
      }
      if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
      } else if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
        quoted = false;
      } else if (c == '\r') {
        continue;
      } else if (c == '\n') {
        ++line;
        rec.fields.push_back(std::move(field));
        break;
      } else {
        field += c;
      }
    }
    if (broken) {
      out.errors.push_back("line " + std::to_string(rec.line) + ": a quoted field is never closed");
      break;
    }
    if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;  // blank line
    out.records.push_back(std::move(rec));
  }
  return out;
}

std::string csv_field(std::string_view v) {
  // Excel runs a cell starting with = + - @ (or a tab/CR before them) as a formula; a leading
  // apostrophe makes it text (OWASP's advice against CSV injection).
  if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos)
    return csv_field(std::string("'") + std::string(v));
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace koe::search
