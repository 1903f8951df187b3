#include "connection_pool.hpp"

#include <sqlite3.h>

namespace koe::desk {

ConnectionPool::ConnectionPool(const std::filesystem::path& path, const SqliteConnectOptions& options,
                               std::size_t idle_readers, std::span<const Migration> migrations, Setup setup)
    : path_(path), options_(options), idle_readers_(idle_readers), setup_(std::move(setup)), writer_(path, options) {
  if (setup_) setup_(writer_);
  // WAL: readers keep reading the last committed state while a clerk's change is written, and
  // a commit appends to the log instead of rewriting pages. The mode is stored in the file.
  std::string mode;
  {
    SqliteStatement wal(writer_, "PRAGMA journal_mode = WAL");
    wal.step();
    mode = wal.column_text(0);
  }
  if (mode != "wal")
    throw Error("[desk][sqlite][open] " + path.string() + ": cannot switch to WAL mode (journal_mode is " + mode + ")");
  migrate(writer_, migrations, "desk store");
}

ConnectionPool::Reader ConnectionPool::reader() const {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Reader(*this, std::move(db));
    }
  }
  auto db = std::make_unique<SqliteDb>(path_, options_);
  if (setup_) setup_(*db);
  return Reader(*this, std::move(db));
}

void ConnectionPool::give_back(std::unique_ptr<SqliteDb> db) const {
  if (!db) return;
  // A connection left inside a transaction (an exception between BEGIN and COMMIT) must not
  // keep an old snapshot for the next user.
  if (!sqlite3_get_autocommit(db->get())) sqlite3_exec(db->get(), "ROLLBACK", nullptr, nullptr, nullptr);
  std::lock_guard lock(readers_mutex_);
  if (idle_.size() < idle_readers_) idle_.push_back(std::move(db));
}

ReadSnapshot::~ReadSnapshot() {
  if (!sqlite3_get_autocommit(db_.get())) sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace koe::desk
