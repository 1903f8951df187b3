#include "koe/indexer/index_builder.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "koe/indexer/corpus.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/index_layout.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/term_spans.hpp"

namespace koe {
namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex(std::uint64_t v) {
  std::ostringstream o;
  o << std::hex << v;
  return o.str();
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// A plan file's bytes; Error when it cannot be opened (a link loop, no permission), so the
/// document is reported like any unreadable one rather than read as empty.
std::string read_plan(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(p.string() + ": cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void delete_document_sections(Xapian::WritableDatabase& db, const std::string& doc_id) {
  db.delete_document(schema::term(schema::kDocument, doc_id));
}

std::string display_path(const std::filesystem::path& file, const std::vector<std::filesystem::path>& roots) {
  std::error_code ec;
  const auto abs_file = std::filesystem::weakly_canonical(file, ec);
  for (const auto& root : roots) {
    const auto abs_root = std::filesystem::weakly_canonical(root, ec);
    if (!std::filesystem::is_directory(abs_root, ec)) continue;
    const auto rel = abs_file.lexically_relative(abs_root);
    if (!rel.empty() && *rel.begin() != "..") return (abs_root.filename() / rel).generic_string();
  }
  return file.filename().generic_string();
}

}  // namespace

std::string analysis_fingerprint(const AnalyzerOptions& options) {
  std::uint64_t h = fnv1a("schema:" + std::to_string(schema::kVersion));
  // The synonym tables count: their several-word entries are indexed (Analyzer::spelled_entries).
  for (const char* f :
       {"koe-user.dic", "stopwords.txt", "variants.tsv", "synonyms.tsv", "synonyms-sudachi.tsv", "expansions.tsv"})
    h = fnv1a(read_file(options.dictionaries / f), h);
  h = fnv1a(options.dicdir.string(), h);
  return hex(h);
}

SectionDocument make_document(const Analyzer& analyzer, const SectionRecord& r) {
  SectionDocument section;
  Xapian::Document& doc = section.document;
  const auto analysis = analyzer.analyze(r.text);
  for (std::size_t i = 0; i < analysis.terms.size(); ++i) {
    const Term& t = analysis.terms[i];
    switch (t.kind) {
      case TermKind::word:
        doc.add_posting(schema::term("", t.text), t.position + 1);
        break;
      case TermKind::compound:  // no position: phrases are of words (a compound's parts have theirs)
        doc.add_term(schema::term("", t.text));
        break;
      case TermKind::reading:  // follows the word or compound it reads
        if (i > 0) section.readings.push_back({t.text, schema::term("", analysis.terms[i - 1].text)});
        break;
      case TermKind::bigram:
        doc.add_term(schema::term(schema::kBigram, t.text));
        break;
    }
  }
  doc.add_boolean_term(schema::term(schema::kDepartment, r.department));
  doc.add_boolean_term(schema::term(schema::kKind, kind_name(r.kind)));
  doc.add_boolean_term(schema::term(schema::kDocument, r.doc_id));
  if (!r.fiscal_year.empty()) doc.add_boolean_term(schema::term(schema::kFiscalYear, r.fiscal_year));
  if (r.project_id) {
    doc.add_boolean_term(schema::term(schema::kLevel, "project"));
    doc.add_boolean_term(schema::term(schema::kProject, *r.project_id));
    if (!r.division.empty()) doc.add_boolean_term(schema::term(schema::kDivision, r.division));
    if (!r.policy.empty()) doc.add_boolean_term(schema::term(schema::kPolicy, r.policy));
    if (!r.policy.empty()) doc.add_boolean_term(schema::term(schema::kSubPolicy, r.policy + "." + r.sub_policy));
  } else {
    doc.add_boolean_term(schema::term(schema::kLevel, "department"));
  }
  doc.add_value(schema::kSlotFacet, schema::facet_key(r.project_id.value_or(""), r.division, kind_name(r.kind)));
  // Several-word synonym entries as one term each, so queries need no phrase for them.
  const auto entries = analyzer.spelled_entries(analysis);
  for (const Term& e : entries) doc.add_term(schema::term("", e.text));
  auto spans = term_spans(analysis);
  for (const Term& e : entries) spans.push_back({e.text, e.begin, e.end});
  doc.add_value(schema::kSlotTermSpans, encode_term_spans(spans, r.text));
  doc.set_data(r.to_stored());
  return section;
}

void add_readings(Xapian::WritableDatabase& db, const std::vector<WordReading>& readings) {
  for (const auto& r : readings) db.add_synonym(schema::term(schema::kReading, r.reading), r.term);
}

SectionRecord stored_record(const Xapian::Document& doc) { return SectionRecord::from_stored(doc.get_data()); }

Xapian::Database open_index(const std::filesystem::path& db) {
  Xapian::Database d(db.string());
  const std::string version = d.get_metadata(std::string(schema::kMetaSchema));
  if (d.get_doccount() > 0 && version != std::to_string(schema::kVersion))
    throw IndexError(db.string(), "the index was written with schema " + (version.empty() ? "?" : version) +
                                      " and this koe reads schema " + std::to_string(schema::kVersion) +
                                      "; rebuild it with koe index");
  return d;
}

namespace {

/// One department's sections, analysed and ready for Xapian.
struct Prepared {
  std::vector<Xapian::Document> sections;
  std::uint64_t text_bytes = 0;
};

/// Analyses documents on a second thread while the caller writes the previous ones: analysis
/// (MeCab, ICU, the term rules, the stored record) was about a quarter of indexing time, and
/// Xapian's writer is single-threaded. The Analyzer keeps a MeCab tagger per thread.
///
/// The writer is the longer of the two threads, so the worker also takes what need not be on
/// the writer's: it gathers the readings of every section, and it frees the documents the
/// writer has added (`recycle`), whose term maps were 9 % of the writer's time at 100k.
class AnalysisPipeline {
 public:
  AnalysisPipeline(const Analyzer& analyzer, std::vector<const Department*> departments)
      : analyzer_(analyzer), departments_(std::move(departments)), worker_([this] { run(); }) {}

  ~AnalysisPipeline() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
  }  // worker_ joins

  AnalysisPipeline(const AnalysisPipeline&) = delete;
  AnalysisPipeline& operator=(const AnalysisPipeline&) = delete;

  /// The next department's sections, in the order given; rethrows what analysis threw.
  Prepared next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || error_; });
    if (error_) std::rethrow_exception(error_);
    Prepared p = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return p;
  }

  /// Hands back sections the writer has added, for the worker to free. Xapian keeps no handle
  /// on a document it has added, so the worker holds the only one.
  void recycle(Prepared&& spent) {
    std::lock_guard lock(mutex_);
    spent_.push_back(std::move(spent.sections));
    changed_.notify_all();
  }

  /// The readings of every section, each once; call after `next` gave the last department.
  std::set<WordReading> readings() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return analysed_all_ || error_; });
    if (error_) std::rethrow_exception(error_);
    return std::move(readings_);
  }

 private:
  static constexpr std::size_t kAhead = 4;  // departments analysed ahead of the writer

  void run() {
    try {
      std::set<WordReading> readings;  // the worker's alone until analysed_all_
      for (const Department* d : departments_) {
        free_spent();
        Prepared p;
        for (const auto& r : section_records(*d)) {
          SectionDocument section = make_document(analyzer_, r);
          p.sections.push_back(std::move(section.document));
          readings.insert(std::make_move_iterator(section.readings.begin()),
                          std::make_move_iterator(section.readings.end()));
          p.text_bytes += r.text.size();
        }
        std::unique_lock lock(mutex_);
        while (ready_.size() >= kAhead && !stopping_) {  // while the writer is behind, free what it added
          if (spent_.empty()) {
            changed_.wait(lock);
            continue;
          }
          lock.unlock();
          free_spent();
          lock.lock();
        }
        if (stopping_) return;
        ready_.push_back(std::move(p));  // the worker keeps no handle on these documents
        changed_.notify_all();
      }
      std::lock_guard lock(mutex_);
      readings_ = std::move(readings);
      analysed_all_ = true;
      changed_.notify_all();
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      changed_.notify_all();
    }
  }

  /// Frees, outside the lock, the sections the writer recycled so far.
  void free_spent() {
    std::vector<std::vector<Xapian::Document>> spent;
    {
      std::lock_guard lock(mutex_);
      spent.swap(spent_);
    }
  }

  const Analyzer& analyzer_;
  const std::vector<const Department*> departments_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Prepared> ready_;
  std::vector<std::vector<Xapian::Document>> spent_;  ///< added by the writer, not yet freed
  std::set<WordReading> readings_;                    ///< set once analysed_all_
  bool analysed_all_ = false;
  std::exception_ptr error_;
  bool stopping_ = false;
  std::jthread worker_;  // last: starts after, and joins before, everything above
};

}  // namespace

