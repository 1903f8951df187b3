/// @file limits.hpp
/// @brief The ranges of every count a request may ask for (results per page, offsets, …)
/// and the one check of them, shared by the API, the CLI and the search functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "koe/indexer/error.hpp"

namespace koe::search {

struct CountRange {
  std::int64_t min = 0;
  std::int64_t max = 0;
};

inline constexpr CountRange kSearchLimitRange{1, 100};
inline constexpr CountRange kSearchOffsetRange{0, 100000};
inline constexpr CountRange kMatchLimitRange{1, 50};
inline constexpr CountRange kRelatedLimitRange{1, 20};

/// OK when `value` lies in `range`; otherwise Status 400 `<name>_out_of_range` saying the range.
Status check_count(std::string_view name, std::int64_t value, CountRange range);

/// A count typed as text (a query parameter): the whole number it spells, or the same Status
/// as check_count when it spells none. The range is checked where the request is served.
Result<std::int64_t> parse_count(std::string_view name, std::string_view text, CountRange range);

}  // namespace koe::search
