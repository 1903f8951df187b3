/// @file index_builder.hpp
/// @brief Builds and updates the Xapian index from the corpus, one document per section.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/plan_parser.hpp"
#include "koe/indexer/section_record.hpp"

namespace koe {

/// How build_index writes the index.
enum class IndexMode {
  /// Brings the current database in line with the corpus in one transaction (re-indexing
  /// every document when the dictionaries changed).
  update,
  /// Builds a whole new database aside, in a new generation of the index directory, and
  /// swaps it in atomically (index_layout.hpp): the served index is never missing, and a run
  /// that fails or is killed leaves the current one untouched.
  rebuild,
};

struct IndexOptions {
  std::vector<std::filesystem::path> corpus;
  std::filesystem::path db;
  IndexMode mode = IndexMode::update;
};

struct IndexSummary {
  std::size_t documents = 0;          ///< plan documents read
  std::size_t documents_changed = 0;  ///< added or replaced
  std::size_t documents_removed = 0;
  std::size_t projects = 0;
  std::size_t sections = 0;      ///< sections in the index after the run
  std::size_t terms = 0;         ///< distinct terms in the index
  std::size_t postings = 0;      ///< total term occurrences
  std::uint64_t text_bytes = 0;  ///< bytes of section text analyzed this run
  double seconds = 0;
  bool committed = false;           ///< false when nothing changed (the revision stays)
  std::filesystem::path database;   ///< the directory of the database now current
  std::vector<std::string> errors;  ///< documents that could not be read (kept as before)
  std::vector<ParseWarning> warnings;
};

/// Called as sections are indexed: (done, total).
using ProgressFn = std::function<void(std::size_t, std::size_t)>;

/// A word's katakana reading and the word (or compound) as indexed: ヒショ, 秘書.
struct WordReading {
  std::string reading;
  std::string term;
  auto operator<=>(const WordReading&) const = default;
};

/// A section ready for the index: its Xapian document, and the readings of its words, which
/// the index keeps once per distinct word (add_readings) rather than as terms of every
/// section: they were 39 % of all postings.
struct SectionDocument {
  Xapian::Document document;
  std::vector<WordReading> readings;
};

/// One section as a Xapian document: positional words and compounds, bigrams, the boolean
/// filter terms and value slots of schema.hpp, and the record as data; with its readings.
SectionDocument make_document(const Analyzer& analyzer, const SectionRecord& record);

/// Records readings in the synonym table of `db` (schema::kReading keys).
void add_readings(Xapian::WritableDatabase& db, const std::vector<WordReading>& readings);

/// The section record make_document stored as the document's data.
SectionRecord stored_record(const Xapian::Document& doc);

/// Brings the index at `options.db` in line with the corpus in one transaction: unchanged
/// documents are left alone, changed ones replace their sections by stable id, removed ones
/// disappear, and an unreadable one keeps its previous sections. Readers never see a half
/// update. With IndexMode::rebuild every document is indexed into a new database that
/// replaces the current one at once; an unreadable document then abandons the rebuild (it
/// would lose its sections) and the current index stays. One run at a time per directory:
/// throws IndexError when another holds the directory's IndexLock.
IndexSummary build_index(const Analyzer& analyzer, const IndexOptions& options, const ProgressFn& progress = {});

/// Opens the index at `db` for reading. Throws IndexError naming the directory when the index was
/// written with another schema (schema::kVersion): `koe index` rebuilds it.
Xapian::Database open_index(const std::filesystem::path& db);

/// A fingerprint of everything that changes what analysis produces (dictionaries, schema).
std::string analysis_fingerprint(const AnalyzerOptions& options);

}  // namespace koe
