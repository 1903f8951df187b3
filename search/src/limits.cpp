#include "koe/search/limits.hpp"

#include <charconv>
#include <string>

namespace koe::search {
namespace {

Status out_of_range(std::string_view name, std::string_view got, CountRange range) {
  return Status::invalid(std::string(name) + "_out_of_range",
                         std::string(name) + " must be a whole number from " + std::to_string(range.min) + " to " +
                             std::to_string(range.max) + ", got «" + std::string(got) + "»");
}

}  // namespace

Status check_count(std::string_view name, std::int64_t value, CountRange range) {
  if (value >= range.min && value <= range.max) return {};
  return out_of_range(name, std::to_string(value), range);
}

Result<std::int64_t> parse_count(std::string_view name, std::string_view text, CountRange range) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return out_of_range(name, text, range);
  return n;
}

}  // namespace koe::search
