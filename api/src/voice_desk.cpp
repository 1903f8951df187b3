#include "koe/api/voice_desk.hpp"

#include "koe/desk/masking.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/matcher.hpp"
#include "koe/wire/desk_json.hpp"

namespace koe::api {
namespace {

desk::StoreOptions store_options(const Analyzer& analyzer) {
  desk::StoreOptions o;
  o.mask = desk::masker(analyzer);
  return o;
}

desk::AccountsOptions accounts_options(const Settings& settings) {
  desk::AccountsOptions o;
  o.session_lifetime = std::chrono::hours(settings.session_hours);
  return o;
}

}  // namespace

VoiceDesk::VoiceDesk(const Settings& settings, const Analyzer& analyzer, search::MatchSources sources)
    : settings_(settings),
      analyzer_(analyzer),
      sources_(sources),
      store_(desk::open_sqlite_store(settings.store, store_options(analyzer))),
      accounts_(std::make_unique<desk::Accounts>(
          desk::open_sqlite_account_store(settings.store, store_options(analyzer)), accounts_options(settings))),
      examples_(analyzer) {
  sources_.examples = &examples_;
}

void VoiceDesk::learn(const Xapian::Database& db) {
  const std::lock_guard lock(learning_);
  const auto now = store_->revision();
  if (!now.ok() || now.value() == learnt_) return;
  const auto changes = store_->examples_since(std::max<std::int64_t>(learnt_, 0));
  if (!changes.ok()) return;  // the store is busy: learn on the next request
  for (const auto id : changes.value().removed) examples_.remove(id);
  for (const auto& e : changes.value().upserted) {
    search::Example ex;
    ex.id = e.voice_id;
    ex.text = e.text_masked;
    ex.project_id = e.project_id;
    ex.division = e.division;
    ex.out_of_scope = e.out_of_scope;
    ex.status = std::string(desk::status_name(e.status));
    if (!e.project_id.empty())
      if (auto p = search::find_project(db, e.project_id)) ex.project_name = p->name;
    examples_.upsert(ex);
  }
  learnt_ = changes.value().revision;
}

VoiceDesk::~VoiceDesk() = default;

/// koe's suggestion for a voice's text. A voice that cannot be matched — too long, or with
/// nothing to match (「ありがとう。」) — is still a voice the city received: it is kept without
/// a suggestion (nullopt). Any other refusal (invalid UTF-8) is the voice's.
Result<std::optional<desk::Suggestion>> VoiceDesk::suggest(const std::string& text, const Xapian::Database& db) const {
  auto m = search::match(analyzer_, db, {text, 5}, settings_.match_options(), sources_);
  if (m.ok()) return std::optional<desk::Suggestion>(wire::suggestion_of(m.value()));
  if (m.status().code == "bad_request" || m.status().http_status == 413) return std::optional<desk::Suggestion>();
  return m.status();
}

Result<desk::Voice> VoiceDesk::receive(desk::NewVoice voice, const desk::Actor& actor, const Xapian::Database& db) {
  learn(db);
  auto suggestion = suggest(voice.text, db);
  if (!suggestion.ok()) return suggestion.status();
  voice.suggestion = suggestion.value();
  return store_->add_voice(voice, actor);
}

Result<desk::ImportReport> VoiceDesk::import(std::vector<desk::NewVoice> voices, const desk::Actor& actor,
                                             const Xapian::Database& db,
                                             const std::function<void(std::size_t, std::size_t)>& progress) {
  learn(db);
  for (auto& v : voices) {
    // A row koe cannot route for another reason (invalid UTF-8) is reported by the store.
    auto suggestion = suggest(v.text, db);
    if (suggestion.ok()) v.suggestion = suggestion.value();
  }
  desk::ImportOptions options;
  options.actor = actor;
  options.progress = progress;
  return store_->add_voices(voices, options);
}

std::optional<desk::Route> VoiceDesk::project_route(const Xapian::Database& db, const std::string& project_id) {
  const auto p = search::find_project(db, project_id);
  if (!p) return std::nullopt;
  return desk::Route::to_project(p->id, p->name, p->division, p->department);
}

desk::ExportOptions VoiceDesk::export_options(const Xapian::Database& db) {
  desk::ExportOptions o;
  o.resolve_project = [&db](std::string_view id) { return project_route(db, std::string(id)); };
  return o;
}

}  // namespace koe::api