namespace {

/// A plan document read and parsed, with the fingerprint of its bytes.
struct LoadedDocument {
  ParsedDocument doc;
  std::string fingerprint;
};

struct LoadedCorpus {
  std::vector<LoadedDocument> documents;
  std::set<std::string> ids;         ///< documents read
  std::set<std::string> failed_ids;  ///< documents that could not be read: kept as indexed
};

/// Reads and parses every plan file; a file that cannot be read is reported and skipped.
LoadedCorpus load_documents(const IndexOptions& options, IndexSummary& summary) {
  LoadedCorpus corpus;
  for (const auto& file : find_plan_files(options.corpus)) {
    const auto identity = identify_document(file);
    try {
      const std::string content = read_plan(file);
      LoadedDocument l{parse_plan(content, file.string(), identity), hex(fnv1a(content))};
      // Stored and shown relative to the corpus folder's parent (corpus/2026/x.tsv), not as
      // the indexing machine's absolute path.
      l.doc.department.source = display_path(file, options.corpus);
      if (!corpus.ids.insert(l.doc.department.doc_id).second) {
        summary.errors.push_back(file.string() + ":1: document id " + l.doc.department.doc_id +
                                 " is already taken by another file; rename one of them");
        continue;
      }
      summary.warnings.insert(summary.warnings.end(), l.doc.warnings.begin(), l.doc.warnings.end());
      corpus.documents.push_back(std::move(l));
    } catch (const Error& e) {
      summary.errors.push_back(e.what());
      corpus.failed_ids.insert(identity.doc_id);
    }
  }
  summary.documents = corpus.documents.size();
  return corpus;
}

/// What a run must change: documents new or changed since they were indexed (all of them
/// when the analysis changed), and documents no longer in the corpus.
struct Changes {
  std::vector<const LoadedDocument*> changed;
  std::vector<std::string> removed;
  std::size_t sections = 0;  ///< sections of the changed documents
  bool rebuild = false;
  bool empty() const { return changed.empty() && removed.empty() && !rebuild; }
};

Changes plan_changes(const Xapian::WritableDatabase& db, const LoadedCorpus& corpus, const std::string& fingerprint) {
  Changes c;
  c.rebuild = db.get_metadata(std::string(schema::kMetaAnalysis)) != fingerprint;
  for (const auto& l : corpus.documents) {
    const std::string key = std::string(schema::kMetaDocPrefix) + l.doc.department.doc_id;
    if (!c.rebuild && db.get_metadata(key) == l.fingerprint) continue;
    c.changed.push_back(&l);
    c.sections += section_records(l.doc.department).size();
  }
  const std::string prefix(schema::kMetaDocPrefix);
  for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
    const std::string id = (*it).substr(prefix.size());
    if (!corpus.ids.count(id) && !corpus.failed_ids.count(id)) c.removed.push_back(id);
  }
  return c;
}

