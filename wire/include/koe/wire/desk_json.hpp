/// @file desk_json.hpp
/// @brief The JSON shapes of the voice desk: a voice, its history, a list, the statistics,
/// a user; and the reading of the desk's request bodies.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "koe/desk/accounts.hpp"
#include "koe/desk/voice.hpp"
#include "koe/desk/voice_store.hpp"
#include "koe/indexer/error.hpp"
#include "koe/search/matcher.hpp"

namespace koe::wire {

/// What a reader may see of a voice: the original text, or only the masked one (a division
/// user; anything exported or published).
enum class TextAccess { original, masked_only };

/// {kind, project_id, project, division, department, referral}, or null when not routed.
nlohmann::json desk_route_json(const desk::Route& route);

/// A voice: {id, external_id, channel, received_at, status, status_label, version, text,
/// text_masked, suggestion, route, decision, decided_by, decided_at, answer, answered_at,
/// published_at, created_at, updated_at}. `text` is null for masked_only.
nlohmann::json voice_json(const desk::Voice& voice, TextAccess access);

/// GET /api/v1/voices: {total, voices}.
nlohmann::json voice_list_json(const desk::VoiceList& list, TextAccess access);

/// GET /api/v1/voices/{id}/history: {voice_id, history: [{revision, at, actor, action,
/// from_status, to_status, route_before, route_after, answer, note}]}.
nlohmann::json history_json(std::int64_t voice_id, const std::vector<desk::HistoryEntry>& history);

/// GET /api/v1/stats.
nlohmann::json stats_json(const desk::Stats& stats, const desk::StatsQuery& query);

/// {name, role, division, enabled}.
nlohmann::json user_json(const desk::User& user);

/// koe's suggestion for a voice as the desk keeps it: the match JSON at arrival and the
/// columns the desk counts by.
desk::Suggestion suggestion_of(const search::MatchResponse& match);

/// CSV of voices for Excel (masked text only; cells that would run as formulas get an
/// apostrophe): the header, and one row per voice.
std::string voice_csv_header();
std::string voice_csv_row(const desk::Voice& voice);

/// POST /api/v1/voices's body {"text", "channel"?, "received_at"?, "external_id"?}: Status
/// 400 `invalid_json`, `missing_text`, `invalid_text`, `invalid_date`, `invalid_field`.
/// `today` is the received date when none is given.
Result<desk::NewVoice> new_voice_request(const nlohmann::json& body, const std::string& today);

/// PATCH /api/v1/voices/{id}'s body {"version", "route"?: {"project_id"} | {"division"} |
/// {"referral"}, "status"?, "note"?, "answer"?}: the expected version and the change.
/// `resolve_project` names a project's 課 and department from the plans (404 for an unknown
/// id). Status 400 `invalid_json`, `missing_version`, `invalid_route`, `invalid_status`,
/// `invalid_field`, `empty_change`.
struct VoiceEdit {
  std::int64_t version = 0;
  desk::VoiceChange change;
};
Result<VoiceEdit> voice_edit_request(
    const nlohmann::json& body,
    const std::function<std::optional<desk::Route>(const std::string& project_id)>& resolve_project);

}  // namespace koe::wire
