#include "connection_pool.hpp"
#include "koe/desk/accounts.hpp"
#include "schema.hpp"

namespace koe::desk {
namespace {

constexpr std::string_view kUserColumns = "id, name, role, division, enabled, created_at, password_hash";

StoredUser read_user(const SqliteStatement& s) {
  StoredUser u;
  u.user.id = s.column_int(0);
  u.user.name = s.column_text(1);
  u.user.role = parse_role(s.column_text(2)).value_or(Role::division);
  u.user.division = s.column_text(3);
  u.user.enabled = s.column_int(4) != 0;
  u.user.created_at = s.column_text(5);
  u.password_hash = s.column_text(6);
  return u;
}

class SqliteAccountStore final : public AccountStore {
 public:
  SqliteAccountStore(const std::filesystem::path& path, const StoreOptions& options)
      : pool_(path, SqliteConnectOptions{options.busy_timeout}, options.idle_readers, desk_migrations()) {}

  std::optional<std::int64_t> insert_user(const NewUser& user, const std::string& password_hash,
                                          const std::string& at) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement taken(w.db(), "SELECT 1 FROM users WHERE name = ?1");
    taken.bind(1, user.name);
    if (taken.step()) return std::nullopt;
    SqliteStatement s(w.db(),
                      "INSERT INTO users (name, role, division, password_hash, created_at, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
    s.bind(1, user.name).bind(2, role_name(user.role)).bind(3, user.division).bind(4, password_hash).bind(5, at);
    s.run();
    const auto id = w.db().last_insert_id();
    tx.commit();
    return id;
  }

  std::optional<StoredUser> find_user(std::string_view name) const override {
    auto r = pool_.reader();
    SqliteStatement s(r.db(), "SELECT " + std::string(kUserColumns) + " FROM users WHERE name = ?1");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return read_user(s);
  }

  std::optional<StoredUser> find_user(std::int64_t id) const override {
    auto r = pool_.reader();
    SqliteStatement s(r.db(), "SELECT " + std::string(kUserColumns) + " FROM users WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_user(s);
  }

  std::vector<User> list_users() const override {
    auto r = pool_.reader();
    SqliteStatement s(r.db(), "SELECT " + std::string(kUserColumns) + " FROM users ORDER BY name");
    std::vector<User> out;
    while (s.step()) out.push_back(read_user(s).user);
    return out;
  }

  bool set_password_hash(std::string_view name, const std::string& hash, const std::string& at) override {
    return update("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE name = ?1", name, hash, at);
  }

  bool set_enabled(std::string_view name, bool enabled, const std::string& at) override {
    return update("UPDATE users SET enabled = ?2, updated_at = ?3 WHERE name = ?1", name, enabled ? "1" : "0", at);
  }

  std::int64_t insert_token(std::int64_t user_id, std::string_view hash, std::string_view prefix,
                            std::string_view label, const std::string& at) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement s(w.db(),
                      "INSERT INTO api_tokens (user_id, hash, prefix, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, user_id).bind_blob(2, hash);
    s.bind(3, prefix).bind(4, label).bind(5, at);
    s.run();
    const auto id = w.db().last_insert_id();
    tx.commit();
    return id;
  }

  std::optional<StoredToken> find_token(std::string_view hash) const override {
    auto r = pool_.reader();
    SqliteStatement s(r.db(), "SELECT id, user_id, revoked FROM api_tokens WHERE hash = ?1");
    s.bind_blob(1, hash);
    if (!s.step()) return std::nullopt;
    return StoredToken{s.column_int(0), s.column_int(1), s.column_int(2) != 0};
  }

  void insert_session(std::string_view hash, const StoredSession& session, std::int64_t now) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement s(w.db(),
                      "INSERT INTO sessions (hash, user_id, csrf_token, created_at, expires_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind_blob(1, hash);
    s.bind(2, session.user_id).bind(3, session.csrf_token).bind(4, now).bind(5, session.expires_at);
    s.run();
    tx.commit();
  }

  std::optional<StoredSession> find_session(std::string_view hash) const override {
    auto r = pool_.reader();
    SqliteStatement s(r.db(), "SELECT user_id, csrf_token, expires_at FROM sessions WHERE hash = ?1");
    s.bind_blob(1, hash);
    if (!s.step()) return std::nullopt;
    return StoredSession{s.column_int(0), s.column_text(1), s.column_int(2)};
  }

  void delete_session(std::string_view hash) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement s(w.db(), "DELETE FROM sessions WHERE hash = ?1");
    s.bind_blob(1, hash);
    s.run();
    tx.commit();
  }

  std::int64_t delete_expired_sessions(std::int64_t now) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement s(w.db(), "DELETE FROM sessions WHERE expires_at <= ?1");
    s.bind(1, now);
    s.run();
    const auto n = w.db().changes();
    tx.commit();
    return n;
  }

  LoginFailures failures(std::string_view kind, std::string_view key) const override {
    auto r = pool_.reader();
    SqliteStatement s(r.db(),
                      "SELECT failures, last_failure, locked_until FROM login_failures WHERE kind = ?1 AND key = ?2");
    s.bind(1, kind).bind(2, key);
    if (!s.step()) return {};
    return {static_cast<int>(s.column_int(0)), s.column_int(1), s.column_int(2)};
  }

  LoginFailures add_failure(std::string_view kind, std::string_view key, std::int64_t now,
                            std::int64_t forget_before) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    // One statement, in the write transaction: concurrent failures are all counted.
    SqliteStatement s(w.db(),
                      "INSERT INTO login_failures (kind, key, failures, last_failure) VALUES (?1, ?2, 1, ?3) "
                      "ON CONFLICT (kind, key) DO UPDATE SET failures = CASE WHEN last_failure < ?4 THEN 1 "
                      "ELSE failures + 1 END, last_failure = ?3 RETURNING failures, last_failure, locked_until");
    s.bind(1, kind).bind(2, key).bind(3, now).bind(4, forget_before);
    LoginFailures f;
    if (s.step()) f = {static_cast<int>(s.column_int(0)), s.column_int(1), s.column_int(2)};
    s.reset();
    tx.commit();
    return f;
  }

  void lock_until(std::string_view kind, std::string_view key, std::int64_t until) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement s(w.db(),
                      "UPDATE login_failures SET locked_until = max(locked_until, ?3) WHERE kind = ?1 AND key = ?2");
    s.bind(1, kind).bind(2, key).bind(3, until);
    s.run();
    tx.commit();
  }

  void clear_failures(std::string_view kind, std::string_view key) override {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement s(w.db(), "DELETE FROM login_failures WHERE kind = ?1 AND key = ?2");
    s.bind(1, kind).bind(2, key);
    s.run();
    tx.commit();
  }

 private:
  bool update(std::string_view sql, std::string_view name, std::string_view value, const std::string& at) {
    auto w = pool_.writer();
    SqliteTransaction tx(w.db());
    SqliteStatement s(w.db(), sql);
    s.bind(1, name).bind(2, value).bind(3, at);
    s.run();
    const bool found = w.db().changes() == 1;
    tx.commit();
    return found;
  }

  mutable ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<AccountStore> open_sqlite_account_store(const std::filesystem::path& path,
                                                        const StoreOptions& options) {
  return std::make_unique<SqliteAccountStore>(path, options);
}

}  // namespace koe::desk
