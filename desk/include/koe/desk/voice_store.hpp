/// @file voice_store.hpp
/// @brief The desk's store of voices: add and import, read, change under an optimistic lock
/// with a history, list, count, and follow confirmed routes for learning. SQLite today behind
/// a narrow interface, so another database can follow.
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
#include "koe/indexer/error.hpp"

namespace koe::desk {

/// A listing's filters. Every set field narrows the list; dates are YYYY-MM-DD, inclusive.
struct VoiceFilter {
  std::optional<VoiceStatus> status;
  std::string division;    ///< the route's 課
  std::string project_id;  ///< the route's project
  std::string confidence;  ///< the suggestion's: high, medium, low
  std::string q;           ///< words in the masked text, all of them (split on white space)
  std::string from, to;    ///< received date
  std::size_t limit = 50;  ///< 1..kMaxListLimit
  std::size_t offset = 0;
  Scope scope;  ///< a division user's scope
};
constexpr std::size_t kMaxListLimit = 500;

struct VoiceList {
  std::int64_t total = 0;     ///< voices matching, over all pages
  std::vector<Voice> voices;  ///< newest received first (then newest id)
};

struct StatsQuery {
  std::string from, to;   ///< received date, inclusive; empty: unbounded
  int overdue_days = 14;  ///< a voice is overdue when unanswered longer than this since received
  std::string today;      ///< YYYY-MM-DD; empty: today in Japan
  Scope scope;
};

struct Count {
  std::string key;    ///< 課, project id, YYYY-MM, status name, channel ("" for none)
  std::string label;  ///< project name, status label; else empty
  std::int64_t count = 0;
};

/// How often a clerk kept koe's suggestion. Counted over voices a clerk confirmed at the desk
/// to a project (status confirmed or later, decision by a clerk, with a suggestion). Voices
/// imported as already handled are left out: their routes were made before koe, often
/// against another year's plan (other project ids), so they would measure the plan's change,
/// not the suggestion.
struct SuggestionAccuracy {
  std::int64_t confirmed = 0;
  std::int64_t first = 0;  ///< the confirmed project was the suggestion's first
  std::int64_t top3 = 0;   ///< … within its first three
  double first_share = 0;
  double top3_share = 0;
};

struct Stats {
  std::int64_t total = 0;
  std::vector<Count> by_division;  ///< "" counts voices without a 課
  std::vector<Count> by_project;   ///< voices routed to a project only
  std::vector<Count> by_month;     ///< YYYY-MM, oldest first
  std::vector<Count> by_status;    ///< every status, in the order of kVoiceStatuses
  std::vector<Count> by_channel;
  /// Unanswered (new, confirmed, forwarded) and received more than `overdue_days` ago, per 課
  /// ("" for voices the 広聴課 has not routed yet).
  std::vector<Count> overdue_by_division;
  std::int64_t suggested = 0;  ///< voices with a suggestion
  std::int64_t suggested_out_of_scope = 0;
  std::int64_t suggested_low_confidence = 0;  ///< in-scope suggestions whose confidence is low
  double out_of_scope_share = 0;              ///< of suggested
  double low_confidence_share = 0;            ///< of in-scope suggestions
  SuggestionAccuracy accuracy;
};

/// A voice whose route a person decided: what the example index learns from.
struct Example {
  std::int64_t voice_id = 0;
  std::string text_masked;
  std::string project_id;     ///< empty for a 課-only route and for out of scope
  std::string division;       ///< empty for out of scope
  bool out_of_scope = false;  ///< closed as out of scope or referred to another body
  Decision decision = Decision::none;
  VoiceStatus status = VoiceStatus::confirmed;  ///< where the voice is now
};

/// What changed since a revision: examples added or changed, and voices that are no longer
/// examples (reopened). `revision` is the store's change counter now: pass it next time.
struct ExampleChanges {
  std::int64_t revision = 0;
  std::vector<Example> upserted;
  std::vector<std::int64_t> removed;
};

struct ImportOptions {
  std::size_t chunk_size = 500;  ///< voices per transaction
  Actor actor{"import", Role::admin, {}};
  /// Called after each committed chunk with the rows done and the total.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct ImportReport {
  std::vector<std::int64_t> ids;    ///< the voices added, in input order
  std::vector<std::string> errors;  ///< "line 12: …" for rows that were not added
};

/// The store. Every method is thread-safe. A change is one transaction with its history row;
/// errors are Status: 400 for a bad request, 404, 409 `version_conflict`, 503
/// `storage_busy` when the database stayed locked past the busy timeout, 500 `storage_error`.
class VoiceStore {
 public:
  virtual ~VoiceStore() = default;

