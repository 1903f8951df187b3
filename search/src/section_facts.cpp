#include "koe/search/section_facts.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "koe/indexer/schema.hpp"
#include "revision_cache.hpp"

namespace koe::search {
namespace {

/// The number of `value` among `names`, adding it when new; kNone for an empty value.
std::uint32_t number_of(const std::string& value, std::unordered_map<std::string, std::uint32_t>& numbers,
                        std::vector<std::string>& names) {
  if (value.empty()) return SectionFacts::kNone;
  auto [it, fresh] = numbers.try_emplace(value, static_cast<std::uint32_t>(names.size()));
  if (fresh) names.push_back(value);
  return it->second;
}

}  // namespace

SectionFacts::SectionFacts(const Xapian::Database& db) {
  sections_.resize(static_cast<std::size_t>(db.get_lastdocid()) + 1);
  std::unordered_map<std::string, std::uint32_t> owner_numbers;  // project id, 課 joined
  std::unordered_map<std::string, std::uint16_t> kind_numbers;
  std::unordered_map<std::string, std::uint32_t> project_numbers;
  std::unordered_map<std::string, std::uint32_t> division_numbers;
  for (auto v = db.valuestream_begin(schema::kSlotFacet); v != db.valuestream_end(schema::kSlotFacet); ++v) {
    const std::string& key = *v;
    const std::string_view k = key;
    const auto a = k.find(schema::kFacetSeparator);
    const auto b = a == std::string_view::npos ? a : k.find(schema::kFacetSeparator, a + 1);
    if (b == std::string_view::npos || v.get_docid() >= sections_.size()) continue;  // no key: counts nowhere
    Section& s = sections_[v.get_docid()];
    auto [owner, fresh_owner] = owner_numbers.try_emplace(key.substr(0, b), static_cast<std::uint32_t>(owners_.size()));
    if (fresh_owner) {
      Owner o{key.substr(0, a), key.substr(a + 1, b - a - 1)};
      o.project_number = number_of(o.project_id, project_numbers, projects_);
      o.division_number = number_of(o.division, division_numbers, divisions_);
      owners_.push_back(std::move(o));
    }
    s.owner = owner->second;
    auto [kind, fresh_kind] = kind_numbers.try_emplace(key.substr(b + 1), static_cast<std::uint16_t>(kinds_.size()));
    if (fresh_kind) kinds_.push_back(key.substr(b + 1));
    s.kind = kind->second;
  }
}

std::shared_ptr<const SectionFacts> SectionFacts::of(const Xapian::Database& db) {
  return of_revision<SectionFacts>(db);
}

}  // namespace koe::search