/// Removes from the synonym table the words no section holds any more (a changed or removed
/// document took them), and readings left with no word. A word kept by another section keeps
/// all its readings (生 as ナマ and セイ), though the section that read it one way may be gone.
void drop_stale_readings(Xapian::WritableDatabase& db) {
  const std::string prefix(schema::kReading);
  std::vector<std::pair<std::string, std::string>> stale;
  for (auto key = db.synonym_keys_begin(prefix); key != db.synonym_keys_end(prefix); ++key)
    for (auto word = db.synonyms_begin(*key); word != db.synonyms_end(*key); ++word)
      if (!db.term_exists(*word)) stale.emplace_back(*key, *word);
  for (const auto& [key, word] : stale) db.remove_synonym(key, word);
}

/// Removes every reading from the synonym table.
void clear_readings(Xapian::WritableDatabase& db) {
  const std::string prefix(schema::kReading);
  std::vector<std::string> keys(db.synonym_keys_begin(prefix), db.synonym_keys_end(prefix));
  for (const auto& key : keys) db.clear_synonyms(key);
}

/// Applies the changes in one transaction: a reader sees the index before or after, never
/// half of it.
void write_changes(const Analyzer& analyzer, Xapian::WritableDatabase& db, const Changes& changes,
                   const std::string& fingerprint, const ProgressFn& progress, IndexSummary& summary) {
  db.begin_transaction();
  try {
    std::vector<const Department*> departments;
    for (const LoadedDocument* l : changes.changed) departments.push_back(&l->doc.department);
    AnalysisPipeline analysed(analyzer, std::move(departments));
    const bool had_sections = db.get_doccount() > 0;
    std::size_t done = 0;
    for (const LoadedDocument* l : changes.changed) {
      const auto& d = l->doc.department;
      Prepared p = analysed.next();
      delete_document_sections(db, d.doc_id);
      // Every section of the document was deleted just above, so adding is enough (and
      // spares a lookup of the id term per section).
      for (auto& section : p.sections) {
        db.add_document(section);
        if (progress) progress(++done, changes.sections);
      }
      summary.text_bytes += p.text_bytes;
      analysed.recycle(std::move(p));
      db.set_metadata(std::string(schema::kMetaDocPrefix) + d.doc_id, l->fingerprint);
      ++summary.documents_changed;
    }
    for (const auto& id : changes.removed) {
      delete_document_sections(db, id);
      db.set_metadata(std::string(schema::kMetaDocPrefix) + id, "");
      ++summary.documents_removed;
    }
    if (changes.rebuild)  // the dictionaries changed: readings too, so all of them anew
      clear_readings(db);
    else if (had_sections)
      drop_stale_readings(db);
    const std::set<WordReading> readings = analysed.readings();  // each once, however many sections use it
    add_readings(db, {readings.begin(), readings.end()});
    db.set_metadata(std::string(schema::kMetaSchema), std::to_string(schema::kVersion));
    db.set_metadata(std::string(schema::kMetaAnalysis), fingerprint);
    db.commit_transaction();
    summary.committed = true;
  } catch (...) {
    db.cancel_transaction();
    throw;
  }
}

