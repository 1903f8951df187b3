#include "koe/indexer/lexicon.hpp"

#include <fstream>

#include "koe/indexer/error.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe {
namespace {

std::vector<std::vector<std::string>> read_table(const std::filesystem::path& path, std::size_t min_fields) {
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": cannot open the dictionary table");
  std::vector<std::vector<std::string>> rows;
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (auto bad = utf8::find_invalid(line))
      throw Error(path.string() + ":" + std::to_string(no) + ": invalid UTF-8 at byte " + std::to_string(*bad));
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
      auto tab = line.find('\t', start);
      std::string f = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      while (!f.empty() && f.back() == ' ') f.pop_back();
      while (!f.empty() && f.front() == ' ') f.erase(0, 1);
      if (!f.empty()) fields.push_back(f);
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (fields.empty()) continue;
    if (fields.size() < min_fields)
      throw Error(path.string() + ":" + std::to_string(no) + ": expected at least " + std::to_string(min_fields) +
                  " tab-separated words, found " + std::to_string(fields.size()));
    rows.push_back(std::move(fields));
  }
  return rows;
}

}  // namespace

LexiconSource LexiconSource::load(const std::filesystem::path& dir) {
  LexiconSource src;
  for (auto& row : read_table(dir / "stopwords.txt", 1)) {
    if (row.size() != 1)
      throw Error((dir / "stopwords.txt").string() + ": one word per line expected, found «" + row[0] + "\t…»");
    src.stopwords.push_back(row[0]);
  }
  src.variants = read_table(dir / "variants.tsv", 2);
  src.synonyms = read_table(dir / "synonyms.tsv", 2);
  src.expansions = read_table(dir / "expansions.tsv", 2);
  return src;
}

std::string joined(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) out += t;
  return out;
}

}  // namespace koe
