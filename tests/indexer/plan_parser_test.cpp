// Tests of the plan-document parser against the city's real export and against broken
// documents built here, one trap at a time.
#include "koe/indexer/plan_parser.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "koe/indexer/error.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/indexer/utf8.hpp"
#include "test_support.hpp"

using koe::ParseError;
using koe::SectionKind;

namespace {

const koe::ParsedDocument& real_document() {
  static const koe::ParsedDocument doc = koe::parse_plan_file(koe::test::plan_path());
  return doc;
}

const koe::Section* find_section(const koe::Project& p, SectionKind kind) {
  for (const auto& s : p.sections)
    if (s.kind == kind) return &s;
  return nullptr;
}

/// A small, valid plan in the export's format; tests break one thing in it at a time.
/// Line numbers (1-based) of the rows the tests refer to are kept alongside.
struct MiniPlan {
  std::vector<std::string> lines{
      "部長名\t市長公室長",                                                                             // 1
      "-----\t-------",                                                                                 // 2
      "",                                                                                               // 3
      "部のミッション",                                                                                 // 4
      "市民の声を市政に反映させる。",                                                                   // 5
      "部のビジョン",                                                                                   // 6
      "戦略的な情報発信を図る。",                                                                       // 7
      "重要度が高い事務事業",                                                                           // 8
      "番号\t施策番号\t細施策番号\t事業名\t重要度が高いとする理由\t事業実施課",                         // 9
      "1\t5\t1\t政策立案機能の充実\t重要であるため。\t都市戦略課",                                      // 10
      "",                                                                                               // 11
      "1\t施策番号\t5\t細施策番号\t1\t細施策名\t政策課題への対応力向上\t事業名\t政策立案機能の充実\t",  // 12
      "\t目標設定にあたって重視した点\t\t\t\t経営改革の取組の推進\t\t\t\t",                             // 13
      "\t【目的】\t\t\t【目標（2030年のあるべき姿）】\t\t\t【目標（年度末のあるべき姿）】\t\t",         // 14
      "\t<p>政策立案機能の充実を図る。</p>\t\t\t<ul style=\"list-style-type: none\"> 研修が進んでいる。 共有している。 "
      "\t\t\t成果を共有している。\t\t",                  // 15
      "【現状】\t\t\t【課題】\t\t\t【事業内容】\t\t\t",  // 16
      "ツールを導入している。\t\t\t活用事例の蓄積が必要\t\t\t<ul style=\"list-style-type: none\"> 人流分析ツールの導入 "
      "職員研修の実施 \t\t\t",  // 17
  };
  static constexpr int kTableRow = 10;
  static constexpr int kBlockStart = 12;
  static constexpr int kStatusLabels = 16;