/// Sections, postings, distinct words and projects in the index as it now is.
void count_index(const Xapian::Database& db, IndexSummary& summary) {
  summary.sections = db.get_doccount();
  summary.postings = db.get_total_length();
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    const auto c = static_cast<unsigned char>((*t)[0]);
    if (c >= 'A' && c <= 'Z') continue;  // prefixed terms are not words
    ++summary.terms;
  }
  const std::string projects(schema::kProject);
  for (auto t = db.allterms_begin(projects); t != db.allterms_end(projects); ++t) ++summary.projects;
}

}  // namespace

namespace {

/// Applies what changed since the last run to the current database (through the stub when
/// there is one).
void update_in_place(const Analyzer& analyzer, const IndexOptions& options, const LoadedCorpus& corpus,
                     const std::string& fingerprint, const ProgressFn& progress, IndexSummary& summary) {
  Xapian::WritableDatabase db(options.db.string(), Xapian::DB_CREATE_OR_OPEN);
  const Changes changes = plan_changes(db, corpus, fingerprint);
  if (!changes.empty()) write_changes(analyzer, db, changes, fingerprint, progress, summary);
  count_index(db, summary);
  summary.database = current_database(options.db);
}

/// Indexes every document into a new generation, then swaps it in. Readers keep the old
/// database until the swap; a run killed before it leaves a generation the next run removes.
/// A first index is built so too (an update of nothing would write it in place, uncompacted).
void rebuild_aside(const Analyzer& analyzer, const IndexOptions& options, const LoadedCorpus& corpus,
                   const std::string& fingerprint, const ProgressFn& progress, IndexSummary& summary) {
  const std::filesystem::path current = current_database(options.db);
  if (!corpus.failed_ids.empty() && has_current_database(options.db)) {
    summary.errors.push_back(options.db.string() +
                             ": the rebuild was abandoned and the current index kept: it holds the sections of "
                             "the documents above, which a rebuild would drop");
    count_index(Xapian::Database(current.string()), summary);
    summary.database = current;
    return;
  }
  const std::filesystem::path generation = create_generation(options.db);
  // Written inside the generation, then compacted into it: B-trees written section by section
  // are left part full, compacted they are full (a fifth smaller at 100k sections, for about a
  // second). Both go with the generation if the run dies before the swap.
  const std::filesystem::path written = generation / "written";
  {
    Xapian::WritableDatabase db(written.string(), Xapian::DB_CREATE);
    write_changes(analyzer, db, plan_changes(db, corpus, fingerprint), fingerprint, progress, summary);
    db.close();
  }
  Xapian::Database(written.string()).compact(generation.string(), Xapian::DBCOMPACT_NO_RENUMBER);
  std::filesystem::remove_all(written);
  count_index(Xapian::Database(generation.string()), summary);
  swap_in_generation(options.db, generation);
  remove_stale_generations(options.db);
  summary.database = generation;
}

}  // namespace

IndexSummary build_index(const Analyzer& analyzer, const IndexOptions& options, const ProgressFn& progress) {
  const auto started = std::chrono::steady_clock::now();
  IndexSummary summary;
  const LoadedCorpus corpus = load_documents(options, summary);
  std::filesystem::create_directories(options.db);
  const IndexLock lock(options.db);
  remove_stale_generations(options.db);  // what a killed run left behind
  const std::string fingerprint = analysis_fingerprint(analyzer.options()) + "/" + std::to_string(schema::kVersion);
  if (options.mode == IndexMode::rebuild || !has_current_database(options.db))
    rebuild_aside(analyzer, options, corpus, fingerprint, progress, summary);
  else
    update_in_place(analyzer, options, corpus, fingerprint, progress, summary);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace koe
