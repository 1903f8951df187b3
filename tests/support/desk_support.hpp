/// @file desk_support.hpp
/// @brief Users of a test server's desk, made straight in its store (as `koe users add`
/// does): a name, a password and an API token each.
#pragma once

#include <filesystem>
#include <string>

#include "koe/desk/accounts.hpp"
#include "koe/desk/masking.hpp"
#include "test_support.hpp"

namespace koe::test {

struct DeskUser {
  std::string name;
  std::string password;
  std::string token;
};

/// Adds a user to the desk at `store` (with an API token). The server may be running: the
/// store is SQLite in WAL mode and takes a second connection.
inline DeskUser add_desk_user(const std::filesystem::path& store, const std::string& name, desk::Role role,
                              const std::string& division = {}) {
  desk::StoreOptions options;
  options.mask = desk::masker(analyzer());
  desk::Accounts accounts(desk::open_sqlite_account_store(store, options));
  DeskUser u{name, "correct horse battery " + name, {}};
  auto added = accounts.add_user({name, role, division, u.password});
  if (!added.ok()) throw Error("add_desk_user: " + added.status().message);
  auto token = accounts.issue_token(name, "test");
  if (!token.ok()) throw Error("add_desk_user: " + token.status().message);
  u.token = token.value().token;
  return u;
}

}  // namespace koe::test
