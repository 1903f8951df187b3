#include "koe/desk/accounts.hpp"

#include <sodium.h>

#include "koe/desk/dates.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe::desk {
namespace {

using Clock = std::chrono::system_clock;

constexpr std::string_view kTokenPrefix = "koe_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxPasswordBytes = 1024;  // argon2 takes any length; a megabyte is an attack

Status storage_error(const std::exception& e) { return Status{500, "storage_error", e.what()}; }

std::string base64url(const unsigned char* bytes, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string random_secret() {
  unsigned char bytes[kSecretBytes];
  randombytes_buf(bytes, sizeof bytes);
  auto s = base64url(bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return s;
}

// Tokens and session ids are 256 random bits: a fast keyed-free hash is enough to keep a
// stolen database from yielding usable credentials, and it lets the desk look them up by hash.
std::string secret_hash(std::string_view secret) {
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(h), sizeof h);
}

Status unauthorized() { return Status::unauthorized("unauthorized", "wrong user name or password"); }

std::string wait_text(std::int64_t seconds) {
  if (seconds >= 120) return std::to_string((seconds + 59) / 60) + " minutes";
  return std::to_string(seconds) + " seconds";
}

}  // namespace

Accounts::Accounts(std::unique_ptr<AccountStore> store, AccountsOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  if (sodium_init() < 0) throw Error("[desk][accounts] libsodium cannot start (sodium_init failed)");
  dummy_hash_ = hash_password("a password no account has, for timing only");
}

Accounts::~Accounts() = default;

std::int64_t Accounts::now_seconds() const {
  const auto t = options_.now ? options_.now() : Clock::now();
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string Accounts::now_text() const { return utc_timestamp(options_.now ? options_.now() : Clock::now()); }

std::string Accounts::hash_password(std::string_view password) const {
  const bool moderate = options_.password_cost == PasswordCost::moderate;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        moderate ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        moderate ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw Error("[desk][accounts] crypto_pwhash_str failed: out of memory");
  return out;
}

Status Accounts::password_problem(std::string_view password) const {
  if (utf8::find_invalid(password)) return Status::invalid("weak_password", "the password is not valid UTF-8");
  if (utf8::length(password) < options_.min_password_length)
    return Status::invalid("weak_password",
                           "a password needs at least " + std::to_string(options_.min_password_length) + " characters");
  if (password.size() > kMaxPasswordBytes)
    return Status::invalid("weak_password", "a password has at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  return {};
}

Result<User> Accounts::add_user(const NewUser& user) {
  if (user.name.empty() || user.name.size() > kMaxNameBytes || utf8::find_invalid(user.name) ||
      user.name.find_first_of(" \t\r\n") != std::string::npos)
    return Status::invalid(
        "invalid_user", "a user name has 1 to " + std::to_string(kMaxNameBytes) + " bytes of UTF-8 and no white space");
  if (user.role == Role::division && user.division.empty())
    return Status::invalid("invalid_user", "a division user needs its 課");
  if (user.role != Role::division && !user.division.empty())
    return Status::invalid("invalid_user", "only a division user belongs to one 課");
  if (auto p = password_problem(user.password); !p.ok()) return p;
  try {
    const auto id = store_->insert_user(user, hash_password(user.password), now_text());
    if (!id) return Status::conflict("user_exists", "a user named «" + user.name + "» exists");
    auto stored = store_->find_user(*id);
    if (!stored) return Status{500, "storage_error", "the new user was not found"};
    return stored->user;
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Status Accounts::set_password(std::string_view name, std::string_view password) {
  if (auto p = password_problem(password); !p.ok()) return p;
  try {
    if (!store_->set_password_hash(name, hash_password(password), now_text()))
      return Status::not_found("no user «" + std::string(name) + "»");
    return {};
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Result<std::vector<User>> Accounts::list_users() const {
  try {
    return store_->list_users();
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Status Accounts::disable_user(std::string_view name) {
  try {
    if (!store_->set_enabled(name, false, now_text())) return Status::not_found("no user «" + std::string(name) + "»");
    return {};
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Result<IssuedToken> Accounts::issue_token(std::string_view user_name, std::string_view label) {
  try {
    auto u = store_->find_user(user_name);
    if (!u) return Status::not_found("no user «" + std::string(user_name) + "»");
    if (!u->user.enabled) return Status::invalid("user_disabled", "«" + std::string(user_name) + "» is disabled");
    IssuedToken t;
    t.token = std::string(kTokenPrefix) + random_secret();
    t.prefix = t.token.substr(0, 12);
    t.id = store_->insert_token(u->user.id, secret_hash(t.token), t.prefix, label, now_text());
    return t;
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Result<User> Accounts::authenticate_token(std::string_view token) const {
  if (!token.starts_with(kTokenPrefix)) return Status::unauthorized("unauthorized", "not a koe API token");
  try {
    const auto t = store_->find_token(secret_hash(token));
    if (!t || t->revoked) return Status::unauthorized("unauthorized", "unknown or revoked API token");
    const auto u = store_->find_user(t->user_id);
    if (!u || !u->user.enabled) return Status::unauthorized("unauthorized", "the token's user is disabled");
    return u->user;
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Status Accounts::check_lock(std::string_view kind, std::string_view key, std::int64_t now) const {
  const auto f = store_->failures(kind, key);
  if (f.locked_until > now) {
    Status locked =
        Status::too_many_requests("too_many_attempts", "too many failed logins for this " + std::string(kind) +
                                                           "; try again in " + wait_text(f.locked_until - now));
    locked.retry_after_seconds = f.locked_until - now;
    return locked;
  }
  return {};
}

void Accounts::count_failure(std::string_view kind, std::string_view key, int threshold, std::int64_t now) {
  const auto& p = options_.login;
  const auto f = store_->add_failure(kind, key, now, now - p.forget_after.count());
  if (f.failures < threshold) return;
  // 30 s at the threshold, doubling with each further failure, capped.
  const int doublings = std::min(f.failures - threshold, 20);
  const std::int64_t lock = std::min<std::int64_t>(p.first_lock.count() << doublings, p.max_lock.count());
  store_->lock_until(kind, key, now + lock);
}

Result<Session> Accounts::login(std::string_view name, std::string_view password, std::string_view address) {
  try {
    const auto now = now_seconds();
    if (auto s = check_lock("user", name, now); !s.ok()) return s;
    if (auto s = check_lock("address", address, now); !s.ok()) return s;
    const auto stored = password.size() <= kMaxPasswordBytes ? store_->find_user(name) : std::nullopt;
    const std::string& hash = stored ? stored->password_hash : dummy_hash_;
    const bool verified =
        crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0 && stored.has_value();
    if (!verified || !stored->user.enabled) {
      count_failure("user", name, options_.login.user_threshold, now);
      count_failure("address", address, options_.login.address_threshold, now);
      return unauthorized();
    }
    store_->clear_failures("user", name);
    const bool moderate = options_.password_cost == PasswordCost::moderate;
    if (crypto_pwhash_str_needs_rehash(hash.c_str(),
                                       moderate ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       moderate ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE))
      store_->set_password_hash(name, hash_password(password), now_text());
    store_->delete_expired_sessions(now);
    Session s;
    s.id = random_secret();
    s.csrf_token = random_secret();
    s.user = stored->user;
    s.expires_at = now + options_.session_lifetime.count();
    store_->insert_session(secret_hash(s.id), {s.user.id, s.csrf_token, s.expires_at}, now);
    return s;
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Result<Session> Accounts::session(std::string_view session_id) const {
  try {
    const auto stored = store_->find_session(secret_hash(session_id));
    if (!stored || stored->expires_at <= now_seconds())
      return Status::unauthorized("unauthorized", "the session is unknown or has expired; sign in again");
    const auto u = store_->find_user(stored->user_id);
    if (!u || !u->user.enabled) return Status::unauthorized("unauthorized", "the session's user is disabled");
    Session s;
    s.csrf_token = stored->csrf_token;
    s.user = u->user;
    s.expires_at = stored->expires_at;
    return s;
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Status Accounts::logout(std::string_view session_id) {
  try {
    store_->delete_session(secret_hash(session_id));
    return {};
  } catch (const Error& e) {
    return storage_error(e);
  }
}

Status Accounts::require_role(const User& user, Role role) {
  if (user.role == Role::admin || user.role == role) return {};
  if (role == Role::division && user.role == Role::clerk) return {};  // a clerk sees what a 課 sees, and more
  return Status::forbidden("forbidden", "this needs the " + std::string(role_name(role)) + " role; «" + user.name +
                                            "» is " + std::string(role_name(user.role)));
}

}  // namespace koe::desk
