/// @file test_support.hpp
/// @brief Helpers shared by koe's tests: the source tree's corpus, unique temporary
/// directories that remove themselves, one analyzer and one index per test process.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/index_builder.hpp"

namespace koe::test {

inline std::filesystem::path source_dir() { return KOE_SOURCE_DIR; }
inline std::filesystem::path corpus_dir() { return source_dir() / "corpus"; }
inline std::filesystem::path plan_path() { return corpus_dir() / "2026" / "shichokoshitsu.tsv"; }

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline void write_file(const std::filesystem::path& p, std::string_view content) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

/// A fresh directory under the system temp dir, removed with everything in it on scope exit.
class TempDir {
 public:
  explicit TempDir(std::string_view tag = "koe-test") {
    std::random_device rd;
    std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    for (;;) {
      std::ostringstream name;
      name << tag << "-" << std::hex << rng();
      path_ = std::filesystem::temp_directory_path() / name.str();
      if (std::filesystem::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& p) const { return path_ / p; }

 private:
  std::filesystem::path path_;
};

/// A copy of the source tree's corpus/ under `dir` (returns the copy's root).
inline std::filesystem::path copy_corpus(const std::filesystem::path& dir) {
  const auto to = dir / "corpus";
  std::filesystem::create_directories(to);
  std::filesystem::copy(corpus_dir(), to, std::filesystem::copy_options::recursive);
  return to;
}

/// One analyzer per test process (loading MeCab and ICU is the slow part of a test).
inline const Analyzer& analyzer() {
  static const Analyzer a(default_analyzer_options());
  return a;
}

/// An index of the real corpus, built once per test process in a temporary directory.
struct SharedIndex {
  TempDir dir{"koe-index"};
  std::filesystem::path db = dir / "db";
  IndexSummary summary;
  SharedIndex() { summary = build_index(analyzer(), {{corpus_dir()}, db}); }
};
inline const SharedIndex& shared_index() {
  static const SharedIndex index;
  return index;
}

/// A read handle on the shared index.
inline Xapian::Database shared_db() { return Xapian::Database(shared_index().db.string()); }

}  // namespace koe::test
