#include "koe/indexer/corpus.hpp"

#include <algorithm>
#include <set>

#include "koe/indexer/error.hpp"

namespace koe {

std::vector<std::filesystem::path> find_plan_files(const std::vector<std::filesystem::path>& paths) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->path().extension() != ".tsv") continue;
        // A .tsv whose status cannot be read (a link loop) is listed all the same: opening it
        // then fails with its name, instead of the walk throwing filesystem_error.
        std::error_code entry_ec;
        if (it->is_regular_file(entry_ec) || entry_ec) files.push_back(it->path());
      }
      if (ec) throw Error(p.string() + ": cannot read the directory: " + ec.message());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      throw Error(p.string() + ": no such file or directory");
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

CorpusLoad load_corpus(const std::vector<std::filesystem::path>& paths) {
  CorpusLoad out;
  std::set<std::string> ids;
  for (const auto& file : find_plan_files(paths)) {
    try {
      auto doc = parse_plan_file(file);
      if (!ids.insert(doc.department.doc_id).second) {
        out.errors.push_back(file.string() + ":1: document id " + doc.department.doc_id +
                             " is already taken by another file; rename one of them");
        continue;
      }
      out.documents.push_back(std::move(doc));
    } catch (const Error& e) {
      out.errors.push_back(e.what());
    }
  }
  return out;
}

}  // namespace koe
