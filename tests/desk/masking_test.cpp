// Masking of personal information: a table of what must be masked and what must stay.
#include "koe/desk/masking.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "koe/indexer/mecab_tokenizer.hpp"
#include "test_support.hpp"

namespace {

struct Row {
  const char* text;
  const char* masked;
};

const Row kRows[] = {
    // telephone numbers
    {"電話は03-1234-5678です", "電話は［電話番号］です"},
    {"042(123)4567までお願いします", "［電話番号］までお願いします"},
    {"(042)123-4567", "［電話番号］"},
    {"携帯090-1234-5678に", "携帯［電話番号］に"},
    {"０４２－６２６－３１１１へ", "［電話番号］へ"},
    {"連絡先 09012345678", "連絡先 ［電話番号］"},
    {"+81-42-626-3111", "［電話番号］"},
    {"＋８１ ９０ １２３４ ５６７８", "［電話番号］"},
    {"フリーダイヤル0120-123-456", "フリーダイヤル［電話番号］"},
    {"042ー626ー3111", "［電話番号］"},
    // e-mail addresses
    {"メールはtaro.yamada@example.co.jpです", "メールは［メール］です"},
    {"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "［メール］"},
    {"Hanako_Suzuki+koe@mail.example.com まで", "［メール］ まで"},
    // postal codes and addresses
    {"〒192-8501", "［住所］"},
    {"〒１９２－８５０１ 東京都八王子市元本郷町三丁目24番1号", "［住所］"},
    {"郵便番号は192-8501です", "郵便番号は［住所］です"},
    {"住所は東京都八王子市元本郷町三丁目24番1号です", "住所は［住所］です"},
    {"八王子市旭町1-2-3に住んでいます", "［住所］に住んでいます"},
    {"〇〇町1234番地の者です", "［住所］の者です"},
    {"元本郷町24-1の前", "［住所］の前"},
    {"横山町二十四番地", "［住所］"},
    {"子安町4丁目5番6号", "［住所］"},
    // names marked as names
    {"山田太郎様からのご意見", "［氏名］様からのご意見"},
    {"田中さんが来ました", "［氏名］さんが来ました"},
    {"佐藤氏によると", "［氏名］氏によると"},
    {"鈴木花子さんへ", "［氏名］さんへ"},
    {"近所の山本さんと土屋さん", "近所の［氏名］さんと［氏名］さん"},
    {"ジョン・スミス様", "［氏名］様"},
    {"山田 太郎様", "［氏名］様"},
    {"髙橋さん", "［氏名］さん"},
    {"高橋君と明日香ちゃん", "［氏名］君と［氏名］ちゃん"},
    {"氏名：山田太郎", "氏名：［氏名］"},
    {"氏名: 山田 太郎 住所: 八王子市元本郷町三丁目24番1号", "氏名: ［氏名］ 住所: ［住所］"},
    {"名前:ヤマダタロウ", "名前:［氏名］"},
    {"お名前：さくら", "お名前：［氏名］"},
    // what must stay
    {"皆さん、職員さん、お客様、市長さんへ", "皆さん、職員さん、お客様、市長さんへ"},
    {"八百屋さんと運転手さんとお医者さん", "八百屋さんと運転手さんとお医者さん"},
    {"皆様のおかげです。ご苦労様でした", "皆様のおかげです。ご苦労様でした"},
    {"ケアマネさんと看護師さんとヘルパーさん", "ケアマネさんと看護師さんとヘルパーさん"},
    {"みなさん、お隣さん、お巡りさん、大家さん", "みなさん、お隣さん、お巡りさん、大家さん"},
    {"パン屋さん・ケーキ屋さん、事務局様・ご担当者様", "パン屋さん・ケーキ屋さん、事務局様・ご担当者様"},
    {"八王子市長様", "八王子市長様"},
    {"2024-04-01に受け付けました", "2024-04-01に受け付けました"},
    {"2024/4/1と令和6年4月1日", "2024/4/1と令和6年4月1日"},
    {"費用は1,234,567円です", "費用は1,234,567円です"},
    {"施策番号5.2について", "施策番号5.2について"},
    {"2030年のあるべき姿", "2030年のあるべき姿"},
    {"資料1-2を見ました", "資料1-2を見ました"},
    {"元本郷町三丁目付近の道路に穴", "元本郷町三丁目付近の道路に穴"},
    {"八王子市の公園が好きです", "八王子市の公園が好きです"},
    {"第2次計画の3番目の事業", "第2次計画の3番目の事業"},
    {"定員は120人、予算は3000万円", "定員は120人、予算は3000万円"},
    {"○○さんのような方", "○○さんのような方"},
    {"午前9時から午後5時まで", "午前9時から午後5時まで"},
    {"ふるさと納税の返礼品", "ふるさと納税の返礼品"},
};

}  // namespace

TEST_CASE("Personal information is masked and ordinary words are not", "[mask]") {
  const auto& analyzer = koe::test::analyzer();
  for (const auto& row : kRows) {
    INFO(row.text);
    CHECK(koe::desk::mask_personal_info(analyzer, row.text) == row.masked);
  }
}

TEST_CASE("Masking twice changes nothing more", "[mask]") {
  const auto& analyzer = koe::test::analyzer();
  for (const auto& row : kRows) {
    INFO(row.text);
    CHECK(koe::desk::mask_personal_info(analyzer, row.masked) == row.masked);
  }
}

TEST_CASE("Masked spans are byte ranges of the original text", "[mask]") {
  const std::string text = "ＴＥＬ：０４２－６２６－３１１１、山田様";
  const auto spans = koe::desk::find_personal_info(koe::test::analyzer(), text);
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].kind == koe::desk::MaskKind::phone);
  CHECK(text.substr(spans[0].begin, spans[0].end - spans[0].begin) == "０４２－６２６－３１１１");
  CHECK(spans[1].kind == koe::desk::MaskKind::name);
  CHECK(text.substr(spans[1].begin, spans[1].end - spans[1].begin) == "山田");
}

TEST_CASE("The analyzer's tokenizer tags a family name as 人名", "[mask]") {
  const auto tokens = koe::test::analyzer().tokenizer().tokenize("田中さん");
  REQUIRE(tokens.size() >= 2);
  CHECK(tokens[0].surface == "田中");
  CHECK(tokens[0].pos2 == "固有名詞");
  CHECK(tokens[0].pos3 == "人名");
}

TEST_CASE("Invalid UTF-8 is refused, not masked half-way", "[mask]") {
  CHECK_THROWS_AS(koe::desk::mask_personal_info(koe::test::analyzer(), "abc\xff"), koe::Error);
}
