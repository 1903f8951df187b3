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

/// What stat says of a file that is replaced by rename, never rewritten: another inode or
/// another modification time means another file.
struct FileIdentity {
  bool present = false;
  ino_t inode = 0;
  std::int64_t modified_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

FileIdentity identity_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {true, st.st_ino, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::string version_file_of(const std::filesystem::path& database) {
  return (database / index_layout::kVersionFile).string();
}

}  // namespace

IndexHandles::IndexHandles(std::filesystem::path db)
    : db_(std::move(db)),
      in_place_version_(version_file_of(db_)),
      stub_((db_ / index_layout::kStub).string()),
      id_(next_id++) {}

Result<Xapian::Database*> IndexHandles::current() {
  struct Handle {
    std::unique_ptr<Xapian::Database> db;
    std::filesystem::path database;  // the directory it was opened from: db_, or a generation
    std::string version_file;        // database's iamglass
    FileIdentity stub;               // of the stub that named `database`; not present when in place
    ino_t version_inode = 0;         // of its iamglass, rewritten (renamed into place) by every commit
  };
  thread_local std::unordered_map<std::uint64_t, Handle> handles;
  auto& h = handles[id_];
  // reopen() compares revisions only: an index deleted and rebuilt in place, or a rebuild
  // swapped in (koe index --rebuild), starts again at revision 1 and would keep this handle
  // on the old files. Another directory or a new iamglass inode means a new commit or a new
  // index; either way open afresh. Until then the handle keeps reading the files it has open,
  // even once a rebuild has removed them. A swap renames a new stub into place, so while the
  // stub is the same file it names the same generation and is not read again: a request
  // costs two or three stat calls.
  for (int attempt = 0;; ++attempt) {
    std::filesystem::path database;
    FileIdentity stub;
    FileIdentity version = identity_of(in_place_version_);
    if (version.present) {
      database = db_;
    } else if (stub = identity_of(stub_); h.db && stub.present && stub == h.stub) {
      database = h.database;
      version = identity_of(h.version_file);
    } else {
      // Stat the stub before reading it: a swap between the two only costs a read next time.
      database = current_database(db_);
      version = identity_of(version_file_of(database));
    }
    if (h.db && version.present && database == h.database && version.inode == h.version_inode) return h.db.get();
    try {
      h.db.reset();
      h.db = std::make_unique<Xapian::Database>(open_index(database));
      h.database = database;
      h.version_file = version_file_of(database);
      h.stub = stub;
      h.version_inode = version.present ? version.inode : 0;
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
