/// @file voice_desk.hpp
/// @brief The 広聴課's desk as the server and the CLI run it: the store of voices, the
/// accounts, and koe's suggestion made for each voice as it arrives.
#pragma once

#include <xapian.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "koe/api/settings.hpp"
#include "koe/desk/accounts.hpp"
#include "koe/desk/voice_export.hpp"
#include "koe/desk/voice_store.hpp"
#include "koe/indexer/analyzer.hpp"
#include "koe/search/example_index.hpp"
#include "koe/search/matcher.hpp"

namespace koe::api {

class VoiceDesk {
 public:
  /// Opens (creating on first use) the store at settings.store. Throws Error.
  VoiceDesk(const Settings& settings, const Analyzer& analyzer, search::MatchSources sources = {});
  ~VoiceDesk();
  VoiceDesk(const VoiceDesk&) = delete;
  VoiceDesk& operator=(const VoiceDesk&) = delete;

  desk::VoiceStore& store() { return *store_; }
  desk::Accounts& accounts() { return *accounts_; }

  /// A voice received at the desk: routed against the plans (the suggestion kept as it was),
  /// masked and stored. Status from matching (an empty or oversized text) or from the store.
  Result<desk::Voice> receive(desk::NewVoice voice, const desk::Actor& actor, const Xapian::Database& db);

  /// Voices imported: each routed like a received one, added in chunked transactions; a row
  /// that cannot be added is reported by its line and the others are added.
  Result<desk::ImportReport> import(std::vector<desk::NewVoice> voices, const desk::Actor& actor,
                                    const Xapian::Database& db,
                                    const std::function<void(std::size_t, std::size_t)>& progress = {});

  /// Brings the example index up to the store: the voices whose route a person decided since
  /// the last call (also those decided by another process, such as `koe voices import`), and
  /// those reopened. Cheap when nothing changed (one read of the store's change counter).
  void learn(const Xapian::Database& db);

  /// What routing consults: the referral table, and the example index of this desk.
  const search::MatchSources& sources() const { return sources_; }

  /// A project's route (its name, 課, department) from the plans, or nullopt for an unknown id.
  static std::optional<desk::Route> project_route(const Xapian::Database& db, const std::string& project_id);

  /// How a city's export is read: by the settings' columns, with projects looked up in `db`.
  static desk::ExportOptions export_options(const Xapian::Database& db);

 private:
  Result<std::optional<desk::Suggestion>> suggest(const std::string& text, const Xapian::Database& db) const;

  const Settings& settings_;
  const Analyzer& analyzer_;
  search::MatchSources sources_;
  std::unique_ptr<desk::VoiceStore> store_;
  std::unique_ptr<desk::Accounts> accounts_;
  search::ExampleIndex examples_;
  std::mutex learning_;       ///< one thread brings the examples up to date at a time
  std::int64_t learnt_ = -1;  ///< the store's revision the examples reflect
};

}  // namespace koe::api
