// Accounts on the desk's real SQLite file and real libsodium: passwords, tokens, sessions and
// the lock on repeated failed logins, with a clock the test moves.
#include "koe/desk/accounts.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "koe/desk/sqlite.hpp"
#include "test_support.hpp"

namespace {

using namespace koe::desk;
using namespace std::chrono_literals;

const char* kPassword = "correct horse battery";

struct Fixture {
  koe::test::TempDir dir{"koe-accounts"};
  std::filesystem::path path = dir / "desk.db";
  std::shared_ptr<std::atomic<std::int64_t>> seconds = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000);
  std::unique_ptr<Accounts> accounts;

  explicit Fixture(AccountsOptions o = {}) {
    auto s = seconds;
    o.now = [s] { return std::chrono::system_clock::time_point(std::chrono::seconds(s->load())); };
    accounts = std::make_unique<Accounts>(open_sqlite_account_store(path, {}), o);
  }
  void advance(std::chrono::seconds d) { *seconds += d.count(); }
  User add(const std::string& name, Role role = Role::clerk, const std::string& division = {}) {
    auto r = accounts->add_user({name, role, division, kPassword});
    INFO(r.status().message);
    REQUIRE(r.ok());
    return r.value();
  }
};

}  // namespace

TEST_CASE("Users are added with a role, under unique names, with long enough passwords", "[accounts]") {
  Fixture f;
  const auto u = f.add("suzuki", Role::division, "道路管理課");
  CHECK(u.id > 0);
  CHECK(u.role == Role::division);
  CHECK(u.scope().division == "道路管理課");
  CHECK(f.accounts->add_user({"suzuki", Role::clerk, {}, kPassword}).status().code == "user_exists");
  CHECK(f.accounts->add_user({"tanaka", Role::clerk, {}, "short"}).status().code == "weak_password");
  CHECK(f.accounts->add_user({"sato", Role::division, {}, kPassword}).status().code == "invalid_user");
  CHECK(f.accounts->add_user({"a b", Role::clerk, {}, kPassword}).status().code == "invalid_user");
  f.add("admin", Role::admin);
  const auto users = f.accounts->list_users().value();
  REQUIRE(users.size() == 2);
  CHECK(users[0].name == "admin");

  SqliteDb db(f.path, {});
  SqliteStatement s(db, "SELECT password_hash FROM users WHERE name = 'suzuki'");
  REQUIRE(s.step());
  CHECK(s.column_text(0).starts_with("$argon2id$"));
  CHECK(s.column_text(0).find(kPassword) == std::string::npos);
}

TEST_CASE("A login opens a session with a CSRF token until logout or expiry", "[accounts]") {
  Fixture f;
  f.add("clerk1");
  const auto s = f.accounts->login("clerk1", kPassword, "10.0.0.1");
  INFO(s.status().message);
  REQUIRE(s.ok());
  CHECK(s.value().id.size() == 43);
  CHECK(s.value().csrf_token.size() == 43);
  CHECK(s.value().csrf_token != s.value().id);
  const auto found = f.accounts->session(s.value().id);
  REQUIRE(found.ok());
  CHECK(found.value().user.name == "clerk1");
  CHECK(found.value().csrf_token == s.value().csrf_token);
  CHECK(found.value().id.empty());
  CHECK(f.accounts->session(s.value().id + "x").status().http_status == 401);

  REQUIRE(f.accounts->logout(s.value().id).ok());
  CHECK(f.accounts->session(s.value().id).status().code == "unauthorized");

  const auto s2 = f.accounts->login("clerk1", kPassword, "10.0.0.1").value();
  f.advance(9h);
  CHECK(f.accounts->session(s2.id).ok());
  f.advance(2h);
  CHECK(f.accounts->session(s2.id).status().http_status == 401);

  // The session id is stored only as a hash.
  SqliteDb db(f.path, {});
  SqliteStatement count(db, "SELECT count(*) FROM sessions WHERE hash = ?1");
  count.bind_blob(1, s2.id);
  count.step();
  CHECK(count.column_int(0) == 0);
}