  std::string text() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

koe::ParsedDocument parse(const std::string& content) { return koe::parse_plan(content, "x.tsv", {"x", ""}); }

/// Parses `content`, which must fail, and returns the error.
ParseError parse_error_of(const std::string& content) {
  try {
    parse(content);
  } catch (const ParseError& e) {
    return e;
  }
  FAIL("expected a ParseError, but the document parsed");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("The real plan document holds the Mayor's Office and its nine projects", "[plan_parser]") {
  const auto& d = real_document().department;
  CHECK(d.name == "市長公室");
  CHECK(d.head_title == "市長公室長");
  CHECK(d.doc_id == "2026-shichokoshitsu");
  CHECK(d.fiscal_year == "2026");
  REQUIRE(d.projects.size() == 9);
  REQUIRE(d.sections.size() == 2);
  CHECK(d.sections[0].kind == SectionKind::mission);
  CHECK(d.sections[1].kind == SectionKind::vision);
}

TEST_CASE("Each project has its name, 課, 施策 and 細施策 numbers and a stable id", "[plan_parser]") {
  struct Expected {
    int number;
    const char* name;
    const char* division;
    const char* policy;
    const char* sub_policy;
    const char* sub_policy_name;
  };
  const Expected expected[] = {
      {1, "政策立案機能の充実", "都市戦略課", "5", "1", "政策課題への対応力向上"},
      {2, "自治推進", "都市戦略課", "5", "3", "自主性・自立性の向上"},
      {3, "秘書業務等", "秘書課", "5", "1", "政策課題への対応力向上"},
      {4, "姉妹都市交流", "秘書課", "20", "3", "都市間文化交流の推進"},
      {5, "広報活動", "広報プロモーション課", "3", "2", "情報発信の充実"},
      {6, "都市の魅力の創造・発信", "広報プロモーション課", "5", "2", "シティプロモーションの推進"},
      {7, "ふるさと納税", "広報プロモーション課", "5", "2", "シティプロモーションの推進"},
      {8, "広聴活動", "広聴課", "3", "1", "情報収集の充実"},
      {9, "市民参加の推進", "広聴課", "2", "3", "市民参加の推進"},
  };
  const auto& projects = real_document().department.projects;
  REQUIRE(projects.size() == std::size(expected));
  for (std::size_t k = 0; k < projects.size(); ++k) {
    const auto& p = projects[k];
    const auto& e = expected[k];
    INFO("project " << e.number << " " << e.name);
    CHECK(p.number == e.number);
    CHECK(p.id == "2026-shichokoshitsu-" + std::to_string(e.number));
    CHECK(p.name == e.name);
    CHECK(p.division == e.division);
    CHECK(p.policy == e.policy);
    CHECK(p.sub_policy == e.sub_policy);
    CHECK(p.sub_policy_name == e.sub_policy_name);
  }
}

TEST_CASE("Every section's text starts and ends as the document prints it", "[plan_parser]") {
  // First and last characters checked by hand against corpus/2026/shichokoshitsu.tsv; list
  // items are joined by newlines and a section of a single paragraph has no items.
  struct Expected {
    int project;  // 0: a department section
    const char* kind;
    const char* first;
    const char* last;
    std::size_t items;
  };
  const Expected expected[] = {
      {0, "mission", "市民の声を市", "を補佐する。", 0},
      {0, "vision", "多様な手法に", "ングを図る。", 0},
      {1, "title", "政策立案機能", "案機能の充実", 0},
      {1, "reason", "政策課題に関", "であるため。", 0},
      {1, "focus", "経営計画に掲", "の取組の推進", 0},
      {1, "purpose", "先進的政策課", "を実現する。", 0},
      {1, "goal_2030", "データ分析や", "かしている。", 2},
      {1, "goal_fy", "複数の所管が", "有している。", 3},
      {1, "status", "R4年度から", "きかけている", 0},
      {1, "issues", "所管に対し、", "た政策の提案", 3},
      {1, "activities", "人流分析ツー", "察制度の検討", 5},
      {2, "title", "自治推進", "自治推進", 0},
      {2, "reason", "中核市権限の", "であるため。", 0},
      {2, "focus", "多様な主体と", "主体との連携", 0},
      {2, "purpose", "裁量権の拡大", "りを進める。", 0},
      {2, "goal_2030", "地方分権改革", "組んでいる。", 2},
      {2, "goal_fy", "国の提案募集", "組んでいる。", 2},
      {2, "status", "国の提案募集", "の設定が困難", 2},
      {2, "issues", "中核市権限を", "の解決の加速", 2},
      {2, "activities", "地方分権改革", "査研究を行う", 2},
      {3, "title", "秘書業務等", "秘書業務等", 0},
      {3, "reason", "理事者の市政", "であるため。", 0},
      {3, "focus", "多様な主体と", "主体との連携", 0},
      {3, "purpose", "理事者が任務", "ポートする。", 0},
      {3, "goal_2030", "高度な理事者", "できている。", 0},
      {3, "goal_fy", "理事者のスケ", "できている。", 0},
      {3, "status", "秘書機能のさ", "図っている。", 0},
      {3, "issues", "理事者が式典", "の密な連携。", 0},
      {3, "activities", "理事者の日程", "につなげる。", 0},
      {4, "title", "姉妹都市交流", "姉妹都市交流", 0},
      {4, "reason", "歴史的なつな", "ながるため。", 0},
      {4, "focus", "多様な主体と", "主体との連携", 0},
      {4, "purpose", "姉妹都市の盟", "善を深める。", 0},
      {4, "goal_2030", "姉妹都市間の", "与している。", 0},
      {4, "goal_fy", "①今年度の相", "定及び推進。", 2},
      {4, "status", "①例年の都市", "年を迎える。", 2},
      {4, "issues", "・桑都の杜オ", "検討と決定。", 2},
      {4, "activities", "・姉妹都市と", "につなげる。", 0},
      {5, "title", "広報活動", "広報活動", 0},
      {5, "reason", "分かりやすい", "であるため。", 0},
      {5, "focus", "経営計画に掲", "の取組の推進", 0},
      {5, "purpose", "市民に市政情", "画を進める。", 0},
      {5, "goal_2030", "・市民に市政", "されている。", 3},
      {5, "goal_fy", "・広報紙の一", "料作成など）", 3},
      {5, "status", "・広報紙の配", "必要がある。", 3},
      {5, "issues", "・「八王子市", "進との連携）", 4},
      {5, "activities", "・「広報はち", "リシティ活動", 2},
      {6, "title", "都市の魅力の", "の創造・発信", 0},
      {6, "reason", "まちへの愛着", "ながるため。", 0},
      {6, "focus", "経営計画に掲", "点事業の推進", 0},
      {6, "purpose", "八王子らしい", "力を高める。", 0},
      {6, "goal_2030", "・市民が誇り", "われている。", 3},
      {6, "goal_fy", "・重点プロモ", "まっている。", 2},
      {6, "status", "・本市のブラ", "必要である。", 3},
      {6, "issues", "・「八王子市", "人を増やす。", 3},
      {6, "activities", "・市の魅力を", "る研修を実施", 3},
      {7, "title", "ふるさと納税", "ふるさと納税", 0},
      {7, "reason", "都市の魅力発", "があるため。", 0},
      {7, "focus", "市民生活・地", "の回復、発展", 0},
      {7, "purpose", "ふるさと納税", "を推進する。", 0},
      {7, "goal_2030", "返礼品と効果", "進している。", 2},
      {7, "goal_fy", "新たな魅力あ", "っている。）", 3},
      {7, "status", "市の魅力を発", "り組みが必要", 3},
      {7, "issues", "魅力ある返礼", "礼品への活用", 4},
      {7, "activities", "さまざまなま", "返礼品を送付", 2},
      {8, "title", "広聴活動", "広聴活動", 0},
      {8, "reason", "市民意見を的", "であるため。", 0},
      {8, "focus", "既存事業の再", "手法の見直し", 0},
      {8, "purpose", "市民が納得で", "へ反映する。", 0},
      {8, "goal_2030", "時代に即した", "られている。", 2},
      {8, "goal_fy", "ふれあいトー", "進んでいる。", 2},
      {8, "status", "3つの手法（", "努めている。", 0},
      {8, "issues", "効果的な広聴", "を構築する。", 4},
      {8, "activities", "集団広聴「市", "の調査・研究", 4},
      {9, "title", "市民参加の推", "民参加の推進", 0},
      {9, "reason", "市民参加、協", "要であるため", 0},
      {9, "focus", "多様な主体と", "主体との連携", 0},
      {9, "purpose", "市民自治の推", "推進を図る。", 0},
      {9, "goal_2030", "市民参加を基", "われている。", 2},
      {9, "goal_fy", "第5期審議会", "されている。", 3},
      {9, "status", "9期審議会に", "行っている。", 2},
      {9, "issues", "庁内に市民参", "の登用促進。", 3},
      {9, "activities", "職員研修", "公募制度運用", 3},
  };
  const auto records = koe::section_records(real_document().department);
  REQUIRE(records.size() == std::size(expected));
  for (std::size_t k = 0; k < records.size(); ++k) {
    const auto& r = records[k];
    const auto& e = expected[k];
    INFO("section " << r.id);
    CHECK(r.project_id.value_or("") == (e.project ? "2026-shichokoshitsu-" + std::to_string(e.project) : ""));
    CHECK(koe::kind_name(r.kind) == e.kind);
    CHECK(r.text.starts_with(e.first));
    CHECK(r.text.ends_with(e.last));
    CHECK(r.items.size() == e.items);
    CHECK(r.text.find('<') == std::string::npos);  // no HTML left
    CHECK(r.text.find("&nbsp;") == std::string::npos);
  }
}

TEST_CASE("Section ids are unique and built from the project id and the kind", "[plan_parser]") {
  const auto records = koe::section_records(real_document().department);
  std::vector<std::string> ids;
  for (const auto& r : records) ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK(std::count(ids.begin(), ids.end(), "2026-shichokoshitsu-7-issues") == 1);
  CHECK(std::count(ids.begin(), ids.end(), "2026-shichokoshitsu-mission") == 1);
}

TEST_CASE("Project 1's activities are five list items and a spaced product name stays in one item", "[plan_parser]") {
  const auto* s = find_section(real_document().department.projects.at(0), SectionKind::activities);
  REQUIRE(s);
  REQUIRE(s->items.size() == 5);
  CHECK(s->items[0] == "人流分析ツールの契約・導入");
  CHECK(s->items[1] ==
        "データ利活用に関する各システム（BIツール・DS INSHIGT・人流分析ツール）の運用・アカウントの配付");
  CHECK(s->items[4] == "先進自治体への視察制度の検討");
  CHECK(s->text.find(
            "データ利活用に関する各システム（BIツール・DS INSHIGT・人流分析ツール）の運用・アカウントの配付\n") !=
        std::string::npos);
}

TEST_CASE("List items led by ・ and by circled numbers are split where the next marker starts", "[plan_parser]") {
  const auto& projects = real_document().department.projects;
  const auto* issues5 = find_section(projects.at(4), SectionKind::issues);
  REQUIRE(issues5);
  REQUIRE(issues5->items.size() == 4);
  CHECK(issues5->items[0] ==
        "・「八王子市経営計画（前期計画）」経営改革編に掲げる個別取組の着実な推進（広報紙の電子利用の拡大）");
  CHECK(issues5->items[3] == "・探しやすいホームページへの改善（デジタル推進との連携）");

  const auto* status4 = find_section(projects.at(3), SectionKind::status);
  REQUIRE(status4);
  REQUIRE(status4->items.size() == 2);
  CHECK(status4->items[0].starts_with("①例年の都市間交流とともに"));
  CHECK(status4->items[1].starts_with("②市制110周年の令和9年度に"));

  // Plain text (no HTML) whose items are introduced by ①②③ after a lead-in phrase.
  const auto* issues8 = find_section(projects.at(7), SectionKind::issues);
  REQUIRE(issues8);
  REQUIRE(issues8->items.size() == 4);
  CHECK(issues8->items[0] == "効果的な広聴事業の検討");
  CHECK(issues8->items[3].starts_with("③生成AIの活用方法"));
}

TEST_CASE("Block 9's 【現状】 label row, shifted by one cell, still pairs with its values", "[plan_parser]") {
  const auto& p9 = real_document().department.projects.at(8);
  REQUIRE(p9.name == "市民参加の推進");
  const auto* status = find_section(p9, SectionKind::status);
  const auto* issues = find_section(p9, SectionKind::issues);
  const auto* activities = find_section(p9, SectionKind::activities);
  REQUIRE(status);
  REQUIRE(issues);
  REQUIRE(activities);
  CHECK(status->text.starts_with("9期審議会において"));
  REQUIRE(status->items.size() == 2);
  CHECK(status->items[1] ==
        "市政参加のきっかけづくりのため、無作為抽出方式による市民委員等公募制度の運用を行っている。");
  CHECK(issues->text.starts_with("庁内に市民参加条例に基づく運用"));
  CHECK(activities->items == std::vector<std::string>{"職員研修", "市民参加推進審議会開催", "市民委員等公募制度運用"});
  CHECK(status->line == 85);
}

TEST_CASE("The empty 10th row of the project table is skipped with a warning", "[plan_parser]") {
  const auto& warnings = real_document().warnings;
  CHECK(std::any_of(warnings.begin(), warnings.end(), [](const auto& w) { return w.line == 26; }));
}

TEST_CASE("The small valid plan the malformed cases start from parses", "[plan_parser]") {
  const auto doc = parse(MiniPlan{}.text());
  REQUIRE(doc.department.projects.size() == 1);
  const auto& p = doc.department.projects[0];
  CHECK(p.id == "x-1");
  CHECK(p.name == "政策立案機能の充実");
  CHECK(p.sections.size() == 9);
  const auto* goal = find_section(p, SectionKind::goal_2030);
  REQUIRE(goal);
  CHECK(goal->items == std::vector<std::string>{"研修が進んでいる。", "共有している。"});
}

TEST_CASE("An empty file is refused on line 1", "[plan_parser][errors]") {
  for (const std::string& content : {std::string(), std::string("\n\n\t\t\n  \n")}) {
    const auto e = parse_error_of(content);
    CHECK(e.line() == 1);
    CHECK(e.file() == "x.tsv");
    CHECK_THAT(e.message(), Catch::Contains("empty"));
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("x.tsv:1: "));
  }
}

TEST_CASE("A block missing its 【現状】 rows is reported as truncated at the block's first line",
          "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines.resize(MiniPlan::kStatusLabels - 1);  // drop the 【現状】【課題】【事業内容】 rows
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kBlockStart);
  CHECK_THAT(e.message(), Catch::Contains("truncated"));
  CHECK_THAT(e.message(), Catch::Contains("【現状】"));
}

TEST_CASE("A label row with no value row is reported at the label row", "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines.resize(MiniPlan::kStatusLabels);  // keep the labels, drop their values
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kStatusLabels);
  CHECK_THAT(e.message(), Catch::Contains("no value row"));
}

