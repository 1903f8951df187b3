/// @file index_layout.hpp
/// @brief Where an index directory keeps its Xapian database (in place, or in a generation a
/// Xapian stub file names, so a rebuild is swapped in by one rename) and the lock of its writers.
#pragma once

#include <filesystem>
#include <string_view>

namespace koe {

/// An index directory holds either a Xapian database in place (what `koe index` wrote into a
/// new directory until schema 4), or generations `gen-N/` beside a Xapian stub file
/// `XAPIANDB` naming the current one (`auto gen-N`: what a first `koe index` and every
/// rebuild write), which every Xapian::Database and WritableDatabase opened on the directory
/// follows. Xapian prefers a database in place to a stub, and so does everything here.
namespace index_layout {
inline constexpr std::string_view kStub = "XAPIANDB";
inline constexpr std::string_view kStubAside = "XAPIANDB.tmp";
inline constexpr std::string_view kGenerationPrefix = "gen-";
inline constexpr std::string_view kLock = "koe-index.lock";
/// The file whose presence makes a directory a glass database; Xapian checks it before a stub.
/// Every commit renames a new one into place.
inline constexpr std::string_view kVersionFile = "iamglass";
}  // namespace index_layout

/// The directory of the database a reader of `db` opens now: `db` itself, or the generation
/// its stub names. The path may be gone by the time it is opened (a rebuild removed it): look
/// again.
std::filesystem::path current_database(const std::filesystem::path& db);

/// Whether `db` holds a database now, in place or in the generation its stub names.
bool has_current_database(const std::filesystem::path& db);

/// A new, empty generation directory inside `db`, numbered after every one there.
std::filesystem::path create_generation(const std::filesystem::path& db);

/// Makes `generation` (a committed database inside `db`) current: the stub is written aside,
/// synced and renamed over the old one, so a reader opens the old database or the new, never
/// neither. A database in place stops being current when its version file is removed, after
/// the stub exists.
void swap_in_generation(const std::filesystem::path& db, const std::filesystem::path& generation);

/// Removes from `db` whatever is not its current database: older generations, one a killed
/// rebuild left half-written, a stub aside, and a database in place a swap retired. A server
/// holding files of a removed generation keeps reading them (an unlinked file lives until
/// closed). Call it only while holding the IndexLock.
void remove_stale_generations(const std::filesystem::path& db);

/// One writer per index directory: `koe index` holds this for its whole run, so a rebuild and
/// an update never build on each other's generation. An flock(2) on `db/koe-index.lock`: the
/// kernel releases it when the process ends, killed or not, so no stale lock survives.
class IndexLock {
 public:
  /// Throws IndexError naming `db` when another process holds the lock.
  explicit IndexLock(const std::filesystem::path& db);
  ~IndexLock();
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace koe
