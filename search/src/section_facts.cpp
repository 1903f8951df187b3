#include "koe/search/section_facts.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "koe/indexer/schema.hpp"

namespace koe::search {

SectionFacts::SectionFacts(const Xapian::Database& db) {
  sections_.resize(static_cast<std::size_t>(db.get_lastdocid()) + 1);
  std::unordered_map<std::string, std::uint32_t> owner_numbers;  // project id, 課 joined
  std::unordered_map<std::string, std::uint16_t> kind_numbers;
  for (auto v = db.valuestream_begin(schema::kSlotFacet); v != db.valuestream_end(schema::kSlotFacet); ++v) {
    const std::string& key = *v;
    const std::string_view k = key;
    const auto a = k.find(schema::kFacetSeparator);
    const auto b = a == std::string_view::npos ? a : k.find(schema::kFacetSeparator, a + 1);
    if (b == std::string_view::npos || v.get_docid() >= sections_.size()) continue;  // no key: counts nowhere
    Section& s = sections_[v.get_docid()];
    auto [owner, fresh_owner] = owner_numbers.try_emplace(key.substr(0, b), static_cast<std::uint32_t>(owners_.size()));
    if (fresh_owner) owners_.push_back({key.substr(0, a), key.substr(a + 1, b - a - 1)});
    s.owner = owner->second;
    auto [kind, fresh_kind] = kind_numbers.try_emplace(key.substr(b + 1), static_cast<std::uint16_t>(kinds_.size()));
    if (fresh_kind) kinds_.push_back(key.substr(b + 1));
    s.kind = kind->second;
  }
}

std::shared_ptr<const SectionFacts> SectionFacts::of(const Xapian::Database& db) {
  struct Cached {
    std::shared_ptr<const SectionFacts> facts;
    std::uint64_t used = 0;
  };
  // A few revisions at once at most: the one served, and those a rebuild or an update just
  // replaced while workers still on them finish their requests.
  static constexpr std::size_t kRevisionsKept = 4;
  static std::mutex mutex;
  static std::map<std::pair<std::string, Xapian::rev>, Cached> by_revision;  // database uuid, revision
  static std::uint64_t uses = 0;

  auto key = std::make_pair(db.get_uuid(), db.get_revision());
  // Built under the lock: the first query after the index changes builds the facts once,
  // and those that arrive meanwhile wait for them rather than build copies of their own.
  std::lock_guard lock(mutex);
  auto it = by_revision.find(key);
  if (it == by_revision.end()) {
    auto facts = std::make_shared<const SectionFacts>(db);
    if (by_revision.size() >= kRevisionsKept)
      by_revision.erase(std::min_element(by_revision.begin(), by_revision.end(),
                                         [](const auto& x, const auto& y) { return x.second.used < y.second.used; }));
    it = by_revision.emplace(std::move(key), Cached{std::move(facts)}).first;
  }
  it->second.used = ++uses;
  return it->second.facts;
}

}  // namespace koe::search