TEST_CASE("A project listed in the table without a detail block is reported at its table row",
          "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines.insert(plan.lines.begin() + MiniPlan::kTableRow, "2\t5\t3\t自治推進\t重要であるため。\t都市戦略課");
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kTableRow + 1);
  CHECK_THAT(e.message(), Catch::Contains("no detail block"));
  CHECK_THAT(e.message(), Catch::Contains("自治推進"));
}

TEST_CASE("Bytes that are not UTF-8 are reported with their line and byte offset", "[plan_parser][errors]") {
  MiniPlan plan;
  std::string content = plan.text();
  const std::size_t at = content.find("ツールを導入");
  REQUIRE(at != std::string::npos);
  content.insert(at, "\x82\xA0");  // Shift_JIS bytes inside a UTF-8 file
  const auto e = parse_error_of(content);
  CHECK(e.line() == 17);
  CHECK_THAT(e.message(), Catch::Contains("byte offset " + std::to_string(at)));
}

TEST_CASE("A file that is not a plan at all is refused", "[plan_parser][errors]") {
  const auto e = parse_error_of("id,text\n1,道路の穴を直してほしい\n2,ふるさと納税の返礼品について\n");
  CHECK(e.line() == 1);
  CHECK_THAT(e.message(), Catch::Contains("not a plan document"));
}

