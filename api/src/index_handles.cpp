#include "index_handles.hpp"

#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <unordered_map>

#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/index_layout.hpp"

namespace koe::api {
namespace {

std::atomic<std::uint64_t> next_id{1};

}  // namespace

IndexHandles::IndexHandles(std::filesystem::path db) : db_(std::move(db)), id_(next_id++) {}

Result<Xapian::Database*> IndexHandles::current() {
  struct Handle {
    std::unique_ptr<Xapian::Database> db;
    std::filesystem::path database;  // the directory it was opened from: db_, or a generation
    ino_t version_inode = 0;         // of its iamglass, rewritten (renamed into place) by every commit
  };
  thread_local std::unordered_map<std::uint64_t, Handle> handles;
  auto& h = handles[id_];
  // reopen() compares revisions only: an index deleted and rebuilt in place, or a rebuild
  // swapped in (koe index --rebuild), starts again at revision 1 and would keep this handle
  // on the old files. Another directory or a new iamglass inode means a new commit or a new
  // index; either way open afresh. Until then the handle keeps reading the files it has open,
  // even once a rebuild has removed them.
  for (int attempt = 0;; ++attempt) {
    const std::filesystem::path database = current_database(db_);
    struct stat st {};
    const bool present = ::stat((database / "iamglass").c_str(), &st) == 0;
    if (h.db && present && database == h.database && st.st_ino == h.version_inode) return h.db.get();
    try {
      h.db.reset();
      h.db = std::make_unique<Xapian::Database>(open_index(database));
      h.database = database;
      h.version_inode = present ? st.st_ino : 0;
      return h.db.get();
    } catch (const Xapian::DatabaseOpeningError&) {
      // A rebuild may have swapped in a newer generation and removed this one between
      // reading the stub and opening: look again.
      if (attempt < 3 && current_database(db_) != database) continue;
      // No path in the answer: a client has no business knowing the server's filesystem.
      return Status::unavailable("index_unavailable", "the index is not open yet (run koe index)");
    } catch (const IndexError& e) {
      return Status::unavailable("index_unavailable", e.reason());
    }
  }
}

}  // namespace koe::api
