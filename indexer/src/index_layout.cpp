#include "koe/indexer/index_layout.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "koe/indexer/error.hpp"

namespace koe {
namespace {

namespace fs = std::filesystem;
using namespace index_layout;

std::optional<unsigned long> generation_number(std::string_view name) {
  if (!name.starts_with(kGenerationPrefix)) return std::nullopt;
  name.remove_prefix(kGenerationPrefix.size());
  unsigned long n = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  if (name.empty() || ec != std::errc() || end != name.data() + name.size()) return std::nullopt;
  return n;
}

/// A file of a glass database written in place: what a swap leaves behind once the version
/// file that made it a database is gone.
bool in_place_file(std::string_view name) { return name.ends_with(".glass") || name == "flintlock" || name == "v.tmp"; }

bool has_database_in_place(const fs::path& db) {
  std::error_code ec;
  return fs::exists(db / kVersionFile, ec);
}

[[noreturn]] void fail(const fs::path& path, const char* what) {
  throw Error(path.string() + ": " + what + ": " + std::strerror(errno));
}

/// Writes `text` to `path` and waits until it is on disk, so the rename that follows can
/// never publish an empty stub after a crash.
void write_synced(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "cannot create");
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail(path, "cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail(path, "cannot sync");
  }
  ::close(fd);
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(dir, "cannot open");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail(dir, "cannot sync");
}

}  // namespace

fs::path current_database(const fs::path& db) {
  if (has_database_in_place(db)) return db;
  // Xapian's stub format: "<backend> <path>" lines, '#' comments, paths relative to the stub.
  std::ifstream stub(db / kStub);
  std::string line;
  while (std::getline(stub, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    if (space == std::string::npos) break;
    const fs::path target = line.substr(space + 1);
    return target.is_absolute() ? target : db / target;
  }
  return db;
}

bool has_current_database(const fs::path& db) {
  std::error_code ec;
  return fs::exists(current_database(db) / kVersionFile, ec);
}

fs::path create_generation(const fs::path& db) {
  unsigned long next = 1;
  for (const auto& entry : fs::directory_iterator(db))
    if (const auto n = generation_number(entry.path().filename().string())) next = std::max(next, *n + 1);
  const fs::path dir = db / (std::string(kGenerationPrefix) + std::to_string(next));
  if (!fs::create_directory(dir)) throw Error(dir.string() + ": already exists");
  return dir;
}

void swap_in_generation(const fs::path& db, const fs::path& generation) {
  std::error_code inside;
  if (!fs::equivalent(generation.parent_path(), db, inside))
    throw std::logic_error("swap_in_generation: " + generation.string() + " is not inside " + db.string());
  const fs::path aside = db / kStubAside;
  write_synced(aside, "auto " + generation.filename().string() + "\n");
  if (::rename(aside.c_str(), (db / kStub).c_str()) != 0) fail(db / kStub, "cannot rename the new stub into place");
  sync_directory(db);
  std::error_code ec;
  if (fs::remove(db / kVersionFile, ec)) sync_directory(db);
  if (ec) throw Error((db / kVersionFile).string() + ": cannot remove: " + ec.message());
}

void remove_stale_generations(const fs::path& db) {
  std::error_code ec;
  if (!fs::is_directory(db, ec)) return;
  const bool in_place = has_database_in_place(db);
  // A stub beside a database in place is a swap killed before it retired that database: no
  // reader follows the stub, so it and the generation it names go.
  if (in_place) fs::remove(db / kStub, ec);
  fs::remove(db / kStubAside, ec);
  const fs::path current = current_database(db);
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(db, ec)) {
    const std::string name = entry.path().filename().string();
    if (generation_number(name)) {
      std::error_code same;
      if (in_place || !fs::equivalent(entry.path(), current, same)) stale.push_back(entry.path());
    } else if (!in_place && in_place_file(name)) {
      stale.push_back(entry.path());
    }
  }
  for (const auto& path : stale) fs::remove_all(path, ec);
}

IndexLock::IndexLock(const fs::path& db) {
  const fs::path path = db / kLock;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw IndexError(db.string(), std::string("cannot open ") + std::string(kLock) + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    if (err == EWOULDBLOCK)
      throw IndexError(db.string(), "another koe index is writing this index; run again once it has finished");
    throw IndexError(db.string(), std::string("cannot lock ") + std::string(kLock) + ": " + std::strerror(err));
  }
}

IndexLock::~IndexLock() { ::close(fd_); }  // closing releases the flock

}  // namespace koe
