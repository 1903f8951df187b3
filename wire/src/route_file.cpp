#include "koe/wire/route_file.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "koe/indexer/error.hpp"
#include "koe/search/csv.hpp"
#include "koe/wire/json.hpp"

namespace koe::wire {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

search::BatchFormat format_of(const std::filesystem::path& file, search::BatchFormat fallback) {
  const std::string ext = lower(file.extension().string());
  if (ext == ".jsonl" || ext == ".ndjson") return search::BatchFormat::jsonl;
  if (ext == ".csv") return search::BatchFormat::csv;
  return fallback;
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string() + ": cannot open the input file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

std::string routed_csv_header() {
  return "id,text,out_of_scope,project_id,project,division,confidence,score,top2_project,top2_division,top3_project,"
         "top3_division,referral\r\n";
}

std::string routed_csv_row(const search::Voice& v, const search::MatchResponse& m) {
  using search::csv_field;
  std::string row = csv_field(v.id) + "," + csv_field(v.text) + "," + (m.out_of_scope ? "true" : "false");
  auto name = [&](std::size_t k) { return k < m.matches.size() ? m.matches[k].project.name : std::string(); };
  auto division = [&](std::size_t k) { return k < m.matches.size() ? m.matches[k].project.division : std::string(); };
  const search::ProjectMatch* best = m.route();
  row += "," + csv_field(best ? best->project.id : "");
  row += "," + csv_field(best ? best->project.name : "");
  row += "," + csv_field(best ? best->project.division : "");
  row += "," + std::string(m.matches.empty() ? "low" : m.matches[0].confidence);
  row += "," + (m.matches.empty() ? std::string("0") : std::to_string(m.matches[0].score));
  for (std::size_t k : {std::size_t{1}, std::size_t{2}}) row += "," + csv_field(name(k)) + "," + csv_field(division(k));
  row += "," + csv_field(m.referral ? m.referral->body : "");
  return row + "\r\n";
}

RouteSummary route_file(const Analyzer& analyzer, const Xapian::Database& db, const RouteFileOptions& options,
                        const std::function<void(std::size_t, std::size_t)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const search::BatchFormat in_format = options.format == search::BatchFormat::automatic
                                            ? format_of(options.in, search::BatchFormat::automatic)
                                            : options.format;
  search::VoiceBatch batch;
  try {
    batch = search::read_voices(read_all(options.in), in_format, options.encoding);
  } catch (const Error& e) {
    throw Error(options.in.string() + ": " + e.what());
  }
  RouteSummary summary;
  summary.encoding = batch.encoding;
  // read_voices says "line N: …"; the file's name replaces "line ".
  for (const auto& e : batch.errors) summary.errors.push_back(options.in.string() + ":" + e.substr(5));
  const search::BatchFormat out_format =
      format_of(options.out, options.format != search::BatchFormat::automatic ? options.format
                             : in_format == search::BatchFormat::jsonl        ? search::BatchFormat::jsonl
                                                                              : search::BatchFormat::csv);

  // Written to a temporary file and renamed, so a failed run never leaves half a file behind.
  const auto tmp = std::filesystem::path(options.out.string() + ".part");
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error(options.out.string() + ": cannot write the output file");
    if (out_format == search::BatchFormat::csv) out << "\xEF\xBB\xBF" << routed_csv_header();
    std::size_t done = 0;
    search::route_each(
        analyzer, db, batch, options.match, options.sources,
        [&](const search::Voice& v, const Result<search::MatchResponse>& m) {
          ++summary.voices;
          if (progress) progress(++done, batch.voices.size());
          if (!m.ok()) {
            ++summary.skipped;
            summary.errors.push_back(options.in.string() + ":" + std::to_string(v.line) + ": " + m.status().message);
            return;
          }
          ++(m.value().out_of_scope ? summary.out_of_scope : summary.routed);
          if (out_format == search::BatchFormat::csv)
            out << routed_csv_row(v, m.value());
          else
            out << dump(routed_voice_json(v.id, m.value())) << "\n";
        });
    summary.skipped += batch.errors.size();
    if (!out) throw Error(options.out.string() + ": write failed");
  }
  std::filesystem::rename(tmp, options.out);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace koe::wire
