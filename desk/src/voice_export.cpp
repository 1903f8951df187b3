#include "koe/desk/voice_export.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "koe/desk/dates.hpp"
#include "koe/desk/transitions.hpp"
#include "koe/indexer/normalizer.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe::desk {
namespace {

struct FieldNames {
  std::string_view field;
  std::vector<std::string_view> aliases;  // normalized (see column_key), most specific first
};

// How cities title these columns, after column_key(): NFKC, case folded, without spaces,
// underscores and hyphens.
const std::vector<FieldNames>& field_names() {
  static const std::vector<FieldNames> names = {
      {"external_id",
       {"externalid", "受付番号", "受付no", "受付no.", "整理番号", "管理番号", "id", "番号", "no", "no."}},
      {"received_at", {"receivedat", "受付日", "受付日時", "受付年月日", "受付日付", "受信日", "受信日時", "日付"}},
      {"channel", {"channel", "受付方法", "チャネル", "チャンネル", "受付経路", "受付媒体", "経路", "媒体"}},
      {"text", {"text", "内容", "本文", "意見", "ご意見", "意見内容", "ご意見内容", "提言内容", "意見要旨", "要旨"}},
      {"project_id", {"projectid", "事業id"}},
      {"project_name", {"projectname", "project", "事業名"}},
      {"division", {"division", "担当課", "所管課", "回付先", "担当部署", "課"}},
      {"department", {"department", "担当部", "所管部", "部"}},
      {"referral", {"referral", "移送先"}},
      {"status", {"status", "状態", "対応状況", "処理状況", "ステータス"}},
      {"answer", {"answer", "回答", "回答内容"}},
      {"answered_at", {"answeredat", "回答日"}},
      {"published_at", {"publishedat", "公開日", "公表日"}},
  };
  return names;
}

std::string column_key(std::string_view name) {
  static const Normalizer normalizer;
  if (utf8::find_invalid(name)) return std::string(name);
  std::string out;
  for (char c : normalizer.normalize(name).text)
    if (c != ' ' && c != '_' && c != '-' && c != '\t') out += c;
  return out;
}

std::string trimmed(std::string_view s) {
  auto strip_front = [&] {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
      s.remove_prefix(1);
      return true;
    }
    if (s.starts_with("\u3000")) {
      s.remove_prefix(3);
      return true;
    }
    return false;
  };
  auto strip_back = [&] {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
      return true;
    }
    if (s.ends_with("\u3000")) {
      s.remove_suffix(3);
      return true;
    }
    return false;
  };
  while (strip_front()) {
  }
  while (strip_back()) {
  }
  return std::string(s);
}

using Mapping = std::map<std::string, std::string>;  // field → the column's name as written

Result<Mapping> explicit_columns(std::string_view spec) {
  Mapping out;
  std::size_t at = 0;
  while (at <= spec.size() && !spec.empty()) {
    const std::size_t comma = std::min(spec.find(',', at), spec.size());
    const std::string item = trimmed(spec.substr(at, comma - at));
    at = comma + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      return Status::invalid("invalid_columns", "«" + item + "» is not field=column (e.g. text=ご意見)");
    const std::string field = trimmed(std::string_view(item).substr(0, eq));
    const std::string column = trimmed(std::string_view(item).substr(eq + 1));
    const auto& fields = export_fields();
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      std::string known;
      for (auto f : fields) known += (known.empty() ? "" : ", ") + std::string(f);
      return Status::invalid("invalid_columns", "unknown field «" + field + "» (fields: " + known + ")");
    }
    if (column.empty()) return Status::invalid("invalid_columns", "no column named for " + field);
    out[field] = column;
    if (comma >= spec.size()) break;
  }
  return out;
}

// Which column holds each field, given the column names. Explicit names must exist; the rest
// are recognised by their usual names, the most specific name winning.
Result<Mapping> map_columns(const std::vector<std::string>& header, const Mapping& given) {
  std::map<std::string, std::string> by_key;  // column_key → name as written (first wins)
  for (const auto& h : header) by_key.emplace(column_key(h), h);
  Mapping out;
  std::vector<std::string> used;
  for (const auto& [field, column] : given) {
    auto it = by_key.find(column_key(column));
    if (it == by_key.end()) {
      std::string names;
      for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
      return Status::invalid("invalid_columns",
                             "column «" + column + "» for " + field + " is not in the header (" + names + ")");
    }
    out[field] = it->second;
    used.push_back(it->second);
  }
  for (const auto& f : field_names()) {
    if (out.count(std::string(f.field))) continue;
    for (auto alias : f.aliases) {
      auto it = by_key.find(std::string(alias));
      if (it == by_key.end() || std::find(used.begin(), used.end(), it->second) != used.end()) continue;
      out[std::string(f.field)] = it->second;
      used.push_back(it->second);
      break;
    }
  }
  return out;
}

