/// @file accounts.hpp
/// @brief The desk's users: argon2id passwords, API tokens and web sessions kept only as
/// hashes, and a lock on repeated failed logins per user name and per address.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "koe/desk/voice.hpp"
#include "koe/desk/voice_store.hpp"
#include "koe/indexer/error.hpp"

namespace koe::desk {

struct User {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::division;
  std::string division;  ///< the 課 of a division user
  bool enabled = true;
  std::string created_at;

  Actor actor() const { return {name, role, division}; }
  Scope scope() const { return Scope::of(actor()); }
};

struct NewUser {
  std::string name;
  Role role = Role::division;
  std::string division;
  std::string password;
};

/// A new API token. `token` is shown once; the desk keeps only its hash.
struct IssuedToken {
  std::int64_t id = 0;
  std::string token;   ///< koe_ + 43 characters of base64url (32 random bytes)
  std::string prefix;  ///< the token's first 12 characters, to tell tokens apart in a list
};

/// A signed-in web session.
struct Session {
  std::string id;          ///< the cookie value, returned by login() only; the desk keeps its hash
  std::string csrf_token;  ///< to be echoed by every form and unsafe request of the session
  User user;
  std::int64_t expires_at = 0;  ///< Unix seconds
};

/// Failed logins. After `threshold` failures for one key (a user name; an address) logins for
/// it are refused for `first_lock`, doubled with each further failure up to `max_lock`; the
/// count is forgotten `forget_after` the last failure, and a user's count by a successful
/// login. An address gets a higher threshold: a city hall's clerks share a few addresses.
/// While locked, even the right password is refused (429), or guessing would go on.
struct LoginPolicy {
  int user_threshold = 5;
  int address_threshold = 20;
  std::chrono::seconds first_lock{30};
  std::chrono::seconds max_lock{std::chrono::hours(1)};
  std::chrono::seconds forget_after{std::chrono::hours(1)};
};

/// The cost of a password hash. Interactive (argon2id, 2 passes over 64 MiB: 0.15 s of CPU
/// on the 2-core build machine) by default: the desk is used inside the city hall's network,
/// logins are rate-limited as well, and moderate (256 MiB: several times slower, and 256 MiB
/// per concurrent login) would slow every login and the tests more. A stored hash carries
/// its own limits; a changed setting applies at the user's next login.
enum class PasswordCost { interactive, moderate };

struct AccountsOptions {
  std::chrono::seconds session_lifetime{std::chrono::hours(10)};  ///< one working day, fixed (not sliding)
  LoginPolicy login;
  PasswordCost password_cost = PasswordCost::interactive;
  std::size_t min_password_length = 10;
  std::function<std::chrono::system_clock::time_point()> now;  ///< the system clock when empty
};

/// One row of the failure count.
struct LoginFailures {
  int failures = 0;
  std::int64_t last_failure = 0;  ///< Unix seconds
  std::int64_t locked_until = 0;
};

struct StoredUser {
  User user;
  std::string password_hash;
};

struct StoredToken {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  bool revoked = false;
};

struct StoredSession {
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

/// Rows of accounts, tokens, sessions and failure counts: what a database backend provides.
/// The policy (hashing, expiry, locks) is Accounts'. Methods throw Error (SqliteError) when the
/// database fails; Accounts turns that into a Status.
class AccountStore {
 public:
  virtual ~AccountStore() = default;
  /// nullopt when the name is taken.
  virtual std::optional<std::int64_t> insert_user(const NewUser& user, const std::string& password_hash,
                                                  const std::string& at) = 0;
  virtual std::optional<StoredUser> find_user(std::string_view name) const = 0;
  virtual std::optional<StoredUser> find_user(std::int64_t id) const = 0;
  virtual std::vector<User> list_users() const = 0;
  /// False when there is no such user.
  virtual bool set_password_hash(std::string_view name, const std::string& hash, const std::string& at) = 0;
  virtual bool set_enabled(std::string_view name, bool enabled, const std::string& at) = 0;
  virtual std::int64_t insert_token(std::int64_t user_id, std::string_view hash, std::string_view prefix,
                                    std::string_view label, const std::string& at) = 0;
  virtual std::optional<StoredToken> find_token(std::string_view hash) const = 0;
  virtual void insert_session(std::string_view hash, const StoredSession& session, std::int64_t now) = 0;
  virtual std::optional<StoredSession> find_session(std::string_view hash) const = 0;
  virtual void delete_session(std::string_view hash) = 0;
  /// Removes the sessions expired at `now`; returns how many.
  virtual std::int64_t delete_expired_sessions(std::int64_t now) = 0;
  virtual LoginFailures failures(std::string_view kind, std::string_view key) const = 0;
  /// Counts one failure atomically (starting again at 1 when the last one is older than
  /// `forget_before`) and returns the new row.
  virtual LoginFailures add_failure(std::string_view kind, std::string_view key, std::int64_t now,
                                    std::int64_t forget_before) = 0;
  /// Sets the lock, never shortening one already set.
  virtual void lock_until(std::string_view kind, std::string_view key, std::int64_t until) = 0;
  virtual void clear_failures(std::string_view kind, std::string_view key) = 0;
};

/// The account tables of the desk's SQLite database (the same file as the voice store; the
/// same schema migrations; the same threading: one writer behind a mutex, pooled readers).
/// Only `busy_timeout`, `idle_readers` of `options` apply. Throws Error.
std::unique_ptr<AccountStore> open_sqlite_account_store(const std::filesystem::path& path, const StoreOptions& options);

/// The desk's accounts. Thread-safe. Errors: 400 `invalid_user`/`weak_password`, 404, 409
/// `user_exists`, 401 `unauthorized` (never saying whether the name or the password was
/// wrong), 403 `forbidden`, 429 `too_many_attempts`, 500 `storage_error`.
class Accounts {
 public:
  /// Throws Error when libsodium cannot start.
  Accounts(std::unique_ptr<AccountStore> store, AccountsOptions options = {});
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  Result<User> add_user(const NewUser& user);
  Status set_password(std::string_view name, std::string_view password);
  Result<std::vector<User>> list_users() const;
  /// A disabled user's tokens and sessions stop working at once.
  Status disable_user(std::string_view name);

  Result<IssuedToken> issue_token(std::string_view user_name, std::string_view label);
  Result<User> authenticate_token(std::string_view token) const;

  /// A new session, or 401 for a wrong name or password, or 429 while the name or the address
  /// is locked (the message says for how long).
  Result<Session> login(std::string_view name, std::string_view password, std::string_view address);
  /// The session of a cookie value (its `id` left empty), or 401 when unknown or expired.
  Result<Session> session(std::string_view session_id) const;
  Status logout(std::string_view session_id);

  /// 403 `forbidden` unless `user` has `role` (an admin has every role).
  static Status require_role(const User& user, Role role);

 private:
  std::int64_t now_seconds() const;
  std::string now_text() const;
  Status check_lock(std::string_view kind, std::string_view key, std::int64_t now) const;
  void count_failure(std::string_view kind, std::string_view key, int threshold, std::int64_t now);
  Status password_problem(std::string_view password) const;
  std::string hash_password(std::string_view password) const;

  std::unique_ptr<AccountStore> store_;
  AccountsOptions options_;
  std::string dummy_hash_;  // verified against for unknown names, so they take as long as known ones
};

}  // namespace koe::desk
