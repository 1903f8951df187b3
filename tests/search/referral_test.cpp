// Referrals: a voice about pensions, traffic lights or 住民票 is no plan's, and koe can say
// which body handles it. Real analyzer, the shipped dictionaries/referrals.tsv.
#include "koe/search/referral.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "koe/indexer/corpus.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/section_record.hpp"
#include "test_support.hpp"

namespace {

const koe::search::ReferralTable& table() {
  static const auto t = koe::search::ReferralTable::load(koe::test::analyzer(),
                                                         koe::search::referrals_path(koe::test::analyzer().options()));
  return t;
}

std::optional<koe::search::Referral> refer(const std::string& voice) {
  return table().refer(koe::test::analyzer().analyze(voice));
}

koe::search::ReferralTable load_text(const koe::test::TempDir& dir, const std::string& text) {
  koe::test::write_file(dir / "referrals.tsv", text);
  return koe::search::ReferralTable::load(koe::test::analyzer(), dir / "referrals.tsv");
}

}  // namespace

TEST_CASE("A voice about another body's work is referred to it", "[referral]") {
  struct Row {
    const char* voice;
    const char* body;  // a prefix of the body's name; nullptr: no referral
    std::vector<std::string> terms;
  };
  const Row rows[] = {
      {"年金の振込が先月から遅れています", "日本年金機構", {"年金"}},
      {"障害年金の更新の書類が難しくて書けません", "日本年金機構", {"障害年金"}},
      {"交差点の信号機が壊れたままです", "警察署", {"信号機"}},
      {"家の前で事故があり、警察が来ていた", "警察署", {"事故", "警察"}},
      {"水道料金の請求が急に高くなった", "東京都水道局", {"水道料金"}},
      {"期日前投票の場所をもっと増やしてほしい", "選挙管理委員会", {"期日前投票"}},
      {"住民票の写しをコンビニで取れるようにして", "市民課", {"住民票"}},
      {"固定資産税の納税通知書がまだ届きません", "市税", {"固定資産税", "納税通知書"}},
      {"国道16号の舗装が傷んでいて危ない", "国土交通省", {"国道16号"}},
      {"小学校の給食費が上がって家計が苦しい", "教育委員会", {"小学校", "給食費"}},
      {"中学校の先生に相談したい", "教育委員会", {"中学校", "先生"}},
      {"母の要介護認定の結果がまだ来ない", "介護保険課", {"要介護認定"}},
      {"都営住宅の抽選にまた外れました", "東京都住宅供給公社", {"都営住宅"}},
      {"都道の歩道の段差を直してほしい", "東京都", {"都道"}},
      // Written in hiragana, found by reading (as the matcher finds them).
      {"ねんきんの てつづきが わかりません", "日本年金機構", {"ネンキン"}},
      {"じゅうみんひょうを とりに いきたいです", "市民課", {"ジュウミンヒョウ"}},
      {"こうさてんの しんごうが みじかくて わたれません", "警察署", {"シンゴウ"}},
      // Each of these words alone says too little: the plans name them as partners or places.
      {"警察の人が公園を見回ってくれて安心です", nullptr, {}},
      {"小学校の体育館が避難所になると聞きました", nullptr, {}},
      {"警察、警察と言うけれど警察は何もしない", nullptr, {}},
      // Inside a longer compound a word means something more specific: 横断歩道橋 are the
      // city's bridges, 両親学級 a class for parents-to-be.
      {"利用の少ない横断歩道橋は撤去してよいと思う", nullptr, {}},
      {"両親学級に夫婦で参加したい", nullptr, {}},
      {"市長と語る会に参加しました", nullptr, {}},
  };
  for (const auto& row : rows) {
    INFO("«" << row.voice << "»");
    const auto r = refer(row.voice);
    if (!row.body) {
      CHECK_FALSE(r.has_value());
      if (r) INFO("referred to " << r->body);
      continue;
    }
    REQUIRE(r.has_value());
    CHECK(r->body.starts_with(row.body));
    CHECK(r->terms == row.terms);
    CHECK_FALSE(r->reason.empty());
    CHECK(r->evidence >= 1.0);
  }
}

TEST_CASE("The body with the most evidence wins, and ties go to the one listed first", "[referral]") {
  koe::test::TempDir dir;
  const auto t = load_text(dir,
                           "# two bodies\n"
                           "甲\t甲の担当です。\t年金\t税金:0.5\n"
                           "乙\t乙の担当です。\t住民税\t固定資産税\n");
  const auto& analyzer = koe::test::analyzer();
  auto r = t.refer(analyzer.analyze("年金と住民税と固定資産税のこと"));
  REQUIRE(r.has_value());
  CHECK(r->body == "乙");
  CHECK(r->evidence == Approx(2.0));
  r = t.refer(analyzer.analyze("年金と住民税のこと"));
  REQUIRE(r.has_value());
  CHECK(r->body == "甲");
  r = t.refer(analyzer.analyze("年金の税金"));
  REQUIRE(r.has_value());
  CHECK(r->evidence == Approx(1.5));
  CHECK_FALSE(t.refer(analyzer.analyze("税金が高い")).has_value());
  CHECK_FALSE(t.refer(analyzer.analyze("")).has_value());
}

TEST_CASE("A word counts once as evidence, and every time the voice mentions it", "[referral]") {
  // evidence says which body; mentions how much the voice is about it.
  auto r = refer("水道料金が高い。子どもが多いと水道料金の負担が大きい");
  REQUIRE(r.has_value());
  CHECK(r->terms == std::vector<std::string>{"水道料金"});
  CHECK(r->evidence == Approx(1));
  CHECK(r->mentions == Approx(2));
  // A lighter word said twice is still too little to name the body (警察 weighs 0.5).
  CHECK_FALSE(refer("警察に相談したが、警察は動いてくれない").has_value());
}

TEST_CASE("A bad referral row is refused with its file and line", "[referral][errors]") {
  koe::test::TempDir dir;
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"# ok\n甲\t理由だけ\n", "referrals.tsv:2: expected a body, a reason and at least one word"},
      {"甲\t理由\t年金:たくさん\n", "referrals.tsv:1: «年金:たくさん»"},
      {"甲\t理由\t年金:0\n", "referrals.tsv:1: «年金:0»"},
      {"甲\t理由\t年金\n\n甲\t理由\t税金\n", "referrals.tsv:3: «甲» is listed twice (first on line 1)"},
      {"甲\t理由\tの\n", "referrals.tsv:1: «の» has no word koe can match"},
      {"甲\t理由\t年\xff金\n", "referrals.tsv:1: invalid UTF-8"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK_THROWS_WITH(load_text(dir, c.text), Catch::Contains(c.message));
  }
  CHECK_THROWS_WITH(koe::search::ReferralTable::load(koe::test::analyzer(), dir / "missing.tsv"),
                    Catch::Contains("missing.tsv: cannot open the referral table"));
}

TEST_CASE("No plan section of the corpus points to another body", "[referral]") {
  // A word that names a body alone must not be what a plan is about; if a plan's own text
  // reached a referral, so would every voice that quotes it.
  REQUIRE(table().size() >= 10);
  const auto corpus = koe::load_corpus({koe::test::corpus_dir()});
  REQUIRE(corpus.errors.empty());
  std::size_t sections = 0;
  for (const auto& doc : corpus.documents)
    for (const auto& s : koe::section_records(doc.department)) {
      ++sections;
      const auto r = refer(s.text);
      INFO(s.id << ": " << (r ? r->body : std::string()));
      CHECK_FALSE(r.has_value());
    }
  CHECK(sections > 50);
}