using Row = std::map<std::string, std::string>;  // field → trimmed value

// A row's voice, or why it cannot be one.
Result<NewVoice> voice_of(const Row& row, const ExportOptions& options) {
  auto get = [&](const char* field) -> std::string {
    auto it = row.find(field);
    return it == row.end() ? std::string() : it->second;
  };
  NewVoice v;
  v.external_id = get("external_id");
  v.text = get("text");
  if (v.text.empty()) return Status::invalid("invalid_row", "text is empty");
  std::string received = get("received_at");
  if (received.empty()) received = options.default_received_at;
  if (received.empty()) return Status::invalid("invalid_row", "received_at is empty");
  const auto date = parse_date(received);
  if (!date) return Status::invalid("invalid_row", "received_at «" + received + "» is not a date");
  v.received_at = *date;
  v.channel = get("channel");
  if (v.channel.empty()) v.channel = options.default_channel;
  for (auto [field, target] :
       {std::pair<const char*, std::string*>{"answered_at", &v.answered_at}, {"published_at", &v.published_at}}) {
    const std::string value = get(field);
    if (value.empty()) continue;
    const auto d = parse_date(value);
    if (!d) return Status::invalid("invalid_row", std::string(field) + " «" + value + "» is not a date");
    *target = *d;
  }
  v.answer = get("answer");

  const std::string project_id = get("project_id"), division = get("division"), referral = get("referral");
  if (!project_id.empty()) {
    Route r = Route::to_project(project_id, get("project_name"), division, get("department"));
    if (options.resolve_project) {
      if (auto known = options.resolve_project(project_id)) {
        if (r.project_name.empty()) r.project_name = known->project_name;
        if (r.division.empty()) r.division = known->division;
        if (r.department.empty()) r.department = known->department;
      }
    }
    if (r.division.empty()) return Status::invalid("invalid_row", "project «" + project_id + "» has no 課 (division)");
    v.route = std::move(r);
  } else if (!division.empty()) {
    v.route = Route::to_division(division, get("department"));
  } else if (!referral.empty()) {
    v.route = Route::to_referral(referral);
  }

  const std::string status = get("status");
  if (!status.empty()) {
    const auto s = parse_status(status);
    if (!s) {
      std::string names;
      for (auto k : kVoiceStatuses) names += (names.empty() ? "" : ", ") + std::string(status_name(k));
      return Status::invalid("invalid_row",
                             "status «" + status + "» is not a status (" + names + ", or 受付, 回答済…)");
    }
    v.status = *s;
  } else {
    v.status = v.answer.empty() ? VoiceStatus::received : VoiceStatus::answered;
  }
  if (v.status == VoiceStatus::referred && v.route.kind != RouteKind::referral && !referral.empty())
    v.route = Route::to_referral(referral);
  if (auto unmet = unmet_requirement({v.status, v.route, v.answer}); !unmet.empty())
    return Status::invalid("invalid_row", "status " + std::string(status_name(v.status)) + ": " + unmet);
  return v;
}

void add_row(const Row& row, int line, const std::string& where, const ExportOptions& options, VoiceExport& out) {
  bool blank = true;
  for (const auto& [k, v] : row) blank &= v.empty();
  if (blank) return;
  auto v = voice_of(row, options);
  if (!v.ok()) {
    out.errors.push_back(where + ": " + v.status().message);
    return;
  }
  v.value().line = line;
  out.voices.push_back(std::move(v.value()));
}

std::string json_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return value.dump();
}

Status check_required(const Mapping& mapping, const ExportOptions& options) {
  if (!mapping.count("text"))
    return Status::invalid("missing_column",
                           "no column for the voice's text (内容, 本文, 意見, ご意見, text); "
                           "name it with --columns text=…");
  if (!mapping.count("received_at") && options.default_received_at.empty())
    return Status::invalid("missing_column",
                           "no column for the received date (受付日, 受付日時, received_at); "
                           "name it with --columns received_at=…");
  return {};
}

