#include "koe/desk/sqlite.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <system_error>
#include <thread>
#include <utility>

namespace koe::desk {

bool SqliteError::busy() const {
  const int primary = code_ & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

bool SqliteError::constraint() const { return (code_ & 0xff) == SQLITE_CONSTRAINT; }

SqliteDb::SqliteDb(const std::filesystem::path& path, const SqliteConnectOptions& options) : path_(path) {
  // NOMUTEX: each connection is used by one thread at a time (the stores' pool guarantees it),
  // so SQLite's per-connection mutex would only cost.
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(rc, "[desk][sqlite][open] " + path.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  // synchronous=FULL, not NORMAL: in WAL mode NORMAL skips the fsync of the WAL at each commit.
  // A killed process loses nothing either way (the OS still has the pages), but after a power
  // cut or a kernel crash NORMAL may roll back transactions that were already reported as
  // committed — a clerk's confirmation the desk said was saved. FULL pays one fsync per commit
  // for that guarantee; imports amortise it over a chunk of rows.
  // temp_store: savepoints and statement journals in memory, not in temporary files (Debian's
  // SQLite defaults to files), which made an import spend a third of its time in write(2).
  // cache_size: 16 MB of pages (2 MB by default) so a chunk of an import stays in the cache
  // until it is committed instead of spilling to the WAL half-way.
  exec(
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; "
      "PRAGMA cache_size = -16000;");
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void SqliteDb::fail(std::string_view what, int rc) const {
  throw SqliteError(rc, "[desk][sqlite][" + std::string(what) + "] " + path_.string() + ": " + sqlite3_errmsg(db_) +
                            " (code " + std::to_string(rc) + ")");
}

void SqliteDb::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string m = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw SqliteError(rc, "[desk][sqlite][exec] " + path_.string() + ": " + m + " (code " + std::to_string(rc) + ")");
  }
}

std::int64_t SqliteDb::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

SqliteStatement::SqliteStatement(const SqliteDb& db, std::string_view sql) : db_(&db) {
  const int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()), 0, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail("prepare", rc);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) db_->fail("bind", rc);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) db_->fail("bind", rc);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_->fail("bind", rc);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::nullptr_t) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) db_->fail("bind", rc);
  return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_->fail("bind", rc);
  return *this;
}

SqliteStatement& SqliteStatement::bind_pointer(int index, const void* object, const char* type) {
  const int rc = sqlite3_bind_pointer(stmt_, index, const_cast<void*>(object), type, nullptr);
  if (rc != SQLITE_OK) db_->fail("bind", rc);
  return *this;
}

SqliteStatement& SqliteStatement::bind_text_or_null(int index, std::string_view value) {
  return value.empty() ? bind(index, nullptr) : bind(index, value);
}

int SqliteStatement::index_of(std::string_view name) const {
  const std::string n(name);
  const int i = sqlite3_bind_parameter_index(stmt_, n.c_str());
  if (i == 0) throw SqliteError(SQLITE_RANGE, "[desk][sqlite][bind] no parameter " + n + " in: " + sqlite3_sql(stmt_));
  return i;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail("step", rc);
}

void SqliteStatement::run() {
  while (step()) {
  }
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool SqliteStatement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::int64_t SqliteStatement::column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
double SqliteStatement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string SqliteStatement::column_text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view SqliteStatement::column_view(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> SqliteStatement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

SqliteTransaction::SqliteTransaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

SqliteTransaction::~SqliteTransaction() {
  if (done_) return;
  // A failed COMMIT or a statement error may already have ended the transaction; then there is
  // nothing to roll back and the error is not worth a second exception here.
  if (!sqlite3_get_autocommit(db_.get())) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

SqliteSavepoint::SqliteSavepoint(SqliteDb& db) : db_(db) { db_.exec("SAVEPOINT koe_row"); }

SqliteSavepoint::~SqliteSavepoint() {
  if (done_) return;
  sqlite3_exec(db_.get(), "ROLLBACK TO koe_row; RELEASE koe_row", nullptr, nullptr, nullptr);
}

void SqliteSavepoint::release() {
  db_.exec("RELEASE koe_row");
  done_ = true;
}

int schema_version(SqliteDb& db) {
  SqliteStatement s(db, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.column_int(0));
}

void migrate(SqliteDb& db, std::span<const Migration> migrations, std::string_view what) {
  for (std::size_t i = 0; i < migrations.size(); ++i)
    if (migrations[i].version != static_cast<int>(i) + 1)
      throw Error("[desk][schema] " + std::string(what) + ": migration " + std::to_string(i + 1) + " is numbered " +
                  std::to_string(migrations[i].version));
  const int latest = static_cast<int>(migrations.size());
  for (;;) {
    // The version is read inside the write transaction: two processes opening a new file at
    // once both wait for the lock, and the second sees the first one's work.
    SqliteTransaction tx(db);
    const int current = schema_version(db);
    if (current > latest)
      throw Error("[desk][schema] " + db.path().string() + ": the " + std::string(what) + " is at schema version " +
                  std::to_string(current) + ", newer than this koe understands (" + std::to_string(latest) +
                  "); use the koe that wrote it, or restore a backup made for this version");
    if (current == latest) return;  // rolls back the empty transaction
    db.exec(migrations[static_cast<std::size_t>(current)].sql);
    db.exec("PRAGMA user_version = " + std::to_string(current + 1));
    tx.commit();
  }
}

void backup_database(SqliteDb& from, const std::filesystem::path& to) {
  auto tmp = to;
  tmp += ".part-" + std::to_string(::getpid());
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  {
    SqliteDb dest(tmp, {});
    sqlite3_backup* b = sqlite3_backup_init(dest.get(), "main", from.get(), "main");
    if (!b) dest.fail("backup", sqlite3_errcode(dest.get()));
    // All pages in one step, inside one read transaction of the source: in WAL mode that
    // does not hold up writers, and the copy cannot be restarted by their commits (which
    // step-by-step copying is, from the start, after every write by another connection).
    int rc = SQLITE_OK;
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const int finish = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) dest.fail("backup", rc);
    if (finish != SQLITE_OK) dest.fail("backup", finish);
  }
  std::filesystem::rename(tmp, to, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw Error("[desk][sqlite][backup] cannot move the copy to " + to.string() + ": " + ec.message());
  }
}

}  // namespace koe::desk
