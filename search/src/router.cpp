#include "koe/search/router.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include "koe/indexer/error.hpp"
#include "koe/search/searcher.hpp"

namespace koe::search {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool looks_like_jsonl(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '{';
  }
  return false;
}

}  // namespace

VoiceBatch read_voices(std::string_view bytes, BatchFormat format, TextEncoding encoding) {
  VoiceBatch batch;
  const std::string text = decode_text(bytes, encoding, &batch.encoding);
  if (format == BatchFormat::automatic) format = looks_like_jsonl(text) ? BatchFormat::jsonl : BatchFormat::csv;

  if (format == BatchFormat::jsonl) {
    std::istringstream in(text);
    std::string line;
    int no = 0;
    while (std::getline(in, line)) {
      ++no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        auto j = nlohmann::json::parse(line);
        if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) {
          batch.errors.push_back("line " + std::to_string(no) + ": expected {\"id\": …, \"text\": \"…\"}");
          continue;
        }
        // An array or object id is refused rather than dumped: dump() recurses once per level,
        // and a line of 100,000 '[' overflowed an 8 MiB stack.
        if (j.contains("id") && j["id"].is_structured()) {
          batch.errors.push_back("line " + std::to_string(no) + ": the id must be a string or a number");
          continue;
        }
        std::string id = j.contains("id") ? (j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump()) : std::to_string(no);
        batch.voices.push_back({id, j["text"].get<std::string>(), no});
      } catch (const nlohmann::json::exception& e) {
        batch.errors.push_back("line " + std::to_string(no) + ": not JSON (" + std::string(e.what()) + ")");
      }
    }
    return batch;
  }

  auto csv = parse_csv(text);
  batch.errors = csv.errors;
  if (csv.records.empty()) {
    batch.errors.push_back("line 1: expected a header row with id and text columns");
    return batch;
  }
  const auto& header = csv.records.front().fields;
  int id_col = -1, text_col = -1;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string h = lower(header[c]);
    if (h == "id" || h == "番号" || h == "受付番号") id_col = static_cast<int>(c);
    if (h == "text" || h == "本文" || h == "内容" || h == "意見") text_col = static_cast<int>(c);
  }
  if (text_col < 0) {
    batch.errors.push_back("line " + std::to_string(csv.records.front().line) +
                           ": the header has no text column (expected id,text)");
    return batch;
  }
  for (std::size_t r = 1; r < csv.records.size(); ++r) {
    const auto& rec = csv.records[r];
    if (static_cast<int>(rec.fields.size()) <= text_col) {
      batch.errors.push_back("line " + std::to_string(rec.line) + ": " + std::to_string(rec.fields.size()) +
                             " fields, the text column is missing");
      continue;
    }
    const std::string id = id_col >= 0 && static_cast<int>(rec.fields.size()) > id_col ? rec.fields[id_col] : std::to_string(rec.line);
    batch.voices.push_back({id, rec.fields[text_col], rec.line});
  }
  return batch;
}

nlohmann::json routing_json(const std::string& id, const MatchResponse& m) {
  nlohmann::json top = nlohmann::json::array();
  for (std::size_t k = 0; k < m.matches.size() && k < 3; ++k)
    top.push_back({{"project", project_json(m.matches[k].project)}, {"score", m.matches[k].score}, {"confidence", m.matches[k].confidence}});
  auto full = m.to_json();
  const bool has = !m.matches.empty();
  return {{"id", id},
          {"out_of_scope", m.out_of_scope},
          {"route", full["route"]},
          {"project_id", has && !m.out_of_scope ? nlohmann::json(m.matches[0].project.project_id.value_or("")) : nlohmann::json(nullptr)},
          {"project", has && !m.out_of_scope ? nlohmann::json(m.matches[0].project.project.value_or("")) : nlohmann::json(nullptr)},
          {"division", has && !m.out_of_scope ? nlohmann::json(m.matches[0].project.division) : nlohmann::json(nullptr)},
          {"confidence", has ? nlohmann::json(m.matches[0].confidence) : nlohmann::json("low")},
          {"top", top}};
}

