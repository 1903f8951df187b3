#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "connection_pool.hpp"
#include "koe/desk/dates.hpp"
#include "koe/desk/transitions.hpp"
#include "koe/desk/voice_store.hpp"
#include "koe/indexer/utf8.hpp"
#include "schema.hpp"
#include "search_grams.hpp"

namespace koe::desk {
namespace {

using Clock = std::chrono::system_clock;

constexpr std::size_t kMaxTextBytes = 200 * 1024;  // a long letter is a few pages; a file is not a voice
constexpr std::size_t kMaxQueryChars = 200;

// A voice is a row of voices (v) with its row of voice_texts (t).
constexpr std::string_view kVoiceColumns =
    "v.id, v.external_id, v.channel, v.received_at, t.text, t.text_masked, v.status, v.version, t.suggestion_json, "
    "v.suggested_out_of_scope, v.suggested_confidence, v.suggested_project_1, v.suggested_project_2, "
    "v.suggested_project_3, v.route_kind, v.route_project_id, v.route_project_name, v.route_division, "
    "v.route_department, v.route_referral, v.decision, v.decided_by, v.decided_at, t.answer, v.answered_at, "
    "v.published_at, v.created_at, v.updated_at";
constexpr std::string_view kVoiceFrom = " FROM voices v JOIN voice_texts t ON t.id = v.id";

std::string select_voices(std::string_view where) {
  return "SELECT " + std::string(kVoiceColumns) + std::string(kVoiceFrom) + std::string(where);
}

// koe_in_ids(id, set): whether `id` is in a sorted std::vector<std::int64_t> bound with
// bind_pointer(…, "koe_ids"): a set of matches computed once, tested row by row by SQL.
void in_ids(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* ids = static_cast<const std::vector<std::int64_t>*>(sqlite3_value_pointer(argv[1], "koe_ids"));
  sqlite3_result_int(ctx, ids && std::binary_search(ids->begin(), ids->end(), sqlite3_value_int64(argv[0])));
}

void register_functions(SqliteDb& db) {
  const int rc = sqlite3_create_function_v2(db.get(), "koe_in_ids", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr, in_ids,
                                            nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) db.fail("create_function", rc);
}

Status storage_status(const SqliteError& e) {
  if (e.busy()) return Status{503, "storage_busy", std::string("the desk's database stayed busy: ") + e.what()};
  return Status{500, "storage_error", e.what()};
}

VoiceStatus status_from_db(const std::string& s) { return parse_status(s).value_or(VoiceStatus::received); }

Decision decision_from_db(const std::string& s) {
  if (s == "clerk") return Decision::clerk;
  if (s == "import") return Decision::imported;
  return Decision::none;
}

Voice read_voice(const SqliteStatement& s, const Scope& scope) {
  Voice v;
  v.id = s.column_int(0);
  v.external_id = s.column_text(1);
  v.channel = s.column_text(2);
  v.received_at = s.column_text(3);
  // A division user reads the masked text only: the original never leaves the store for it.
  if (!scope.limited()) v.text = s.column_text(4);
  v.text_masked = s.column_text(5);
  v.status = status_from_db(s.column_text(6));
  v.version = s.column_int(7);
  if (!s.is_null(9)) {
    Suggestion g;
    g.json = s.column_text(8);
    g.out_of_scope = s.column_int(9) != 0;
    g.confidence = s.column_text(10);
    for (int c = 11; c <= 13; ++c)
      if (!s.is_null(c)) g.top_projects.push_back(s.column_text(c));
    v.suggestion = std::move(g);
  }
  v.route.kind = parse_route_kind(s.column_text(14)).value_or(RouteKind::none);
  v.route.project_id = s.column_text(15);
  v.route.project_name = s.column_text(16);
  v.route.division = s.column_text(17);
  v.route.department = s.column_text(18);
  v.route.referral = s.column_text(19);
  v.decision = decision_from_db(s.column_text(20));
  v.decided_by = s.column_text(21);
  v.decided_at = s.column_text(22);
  v.answer = s.column_text(23);
  v.answered_at = s.column_text(24);
  v.published_at = s.column_text(25);
  v.created_at = s.column_text(26);
  v.updated_at = s.column_text(27);
  return v;
}

std::string route_json(const Route& r) {
  nlohmann::json j{{"kind", route_kind_name(r.kind)}};
  if (!r.project_id.empty()) j["project_id"] = r.project_id;
  if (!r.project_name.empty()) j["project_name"] = r.project_name;
  if (!r.division.empty()) j["division"] = r.division;
  if (!r.department.empty()) j["department"] = r.department;
  if (!r.referral.empty()) j["referral"] = r.referral;
  return j.dump();
}

Route route_from_json(const std::string& text) {
  Route r;
  if (text.empty()) return r;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return r;
  r.kind = parse_route_kind(j.value("kind", "none")).value_or(RouteKind::none);
  r.project_id = j.value("project_id", "");
  r.project_name = j.value("project_name", "");
  r.division = j.value("division", "");
  r.department = j.value("department", "");
  r.referral = j.value("referral", "");
  return r;
}

void bind_route(SqliteStatement& s, const Route& r) {
  s.bind(":route_kind", route_kind_name(r.kind));
  s.bind_text_or_null(s.index_of(":route_project_id"), r.project_id);
  s.bind_text_or_null(s.index_of(":route_project_name"), r.project_name);
  s.bind_text_or_null(s.index_of(":route_division"), r.division);
  s.bind_text_or_null(s.index_of(":route_department"), r.department);
  s.bind_text_or_null(s.index_of(":route_referral"), r.referral);
}

bool is_space_at(std::string_view s, std::size_t i, std::size_t* width) {
  if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
    *width = 1;
    return true;
  }
  if (s.substr(i, 3) == "\u3000") {
    *width = 3;
    return true;
  }
  return false;
}

std::vector<std::string> split_words(std::string_view q) {
  std::vector<std::string> words;
  std::string cur;
  for (std::size_t i = 0; i < q.size();) {
    std::size_t w = 0;
    if (is_space_at(q, i, &w)) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
      i += w;
    } else {
      cur += q[i++];
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::string like_pattern(std::string_view word) {
  std::string p = "%";
  for (char c : word) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

// Why a new voice cannot be stored, or "".
std::string new_voice_problem(const NewVoice& v) {
  for (const auto& [name, value] : {std::pair<std::string_view, const std::string*>{"text", &v.text},
                                    {"external_id", &v.external_id},
                                    {"channel", &v.channel},
                                    {"answer", &v.answer}})
    if (auto bad = utf8::find_invalid(*value))
      return std::string(name) + " is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")";
  if (v.text.find_first_not_of(" \t\r\n") == std::string::npos) return "text is empty";
  if (v.text.size() > kMaxTextBytes)
    return "text is " + std::to_string(v.text.size()) + " bytes, more than " + std::to_string(kMaxTextBytes);
  if (!is_iso_date(v.received_at)) return "received_at «" + v.received_at + "» is not a date (YYYY-MM-DD)";
  if (!v.answered_at.empty() && !is_iso_date(v.answered_at))
    return "answered_at «" + v.answered_at + "» is not a date (YYYY-MM-DD)";
  if (!v.published_at.empty() && !is_iso_date(v.published_at))
    return "published_at «" + v.published_at + "» is not a date (YYYY-MM-DD)";
  if (auto p = route_problem(v.route); !p.empty()) return p;
  if (auto p = unmet_requirement({v.status, v.route, v.answer}); !p.empty()) return p;
  return {};
}

// What the example index learns from a voice: its decided route, or nothing. Columns: id,
// text_masked, status, route_kind, route_project_id, route_division, decision.
constexpr std::string_view kExampleColumns =
    "SELECT v.id, t.text_masked, v.status, v.route_kind, v.route_project_id, v.route_division, v.decision";

std::optional<Example> example_of(const SqliteStatement& s) {
  const auto decision = decision_from_db(s.column_text(6));
  const auto status = status_from_db(s.column_text(2));
  if (decision == Decision::none || status == VoiceStatus::received) return std::nullopt;
  Example e;
  e.voice_id = s.column_int(0);
  e.decision = decision;
  e.status = status;
  if (status == VoiceStatus::out_of_scope || status == VoiceStatus::referred) {
    e.out_of_scope = true;
  } else {
    const auto kind = parse_route_kind(s.column_text(3)).value_or(RouteKind::none);
    e.division = s.column_text(5);
    if (e.division.empty() || (kind != RouteKind::project && kind != RouteKind::division)) return std::nullopt;
    if (kind == RouteKind::project) e.project_id = s.column_text(4);
  }
  e.text_masked = s.column_text(1);
  return e;
}

double share(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Counts by a text key, looked up by a view so that a row's key is copied only when new.
struct ViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using CountMap = std::unordered_map<std::string, std::int64_t, ViewHash, std::equal_to<>>;

struct Tally {
  CountMap counts;
  std::int64_t bump(std::string_view key) {
    auto it = counts.find(key);
    if (it == counts.end()) it = counts.emplace(std::string(key), 0).first;
    return ++it->second;
  }
};

std::vector<Count> sorted_counts(const CountMap& counts,
                                 const std::unordered_map<std::string, std::string>* labels = nullptr) {
  std::vector<Count> out;
  out.reserve(counts.size());
  for (const auto& [k, n] : counts) {
    Count c{k, {}, n};
    if (labels)
      if (auto it = labels->find(k); it != labels->end()) c.label = it->second;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const Count& a, const Count& b) { return a.count != b.count ? a.count > b.count : a.key < b.key; });
  return out;
}

class SqliteVoiceStore final : public VoiceStore {
 public:
  SqliteVoiceStore(const std::filesystem::path& path, const StoreOptions& options)
      : options_(options),
        pool_(path, SqliteConnectOptions{options.busy_timeout}, options.idle_readers, desk_migrations(),
              register_functions) {}

  Result<Voice> add_voice(const NewVoice& voice, const Actor& actor) override {
    if (auto p = new_voice_problem(voice); !p.empty()) return Status::invalid("invalid_voice", p);
    try {
      const std::string masked = options_.mask(voice.text);
      const std::string grams = search_grams(normalizer_, masked);
      auto w = pool_.writer();
      SqliteTransaction tx(w.db());
      Inserter ins(w.db());
      if (!voice.external_id.empty() && ins.external_id_taken(voice.external_id))
        return Status::conflict("duplicate_external_id",
                                "external_id «" + voice.external_id + "» is already in the store");
      const auto decision = voice.status == VoiceStatus::received ? Decision::none : Decision::clerk;
      const auto id = ins.insert(voice, masked, grams, decision, actor.name, "received", timestamp());
      auto v = load(w.db(), id, Scope{});
      tx.commit();
      return v;
    } catch (const SqliteError& e) {
      return storage_status(e);
    } catch (const Error& e) {
      return Status::invalid("invalid_voice", e.what());
    }
  }

  Result<ImportReport> add_voices(const std::vector<NewVoice>& voices, const ImportOptions& options) override {
    ImportReport report;
    const std::size_t chunk = std::max<std::size_t>(1, options.chunk_size);
    try {
      for (std::size_t start = 0; start < voices.size(); start += chunk) {
        const std::size_t end = std::min(voices.size(), start + chunk);
        // Masking (MeCab) runs before the write lock is taken, so other writers are not held up.
        std::vector<std::string> masked(end - start), grams(end - start);
        std::vector<std::string> problems(end - start);
        for (std::size_t i = start; i < end; ++i) {
          problems[i - start] = new_voice_problem(voices[i]);
          if (!problems[i - start].empty()) continue;
          try {
            masked[i - start] = options_.mask(voices[i].text);
            grams[i - start] = search_grams(normalizer_, masked[i - start]);
          } catch (const Error& e) {
            problems[i - start] = e.what();
          }
        }
        std::vector<std::int64_t> ids;
        std::vector<std::string> errors;
        {
          auto w = pool_.writer();
          SqliteTransaction tx(w.db());
          Inserter ins(w.db());
          const auto at = timestamp();
          for (std::size_t i = start; i < end; ++i) {
            const auto& v = voices[i];
            std::string problem = problems[i - start];
            if (problem.empty() && !v.external_id.empty() && ins.external_id_taken(v.external_id))
              problem = "external_id «" + v.external_id + "» is already in the store";
            if (!problem.empty()) {
              errors.push_back("line " + std::to_string(v.line) + ": " + problem);
              continue;
            }
            const auto decision = v.status == VoiceStatus::received ? Decision::none : Decision::imported;
            try {
              SqliteSavepoint row(w.db());
              const auto id =
                  ins.insert(v, masked[i - start], grams[i - start], decision, options.actor.name, "imported", at);
              row.release();
              ids.push_back(id);
            } catch (const SqliteError& e) {
              // A row the checks above let through but the schema refuses: reported like the
              // others, the savepoint took back whatever of it was written.
              if (!e.constraint()) throw;
              errors.push_back("line " + std::to_string(v.line) + ": " + e.what());
            }
          }
          tx.commit();
        }
        report.ids.insert(report.ids.end(), ids.begin(), ids.end());
        report.errors.insert(report.errors.end(), errors.begin(), errors.end());
        if (options.progress) options.progress(end, voices.size());
      }
      return report;
    } catch (const SqliteError& e) {
      auto s = storage_status(e);
      s.message += " (after " + std::to_string(report.ids.size()) + " voices were added)";
      return s;
    }
  }

  Result<Voice> get_voice(std::int64_t id, const Scope& scope) const override {
    try {
      auto r = pool_.reader();
      return load(r.db(), id, scope);
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Result<Voice> find_by_external_id(std::string_view external_id, const Scope& scope) const override {
    try {
      auto r = pool_.reader();
      SqliteStatement s(
          r.db(), select_voices(" WHERE v.external_id = ?1") + (scope.limited() ? " AND v.route_division = ?2" : ""));
      s.bind(1, external_id);
      if (scope.limited()) s.bind(2, scope.division);
      if (!s.step()) return Status::not_found("no voice with external_id «" + std::string(external_id) + "»");
      return read_voice(s, scope);
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Result<Voice> update_voice(std::int64_t id, std::int64_t expected_version, const VoiceChange& change,
                             const Actor& actor) override {
    for (const auto* text : {change.answer ? &*change.answer : nullptr, &change.note})
      if (text)
        if (auto bad = utf8::find_invalid(*text))
          return Status::invalid("invalid_utf8",
                                 "the change is not valid UTF-8 at byte offset " + std::to_string(*bad));
    try {
      auto w = pool_.writer();
      SqliteTransaction tx(w.db());
      const Scope scope = Scope::of(actor);
      auto current = load(w.db(), id, scope);
      if (!current.ok()) return current.status();
      const Voice& before = current.value();
      if (before.version != expected_version)
        return Status::conflict("version_conflict",
                                "voice " + std::to_string(id) + " is at version " + std::to_string(before.version) +
                                    ", not " + std::to_string(expected_version) +
                                    ": someone changed it since it was read; reload it and apply the change again");
      const VoiceState from{before.status, before.route, before.answer};
      auto applied = apply_change(from, change, actor);
      if (!applied.ok()) return applied.status();
      const VoiceState& to = applied.value();

      const auto now = clock();
      const std::string at = utc_timestamp(now);
      const std::string today = japan_date(now);
      Voice after = before;
      after.status = to.status;
      after.route = to.route;
      after.answer = to.answer;
      const bool status_changed = before.status != to.status;
      if (status_changed && to.status == VoiceStatus::answered && before.status != VoiceStatus::published)
        after.answered_at = today;
      if (status_changed && to.status == VoiceStatus::published) after.published_at = today;
      if (before.status == VoiceStatus::published && to.status != VoiceStatus::published) after.published_at.clear();
      // Who decided the route. A clerk decides by confirming, forwarding, closing or referring
      // a voice, or by setting a route on a routed voice; reopening a voice, or its 課
      // returning it as not theirs, leaves the route undecided again.
      auto decide = [&] {
        after.decision = Decision::clerk;
        after.decided_by = actor.name;
        after.decided_at = at;
      };
      auto undecide = [&] {
        after.decision = Decision::none;
        after.decided_by.clear();
        after.decided_at.clear();
      };
      const auto action = change_action(from, to);
      if (to.status == VoiceStatus::received || action == "return") {
        undecide();
      } else if (status_changed && (before.status == VoiceStatus::received || to.status == VoiceStatus::out_of_scope ||
                                    to.status == VoiceStatus::referred)) {
        decide();
      } else if (change.route && actor.role != Role::division) {
        decide();
      }

      SqliteStatement u(w.db(),
                        "UPDATE voices SET status = :status, route_kind = :route_kind, route_project_id = "
                        ":route_project_id, route_project_name = :route_project_name, route_division = "
                        ":route_division, route_department = :route_department, route_referral = :route_referral, "
                        "decision = :decision, decided_by = :decided_by, decided_at = :decided_at, "
                        "answered_at = :answered_at, published_at = :published_at, version = version + 1, "
                        "updated_at = :at WHERE id = :id AND version = :version");
      u.bind(":status", status_name(after.status));
      bind_route(u, after.route);
      u.bind_text_or_null(u.index_of(":decision"), decision_name(after.decision));
      u.bind_text_or_null(u.index_of(":decided_by"), after.decided_by);
      u.bind_text_or_null(u.index_of(":decided_at"), after.decided_at);
      u.bind_text_or_null(u.index_of(":answered_at"), after.answered_at);
      u.bind_text_or_null(u.index_of(":published_at"), after.published_at);
      u.bind(":at", at);
      u.bind(":id", id);
      u.bind(":version", expected_version);
      u.run();
      // The write lock has been held since the version was read, so this cannot miss; kept
      // as the last guard against a silent overwrite.
      if (w.db().changes() != 1)
        return Status::conflict("version_conflict", "voice " + std::to_string(id) + " changed while it was updated");
      if (before.answer != after.answer) {
        SqliteStatement a(w.db(), "UPDATE voice_texts SET answer = ?2 WHERE id = ?1");
        a.bind(1, id);
        a.bind_text_or_null(2, after.answer);
        a.run();
      }

      SqliteStatement h(w.db(),
                        "INSERT INTO voice_history (voice_id, at, actor, action, from_status, to_status, "
                        "route_before, route_after, answer, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
      h.bind(1, id).bind(2, at).bind(3, actor.name).bind(4, action);
      h.bind(5, status_name(before.status)).bind(6, status_name(after.status));
      h.bind(7, route_json(before.route)).bind(8, route_json(after.route));
      h.bind_text_or_null(9, before.answer != after.answer ? std::string_view(after.answer) : std::string_view());
      h.bind_text_or_null(10, change.note);
      h.run();
      auto result = load(w.db(), id, scope);
      tx.commit();
      return result;
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Result<std::vector<HistoryEntry>> history(std::int64_t id, const Scope& scope) const override {
    try {
      auto r = pool_.reader();
      ReadSnapshot snapshot(r.db());
      auto v = load(r.db(), id, scope);
      if (!v.ok()) return v.status();
      SqliteStatement s(r.db(),
                        "SELECT id, voice_id, at, actor, action, from_status, to_status, route_before, route_after, "
                        "answer, note FROM voice_history WHERE voice_id = ?1 ORDER BY id");
      s.bind(1, id);
      std::vector<HistoryEntry> out;
      while (s.step()) {
        HistoryEntry e;
        e.revision = s.column_int(0);
        e.voice_id = s.column_int(1);
        e.at = s.column_text(2);
        e.actor = s.column_text(3);
        e.action = s.column_text(4);
        if (!s.is_null(5)) e.from_status = status_from_db(s.column_text(5));
        e.to_status = status_from_db(s.column_text(6));
        e.route_before = route_from_json(s.column_text(7));
        e.route_after = route_from_json(s.column_text(8));
        e.answer = s.column_text(9);
        e.note = s.column_text(10);
        out.push_back(std::move(e));
      }
      return out;
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Result<VoiceList> list_voices(const VoiceFilter& f) const override {
    if (f.limit < 1 || f.limit > kMaxListLimit)
      return Status::invalid("limit_out_of_range", "limit must be between 1 and " + std::to_string(kMaxListLimit) +
                                                       ", not " + std::to_string(f.limit));
    for (const auto* d : {&f.from, &f.to})
      if (!d->empty() && !is_iso_date(*d))
        return Status::invalid("invalid_date", "«" + *d + "» is not a date (YYYY-MM-DD)");
    if (auto bad = utf8::find_invalid(f.q)) return Status::invalid("invalid_utf8", "q is not valid UTF-8");
    if (utf8::length(f.q) > kMaxQueryChars)
      return Status::invalid("query_too_long", "q is longer than " + std::to_string(kMaxQueryChars) + " characters");

    std::string where;
    std::vector<std::string> args;
    auto add = [&](std::string_view clause, std::string value) {
      where += where.empty() ? " WHERE " : " AND ";
      where += clause;
      args.push_back(std::move(value));
    };
    if (f.scope.limited()) add("v.route_division = ?", f.scope.division);
    if (f.status) add("v.status = ?", std::string(status_name(*f.status)));
    if (!f.division.empty()) add("v.route_division = ?", f.division);
    if (!f.project_id.empty()) add("v.route_project_id = ?", f.project_id);
    if (!f.confidence.empty()) add("v.suggested_confidence = ?", f.confidence);
    if (!f.from.empty()) add("v.received_at >= ?", f.from);
    if (!f.to.empty()) add("v.received_at <= ?", f.to);
    const bool only_words = where.empty();
    // Every word must be there: a word of two characters or more is a phrase of bigrams in
    // the index; a lone character, which no bigram holds, is looked for in the text itself.
    std::string fts;
    for (const auto& word : split_words(f.q)) {
      auto wq = word_query(normalizer_, word);
      if (!wq.fts.empty()) fts += (fts.empty() ? "" : " AND ") + wq.fts;
      for (const auto& c : wq.single_chars)
        add("v.id IN (SELECT id FROM voice_texts WHERE text_masked LIKE ? ESCAPE '\\')", like_pattern(c));
    }
    if (!fts.empty()) add("v.id IN (SELECT rowid FROM voices_fts WHERE voices_fts MATCH ?)", fts);

    try {
      auto r = pool_.reader();
      ReadSnapshot snapshot(r.db());
      if (only_words && !fts.empty() && args.size() == 1) return list_by_words(r.db(), fts, f);
      VoiceList out;
      SqliteStatement count(r.db(), "SELECT count(*) FROM voices v" + where);
      for (std::size_t i = 0; i < args.size(); ++i) count.bind(static_cast<int>(i + 1), args[i]);
      count.step();
      out.total = count.column_int(0);
      // The page's ids come from voices alone (an index, for most filters); only those rows are
      // joined to their texts, not the rows an offset skips.
      SqliteStatement page(r.db(), select_voices(" WHERE v.id IN (SELECT v.id FROM voices v" + where +
                                                 " ORDER BY v.received_at DESC, v.id DESC LIMIT ? OFFSET ?)") +
                                       " ORDER BY v.received_at DESC, v.id DESC");
      for (std::size_t i = 0; i < args.size(); ++i) page.bind(static_cast<int>(i + 1), args[i]);
      page.bind(static_cast<int>(args.size() + 1), static_cast<std::int64_t>(f.limit));
      page.bind(static_cast<int>(args.size() + 2), static_cast<std::int64_t>(f.offset));
      while (page.step()) out.voices.push_back(read_voice(page, f.scope));
      return out;
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Result<Stats> stats(const StatsQuery& q) const override {
    for (const auto* d : {&q.from, &q.to, &q.today})
      if (!d->empty() && !is_iso_date(*d))
        return Status::invalid("invalid_date", "«" + *d + "» is not a date (YYYY-MM-DD)");
    if (q.overdue_days < 0) return Status::invalid("invalid_overdue_days", "overdue_days must not be negative");
    const std::string today = q.today.empty() ? japan_date(clock()) : q.today;
    const std::string overdue_before = add_days(today, -q.overdue_days);

    std::string where;
    std::vector<std::string> args;
    auto add = [&](std::string_view clause, const std::string& value) {
      where += where.empty() ? " WHERE " : " AND ";
      where += clause;
      args.push_back(value);
    };
    if (!q.from.empty()) add("received_at >= ?", q.from);
    if (!q.to.empty()) add("received_at <= ?", q.to);
    if (q.scope.limited()) add("route_division = ?", q.scope.division);
    try {
      auto r = pool_.reader();
      ReadSnapshot snapshot(r.db());
      // One pass over the range, counted here: cheaper at 100k voices than one GROUP BY each.
      // A wide range reads the table straight through: SQLite would take the date index and
      // look every row up (at 100k voices, 12% of the time went to those lookups).
      const bool wide = wide_range(r.db(), q.from, q.to);
      SqliteStatement s(r.db(),
                        "SELECT route_division, route_project_id, route_project_name, received_at, status, channel, "
                        "suggested_out_of_scope, suggested_confidence, suggested_project_1, suggested_project_2, "
                        "suggested_project_3, route_kind, decision FROM voices" +
                            std::string(wide ? " NOT INDEXED" : "") + where);
      for (std::size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
      Stats out;
      Tally division, project, channel, overdue;
      std::map<std::string, std::int64_t, std::less<>> month;  // a few dozen keys, wanted in order
      std::array<std::int64_t, kVoiceStatuses.size()> status{};
      std::unordered_map<std::string, std::string> project_names;
      std::int64_t in_scope = 0;
      // Views into the row, compared and counted without a copy: 100k rows in one pass.
      while (s.step()) {
        ++out.total;
        const auto div = s.column_view(0);
        division.bump(div);
        const bool has_project = !s.is_null(1);
        const auto pid = s.column_view(1);
        if (has_project) {
          if (project.bump(pid) == 1) project_names.emplace(pid, s.column_view(2));
        }
        const auto received = s.column_view(3);
        const auto ym = received.substr(0, 7);
        if (auto m = month.find(ym); m != month.end()) {
          ++m->second;
        } else {
          month.emplace(ym, 1);
        }
        const auto st = s.column_view(4);
        for (std::size_t k = 0; k < kVoiceStatuses.size(); ++k)
          if (st == status_name(kVoiceStatuses[k])) ++status[k];
        channel.bump(s.column_view(5));
        if (!s.is_null(6)) {
          ++out.suggested;
          if (s.column_int(6) != 0) {
            ++out.suggested_out_of_scope;
          } else {
            ++in_scope;
            if (s.column_view(7) == "low") ++out.suggested_low_confidence;
          }
        }
        const bool unanswered = st == "new" || st == "confirmed" || st == "forwarded";
        if (unanswered && received < overdue_before) overdue.bump(div);
        const bool routed_on = st == "confirmed" || st == "forwarded" || st == "answered" || st == "published";
        if (routed_on && has_project && s.column_view(12) == "clerk" && s.column_view(11) == "project" &&
            !s.is_null(8)) {
          ++out.accuracy.confirmed;
          if (pid == s.column_view(8)) ++out.accuracy.first;
          if (pid == s.column_view(8) || pid == s.column_view(9) || pid == s.column_view(10)) ++out.accuracy.top3;
        }
      }
      out.by_division = sorted_counts(division.counts);
      out.by_project = sorted_counts(project.counts, &project_names);
      for (const auto& [k, n] : month) out.by_month.push_back({k, {}, n});
      for (std::size_t k = 0; k < kVoiceStatuses.size(); ++k)
        out.by_status.push_back(
            {std::string(status_name(kVoiceStatuses[k])), std::string(status_label(kVoiceStatuses[k])), status[k]});
      out.by_channel = sorted_counts(channel.counts);
      out.overdue_by_division = sorted_counts(overdue.counts);
      out.out_of_scope_share = share(out.suggested_out_of_scope, out.suggested);
      out.low_confidence_share = share(out.suggested_low_confidence, in_scope);
      out.accuracy.first_share = share(out.accuracy.first, out.accuracy.confirmed);
      out.accuracy.top3_share = share(out.accuracy.top3, out.accuracy.confirmed);
      return out;
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Result<std::vector<Example>> confirmed_examples() const override {
    auto changes = examples_since(0);
    if (!changes.ok()) return changes.status();
    return std::move(changes.value().upserted);
  }

  Result<ExampleChanges> examples_since(std::int64_t revision) const override {
    try {
      auto r = pool_.reader();
      ReadSnapshot snapshot(r.db());
      ExampleChanges out;
      out.revision = current_revision(r.db());
      std::string sql = std::string(kExampleColumns) + std::string(kVoiceFrom) +
                        (revision > 0 ? " WHERE v.id IN (SELECT voice_id FROM voice_history WHERE id > ?1)"
                                      : " WHERE v.decision IS NOT NULL AND v.status <> 'new'") +
                        " ORDER BY v.id";
      SqliteStatement s(r.db(), sql);
      if (revision > 0) s.bind(1, revision);
      while (s.step()) {
        if (auto e = example_of(s)) {
          out.upserted.push_back(std::move(*e));
        } else if (revision > 0) {
          out.removed.push_back(s.column_int(0));
        }
      }
      return out;
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Result<std::int64_t> revision() const override {
    try {
      auto r = pool_.reader();
      return current_revision(r.db());
    } catch (const SqliteError& e) {
      return storage_status(e);
    }
  }

  Status backup(const std::filesystem::path& to) const override {
    try {
      auto r = pool_.reader();
      backup_database(r.db(), to);
      return {};
    } catch (const SqliteError& e) {
      return storage_status(e);
    } catch (const Error& e) {
      return Status{500, "backup_failed", e.what()};
    } catch (const std::filesystem::filesystem_error& e) {
      return Status{500, "backup_failed", e.what()};
    }
  }

 private:
  // The two statements of adding a voice, prepared once per transaction.
  class Inserter {
   public:
    explicit Inserter(SqliteDb& db)
        : db_(db),
          taken_(db, "SELECT 1 FROM voices WHERE external_id = ?1"),
          voice_(db,
                 "INSERT INTO voices (external_id, channel, received_at, status, suggested_out_of_scope, "
                 "suggested_confidence, suggested_project_1, suggested_project_2, suggested_project_3, route_kind, "
                 "route_project_id, route_project_name, route_division, route_department, route_referral, decision, "
                 "decided_by, decided_at, answered_at, published_at, created_at, updated_at) VALUES (:external_id, "
                 ":channel, :received_at, :status, :suggested_out_of_scope, :suggested_confidence, :p1, :p2, :p3, "
                 ":route_kind, :route_project_id, :route_project_name, :route_division, :route_department, "
                 ":route_referral, :decision, :decided_by, :decided_at, :answered_at, :published_at, :at, :at)"),
          texts_(
              db,
              "INSERT INTO voice_texts (id, text, text_masked, suggestion_json, answer) VALUES (?1, ?2, ?3, ?4, ?5)"),
          fts_(db, "INSERT INTO voices_fts (rowid, grams) VALUES (?1, ?2)"),
          history_(db,
                   "INSERT INTO voice_history (voice_id, at, actor, action, from_status, to_status, route_before, "
                   "route_after, answer, note) VALUES (?1, ?2, ?3, ?4, NULL, ?5, NULL, ?6, ?7, NULL)") {}

    bool external_id_taken(const std::string& external_id) {
      taken_.reset();
      taken_.bind(1, external_id);
      return taken_.step();
    }

    std::int64_t insert(const NewVoice& v, const std::string& masked, const std::string& grams, Decision decision,
                        const std::string& actor, std::string_view action, const std::string& at) {
      voice_.reset();
      voice_.bind_text_or_null(voice_.index_of(":external_id"), v.external_id);
      voice_.bind(":channel", v.channel);
      voice_.bind(":received_at", v.received_at);
      voice_.bind(":status", status_name(v.status));
      if (v.suggestion) {
        const auto& g = *v.suggestion;
        voice_.bind(":suggested_out_of_scope", g.out_of_scope ? 1 : 0);
        voice_.bind_text_or_null(voice_.index_of(":suggested_confidence"), g.confidence);
        const char* names[] = {":p1", ":p2", ":p3"};
        for (std::size_t k = 0; k < 3 && k < g.top_projects.size(); ++k)
          voice_.bind_text_or_null(voice_.index_of(names[k]), g.top_projects[k]);
      }
      bind_route(voice_, v.route);
      if (decision != Decision::none) {
        voice_.bind(":decision", decision_name(decision));
        voice_.bind(":decided_by", actor);
        voice_.bind(":decided_at", at);
      }
      voice_.bind_text_or_null(voice_.index_of(":answered_at"), v.answered_at);
      voice_.bind_text_or_null(voice_.index_of(":published_at"), v.published_at);
      voice_.bind(":at", at);
      voice_.run();
      const auto id = db_.last_insert_id();
      texts_.reset();
      texts_.bind(1, id).bind(2, v.text).bind(3, masked);
      if (v.suggestion) texts_.bind(4, v.suggestion->json);
      texts_.bind_text_or_null(5, v.answer);
      texts_.run();
      fts_.reset();
      fts_.bind(1, id).bind(2, grams);
      fts_.run();
      history_.reset();
      history_.bind(1, id).bind(2, at).bind(3, actor).bind(4, action).bind(5, status_name(v.status));
      history_.bind(6, route_json(v.route));
      history_.bind_text_or_null(7, v.answer);
      history_.run();
      return id;
    }

   private:
    SqliteDb& db_;
    SqliteStatement taken_, voice_, texts_, fts_, history_;
  };

  static Result<Voice> load(SqliteDb& db, std::int64_t id, const Scope& scope) {
    SqliteStatement s(db, select_voices(" WHERE v.id = ?1") + (scope.limited() ? " AND v.route_division = ?2" : ""));
    s.bind(1, id);
    if (scope.limited()) s.bind(2, scope.division);
    // Outside the scope reads as absent: a division user learns nothing of other 課's voices.
    if (!s.step()) return Status::not_found("no voice " + std::to_string(id));
    return read_voice(s, scope);
  }

  // Words and nothing else, the desk's commonest search. The index is read once: its matches
  // are the total, and the page is found among them. Many matches: walking the date index
  // newest first and keeping the ids in the set finds a page after a few hundred rows
  // (SQLite would look every match up and sort them all: at 100k voices and 18k matches,
  // 40 ms of CPU; reading the index a second time for the count cost another 13). Few: their
  // dates are looked up and sorted here.
  VoiceList list_by_words(SqliteDb& db, const std::string& fts, const VoiceFilter& f) const {
    std::vector<std::int64_t> ids;
    {
      SqliteStatement m(db, "SELECT rowid FROM voices_fts WHERE voices_fts MATCH ?1");
      m.bind(1, fts);
      while (m.step()) ids.push_back(m.column_int(0));
    }
    std::sort(ids.begin(), ids.end());
    VoiceList out;
    out.total = static_cast<std::int64_t>(ids.size());
    std::vector<std::int64_t> page;
    constexpr std::size_t kManyMatches = 2000;
    if (ids.size() > kManyMatches) {
      SqliteStatement walk(db,
                           "SELECT v.id FROM voices v INDEXED BY voices_received WHERE koe_in_ids(v.id, ?1) "
                           "ORDER BY v.received_at DESC, v.id DESC LIMIT ?2 OFFSET ?3");
      walk.bind_pointer(1, &ids, "koe_ids");
      walk.bind(2, static_cast<std::int64_t>(f.limit)).bind(3, static_cast<std::int64_t>(f.offset));
      while (walk.step()) page.push_back(walk.column_int(0));
    } else if (f.offset < ids.size()) {
      SqliteStatement date(db, "SELECT received_at FROM voices WHERE id = ?1");
      std::vector<std::pair<std::string, std::int64_t>> dated;
      dated.reserve(ids.size());
      for (auto id : ids) {
        date.reset();
        date.bind(1, id);
        if (date.step()) dated.emplace_back(date.column_text(0), id);
      }
      std::sort(dated.begin(), dated.end(), std::greater<>());
      for (std::size_t k = f.offset; k < dated.size() && k < f.offset + f.limit; ++k) page.push_back(dated[k].second);
    }
    if (page.empty()) return out;
    std::string list;
    for (auto id : page) list += (list.empty() ? "" : ",") + std::to_string(id);
    SqliteStatement rows(db, select_voices(" WHERE v.id IN (" + list + ") ORDER BY v.received_at DESC, v.id DESC"));
    while (rows.step()) out.voices.push_back(read_voice(rows, f.scope));
    return out;
  }

  // Whether [from, to] holds more than a quarter of the voices (the date index counts it).
  static bool wide_range(SqliteDb& db, const std::string& from, const std::string& to) {
    if (from.empty() && to.empty()) return true;
    SqliteStatement all(db, "SELECT count(*) FROM voices INDEXED BY voices_received");
    all.step();
    SqliteStatement in(db,
                       "SELECT count(*) FROM voices INDEXED BY voices_received WHERE received_at >= ?1 AND "
                       "received_at <= ?2");
    in.bind(1, from.empty() ? std::string("0000-00-00") : from).bind(2, to.empty() ? std::string("9999-99-99") : to);
    in.step();
    return in.column_int(0) * 4 > all.column_int(0);
  }

  static std::int64_t current_revision(SqliteDb& db) {
    SqliteStatement s(db, "SELECT coalesce(max(id), 0) FROM voice_history");
    s.step();
    return s.column_int(0);
  }

  Clock::time_point clock() const { return options_.now ? options_.now() : Clock::now(); }
  std::string timestamp() const { return utc_timestamp(clock()); }

  StoreOptions options_;
  Normalizer normalizer_;
  mutable ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<VoiceStore> open_sqlite_store(const std::filesystem::path& path, const StoreOptions& options) {
  if (!options.mask)
    throw Error("[desk][store] " + path.string() +
                ": no masker given (StoreOptions::mask); the desk never stores a voice unmasked");
  return std::make_unique<SqliteVoiceStore>(path, options);
}

}  // namespace koe::desk
