/// @file voice_export.hpp
/// @brief A city's own export of voices read as it is: CSV from Excel (UTF-8 or Shift_JIS),
/// JSON Lines or a JSON array; Japanese column names; Japanese dates; the status, route and
/// answer of voices the city handled before koe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "koe/desk/voice.hpp"
#include "koe/indexer/error.hpp"
#include "koe/search/csv.hpp"

namespace koe::desk {

enum class ExportFormat {
  automatic,  ///< `[` first: a JSON array; `{` first: JSON Lines; else CSV
  csv,
  jsonl,
  json,  ///< one JSON array of objects
};

struct ExportOptions {
  ExportFormat format = ExportFormat::automatic;
  search::TextEncoding encoding = search::TextEncoding::automatic;
  /// Columns named explicitly, as the CLI's `--columns 'external_id=受付番号,text=ご意見'`:
  /// field=column, comma-separated. They win over the names koe recognises by itself.
  std::string columns;
  /// The channel of rows that name none (e.g. "letter" for an export of letters).
  std::string default_channel;
  /// The received date (YYYY-MM-DD) of rows that give none — voices posted to the desk's API
  /// as /api/v1/route takes them ({id, text}). Empty: every row must give its date.
  std::string default_received_at;
  /// Looks a project id up in the plans (its name, 課, 部), so an export that gives only the
  /// project id still yields a complete route. Without it a project needs its 課 in the row.
  std::function<std::optional<Route>(std::string_view project_id)> resolve_project;
};

struct VoiceExport {
  std::vector<NewVoice> voices;
  std::vector<std::string> errors;  ///< "line 12: …" (a JSON array: "item 3: …") for rows skipped
  std::string encoding;             ///< utf-8 or cp932, as detected or named
  std::string format;               ///< csv, jsonl or json
  std::vector<std::pair<std::string, std::string>> columns;  ///< field → column, as used
};

/// The fields koe reads, in order: external_id, received_at, channel, text, project_id,
/// project_name, division, department, referral, status, answer, answered_at, published_at.
const std::vector<std::string_view>& export_fields();

/// Reads an export. A row that cannot be used («line 12: received_at «2024/13/1» is not a
/// date») is reported and the others are read. Columns are found by koe's field names or
/// the usual Japanese ones: 受付番号 → external_id; 受付日, 受付日時 → received_at; 受付方法,
/// チャネル → channel; 内容, 本文, 意見, ご意見 → text; 担当課, 所管課 → division; 事業名 →
/// project_name; 状態, 対応状況 → status; 回答 → answer; 回答日 → answered_at; 移送先 →
/// referral. Dates as parse_date() reads them. A row without a status is answered when it
/// has an answer, else new.
///
/// Errors (nothing read): 400 `unreadable_export` (not UTF-8 or CP932, not JSON),
/// `invalid_columns` (a bad --columns, a column not in the header), `missing_column` (no text
/// or no received date).
Result<VoiceExport> read_voice_export(std::string_view bytes, const ExportOptions& options);

}  // namespace koe::desk
