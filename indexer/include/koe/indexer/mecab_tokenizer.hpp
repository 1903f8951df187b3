/// @file mecab_tokenizer.hpp
/// @brief MeCab behind RAII: one model loaded once, a tagger and lattice per thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace koe {

struct MecabToken {
  std::size_t begin = 0;  ///< byte offsets into the text given to tokenize()
  std::size_t end = 0;
  std::string_view surface;
  std::string pos1, pos2, pos3;  ///< e.g. 名詞 / 固有名詞 / 組織
  std::string base;              ///< base form; the surface when the dictionary has none
  std::string reading;           ///< katakana reading, empty when unknown
  bool unknown = false;          ///< not in any dictionary
};

struct MecabOptions {
  /// System dictionary directory. koe pins it instead of reading /etc/mecabrc, which another
  /// dictionary package can rewrite.
  std::filesystem::path dicdir;
  /// Compiled user dictionary (`koe-user.dic`); empty for none.
  std::filesystem::path userdic;
};

class MecabTokenizer {
 public:
  explicit MecabTokenizer(const MecabOptions& options);
  ~MecabTokenizer();
  MecabTokenizer(const MecabTokenizer&) = delete;
  MecabTokenizer& operator=(const MecabTokenizer&) = delete;

  /// Tokens of `text` in order. Long input is cut into chunks at sentence ends (MeCab refuses
  /// very long sentences). Thread-safe: each thread uses its own tagger and lattice.
  std::vector<MecabToken> tokenize(std::string_view text) const;

  /// Largest chunk handed to MeCab at once, in bytes.
  static constexpr std::size_t kMaxChunkBytes = 4096;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace koe