TEST_CASE("A wrong password is 401, and five in a row lock the name with a growing delay", "[accounts][lock]") {
  Fixture f;
  f.add("clerk1");
  for (int i = 0; i < 5; ++i) {
    const auto r = f.accounts->login("clerk1", "wrong password!", "10.0.0.1");
    CHECK(r.status().http_status == 401);
    CHECK(r.status().message == "wrong user name or password");
  }
  // Locked: even the right password is refused, and the message says how long to wait.
  auto r = f.accounts->login("clerk1", kPassword, "10.0.0.2");
  CHECK(r.status().http_status == 429);
  CHECK(r.status().code == "too_many_attempts");
  CHECK(r.status().message.find("30 seconds") != std::string::npos);
  f.advance(31s);
  CHECK(f.accounts->login("clerk1", "wrong again!!", "10.0.0.2").status().http_status == 401);
  r = f.accounts->login("clerk1", kPassword, "10.0.0.2");
  CHECK(r.status().http_status == 429);
  CHECK(r.status().message.find("60 seconds") != std::string::npos);  // the sixth failure doubles it
  f.advance(61s);
  REQUIRE(f.accounts->login("clerk1", kPassword, "10.0.0.2").ok());
  // Success forgets the count: the next mistake is the first again.
  CHECK(f.accounts->login("clerk1", "wrong password!", "10.0.0.2").status().http_status == 401);
  CHECK(f.accounts->login("clerk1", kPassword, "10.0.0.2").ok());
}

TEST_CASE("Unknown names count as failures, per name and per address", "[accounts][lock]") {
  AccountsOptions o;
  o.login.address_threshold = 8;  // 20 by default; fewer slow argon2 checks here
  Fixture f(o);
  f.add("clerk1");
  for (int i = 0; i < 8; ++i)
    CHECK(f.accounts->login("guess" + std::to_string(i), "whatever-password", "192.0.2.7").status().http_status == 401);
  CHECK(f.accounts->login("clerk1", kPassword, "192.0.2.7").status().code == "too_many_attempts");
  CHECK(f.accounts->login("clerk1", kPassword, "192.0.2.8").ok());
  f.advance(2h);  // the address's lock has run out
  CHECK(f.accounts->login("clerk1", kPassword, "192.0.2.7").ok());
}

TEST_CASE("API tokens are shown once, kept as a hash and stop with their user", "[accounts][tokens]") {
  Fixture f;
  f.add("bot", Role::clerk);
  const auto t = f.accounts->issue_token("bot", "batch routing");
  REQUIRE(t.ok());
  const auto& token = t.value().token;
  CHECK(token.starts_with("koe_"));
  CHECK(token.size() == 4 + 43);
  CHECK(t.value().prefix == token.substr(0, 12));
  CHECK(f.accounts->issue_token("bot", "again").value().token != token);

  const auto u = f.accounts->authenticate_token(token);
  REQUIRE(u.ok());
  CHECK(u.value().name == "bot");
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  CHECK(f.accounts->authenticate_token(altered).status().http_status == 401);
  CHECK(f.accounts->authenticate_token("Bearer " + token).status().http_status == 401);
  CHECK(f.accounts->issue_token("nobody", "x").status().http_status == 404);

  SqliteDb db(f.path, {});
  SqliteStatement s(db, "SELECT count(*) FROM api_tokens WHERE hash = ?1 OR prefix = ?2 OR label = ?2");
  s.bind_blob(1, token);
  s.bind(2, token);
  s.step();
  CHECK(s.column_int(0) == 0);

  const auto session = f.accounts->login("bot", kPassword, "10.0.0.1").value();
  REQUIRE(f.accounts->disable_user("bot").ok());
  CHECK(f.accounts->authenticate_token(token).status().http_status == 401);
  CHECK(f.accounts->session(session.id).status().http_status == 401);
  CHECK(f.accounts->login("bot", kPassword, "10.0.0.1").status().http_status == 401);
  CHECK(f.accounts->disable_user("nobody").http_status == 404);
}

TEST_CASE("A new password replaces the old one", "[accounts]") {
  Fixture f;
  f.add("clerk1");
  REQUIRE(f.accounts->set_password("clerk1", "a brand new password").ok());
  CHECK(f.accounts->login("clerk1", kPassword, "10.0.0.1").status().http_status == 401);
  CHECK(f.accounts->login("clerk1", "a brand new password", "10.0.0.1").ok());
  CHECK(f.accounts->set_password("clerk1", "short").code == "weak_password");
  CHECK(f.accounts->set_password("nobody", "long enough password").http_status == 404);
}

TEST_CASE("Roles: an admin may do all, a clerk what a 課 may, a 課 only its own", "[accounts]") {
  const User admin{1, "a", Role::admin, {}, true, {}};
  const User clerk{2, "c", Role::clerk, {}, true, {}};
  const User division{3, "d", Role::division, "道路管理課", true, {}};
  CHECK(Accounts::require_role(admin, Role::admin).ok());
  CHECK(Accounts::require_role(admin, Role::clerk).ok());
  CHECK(Accounts::require_role(clerk, Role::clerk).ok());
  CHECK(Accounts::require_role(clerk, Role::division).ok());
  CHECK(Accounts::require_role(clerk, Role::admin).http_status == 403);
  CHECK(Accounts::require_role(division, Role::clerk).code == "forbidden");
  CHECK(Accounts::require_role(division, Role::division).ok());
  CHECK(division.actor().division == "道路管理課");
}