TEST_CASE("A project number listed twice in the table is reported at its second row", "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines.insert(plan.lines.begin() + MiniPlan::kTableRow, "1\t5\t3\t自治推進\t重要であるため。\t都市戦略課");
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kTableRow + 1);
  CHECK_THAT(e.message(), Catch::Contains("twice"));
}

TEST_CASE("A detail block for a project missing from the table is reported at the block", "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines[MiniPlan::kBlockStart - 1] =
      "2\t施策番号\t5\t細施策番号\t1\t細施策名\t政策課題への対応力向上\t事業名\t政策立案機能の充実\t";
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kBlockStart);
  CHECK_THAT(e.message(), Catch::Contains("not listed"));
}

TEST_CASE("More text cells than labels on a value row is reported at that row", "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines[MiniPlan::kStatusLabels] += "\t余分な文";
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kStatusLabels + 1);
  CHECK_THAT(e.message(), Catch::Contains("4 text cells under 3 labels"));
}

TEST_CASE("A 部長名 row without a value is reported at that row", "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines[0] = "部長名\t\t";
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == 1);
  CHECK_THAT(e.message(), Catch::Contains("部長名"));
}

TEST_CASE("A table header without the 事業実施課 column is reported at the header", "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines[MiniPlan::kTableRow - 2] = "番号\t施策番号\t細施策番号\t事業名\t重要度が高いとする理由\t担当";
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kTableRow - 1);
  CHECK_THAT(e.message(), Catch::Contains("事業実施課"));
}

