/// @file index_handles.hpp
/// @brief Each worker thread's own handle on the index, reopened when a new revision or a
/// rebuilt index (one swapped in by koe index --rebuild too) appears (Xapian objects are not
/// thread-safe).
#pragma once

#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "koe/indexer/error.hpp"

namespace koe::api {

class IndexHandles {
 public:
  explicit IndexHandles(std::filesystem::path db);

  /// This thread's handle, current with the index on disk; Status 503 `index_unavailable`
  /// when there is no readable index.
  Result<Xapian::Database*> current();

  /// Runs `body` with this thread's handle, once more on a fresh revision when the index
  /// changed mid-way. Status 503 when there is no index or it changed twice.
  template <class F>
  Status with(F&& body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto db = current();
      if (!db.ok()) return db.status();
      try {
        body(*db.value());
        return {};
      } catch (const Xapian::DatabaseModifiedError&) {
        db.value()->reopen();
      }
    }
    return Status::unavailable("index_busy", "the index changed twice during the request; try again");
  }

 private:
  std::filesystem::path db_;
  std::string in_place_version_;  ///< db_/iamglass: a database in place, which Xapian prefers to a stub
  std::string stub_;              ///< db_/XAPIANDB: the stub naming the current generation
  std::uint64_t id_;              ///< tells apart the handles of two servers in one process (tests)
};

}  // namespace koe::api
