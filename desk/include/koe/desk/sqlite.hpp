/// @file sqlite.hpp
/// @brief SQLite's C API behind RAII: a connection, a prepared statement, a write transaction,
/// a savepoint, and the ordered schema migrations kept in `PRAGMA user_version`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "koe/indexer/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace koe::desk {

/// A failed SQLite call. The message names the call, SQLite's own message and the file.
class SqliteError : public Error {
 public:
  SqliteError(int code, const std::string& message) : Error(message), code_(code) {}
  int code() const { return code_; }  ///< the extended result code
  bool busy() const;                  ///< SQLITE_BUSY or SQLITE_LOCKED after the busy timeout
  bool constraint() const;            ///< a UNIQUE, CHECK, NOT NULL or FOREIGN KEY violation

 private:
  int code_;
};

struct SqliteConnectOptions {
  /// How long a statement waits for another connection's write lock before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
};

/// One connection. Not thread-safe: a connection is used by one thread at a time (the pool in
/// the stores hands them out), so it is opened without SQLite's own mutex.
class SqliteDb {
 public:
  /// Opens (creating) `path` with foreign keys on, `synchronous=FULL` and the busy timeout.
  /// Throws SqliteError naming the file.
  SqliteDb(const std::filesystem::path& path, const SqliteConnectOptions& options);
  ~SqliteDb();
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  sqlite3* get() const { return db_; }
  const std::filesystem::path& path() const { return path_; }
  /// Runs statements that return no rows (several, separated by semicolons).
  void exec(std::string_view sql);
  std::int64_t last_insert_id() const;
  std::int64_t changes() const;
  /// A SqliteError for `what` with this connection's current error message.
  [[noreturn]] void fail(std::string_view what, int rc) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

/// A prepared statement. Parameters are numbered from 1 or named (`:name`); columns from 0.
class SqliteStatement {
 public:
  SqliteStatement(const SqliteDb& db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  SqliteStatement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  SqliteStatement& bind(int index, std::nullptr_t);
  SqliteStatement& bind_blob(int index, std::string_view bytes);
  /// A C++ object for an SQL function of this process (sqlite3_bind_pointer); `type` must be
  /// a string literal the function checks. The object must outlive the statement's use.
  SqliteStatement& bind_pointer(int index, const void* object, const char* type);
  /// NULL for an empty string: optional text columns keep "not given" as NULL.
  SqliteStatement& bind_text_or_null(int index, std::string_view value);
  template <class T>
  SqliteStatement& bind(std::string_view name, const T& value) {
    return bind(index_of(name), value);
  }
  int index_of(std::string_view name) const;

  /// True when a row is ready, false when the statement is done. Throws SqliteError.
  bool step();
  /// Runs a statement that returns no rows.
  void run();
  /// Ready to run again with new bindings.
  void reset();

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  ///< "" for NULL
  /// The text without a copy, valid until the next step() or reset().
  std::string_view column_view(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

 private:
  const SqliteDb* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// `BEGIN IMMEDIATE` … `COMMIT`: the write lock is taken at the start, so a read-then-write in
/// the transaction never fails half-way with SQLITE_BUSY on the upgrade. Rolls back when it
/// goes out of scope uncommitted (an exception, an early return with an error).
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

/// A savepoint inside a transaction: one row of an import that fails leaves nothing behind
/// (no voice without its history row) while the rows before it stay.
class SqliteSavepoint {
 public:
  explicit SqliteSavepoint(SqliteDb& db);
  ~SqliteSavepoint();
  SqliteSavepoint(const SqliteSavepoint&) = delete;
  SqliteSavepoint& operator=(const SqliteSavepoint&) = delete;
  void release();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

/// One schema step: the SQL that brings the database from `version - 1` to `version`.
struct Migration {
  int version = 0;
  std::string_view sql;
};

/// `PRAGMA user_version` of the database.
int schema_version(SqliteDb& db);

/// Applies, in order, every migration newer than the database's `user_version`, each in its
/// own transaction together with the new version number, so a crash leaves the database at
/// one version or the next, never between. Throws Error, naming the file and `what`, when the
/// database is newer than the last migration (made by a newer koe: refuse rather than guess),
/// or when the list is not numbered 1, 2, 3….
void migrate(SqliteDb& db, std::span<const Migration> migrations, std::string_view what);

/// Copies the whole database to `to` with SQLite's online backup API: a consistent snapshot
/// while other connections keep reading and writing. Writes `to` through a temporary file
/// renamed into place, so `to` is never a half copy. Throws SqliteError or Error.
void backup_database(SqliteDb& from, const std::filesystem::path& to);

}  // namespace koe::desk