TEST_CASE("A 番号 too large for an int in the table is reported at its row", "[plan_parser][errors]") {
  for (const std::string number : {"2147483648", "99999999999999999999999"}) {
    INFO(number);
    MiniPlan plan;
    plan.lines[MiniPlan::kTableRow - 1] = number + "\t5\t1\t政策立案機能の充実\t重要であるため。\t都市戦略課";
    const auto e = parse_error_of(plan.text());
    CHECK(e.line() == MiniPlan::kTableRow);
    CHECK_THAT(e.message(), Catch::Contains("«" + number + "» is too large"));
  }
}

TEST_CASE("A 番号 too large for an int at a block start is reported at the block", "[plan_parser][errors]") {
  MiniPlan plan;
  plan.lines[MiniPlan::kBlockStart - 1] =
      "4294967297\t施策番号\t5\t細施策番号\t1\t細施策名\t政策課題への対応力向上\t事業名\t政策立案機能の充実\t";
  const auto e = parse_error_of(plan.text());
  CHECK(e.line() == MiniPlan::kBlockStart);
  CHECK_THAT(e.message(), Catch::Contains("«4294967297» is too large"));
}

TEST_CASE("The largest 番号 an int holds still parses", "[plan_parser]") {
  MiniPlan plan;
  plan.lines[MiniPlan::kTableRow - 1] = "2147483647\t5\t1\t政策立案機能の充実\t重要であるため。\t都市戦略課";
  plan.lines[MiniPlan::kBlockStart - 1] =
      "2147483647\t施策番号\t5\t細施策番号\t1\t細施策名\t政策課題への対応力向上\t事業名\t政策立案機能の充実\t";
  const auto doc = parse(plan.text());
  REQUIRE(doc.department.projects.size() == 1);
  CHECK(doc.department.projects[0].id == "x-2147483647");
}

