#include "koe/search/example_index.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "koe/indexer/utf8.hpp"

namespace koe::search {

ExampleIndex::ExampleIndex(const Analyzer& analyzer) : analyzer_(analyzer) {}

ExampleIndex::TermCounts ExampleIndex::terms_of(const Analysis& a) const {
  // The words and compounds a voice is about: what routing matches on too (no readings: a
  // word and its reading would count twice; no particles, stop words or bare affixes).
  TermCounts counts;
  for (const auto& t : a.terms) {
    if (t.kind != TermKind::word && t.kind != TermKind::compound) continue;
    if (t.stop || t.affix || utf8::length(t.text) < 2) continue;
    counts[t.text] += 1;
  }
  return counts;
}

double ExampleIndex::idf(std::size_t df) const {
  return std::log(1.0 + static_cast<double>(entries_.size()) / static_cast<double>(std::max<std::size_t>(df, 1)));
}

void ExampleIndex::upsert(const Example& example) {
  TermCounts terms = terms_of(analyzer_.analyze(example.text));
  std::unique_lock lock(mutex_);
  if (auto it = entries_.find(example.id); it != entries_.end())
    for (const auto& [t, n] : it->second.terms) postings_[t].erase(example.id);
  for (const auto& [t, n] : terms) postings_[t].insert(example.id);
  entries_[example.id] = {example, std::move(terms)};
}

void ExampleIndex::remove(std::int64_t id) {
  std::unique_lock lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  for (const auto& [t, n] : it->second.terms) postings_[t].erase(id);
  entries_.erase(it);
}

std::size_t ExampleIndex::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

std::vector<SimilarExample> ExampleIndex::nearest(const Analysis& voice, std::size_t k) const {
  const TermCounts query = terms_of(voice);
  std::shared_lock lock(mutex_);
  if (entries_.empty() || query.empty()) return {};
  auto weight = [&](float count, std::size_t df) { return (1.0 + std::log(count)) * idf(df); };
  double query_norm = 0;
  std::unordered_map<std::int64_t, double> dot;
  for (const auto& [term, count] : query) {
    const auto p = postings_.find(term);
    const std::size_t df = p == postings_.end() ? 0 : p->second.size();
    const double wq = weight(count, df);
    query_norm += wq * wq;
    if (df == 0) continue;
    for (const auto id : p->second) dot[id] += wq * weight(entries_.at(id).terms.at(term), df);
  }
  std::vector<SimilarExample> out;
  out.reserve(dot.size());
  for (const auto& [id, d] : dot) {
    const Entry& e = entries_.at(id);
    double norm = 0;
    for (const auto& [term, count] : e.terms) {
      const double w = weight(count, postings_.at(term).size());
      norm += w * w;
    }
    out.push_back({e.example, d / std::sqrt(query_norm * norm)});
  }
  const std::size_t keep = std::min(k, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    [](const auto& a, const auto& b) {
                      return a.similarity != b.similarity ? a.similarity > b.similarity : a.example.id < b.example.id;
                    });
  out.resize(keep);
  return out;
}

}  // namespace koe::search
