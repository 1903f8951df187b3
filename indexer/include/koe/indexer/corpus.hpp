/// @file corpus.hpp
/// @brief Finds and parses every plan document under the given paths.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "koe/indexer/plan_parser.hpp"

namespace koe {

/// Plan documents are `*.tsv` files; a directory is searched recursively, in path order, so
/// the result never depends on the order the file system lists them in.
std::vector<std::filesystem::path> find_plan_files(const std::vector<std::filesystem::path>& paths);

struct CorpusLoad {
  std::vector<ParsedDocument> documents;
  std::vector<std::string> errors;  ///< "file:line: message", one per unreadable document
};

/// Parses every document; a document that cannot be read is reported in `errors` and the
/// others still load.
CorpusLoad load_corpus(const std::vector<std::filesystem::path>& paths);

}  // namespace koe
