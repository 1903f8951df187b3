// One write connection behind a mutex and a pool of read connections over one SQLite file in
// WAL mode: how the desk's stores share a database between the server's worker threads.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "koe/desk/sqlite.hpp"

namespace koe::desk {

class ConnectionPool {
 public:
  /// Called on every connection the pool opens (SQL functions a store registers).
  using Setup = std::function<void(SqliteDb&)>;

  /// Opens the writer, switches the file to WAL and applies `migrations`. Throws Error.
  ConnectionPool(const std::filesystem::path& path, const SqliteConnectOptions& options, std::size_t idle_readers,
                 std::span<const Migration> migrations, Setup setup = {});

  class Writer {
   public:
    explicit Writer(ConnectionPool& pool) : lock_(pool.write_mutex_), db_(pool.writer_) {}
    SqliteDb& db() { return db_; }

   private:
    std::unique_lock<std::mutex> lock_;
    SqliteDb& db_;
  };

  class Reader {
   public:
    Reader(const ConnectionPool& pool, std::unique_ptr<SqliteDb> db) : pool_(&pool), db_(std::move(db)) {}
    ~Reader() { pool_->give_back(std::move(db_)); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    SqliteDb& db() { return *db_; }

   private:
    const ConnectionPool* pool_;
    std::unique_ptr<SqliteDb> db_;
  };

  /// The write connection, held until the Writer goes away.
  Writer writer() { return Writer(*this); }
  /// A read connection for this thread until the Reader goes away.
  Reader reader() const;

  const std::filesystem::path& path() const { return path_; }

 private:
  void give_back(std::unique_ptr<SqliteDb> db) const;

  std::filesystem::path path_;
  SqliteConnectOptions options_;
  std::size_t idle_readers_;
  Setup setup_;
  std::mutex write_mutex_;
  SqliteDb writer_;
  mutable std::mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<SqliteDb>> idle_;
};

/// A read transaction: the statements inside see one snapshot (a count and its page agree).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(SqliteDb& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  SqliteDb& db_;
};

}  // namespace koe::desk
