// The staff query parser as a table, in the manner of Xapian's api_queryparser.cc: each row is
// what staff type and the queries koe builds from it (Xapian's own descriptions), so a change to
// the parser shows exactly which queries it changes. Regenerate a row by printing
// describe(parse_staff_query(...)) for its text, and read the difference before accepting it.
#include <catch2/catch.hpp>
#include <string>

#include "koe/search/query_builder.hpp"
#include "test_support.hpp"

namespace {

std::string describe(const koe::search::StaffQuery& q) {
  auto tier = [](const char* label, const std::vector<Xapian::Query>& queries) {
    if (queries.empty()) return std::string();
    std::string s = std::string(label) + ":";
    for (const auto& x : queries) s += " " + x.get_description();
    return s + "\n";
  };
  auto values = [](const char* label, const std::vector<std::string>& vs) {
    std::string s;
    for (const auto& v : vs) s += std::string(" ") + label + "=" + v;
    return s;
  };
  const auto& f = q.filters;
  const std::string filters = values("課", f.divisions) + values("項目", f.kinds) + values("事業", f.projects) +
                              values("施策", f.policies) + values("部", f.departments) + values("年度", f.years);
  return tier("required", q.required) + tier("optional", q.optional) + tier("excluded", q.excluded) +
         (filters.empty() ? "" : "filters:" + filters + "\n");
}

struct Row {
  const char* query;
  const char* expected;  ///< describe() of the parse, or "error: <code>\n"
};

const Row kRows[] = {
    {"広報", "required: Query(広報)\noptional: Query(広報)\n"},
    {"広報 SNS",
     "required: Query(広報) Query((sns OR ソーシャルメディア OR ソーシャルネットワーキングサービス))\noptional: "
     "Query(広報) Query((sns OR ソーシャルメディア OR ソーシャルネットワーキングサービス))\n"},
    {"\"職員の意識改革\"",
     "required: Query((職員@1 PHRASE 4 意識@3 PHRASE 4 改革@4))\noptional: Query((職員@1 PHRASE 4 意識@3 PHRASE 4 "
     "改革@4))\n"},
    {"「職員の意識改革」",
     "required: Query((職員@1 PHRASE 4 意識@3 PHRASE 4 改革@4))\noptional: Query((職員@1 PHRASE 4 意識@3 PHRASE 4 "
     "改革@4))\n"},
    {"広報 -SNS",
     "required: Query(広報)\noptional: Query(広報)\nexcluded: Query((sns OR ソーシャルメディア OR "
     "ソーシャルネットワーキングサービス))\n"},
    {"桑都ペイ OR 人流", "required: Query((桑都ペイ OR 人流))\noptional: Query(桑都ペイ) Query(人流)\n"},
    {"桑都ペイ | 人流", "required: Query((桑都ペイ OR 人流))\noptional: Query(桑都ペイ) Query(人流)\n"},
    {"桑都ペイ ＯＲ 人流", "required: Query((桑都ペイ OR 人流))\noptional: Query(桑都ペイ) Query(人流)\n"},
    {"課:広聴課", "filters: 課=広聴課\n"},
    {"課:広聴課 市民", "required: Query(市民)\noptional: Query(市民)\nfilters: 課=広聴課\n"},
    {"項目:課題 市民", "required: Query(市民)\noptional: Query(市民)\nfilters: 項目=課題\n"},
    {"kind:issues 市民", "required: Query(市民)\noptional: Query(市民)\nfilters: 項目=issues\n"},
    {"施策:5 市民", "required: Query(市民)\noptional: Query(市民)\nfilters: 施策=5\n"},
    {"施策:5.2", "filters: 施策=5.2\n"},
    {"事業:2026-shichokoshitsu-7", "filters: 事業=2026-shichokoshitsu-7\n"},
    {"部:市長公室 広報", "required: Query(広報)\noptional: Query(広報)\nfilters: 部=市長公室\n"},
    {"年度:2026 返礼品",
     "required: Query((返礼品 OR (返礼@1 PHRASE 2 品@2)))\noptional: Query((返礼品 OR (返礼@1 PHRASE 2 品@2))) "
     "Query(返礼)\nfilters: 年度=2026\n"},
    {"ふるさと納税",
     "required: Query((ふるさと納税 OR (ふるさと AND 納税)))\noptional: Query((ふるさと納税 OR (ふるさと AND 納税))) "
     "Query(ふるさと) Query(納税)\n"},
    {"ﾌﾙｻﾄ納税",
     "required: Query((フルサト納税 OR (フルサト AND 納税)))\noptional: Query((フルサト納税 OR (フルサト AND 納税))) "
     "Query(フルサト) Query(納税)\n"},
    {"ＳＮＳ",
     "required: Query((sns OR ソーシャルメディア OR ソーシャルネットワーキングサービス))\noptional: Query((sns OR "
     "ソーシャルメディア OR ソーシャルネットワーキングサービス))\n"},
    {"寄付", "required: Query(寄附)\noptional: Query(寄附)\n"},
    {"ひしょ", "required: Query((ひする OR 秘書))\noptional: Query((ひする OR 秘書))\n"},
    {"しまいとし", "required: Query(姉妹都市)\noptional: Query(姉妹都市)\n"},
    {"人流データを使っている事業は？",
     "required: Query((人流データ OR (人流 AND データ))) Query(使う) Query(事業)\noptional: Query((人流データ OR (人流 "
     "AND データ))) Query(使う) Query(事業) Query(人流) Query(データ)\n"},
    {"の", "error: bad_request\n"},
    {"市民", "required: Query(市民)\noptional: Query(市民)\n"},
    {"市民 の", "required: Query(市民)\noptional: Query(市民)\n"},
    {"-市民 広報", "required: Query(広報)\noptional: Query(広報)\nexcluded: Query(市民)\n"},
    {"データ利活用",
     "required: Query((データ利活用 OR (データ AND 利 AND 活用)))\noptional: Query((データ利活用 OR (データ AND 利 AND "
     "活用))) Query(データ) Query(利) Query(活用)\n"},
    {"市長と語る会",
     "required: Query((((市長 OR 首長) AND 語る AND 会) OR 2 * ふれあうトーク OR 3 * 市長語る会 OR 2 * "
     "タウンミーティング))\noptional: Query((((市長 OR 首長) AND 語る AND 会) OR 2 * ふれあうトーク OR 3 * 市長語る会 "
     "OR 2 * タウンミーティング))\n"},
    {"返礼品 OR",
     "required: Query((返礼品 OR (返礼@1 PHRASE 2 品@2)))\noptional: Query((返礼品 OR (返礼@1 PHRASE 2 品@2))) "
     "Query(返礼)\n"},
    {"OR 返礼品",
     "required: Query((返礼品 OR (返礼@1 PHRASE 2 品@2)))\noptional: Query((返礼品 OR (返礼@1 PHRASE 2 品@2))) "
     "Query(返礼)\n"},
    {"\"広報\"", "required: Query(広報@1)\noptional: Query(広報@1)\n"},
    {"施策:五", "error: bad_request\n"},
    {"項目:なにか", "error: bad_request\n"},
    {"   ", "error: empty_query\n"},
    {"課：広聴課", "filters: 課=広聴課\n"},
    {"2026", "required: Query(2026)\noptional: Query(2026)\n"},
    {"第3回", "required: Query(回)\noptional: Query(回)\n"},
    {"広報 SNS -LINE",
     "required: Query(広報) Query((sns OR ソーシャルメディア OR ソーシャルネットワーキングサービス))\noptional: "
     "Query(広報) Query((sns OR ソーシャルメディア OR ソーシャルネットワーキングサービス))\nexcluded: Query(line)\n"},
    {"\"市民の声\" 広報",
     "required: Query((市民@1 PHRASE 3 声@3)) Query(広報)\noptional: Query((市民@1 PHRASE 3 声@3)) Query(広報)\n"},
    {"-\"職員の意識改革\" 研修",
     "required: Query(研修)\noptional: Query(研修)\nexcluded: Query((職員@1 PHRASE 4 意識@3 PHRASE 4 改革@4))\n"},
    {"広報 OR 広聴 OR 秘書",
     "required: Query(((広報 OR 広聴) OR 秘書))\noptional: Query(広報) Query(広聴) Query(秘書)\n"},
    {"課:広聴課 課:秘書課 市民", "required: Query(市民)\noptional: Query(市民)\nfilters: 課=広聴課 課=秘書課\n"},
    {"division:広聴課", "filters: 課=広聴課\n"},
    {"project:2026-shichokoshitsu-7 返礼品",
     "required: Query((返礼品 OR (返礼@1 PHRASE 2 品@2)))\noptional: Query((返礼品 OR (返礼@1 PHRASE 2 品@2))) "
     "Query(返礼)\nfilters: 事業=2026-shichokoshitsu-7\n"},
    {"policy:5.2 市民", "required: Query(市民)\noptional: Query(市民)\nfilters: 施策=5.2\n"},
    {"department:市長公室", "filters: 部=市長公室\n"},
    {"year:2026", "filters: 年度=2026\n"},
    {"section:課題", "filters: 項目=課題\n"},
    {"項目:【課題】 広報", "required: Query(広報)\noptional: Query(広報)\nfilters: 項目=【課題】\n"},
    {"課: 市民", "required: Query(課)\noptional: Query(課)\n"},
    {":市民", "required: Query(市民)\noptional: Query(市民)\n"},
    {"市民:", "required: Query(市民)\noptional: Query(市民)\n"},
    {"ｼﾃｨﾌﾟﾛﾓｰｼｮﾝ",
     "required: Query(((2 * シティプロモーション OR (シティ AND プロモーション)) OR シティプロモーション))\noptional: "
     "Query(((2 * シティプロモーション OR (シティ AND プロモーション)) OR シティプロモーション)) Query(シティ) "
     "Query(プロモーション)\n"},
    {"シティプロモーション",
     "required: Query(((2 * シティプロモーション OR (シティ AND プロモーション)) OR シティプロモーション))\noptional: "
     "Query(((2 * シティプロモーション OR (シティ AND プロモーション)) OR シティプロモーション)) Query(シティ) "
     "Query(プロモーション)\n"},
    {"ふるさと　納税",
     "required: Query((2 * ふるさと OR ふるさと)) Query(納税)\noptional: Query((2 * ふるさと OR ふるさと)) "
     "Query(納税)\n"},
    {"ＨＰ",
     "required: Query((hp OR ホームページ OR ウェブサイト OR 2 * webサイト OR サイト OR web))\noptional: Query((hp OR "
     "ホームページ OR ウェブサイト OR 2 * webサイト OR サイト OR web))\n"},
    {"ホームページ",
     "required: Query(((2 * ホームページ OR hp OR ウェブサイト OR 2 * webサイト OR サイト OR web) OR "
     "ホームページ))\noptional: Query(((2 * ホームページ OR hp OR ウェブサイト OR 2 * webサイト OR サイト OR web) OR "
     "ホームページ))\n"},
    {"パブコメ",
     "required: Query((((パブコメ OR (パブ AND コメ) OR 2 * パブリックコメント OR 2 * 意見公募 OR Rパブコメ) OR 2 * "
     "パブリックコメント OR 2 * パブコメ OR 2 * 意見公募) OR Rパブコメ))\noptional: Query((((パブコメ OR (パブ AND "
     "コメ) OR 2 * パブリックコメント OR 2 * 意見公募 OR Rパブコメ) OR 2 * パブリックコメント OR 2 * パブコメ OR 2 * "
     "意見公募) OR Rパブコメ)) Query(パブ) Query(コメ)\n"},
    {"パブリックコメント",
     "required: Query((((パブリックコメント OR (パブリック AND コメント) OR 2 * パブコメ OR 2 * 意見公募 OR "
     "Rパブリックコメント) OR 2 * パブリックコメント OR 2 * パブコメ OR 2 * 意見公募) OR "
     "Rパブリックコメント))\noptional: Query((((パブリックコメント OR (パブリック AND コメント) OR 2 * パブコメ OR 2 * "
     "意見公募 OR Rパブリックコメント) OR 2 * パブリックコメント OR 2 * パブコメ OR 2 * 意見公募) OR "
     "Rパブリックコメント)) Query(パブリック) Query(コメント)\n"},
    {"ＳＮＳ相談",
     "required: Query((sns相談 OR (sns AND 相談)))\noptional: Query((sns相談 OR (sns AND 相談))) Query(sns) "
     "Query(相談)\n"},
    {"市民参加",
     "required: Query((市民参加 OR (市民 AND 参加)))\noptional: Query((市民参加 OR (市民 AND 参加))) Query(参加)\n"},
    {"しみんさんか", "required: Query((しみる OR 市民参加))\noptional: Query((しみる OR 市民参加))\n"},
    {"審議会",
     "required: Query((審議会 OR (審議@1 PHRASE 2 会@2)))\noptional: Query((審議会 OR (審議@1 PHRASE 2 会@2))) "
     "Query(審議)\n"},
    {"しんぎかい",
     "required: Query(((しんぎかい OR (しん AND ぎかい) OR 審議会) OR 審議会))\noptional: Query(((しんぎかい OR (しん "
     "AND ぎかい) OR 審議会) OR 審議会)) Query(しん) Query(ぎかい)\n"},
    {"人口減少",
     "required: Query((人口減少 OR (人口 AND 減少)))\noptional: Query((人口減少 OR (人口 AND 減少))) Query(人口) "
     "Query(減少)\n"},
    {"データ",
     "required: Query(((2 * データ OR データー) OR データ))\noptional: Query(((2 * データ OR データー) OR データ))\n"},
    {"AI", "required: Query(ai)\noptional: Query(ai)\n"},
    {"ai チャット",
     "required: Query(ai) Query(((チャット OR Rチャット) OR Rチャット))\noptional: Query(ai) Query(((チャット OR "
     "Rチャット) OR Rチャット))\n"},
    {"生成AI",
     "required: Query((生成ai OR (生成 AND ai)))\noptional: Query((生成ai OR (生成 AND ai))) Query(生成) Query(ai)\n"},
    {"DX推進",
     "required: Query((dx推進 OR (dx AND 推進)))\noptional: Query((dx推進 OR (dx AND 推進))) Query(dx) Query(推進)\n"},
    {"!!!", "error: bad_request\n"},
    {"、。", "error: bad_request\n"},
    {"😀", "error: bad_request\n"},
    {"市民😀", "required: Query(市民)\noptional: Query(市民)\n"},
    {"（広報）", "required: Query(広報)\noptional: Query(広報)\n"},
    {"\"\" ", "error: bad_request\n"},
    {"\"広報", "required: Query(広報@1)\noptional: Query(広報@1)\n"},
    {"\"広報\" \"広聴\"", "required: Query(広報@1) Query(広聴@1)\noptional: Query(広報@1) Query(広聴@1)\n"},
    {"－市民 広報", "required: Query(広報)\noptional: Query(広報)\nexcluded: Query(市民)\n"},
    {"“市民の声”", "required: Query((市民@1 PHRASE 3 声@3))\noptional: Query((市民@1 PHRASE 3 声@3))\n"},
    {"＂市民の声＂", "required: Query((市民@1 PHRASE 3 声@3))\noptional: Query((市民@1 PHRASE 3 声@3))\n"},
};

}  // namespace

TEST_CASE("The staff query parser builds the queries of its table", "[query_parser]") {
  // Kana reaches kanji through the readings of the real corpus's index (ひしょ: 秘書).
  const auto readings = koe::search::ReadingTable::of(koe::test::shared_db());
  for (const auto& row : kRows) {
    INFO("query «" << row.query << "»");
    const auto r = koe::search::parse_staff_query(koe::test::analyzer(), *readings, row.query);
    const std::string got = r.ok() ? describe(r.value()) : "error: " + r.status().code + "\n";
    CHECK(got == row.expected);
  }
}
