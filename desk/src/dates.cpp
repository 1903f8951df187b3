#include "koe/desk/dates.hpp"

#include <cstdio>

#include "koe/indexer/normalizer.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe::desk {
namespace {

using namespace std::chrono;

struct Era {
  std::string_view name;
  char letter;  // after case folding
  int offset;   // Gregorian year = offset + era year
  year_month_day first, last;
};

constexpr Era kEras[] = {
    {"令和", 'r', 2018, 2019y / May / 1, 9999y / December / 31},
    {"平成", 'h', 1988, 1989y / January / 8, 2019y / April / 30},
    {"昭和", 's', 1925, 1926y / December / 25, 1989y / January / 7},
};

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  std::string_view rest() const { return s_.substr(i_); }
  bool eat(std::string_view token) {
    if (!rest().starts_with(token)) return false;
    i_ += token.size();
    return true;
  }
  std::optional<int> number(std::size_t max_digits) {
    std::size_t n = 0;
    int v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9' && n < max_digits) {
      v = v * 10 + (s_[i_++] - '0');
      ++n;
    }
    if (n == 0 || (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9')) return std::nullopt;
    return v;
  }
  void skip_spaces() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::string iso(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

// After the date: nothing, a time, or a weekday in brackets.
bool acceptable_tail(std::string_view rest) {
  if (rest.empty()) return true;
  if (rest.front() == ' ' || rest.front() == 't') return true;
  return rest.front() == '(';
}

std::optional<year_month_day> make_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

}  // namespace

std::optional<std::string> parse_date(std::string_view text) {
  if (utf8::find_invalid(text)) return std::nullopt;
  static const Normalizer normalizer;
  // NFKC with case folding: full-width digits and separators become ASCII, R6 becomes r6.
  const std::string norm = normalizer.normalize(text).text;
  std::string_view s = norm;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  Cursor c(s);

  const Era* era = nullptr;
  for (const auto& e : kEras) {
    const bool letter = s.size() > 1 && s[0] == e.letter && s[1] >= '0' && s[1] <= '9';
    if (c.eat(e.name) || (letter && c.eat(s.substr(0, 1)))) {
      era = &e;
      break;
    }
  }
  int y = 0;
  if (era) {
    c.skip_spaces();
    if (c.eat("元")) {
      y = 1;
    } else if (auto n = c.number(2)) {
      y = *n;
    } else {
      return std::nullopt;
    }
    if (y < 1) return std::nullopt;
  } else {
    auto n = c.number(4);
    if (!n || *n < 1000) return std::nullopt;
    y = *n;
  }
  int m = 0, d = 0;
  if (c.eat("年")) {
    c.skip_spaces();
    auto mm = c.number(2);
    if (!mm || !c.eat("月")) return std::nullopt;
    c.skip_spaces();
    auto dd = c.number(2);
    if (!dd || !c.eat("日")) return std::nullopt;
    m = *mm;
    d = *dd;
  } else {
    std::string_view sep;
    for (std::string_view cand : {"-", "/", "."})
      if (c.eat(cand)) {
        sep = cand;
        break;
      }
    if (sep.empty()) return std::nullopt;
    auto mm = c.number(2);
    if (!mm || !c.eat(sep)) return std::nullopt;
    auto dd = c.number(2);
    if (!dd) return std::nullopt;
    m = *mm;
    d = *dd;
  }
  if (!acceptable_tail(c.rest())) return std::nullopt;
  const auto date = make_date(era ? era->offset + y : y, m, d);
  if (!date) return std::nullopt;
  if (era && (sys_days(*date) < sys_days(era->first) || sys_days(*date) > sys_days(era->last))) return std::nullopt;
  return iso(*date);
}

bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (text[i] < '0' || text[i] > '9') return false;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) v = v * 10 + (text[at + k] - '0');
    return v;
  };
  return make_date(num(0, 4), num(5, 2), num(8, 2)).has_value();
}

std::string add_days(const std::string& iso_date, int days) {
  const int y = std::stoi(iso_date.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(iso_date.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(iso_date.substr(8, 2)));
  return iso(year_month_day{sys_days(year{y} / month{m} / day{d}) + std::chrono::days{days}});
}

std::string japan_date(system_clock::time_point t) {
  return iso(year_month_day{floor<std::chrono::days>(t + hours{9})});
}

std::string utc_timestamp(system_clock::time_point t) {
  const auto day_point = floor<std::chrono::days>(t);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{floor<seconds>(t - day_point)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", iso(ymd).c_str(), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace koe::desk
