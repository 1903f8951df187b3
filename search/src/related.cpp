#include "koe/search/related.hpp"

#include <algorithm>
#include <map>

#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/utf8.hpp"
#include "koe/search/limits.hpp"

namespace koe::search {
namespace {

using Xapian::Query;

/// Keeps only words and compounds of two or more characters that are not stop words:
/// prefixed terms (readings, bigrams, filters) repeat or label them.
class WordsOnly : public Xapian::ExpandDecider {
 public:
  explicit WordsOnly(const Analyzer& analyzer) : analyzer_(analyzer) {}
  bool operator()(const std::string& term) const override {
    const auto c = static_cast<unsigned char>(term[0]);
    if (c >= 'A' && c <= 'Z') return false;
    return utf8::length(term) >= 2 && !analyzer_.lexicon().stopwords.count(term);
  }

 private:
  const Analyzer& analyzer_;
};

}  // namespace

Result<std::vector<RelatedProject>> related_projects(const Analyzer& analyzer, const Xapian::Database& db,
                                                     const std::string& project_id, std::int64_t limit) {
  if (Status s = check_count("limit", limit, kRelatedLimitRange); !s.ok()) return s;
  const std::string pterm = schema::term(schema::kProject, project_id);
  Xapian::RSet rset;
  for (auto p = db.postlist_begin(pterm); p != db.postlist_end(pterm); ++p) rset.add_document(*p);
  const auto self_found = find_project(db, project_id);
  if (rset.empty() || !self_found) return Status::not_found("no project with id «" + project_id + "»");
  const ProjectSummary& self = *self_found;

  Xapian::Enquire enquire(db);
  enquire.set_query(Query(pterm));
  WordsOnly words(analyzer);
  const Xapian::ESet eset = enquire.get_eset(30, rset, &words);
  std::vector<Query> terms;
  for (auto t = eset.begin(); t != eset.end(); ++t) terms.emplace_back(*t);
  std::vector<RelatedProject> out;
  if (terms.empty()) return out;

  Query like(Query::OP_OR, terms.begin(), terms.end());
  // Other projects' sections: not the department's own, not this project's.
  like = Query(Query::OP_AND_NOT, like,
               Query(Query::OP_OR, Query(schema::term(schema::kLevel, "department")), Query(pterm)));
  enquire.set_query(like);
  const Xapian::MSet mset = enquire.get_mset(0, 300);
  std::map<std::string, RelatedProject> by_project;
  std::map<std::string, int> seen_sections;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    SectionRecord r = stored_record(it.get_document());
    if (!r.project_id) continue;
    auto& rp = by_project[*r.project_id];
    const int k = seen_sections[*r.project_id]++;
    static constexpr double kDecay[] = {1.0, 0.5, 0.25};
    if (k < 3) rp.score += kDecay[k] * it.get_weight();
    for (auto t = enquire.get_matching_terms_begin(it); t != enquire.get_matching_terms_end(it); ++t)
      if (words(*t) && std::find(rp.terms.begin(), rp.terms.end(), *t) == rp.terms.end() && rp.terms.size() < 8)
        rp.terms.push_back(*t);
    if (rp.project.id.empty()) rp.project = project_of(r);
  }
  // Projects under the same 施策 (and more so the same 細施策) are related by the plan's own
  // structure, beyond the words they share.
  for (auto& [id, rp] : by_project) {
    if (rp.project.doc_id == self.doc_id && rp.project.policy == self.policy)
      rp.score *= rp.project.sub_policy == self.sub_policy ? 2.0 : 1.25;
    out.push_back(std::move(rp));
  }
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.score > b.score; });
  if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
  return out;
}

}  // namespace koe::search