TEST_CASE("A block whose 事業名 differs from the table keeps the block's name with a warning", "[plan_parser]") {
  MiniPlan plan;
  plan.lines[MiniPlan::kBlockStart - 1] =
      "1\t施策番号\t5\t細施策番号\t1\t細施策名\t政策課題への対応力向上\t事業名\t政策立案機能の強化\t";
  const auto doc = parse(plan.text());
  REQUIRE(doc.department.projects.size() == 1);
  CHECK(doc.department.projects[0].name == "政策立案機能の強化");
  CHECK(doc.department.projects[0].division == "都市戦略課");
  CHECK(std::any_of(doc.warnings.begin(), doc.warnings.end(), [](const auto& w) {
    return w.line == MiniPlan::kBlockStart && w.message.find("政策立案機能の充実") != std::string::npos;
  }));
}

TEST_CASE("Windows line ends and a UTF-8 BOM do not change what is read", "[plan_parser]") {
  const std::string lf = koe::test::read_file(koe::test::plan_path());
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const auto a = koe::section_records(real_document().department);
  const auto b = koe::section_records(
      koe::parse_plan(crlf, koe::test::plan_path().string(), koe::identify_document(koe::test::plan_path()))
          .department);
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    INFO(a[k].id);
    CHECK(a[k] == b[k]);
  }
}

TEST_CASE("clean_cell removes HTML and keeps list items apart", "[plan_parser][clean_cell]") {
  struct Row {
    const char* what;
    std::string raw;
    std::string text;
    std::vector<std::string> items;
  };
  const Row rows[] = {
      {"a paragraph", "<p>先進的政策課題に関する調査研究を行う。</p>", "先進的政策課題に関する調査研究を行う。", {}},
      {"plain text with blanks around it", "  市民意見を的確に把握する。\t", "市民意見を的確に把握する。", {}},
      {"<ul> items split on spaces",
       "<ul style=\"list-style-type: none\"> 職員研修 市民参加推進審議会開催 市民委員等公募制度運用 ",
       "職員研修\n市民参加推進審議会開催\n市民委員等公募制度運用",
       {"職員研修", "市民参加推進審議会開催", "市民委員等公募制度運用"}},
      {"a <ul> of one item",
       "<ul style=\"list-style-type: none\"> 研修によりデータ利活用を働きかけている ",
       "研修によりデータ利活用を働きかけている",
       {}},
      {"・ led items keep their inner spaces",
       "<ul style=\"list-style-type: none\"> ・戦略的な パブリシティ活動 ・次代の広報の検討 ",
       "・戦略的な パブリシティ活動\n・次代の広報の検討",
       {"・戦略的な パブリシティ活動", "・次代の広報の検討"}},
      {"・ led items in plain text",
       "・所管課との連携。 ・事業概要の検討と決定。",
       "・所管課との連携。\n・事業概要の検討と決定。",
       {"・所管課との連携。", "・事業概要の検討と決定。"}},
      {"①② items",
       "①今年度の相互訪問が円滑に進む。 ②市制110周年の 事業概要の検討。",
       "①今年度の相互訪問が円滑に進む。\n②市制110周年の 事業概要の検討。",
       {"①今年度の相互訪問が円滑に進む。", "②市制110周年の 事業概要の検討。"}},
      {"HTML entities", "<p>A&amp;B &lt;広報&gt; &quot;市&quot; &#x3042;&#12354;</p>", "A&B <広報> \"市\" ああ", {}},
      {"a product name with a space stays together",
       "<ul style=\"list-style-type: none\"> BIツールとDS INSHIGTの運用 職員研修 ",
       "BIツールとDS INSHIGTの運用\n職員研修",
       {"BIツールとDS INSHIGTの運用", "職員研修"}},
      {"spaces inside brackets do not split",
       "<ul style=\"list-style-type: none\"> 各システム（BIツール DS INSHIGT）の運用 研修の実施 ",
       "各システム（BIツール DS INSHIGT）の運用\n研修の実施",
       {"各システム（BIツール DS INSHIGT）の運用", "研修の実施"}},
      {"<li> items",
       "<ul><li>広報紙の発行</li><li>SNS での発信</li></ul>",
       "広報紙の発行\nSNS での発信",
       {"広報紙の発行", "SNS での発信"}},
      {"an empty cell", "   ", "", {}},
  };
  for (const auto& row : rows) {
    INFO(row.what << ": " << row.raw);
    const auto cell = koe::clean_cell(row.raw);
    CHECK(cell.text == row.text);
    CHECK(cell.items == row.items);
  }
}