  /// Adds one voice (a web form, a letter typed in). Its text is masked on the way in.
  virtual Result<Voice> add_voice(const NewVoice& voice, const Actor& actor) = 0;
  /// Adds many voices in chunked transactions. A row that cannot be added (empty text, a
  /// duplicate external_id, a bad date, a status its route does not allow) is reported by its
  /// line and the others are added. A crash loses at most the chunk in progress, never part
  /// of a voice.
  virtual Result<ImportReport> add_voices(const std::vector<NewVoice>& voices, const ImportOptions& options) = 0;

  /// 404 when the voice does not exist or is outside the scope.
  virtual Result<Voice> get_voice(std::int64_t id, const Scope& scope) const = 0;
  virtual Result<Voice> find_by_external_id(std::string_view external_id, const Scope& scope) const = 0;

  /// Applies `change` when the voice is still at `expected_version` (409 `version_conflict`
  /// otherwise, with nothing changed), under the rules of transitions.hpp, and appends the
  /// history in the same transaction. A division actor only reaches voices routed to its 課.
  virtual Result<Voice> update_voice(std::int64_t id, std::int64_t expected_version, const VoiceChange& change,
                                     const Actor& actor) = 0;
  virtual Result<std::vector<HistoryEntry>> history(std::int64_t id, const Scope& scope) const = 0;

  virtual Result<VoiceList> list_voices(const VoiceFilter& filter) const = 0;
  virtual Result<Stats> stats(const StatsQuery& query) const = 0;

  /// Every voice whose route a clerk confirmed or that was imported as handled.
  virtual Result<std::vector<Example>> confirmed_examples() const = 0;
  /// Examples changed since `revision` (0: all of them).
  virtual Result<ExampleChanges> examples_since(std::int64_t revision) const = 0;
  /// The change counter: grows with every change to any voice, never reused.
  virtual Result<std::int64_t> revision() const = 0;

  /// A consistent copy of the whole store (accounts included) at `to`, made while the desk
  /// keeps working.
  virtual Status backup(const std::filesystem::path& to) const = 0;
};

/// Masks personal information in a voice's text (see masking.hpp: `masker(analyzer)`).
using Masker = std::function<std::string(std::string_view)>;

struct StoreOptions {
  /// Required by the voice store: every text is masked before it is stored.
  Masker mask;
  /// How long a write waits for another process's write (the CLI importing while the server
  /// runs) before 503 `storage_busy`.
  std::chrono::milliseconds busy_timeout{5000};
  /// Read connections kept open for reuse; more are opened when more threads read at once.
  std::size_t idle_readers = 4;
  /// The clock (tests set it); the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> now;
};

/// Opens or creates the desk's SQLite database at `path` (WAL, foreign keys, synchronous
/// FULL), bringing its schema up to date. Throws Error when the file cannot be opened, when
/// its schema is newer than this koe, or when `options.mask` is empty.
///
/// Threads: one write connection behind a mutex (SQLite allows one writer at a time anyway;
/// the mutex queues this process's writers without busy-waiting) and a pool of read
/// connections, one per reading thread at a time. In WAL mode readers never wait for the
/// writer and see the last committed state.
std::unique_ptr<VoiceStore> open_sqlite_store(const std::filesystem::path& path, const StoreOptions& options);

/// The schema version this koe writes (`PRAGMA user_version`).
int desk_schema_version();

}  // namespace koe::desk
