#include "schema.hpp"

#include "koe/desk/voice_store.hpp"

namespace koe::desk {
namespace {

// Version 1. Dates are ISO text (YYYY-MM-DD sorts and compares as text); timestamps of voices
// are UTC ISO 8601 text for people, those of accounts Unix seconds for comparisons.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE voices (
  id INTEGER PRIMARY KEY,
  external_id TEXT UNIQUE,  -- the city's 受付番号; NULL when not given (NULLs never collide)
  channel TEXT NOT NULL DEFAULT '',
  received_at TEXT NOT NULL CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  status TEXT NOT NULL CHECK (status IN ('new', 'confirmed', 'forwarded', 'answered', 'published',
                                         'out_of_scope', 'referred')),
  version INTEGER NOT NULL DEFAULT 1,
  -- what the desk filters and counts on of koe's suggestion (the whole of it is in voice_texts)
  suggested_out_of_scope INTEGER,  -- NULL: no suggestion
  suggested_confidence TEXT,
  suggested_project_1 TEXT,
  suggested_project_2 TEXT,
  suggested_project_3 TEXT,
  route_kind TEXT NOT NULL DEFAULT 'none' CHECK (route_kind IN ('none', 'project', 'division', 'referral')),
  route_project_id TEXT,
  route_project_name TEXT,
  route_division TEXT,
  route_department TEXT,
  route_referral TEXT,
  decision TEXT CHECK (decision IN ('clerk', 'import')),  -- who decided the route; NULL: nobody yet
  decided_by TEXT,
  decided_at TEXT,
  answered_at TEXT,
  published_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Listing is newest first, under one filter at a time; each index ends in the sort order so
-- a page is read in order from the index without sorting the matches.
CREATE INDEX voices_received ON voices (received_at, id);
CREATE INDEX voices_status ON voices (status, received_at, id);
CREATE INDEX voices_division ON voices (route_division, received_at, id);
CREATE INDEX voices_project ON voices (route_project_id, received_at, id);
CREATE INDEX voices_confidence ON voices (suggested_confidence, received_at, id);

-- The long texts apart from what is filtered and counted: statistics and filtered lists read
-- the rows of voices only (at 100k voices 15 MB, against 44 MB with the texts inside).
CREATE TABLE voice_texts (
  id INTEGER PRIMARY KEY REFERENCES voices (id),
  text TEXT NOT NULL,
  text_masked TEXT NOT NULL,
  suggestion_json TEXT,  -- koe's suggestion as it was at arrival, opaque
  answer TEXT
);

-- Every change of a voice, in the transaction of the change. The id is the desk's change
-- counter (AUTOINCREMENT: never reused, even after the last row is deleted).
CREATE TABLE voice_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  voice_id INTEGER NOT NULL REFERENCES voices (id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  route_before TEXT,  -- JSON
  route_after TEXT,   -- JSON
  answer TEXT,
  note TEXT
);
CREATE INDEX voice_history_voice ON voice_history (voice_id, id);

-- Words of the masked text as character bigrams the store writes (search_grams.hpp): a
-- contentless index, the rowid is the voice's id. Kept by the store, not by triggers: a
-- change of a masked text must delete the old grams first ('delete' command).
CREATE VIRTUAL TABLE voices_fts USING fts5 (grams, content = '', tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'clerk', 'division')),
  division TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,  -- crypto_pwhash_str (argon2id), salt and limits inside
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (role <> 'division' OR division <> '')
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  hash BLOB NOT NULL UNIQUE,  -- crypto_generichash of the token; the token itself is never stored
  prefix TEXT NOT NULL,       -- its first characters, to tell tokens apart in a list
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  hash BLOB PRIMARY KEY,  -- crypto_generichash of the session id (the cookie)
  user_id INTEGER NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE TABLE login_failures (
  kind TEXT NOT NULL CHECK (kind IN ('user', 'address')),
  key TEXT NOT NULL,
  failures INTEGER NOT NULL,
  last_failure INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
)sql";

constexpr Migration kMigrations[] = {
    {1, kVersion1},
};

}  // namespace

std::span<const Migration> desk_migrations() { return kMigrations; }

int desk_schema_version() { return static_cast<int>(std::size(kMigrations)); }

}  // namespace koe::desk
