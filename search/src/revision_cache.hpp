/// @file revision_cache.hpp
/// @brief What is built once from one index revision and shared by every thread that
/// searches it (section facts, readings).
#pragma once

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace koe::search {

/// The T of the revision `db` is at: built as T(db) on first use, then shared until the index
/// changes. Thread-safe; `db` is the caller's handle.
template <class T>
std::shared_ptr<const T> of_revision(const Xapian::Database& db) {
  struct Cached {
    std::shared_ptr<const T> value;
    std::uint64_t used = 0;
  };
  // A few revisions at once at most: the one served, and those a rebuild or an update just
  // replaced while workers still on them finish their requests.
  static constexpr std::size_t kRevisionsKept = 4;
  static std::mutex mutex;
  static std::map<std::pair<std::string, Xapian::rev>, Cached> by_revision;  // database uuid, revision
  static std::uint64_t uses = 0;

  auto key = std::make_pair(db.get_uuid(), db.get_revision());
  // Built under the lock: the first query after the index changes builds it once, and those
  // that arrive meanwhile wait for it rather than build copies of their own.
  std::lock_guard lock(mutex);
  auto it = by_revision.find(key);
  if (it == by_revision.end()) {
    auto value = std::make_shared<const T>(db);
    if (by_revision.size() >= kRevisionsKept)
      by_revision.erase(std::min_element(by_revision.begin(), by_revision.end(),
                                         [](const auto& x, const auto& y) { return x.second.used < y.second.used; }));
    it = by_revision.emplace(std::move(key), Cached{std::move(value)}).first;
  }
  it->second.used = ++uses;
  return it->second.value;
}

}  // namespace koe::search
