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
  src.general_synonyms = read_table(dir / "synonyms-sudachi.tsv", 2);
  src.expansions = read_table(dir / "expansions.tsv", 2);
  return src;
}

namespace {

/// The first two characters of `s` (fewer when it is shorter).
std::string_view two_chars(std::string_view s, std::size_t at = 0) {
  std::size_t i = at;
  for (int k = 0; k < 2 && i < s.size(); ++k) utf8::next(s, i);
  return s.substr(at, i - at);
}

}  // namespace

void Lexicon::index_synonym_phrases() {
  synonym_phrase_starts.clear();
  for (std::size_t k = 0; k < synonym_phrases.size(); ++k)
    synonym_phrase_starts[std::string(two_chars(synonym_phrases[k].first))].push_back(k);
}

std::vector<std::pair<std::size_t, std::string>> Lexicon::synonym_phrases_in(std::string_view normalized) const {
  std::vector<std::pair<std::size_t, std::string>> out;
  if (synonym_phrase_starts.empty()) return out;
  std::unordered_set<std::size_t> found;
  for (std::size_t i = 0; i < normalized.size();) {
    auto it = synonym_phrase_starts.find(std::string(two_chars(normalized, i)));
    if (it != synonym_phrase_starts.end())
      for (std::size_t k : it->second)
        if (normalized.compare(i, synonym_phrases[k].first.size(), synonym_phrases[k].first) == 0 &&
            found.insert(k).second)
          out.emplace_back(synonym_phrases[k].second, synonym_phrases[k].first);
    utf8::next(normalized, i);
  }
  return out;
}

std::string joined(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) out += t;
  return out;
}

}  // namespace koe
