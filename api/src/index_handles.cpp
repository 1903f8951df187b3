#include "index_handles.hpp"

#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <unordered_map>

#include "koe/indexer/index_builder.hpp"

namespace koe::api {
namespace {

std::atomic<std::uint64_t> next_id{1};

}  // namespace

IndexHandles::IndexHandles(std::filesystem::path db) : db_(std::move(db)), id_(next_id++) {}

Result<Xapian::Database*> IndexHandles::current() {
  struct Handle {
    std::unique_ptr<Xapian::Database> db;
    ino_t version_inode = 0;  // of iamglass, rewritten (renamed into place) by every commit
  };
  thread_local std::unordered_map<std::uint64_t, Handle> handles;
  auto& h = handles[id_];
  // reopen() compares revisions only: an index deleted and rebuilt in place starts again at
  // revision 1 and would keep this handle on the deleted files. A new iamglass inode means a
  // new commit or a new index; either way open afresh.
  struct stat st {};
  const bool present = ::stat((db_ / "iamglass").c_str(), &st) == 0;
  try {
    if (!h.db || !present || st.st_ino != h.version_inode) {
      h.db.reset();
      h.db = std::make_unique<Xapian::Database>(open_index(db_));
      h.version_inode = present ? st.st_ino : 0;
    }
  } catch (const Xapian::DatabaseOpeningError&) {
    // No path in the answer: a client has no business knowing the server's filesystem.
    return Status::unavailable("index_unavailable", "the index is not open yet (run koe index)");
  } catch (const IndexError& e) {
    return Status::unavailable("index_unavailable", e.reason());
  }
  return h.db.get();
}

}  // namespace koe::api
