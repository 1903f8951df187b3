#include "koe/indexer/mecab_tokenizer.hpp"

#include <mecab.h>

#include <atomic>
#include <unordered_map>

#include "koe/indexer/error.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe {
namespace {

struct ModelDeleter {
  void operator()(MeCab::Model* m) const { delete m; }
};
struct TaggerDeleter {
  void operator()(MeCab::Tagger* t) const { delete t; }
};
struct LatticeDeleter {
  void operator()(MeCab::Lattice* l) const { delete l; }
};

std::vector<std::string_view> split_csv(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

/// Cuts text into pieces of at most `limit` bytes, preferring sentence ends, then commas and
/// spaces, and never cutting inside a UTF-8 sequence.
std::vector<std::pair<std::size_t, std::size_t>> chunks(std::string_view text, std::size_t limit) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t start = 0;
  while (start < text.size()) {
    if (text.size() - start <= limit) {
      out.emplace_back(start, text.size());
      break;
    }
    std::size_t best_sentence = 0, best_comma = 0, last_char = start;
    std::size_t i = start;
    while (i < text.size() && i - start <= limit) {
      char32_t c = utf8::next(text, i);
      if (i - start > limit) break;
      last_char = i;
      if (c == U'。' || c == '\n' || c == U'！' || c == U'？' || c == '!' || c == '?' || c == '.')
        best_sentence = i;
      else if (c == U'、' || c == ',' || c == ' ')
        best_comma = i;
    }
    std::size_t cut = best_sentence ? best_sentence : best_comma ? best_comma : last_char;
    if (cut <= start) cut = last_char > start ? last_char : text.size();
    out.emplace_back(start, cut);
    start = cut;
  }
  return out;
}

std::atomic<std::uint64_t> next_model_id{1};

}  // namespace

struct MecabTokenizer::Impl {
  std::unique_ptr<MeCab::Model, ModelDeleter> model;
  std::uint64_t id = 0;

  struct Session {
    std::shared_ptr<Impl> owner;  // keeps the model alive as long as a thread caches a tagger
    std::unique_ptr<MeCab::Tagger, TaggerDeleter> tagger;
    std::unique_ptr<MeCab::Lattice, LatticeDeleter> lattice;
  };
};

MecabTokenizer::MecabTokenizer(const MecabOptions& options) : impl_(std::make_shared<Impl>()) {
  std::error_code ec;
  if (!std::filesystem::exists(options.dicdir / "sys.dic", ec))
    throw Error("MeCab dictionary not found: " + (options.dicdir / "sys.dic").string() +
                " (install mecab-ipadic-utf8, or set dicdir in the configuration)");
  std::string args = "-r /dev/null -d " + options.dicdir.string();
  if (!options.userdic.empty()) {
    if (!std::filesystem::exists(options.userdic, ec))
      throw Error("MeCab user dictionary not found: " + options.userdic.string() + " (build koe first)");
    args += " -u " + options.userdic.string();
  }
  impl_->model.reset(MeCab::createModel(args.c_str()));
  if (!impl_->model)
    throw Error(std::string("[analyzer][mecab] cannot load the model: args=\"") + args +
                "\" err=" + MeCab::getLastError());
  impl_->id = next_model_id++;
}

MecabTokenizer::~MecabTokenizer() = default;

std::vector<MecabToken> MecabTokenizer::tokenize(std::string_view text) const {
  thread_local std::unordered_map<std::uint64_t, Impl::Session> sessions;
  auto& session = sessions[impl_->id];
  if (!session.tagger) {
    session.owner = impl_;
    session.tagger.reset(impl_->model->createTagger());
    session.lattice.reset(impl_->model->createLattice());
    if (!session.tagger || !session.lattice)
      throw Error(std::string("[analyzer][mecab] cannot create a tagger: err=") + MeCab::getLastError());
  }
  std::vector<MecabToken> tokens;
  for (auto [cb, ce] : chunks(text, kMaxChunkBytes)) {
    std::string_view chunk = text.substr(cb, ce - cb);
    MeCab::Lattice* lattice = session.lattice.get();
    lattice->set_sentence(chunk.data(), chunk.size());
    if (!session.tagger->parse(lattice))
      throw Error(std::string("[analyzer][mecab][chunk] parse failed len=") + std::to_string(chunk.size()) +
                  " err=" + lattice->what());
    const char* sentence = lattice->sentence();
    for (const MeCab::Node* node = lattice->bos_node(); node; node = node->next) {
      if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE) continue;
      MecabToken t;
      t.begin = cb + static_cast<std::size_t>(node->surface - sentence);
      t.end = t.begin + node->length;
      t.surface = text.substr(t.begin, node->length);
      t.unknown = node->stat == MECAB_UNK_NODE;
      auto f = split_csv(node->feature);
      if (f.size() > 0) t.pos1 = f[0];
      if (f.size() > 1) t.pos2 = f[1];
      if (f.size() > 2) t.pos3 = f[2];
      if (f.size() > 6 && f[6] != "*")
        t.base = f[6];
      else
        t.base = t.surface;
      if (f.size() > 7 && f[7] != "*") t.reading = f[7];
      tokens.push_back(std::move(t));
    }
  }
  return tokens;
}

}  // namespace koe
