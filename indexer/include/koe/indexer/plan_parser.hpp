/// @file plan_parser.hpp
/// @brief Reads the city's 組織目標 export (TSV with HTML fragments) into a Department.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/plan.hpp"

namespace koe {

/// Something the parser read around rather than failed on (an empty table row, a section
/// with no text). `koe corpus check` prints them.
struct ParseWarning {
  std::string file;
  int line = 0;
  std::string message;
};

struct ParsedDocument {
  Department department;
  std::vector<ParseWarning> warnings;
};

/// Where a document sits in the corpus: its stable id and fiscal year come from the path
/// (`corpus/2026/shichokoshitsu.tsv` → id `2026-shichokoshitsu`, year `2026`), never from
/// load order.
struct DocumentIdentity {
  std::string doc_id;
  std::string fiscal_year;
};
DocumentIdentity identify_document(const std::filesystem::path& path);

/// A cell's text with its HTML removed and its list items kept apart.
struct CellText {
  std::string text;
  std::vector<std::string> items;
};
CellText clean_cell(std::string_view raw);

/// Parses one document. Throws ParseError (file, line, what was expected) on anything it
/// cannot read: an empty file, invalid UTF-8, a truncated block, a label row with no values,
/// a project listed in the header table without a detail block, a file that is not a plan.
ParsedDocument parse_plan(std::string_view content, const std::string& source, const DocumentIdentity& identity);
ParsedDocument parse_plan_file(const std::filesystem::path& path);

}  // namespace koe
