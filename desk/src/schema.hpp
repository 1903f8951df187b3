// The desk database's schema, one migration per version (PRAGMA user_version).
#pragma once

#include <span>

#include "koe/desk/sqlite.hpp"

namespace koe::desk {

/// Every migration, in order; the desk's schema version is its size.
std::span<const Migration> desk_migrations();

}  // namespace koe::desk