std::string routing_csv_header() {
  return "id,text,out_of_scope,project_id,project,division,confidence,score,top2_project,top2_division,top3_project,top3_division\r\n";
}

std::string routing_csv_row(const Voice& v, const MatchResponse& m) {
  std::string row = csv_field(v.id) + "," + csv_field(v.text) + "," + (m.out_of_scope ? "true" : "false");
  auto name = [&](std::size_t k) { return k < m.matches.size() ? m.matches[k].project.project.value_or("") : std::string(); };
  auto division = [&](std::size_t k) { return k < m.matches.size() ? m.matches[k].project.division : std::string(); };
  const bool routed = !m.out_of_scope && !m.matches.empty();
  row += "," + csv_field(routed ? m.matches[0].project.project_id.value_or("") : "");
  row += "," + csv_field(routed ? name(0) : "");
  row += "," + csv_field(routed ? division(0) : "");
  row += "," + std::string(m.matches.empty() ? "low" : m.matches[0].confidence);
  row += "," + (m.matches.empty() ? std::string("0") : std::to_string(m.matches[0].score));
  for (std::size_t k : {std::size_t{1}, std::size_t{2}}) row += "," + csv_field(name(k)) + "," + csv_field(division(k));
  return row + "\r\n";
}

RouteSummary route_file(const Analyzer& analyzer, const Xapian::Database& db, const RouteFileOptions& options,
                        const std::function<void(std::size_t, std::size_t)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  std::ifstream in(options.in, std::ios::binary);
  if (!in) throw Error(options.in.string() + ": cannot open the input file");
  std::ostringstream buf;
  buf << in.rdbuf();
  BatchFormat format = options.format;
  const std::string ext = lower(options.in.extension().string());
  if (format == BatchFormat::automatic && (ext == ".jsonl" || ext == ".ndjson")) format = BatchFormat::jsonl;
  if (format == BatchFormat::automatic && ext == ".csv") format = BatchFormat::csv;
  VoiceBatch batch;
  try {
    batch = read_voices(buf.str(), format, options.encoding);
  } catch (const Error& e) {
    throw Error(options.in.string() + ": " + e.what());
  }
  RouteSummary summary;
  summary.encoding = batch.encoding;
  for (const auto& e : batch.errors) summary.errors.push_back(options.in.string() + ":" + e.substr(5));

  BatchFormat out_format = options.format;
  const std::string out_ext = lower(options.out.extension().string());
  if (out_ext == ".jsonl" || out_ext == ".ndjson") out_format = BatchFormat::jsonl;
  else if (out_ext == ".csv") out_format = BatchFormat::csv;
  else if (out_format == BatchFormat::automatic) out_format = format == BatchFormat::jsonl ? BatchFormat::jsonl : BatchFormat::csv;

  // Written to a temporary file and renamed, so a failed run never leaves half a file behind.
  const auto tmp = std::filesystem::path(options.out.string() + ".part");
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error(options.out.string() + ": cannot write the output file");
    if (out_format == BatchFormat::csv) out << "\xEF\xBB\xBF" << routing_csv_header();
    std::size_t done = 0;
    for (const auto& v : batch.voices) {
      ++summary.voices;
      auto m = match(analyzer, db, {v.text, 3}, options.match);
      if (progress) progress(++done, batch.voices.size());
      if (!m.ok()) {
        ++summary.skipped;
        summary.errors.push_back(options.in.string() + ":" + std::to_string(v.line) + ": " + m.status().message);
        continue;
      }
      if (m.value().out_of_scope) ++summary.out_of_scope;
      else ++summary.routed;
      if (out_format == BatchFormat::csv) out << routing_csv_row(v, m.value());
      else out << routing_json(v.id, m.value()).dump() << "\n";
    }
    summary.skipped += batch.errors.size();
    if (!out) throw Error(options.out.string() + ": write failed");
  }
  std::filesystem::rename(tmp, options.out);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace koe::search
