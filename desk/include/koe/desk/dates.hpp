/// @file dates.hpp
/// @brief Dates as a Japanese city writes them (2024/4/1, 2024年4月1日, 令和6年4月1日, R6.4.1)
/// turned into ISO YYYY-MM-DD, and the desk's clock: dates in Japan, timestamps in UTC.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace koe::desk {

/// ISO YYYY-MM-DD for 2024-04-01, 2024/4/1, 2024.4.1, 2024年4月1日, 令和6年4月1日 (元年 too),
/// R6.4.1, H31.4.30, S64.1.7, in full-width digits as well; a time or a weekday after the date
/// (2024/4/1 10:30, 2024/4/1(月)) is ignored. nullopt for anything else, for a day that does
/// not exist (2024/13/1, 2023/2/29) and for an era date outside its era (平成31年5月1日 is
/// 令和元年5月1日).
std::optional<std::string> parse_date(std::string_view text);

/// True for a real calendar date written exactly as YYYY-MM-DD.
bool is_iso_date(std::string_view text);

/// `iso` (YYYY-MM-DD, valid) moved by `days`.
std::string add_days(const std::string& iso, int days);

/// The calendar date in Japan (UTC+9, no daylight saving) at `t`: what "received today"
/// means to the city whatever the server's time zone.
std::string japan_date(std::chrono::system_clock::time_point t);

/// UTC timestamp, ISO 8601 to the second: 2024-04-01T00:30:00Z.
std::string utc_timestamp(std::chrono::system_clock::time_point t);

}  // namespace koe::desk
