// The SQLite wrappers: transactions and savepoints that roll back on scope exit, and ordered
// migrations kept in PRAGMA user_version.
#include "koe/desk/sqlite.hpp"

#include <catch2/catch.hpp>

#include "koe/desk/voice_store.hpp"
#include "test_support.hpp"

namespace {

using namespace koe::desk;

std::int64_t count_rows(SqliteDb& db, const std::string& table) {
  SqliteStatement s(db, "SELECT count(*) FROM " + table);
  s.step();
  return s.column_int(0);
}

constexpr Migration kV1{1, "CREATE TABLE a (x INTEGER)"};
constexpr Migration kV2{2, "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z TEXT)"};
constexpr Migration kBroken{3, "CREATE TABLE c (w TEXT); THIS IS NOT SQL"};

}  // namespace

TEST_CASE("A transaction that is not committed leaves nothing behind", "[sqlite]") {
  koe::test::TempDir dir;
  SqliteDb db(dir / "t.db", {});
  db.exec("CREATE TABLE t (x INTEGER)");
  {
    SqliteTransaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
  }
  CHECK(count_rows(db, "t") == 0);
  {
    SqliteTransaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    {
      SqliteSavepoint row(db);
      db.exec("INSERT INTO t VALUES (2)");
    }
    SqliteSavepoint kept(db);
    db.exec("INSERT INTO t VALUES (3)");
    kept.release();
    tx.commit();
  }
  CHECK(count_rows(db, "t") == 2);
}

TEST_CASE("A failed statement names the file and SQLite's reason", "[sqlite]") {
  koe::test::TempDir dir;
  SqliteDb db(dir / "t.db", {});
  try {
    SqliteStatement s(db, "SELECT * FROM nowhere");
    FAIL("prepared a query of a missing table");
  } catch (const SqliteError& e) {
    CHECK(std::string(e.what()).find("t.db") != std::string::npos);
    CHECK(std::string(e.what()).find("no such table: nowhere") != std::string::npos);
  }
}

TEST_CASE("Migrations run in order, once, each with its version", "[sqlite][schema]") {
  koe::test::TempDir dir;
  const auto path = dir / "m.db";
  {
    SqliteDb db(path, {});
    CHECK(schema_version(db) == 0);
    const Migration v1[] = {kV1};
    migrate(db, v1, "test store");
    CHECK(schema_version(db) == 1);
    db.exec("INSERT INTO a (x) VALUES (7)");
  }
  {
    // An older store meets a newer binary: only the missing step runs, the data stays.
    SqliteDb db(path, {});
    const Migration v2[] = {kV1, kV2};
    migrate(db, v2, "test store");
    CHECK(schema_version(db) == 2);
    SqliteStatement s(db, "SELECT x, y FROM a");
    REQUIRE(s.step());
    CHECK(s.column_int(0) == 7);
    CHECK(s.is_null(1));
    migrate(db, v2, "test store");  // nothing left to do
    CHECK(schema_version(db) == 2);
  }
  {
    // A step that fails leaves the store at the version before it, whole.
    SqliteDb db(path, {});
    const Migration v3[] = {kV1, kV2, kBroken};
    CHECK_THROWS_AS(migrate(db, v3, "test store"), SqliteError);
    CHECK(schema_version(db) == 2);
    SqliteStatement s(db, "SELECT count(*) FROM sqlite_master WHERE name = 'c'");
    s.step();
    CHECK(s.column_int(0) == 0);
  }
  {
    // A newer store meets an older binary: refused, with a message that says what to do.
    SqliteDb db(path, {});
    const Migration v1[] = {kV1};
    try {
      migrate(db, v1, "test store");
      FAIL("an older binary opened a newer store");
    } catch (const koe::Error& e) {
      const std::string m = e.what();
      CHECK(m.find("schema version 2") != std::string::npos);
      CHECK(m.find("newer than this koe understands (1)") != std::string::npos);
    }
  }
}

TEST_CASE("Migrations must be numbered 1, 2, 3…", "[sqlite][schema]") {
  koe::test::TempDir dir;
  SqliteDb db(dir / "m.db", {});
  const Migration gap[] = {kV1, {3, "SELECT 1"}};
  CHECK_THROWS_WITH(migrate(db, gap, "test store"), Catch::Contains("migration 2 is numbered 3"));
}

TEST_CASE("The desk refuses a store written by a newer koe", "[sqlite][schema]") {
  koe::test::TempDir dir;
  const auto path = dir / "desk.db";
  StoreOptions options;
  options.mask = [](std::string_view t) { return std::string(t); };
  { auto store = open_sqlite_store(path, options); }
  {
    SqliteDb db(path, {});
    CHECK(schema_version(db) == desk_schema_version());
    db.exec("PRAGMA user_version = " + std::to_string(desk_schema_version() + 1));
  }
  CHECK_THROWS_WITH(open_sqlite_store(path, options),
                    Catch::Contains("newer than this koe understands (" + std::to_string(desk_schema_version()) + ")"));
}

TEST_CASE("The desk's file is in WAL mode", "[sqlite]") {
  koe::test::TempDir dir;
  StoreOptions options;
  options.mask = [](std::string_view t) { return std::string(t); };
  auto store = open_sqlite_store(dir / "desk.db", options);
  SqliteDb db(dir / "desk.db", {});
  SqliteStatement s(db, "PRAGMA journal_mode");
  s.step();
  CHECK(s.column_text(0) == "wal");
  SqliteStatement fk(db, "PRAGMA foreign_keys");
  fk.step();
  CHECK(fk.column_int(0) == 1);
  SqliteStatement sync(db, "PRAGMA synchronous");
  sync.step();
  CHECK(sync.column_int(0) == 2);  // FULL
}

TEST_CASE("The desk will not store voices without a masker", "[sqlite]") {
  koe::test::TempDir dir;
  CHECK_THROWS_WITH(open_sqlite_store(dir / "desk.db", StoreOptions{}), Catch::Contains("no masker"));
}