TEST_CASE("clean_cell never produces invalid UTF-8 from a numeric entity", "[plan_parser][clean_cell]") {
  for (const char* raw :
       {"a&#xD800;b", "a&#55296;b", "a&#xDFFF;b", "a&#x110000;b", "a&#0;b", "a&#xFFFFFFFF;b", "a&#;b", "a&#x;b"}) {
    INFO(raw);
    const auto cell = koe::clean_cell(raw);
    CHECK_FALSE(koe::utf8::find_invalid(cell.text).has_value());
    CHECK(cell.text.starts_with("a"));
    CHECK(cell.text.ends_with("b"));
  }
}

TEST_CASE("clean_cell decodes a numeric entity only when it is digits and nothing else", "[plan_parser][clean_cell]") {
  struct Row {
    std::string raw;
    std::string text;
  };
  const Row rows[] = {
      {"a&#65;b", "aAb"},         {"a&#x41;b", "aAb"},
      {"a&#-1;b", "a&#-1;b"},                                // strtoul took a sign and wrapped around
      {"a&#+65;b", "a&#+65;b"},   {"a&# 65;b", "a&# 65;b"},  // and skipped leading blanks
      {"a&#x-41;b", "a&#x-41;b"}, {"a&#x0x41;b", "a&#x0x41;b"},
      {"a&#65x;b", "a&#65x;b"},  // trailing garbage was ignored
  };
  for (const auto& row : rows) {
    INFO(row.raw);
    CHECK(koe::clean_cell(row.raw).text == row.text);
  }
}

TEST_CASE("identify_document takes the id and fiscal year from the corpus layout", "[plan_parser][identity]") {
  struct Row {
    const char* path;
    const char* doc_id;
    const char* fiscal_year;
  };
  const Row rows[] = {
      {"corpus/2026/shichokoshitsu.tsv", "2026-shichokoshitsu", "2026"},
      {"/srv/koe/corpus/2027/shichokoshitsu.tsv", "2027-shichokoshitsu", "2027"},
      {"corpus/2026/Somu_Bu.tsv", "2026-somu-bu", "2026"},
      {"plans/shichokoshitsu.tsv", "shichokoshitsu", ""},
  };
  for (const auto& row : rows) {
    INFO(row.path);
    const auto id = koe::identify_document(row.path);
    CHECK(id.doc_id == row.doc_id);
    CHECK(id.fiscal_year == row.fiscal_year);
  }
  // A name with nothing URL-safe in it still gets a stable, non-empty id.
  const auto a = koe::identify_document("corpus/2026/市長公室.tsv");
  const auto b = koe::identify_document("other/2026/市長公室.tsv");
  CHECK(a.doc_id == b.doc_id);
  CHECK(a.doc_id.starts_with("2026-"));
  CHECK(a.doc_id.size() > std::string("2026-").size());
}