Status read_csv(const std::string& text, const Mapping& given, const ExportOptions& options, VoiceExport& out) {
  auto parsed = search::parse_csv(text);
  if (parsed.records.empty()) return Status::invalid("unreadable_export", "the file holds no header row");
  const auto& header = parsed.records.front().fields;
  auto mapping = map_columns(header, given);
  if (!mapping.ok()) return mapping.status();
  if (auto s = check_required(mapping.value(), options); !s.ok()) return s;
  std::map<std::string, std::size_t> index;  // column name → position
  for (std::size_t i = 0; i < header.size(); ++i) index.emplace(header[i], i);
  for (const auto& [field, column] : mapping.value()) out.columns.emplace_back(field, column);
  out.errors = parsed.errors;
  for (std::size_t r = 1; r < parsed.records.size(); ++r) {
    const auto& rec = parsed.records[r];
    Row row;
    for (const auto& [field, column] : mapping.value()) {
      const std::size_t i = index.at(column);
      row[field] = i < rec.fields.size() ? trimmed(rec.fields[i]) : std::string();
    }
    add_row(row, rec.line, "line " + std::to_string(rec.line), options, out);
  }
  return {};
}

Result<Row> json_row(const nlohmann::json& object, const Mapping& given) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  auto mapping = map_columns(keys, given);
  if (!mapping.ok()) return mapping.status();
  Row row;
  for (const auto& [field, key] : mapping.value()) row[field] = trimmed(json_text(object.at(key)));
  return row;
}

}  // namespace

const std::vector<std::string_view>& export_fields() {
  static const std::vector<std::string_view> fields = [] {
    std::vector<std::string_view> out;
    for (const auto& f : field_names()) out.push_back(f.field);
    return out;
  }();
  return fields;
}

Result<VoiceExport> read_voice_export(std::string_view bytes, const ExportOptions& options) {
  VoiceExport out;
  std::string text;
  try {
    text = search::decode_text(bytes, options.encoding, &out.encoding);
  } catch (const Error& e) {
    return Status::invalid("unreadable_export", e.what());
  }
  auto given = explicit_columns(options.columns);
  if (!given.ok()) return given.status();

  ExportFormat format = options.format;
  if (format == ExportFormat::automatic) {
    const auto first = text.find_first_not_of(" \t\r\n");
    const char c = first == std::string::npos ? '\0' : text[first];
    format = c == '[' ? ExportFormat::json : c == '{' ? ExportFormat::jsonl : ExportFormat::csv;
  }
  if (format == ExportFormat::csv) {
    out.format = "csv";
    if (auto s = read_csv(text, given.value(), options, out); !s.ok()) return s;
    return out;
  }

  std::vector<std::pair<int, nlohmann::json>> objects;  // line or item, object
  std::string where_word = "line";
  if (format == ExportFormat::json) {
    out.format = "json";
    where_word = "item";
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_array())
      return Status::invalid("unreadable_export", "the file is not a JSON array of objects");
    int item = 0;
    for (auto& element : doc) objects.emplace_back(++item, std::move(element));
  } else {
    out.format = "jsonl";
    int line = 0;
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t nl = std::min(text.find('\n', at), text.size());
      const std::string_view l(text.data() + at, nl - at);
      ++line;
      at = nl + 1;
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      auto j = nlohmann::json::parse(l, nullptr, false);
      if (j.is_discarded()) {
        out.errors.push_back("line " + std::to_string(line) + ": not JSON");
        continue;
      }
      objects.emplace_back(line, std::move(j));
    }
  }
  bool required_checked = false;
  for (const auto& [n, object] : objects) {
    const std::string where = where_word + " " + std::to_string(n);
    if (!object.is_object()) {
      out.errors.push_back(where + ": not a JSON object");
      continue;
    }
    auto row = json_row(object, given.value());
    if (!row.ok()) {
      out.errors.push_back(where + ": " + row.status().message);
      continue;
    }
    if (!required_checked) {
      // The first object's keys stand for the file's columns, as a CSV header would.
      std::vector<std::string> keys;
      for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
      auto mapping = map_columns(keys, given.value());
      if (auto s = check_required(mapping.value(), options); !s.ok()) return s;
      for (const auto& [field, column] : mapping.value()) out.columns.emplace_back(field, column);
      required_checked = true;
    }
    add_row(row.value(), n, where, options, out);
  }
  return out;
}

}  // namespace koe::desk
