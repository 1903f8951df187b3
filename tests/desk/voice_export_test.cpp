// A city's own export read as it is: dates as a city writes them, Japanese column names, CSV in
// UTF-8 or Shift_JIS, JSON Lines and JSON arrays, bad rows reported by line.
#include "koe/desk/voice_export.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "koe/desk/dates.hpp"

namespace {

using namespace koe::desk;

const std::string kBom = "\xEF\xBB\xBF";

// "受付番号,受付日,ご意見,担当課\r\n1,2024/4/1,公園のトイレを直して,公園課\r\n
// 2,令和6年4月2日,"道路の穴, 早く",\r\n" in Shift_JIS (CP932), from Python's cp932 codec.
const std::string kCp932Csv =
    "\x8e\xf3\x95\x74\x94\xd4\x8d\x86\x2c\x8e\xf3\x95\x74\x93\xfa\x2c\x82\xb2\x88\xd3\x8c\xa9\x2c\x92\x53\x93\x96"
    "\x89\xdb\x0d\x0a\x31\x2c\x32\x30\x32\x34\x2f\x34\x2f\x31\x2c\x8c\xf6\x89\x80\x82\xcc\x83\x67\x83\x43\x83\x8c"
    "\x82\xf0\x92\xbc\x82\xb5\x82\xc4\x2c\x8c\xf6\x89\x80\x89\xdb\x0d\x0a\x32\x2c\x97\xdf\x98\x61\x36\x94\x4e\x34"
    "\x8c\x8e\x32\x93\xfa\x2c\x22\x93\xb9\x98\x48\x82\xcc\x8c\x8a\x2c\x20\x91\x81\x82\xad\x22\x2c\x0d\x0a";

VoiceExport read(const std::string& bytes, ExportOptions options = {}) {
  auto r = read_voice_export(bytes, options);
  INFO(r.status().message);
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace

TEST_CASE("Dates as a city writes them become ISO dates", "[export][dates]") {
  struct Row {
    const char* text;
    const char* iso;  // "" when it is not a date
  };
  const Row rows[] = {
      {"2024-04-01", "2024-04-01"},
      {"2024/4/1", "2024-04-01"},
      {"2024/04/01", "2024-04-01"},
      {"2024.4.1", "2024-04-01"},
      {"2024年4月1日", "2024-04-01"},
      {"２０２４年４月１日", "2024-04-01"},
      {"令和6年4月1日", "2024-04-01"},
      {"令和元年5月1日", "2019-05-01"},
      {"令和 6年 4月 1日", "2024-04-01"},
      {"R6.4.1", "2024-04-01"},
      {"r6.4.1", "2024-04-01"},
      {"Ｒ６．４．１", "2024-04-01"},
      {"R6/4/1", "2024-04-01"},
      {"平成31年4月30日", "2019-04-30"},
      {"H31.4.30", "2019-04-30"},
      {"昭和64年1月7日", "1989-01-07"},
      {"2024/4/1 10:30", "2024-04-01"},
      {"2024/4/1 10:30:15", "2024-04-01"},
      {"2024-04-01T09:00:00+09:00", "2024-04-01"},
      {"2024/4/1(月)", "2024-04-01"},
      {"2024年4月1日（月）", "2024-04-01"},
      {" 2024/4/1 ", "2024-04-01"},
      {"2024/2/29", "2024-02-29"},
      {"2024/13/1", ""},
      {"2023/2/29", ""},
      {"2024/4/31", ""},
      {"2024/0/1", ""},
      {"平成31年5月1日", ""},  // that day is 令和元年5月1日
      {"令和元年4月30日", ""},
      {"令和0年5月1日", ""},
      {"2024年4月", ""},
      {"2024/4", ""},
      {"4/1", ""},
      {"24/4/1", ""},
      {"20240401", ""},
      {"2024/4/1まで", ""},
      {"", ""},
      {"not a date", ""},
      {"2024/4/1/2", ""},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto d = parse_date(row.text);
    if (std::string(row.iso).empty()) {
      CHECK_FALSE(d.has_value());
    } else {
      REQUIRE(d.has_value());
      CHECK(*d == row.iso);
    }
  }
  CHECK(is_iso_date("2024-02-29"));
  CHECK_FALSE(is_iso_date("2023-02-29"));
  CHECK_FALSE(is_iso_date("2024-4-1"));
  CHECK(add_days("2024-03-01", -1) == "2024-02-29");
  CHECK(add_days("2024-12-31", 1) == "2025-01-01");
  using namespace std::chrono;
  // 2024-03-31 15:30 UTC is already April 1st in Japan.
  const auto t = sys_days{year{2024} / 3 / 31} + hours{15} + minutes{30};
  CHECK(japan_date(t) == "2024-04-01");
  CHECK(utc_timestamp(t) == "2024-03-31T15:30:00Z");
}

TEST_CASE("A Japanese CSV export with a BOM is read by its column names", "[export][csv]") {
  const std::string csv = kBom +
                          "受付番号,受付日時,受付方法,ご意見,担当課,対応状況,回答\r\n"
                          "R6-001,2024/4/1 9:15,手紙,公園のトイレを直して,,,\r\n"
                          "R6-002,令和6年4月2日,電話,道路の穴,道路管理課,回付,\r\n"
                          "R6-003,R6.4.3,web,ごみの日,清掃課,回答済,収集日を見直します\r\n"
                          "R6-004,2024/13/1,web,日付が変,,,\r\n"
                          "R6-005,2024/4/5,web,,,,\r\n"
                          "R6-006,2024/4/6,web,状態が変,道路管理課,完了,\r\n"
                          "R6-007,2024/4/7,web,回答があるのに課がない,,,回答しました\r\n"
                          ",,,,,,\r\n";
  const auto e = read(csv);
  CHECK(e.format == "csv");
  CHECK(e.encoding == "utf-8");
  REQUIRE(e.voices.size() == 3);
  CHECK(e.voices[0].external_id == "R6-001");
  CHECK(e.voices[0].received_at == "2024-04-01");
  CHECK(e.voices[0].channel == "手紙");
  CHECK(e.voices[0].text == "公園のトイレを直して");
  CHECK(e.voices[0].status == VoiceStatus::received);
  CHECK(e.voices[0].line == 2);
  CHECK(e.voices[1].status == VoiceStatus::forwarded);
  CHECK(e.voices[1].route == Route::to_division("道路管理課"));
  CHECK(e.voices[2].status == VoiceStatus::answered);
  CHECK(e.voices[2].answer == "収集日を見直します");
  REQUIRE(e.errors.size() == 4);
  CHECK(e.errors[0] == "line 5: received_at «2024/13/1» is not a date");
  CHECK(e.errors[1] == "line 6: text is empty");
  CHECK(e.errors[2].starts_with("line 7: status «完了» is not a status"));
  CHECK(e.errors[3] == "line 8: status answered: answered requires a route with a 課 (a project or a 課 alone)");
}

TEST_CASE("A Shift_JIS export from Excel is decoded", "[export][csv]") {
  const auto e = read(kCp932Csv);
  CHECK(e.encoding == "cp932");
  REQUIRE(e.voices.size() == 2);
  CHECK(e.voices[0].text == "公園のトイレを直して");
  CHECK(e.voices[0].route == Route::to_division("公園課"));
  CHECK(e.voices[1].received_at == "2024-04-02");
  CHECK(e.voices[1].text == "道路の穴, 早く");
  CHECK(e.errors.empty());
}

TEST_CASE("Columns named on the command line win, and a wrong name is refused", "[export][columns]") {
  const std::string csv =
      "番号,日付,件名,提言の内容,受付日\n"
      "1,2024/4/1,公園,公園のベンチを増やして,2024/5/1\n";
  ExportOptions o;
  o.columns = "text=提言の内容, received_at = 受付日";
  o.default_channel = "letter";
  const auto e = read(csv, o);
  REQUIRE(e.voices.size() == 1);
  CHECK(e.voices[0].text == "公園のベンチを増やして");
  CHECK(e.voices[0].received_at == "2024-05-01");
  CHECK(e.voices[0].external_id == "1");
  CHECK(e.voices[0].channel == "letter");

  o.columns = "text=ご意見";
  auto r = read_voice_export(csv, o);
  CHECK(r.status().code == "invalid_columns");
  CHECK(r.status().message.find("column «ご意見» for text is not in the header") != std::string::npos);
  o.columns = "body=提言の内容";
  CHECK(read_voice_export(csv, o).status().message.find("unknown field «body»") != std::string::npos);
  o.columns = "text";
  CHECK(read_voice_export(csv, o).status().code == "invalid_columns");
  o.columns = "";
  r = read_voice_export(csv, o);
  CHECK(r.status().code == "missing_column");
  CHECK(r.status().message.find("--columns text=") != std::string::npos);
}

TEST_CASE("JSON Lines and JSON arrays are read with the same names", "[export][json]") {
  const std::string jsonl =
      "{\"受付番号\": 101, \"受付日\": \"2024年4月1日\", \"内容\": \"図書館を増やして\", \"状態\": \"受付\"}\n"
      "\n"
      "not json\n"
      "{\"受付番号\": 102, \"受付日\": \"R6.4.2\", \"内容\": \"回答済みの声\", \"project_id\": \"p-7\", "
      "\"回答\": \"検討します\", \"回答日\": \"2024/4/20\"}\n"
      "[1, 2]\n";
  ExportOptions o;
  o.resolve_project = [](std::string_view id) -> std::optional<Route> {
    if (id == "p-7") return Route::to_project("p-7", "図書館の運営", "図書館課", "生涯学習スポーツ部");
    return std::nullopt;
  };
  const auto e = read(jsonl, o);
  CHECK(e.format == "jsonl");
  REQUIRE(e.voices.size() == 2);
  CHECK(e.voices[0].external_id == "101");
  CHECK(e.voices[0].line == 1);
  CHECK(e.voices[1].line == 4);
  CHECK(e.voices[1].status == VoiceStatus::answered);
  CHECK(e.voices[1].route == Route::to_project("p-7", "図書館の運営", "図書館課", "生涯学習スポーツ部"));
  CHECK(e.voices[1].answered_at == "2024-04-20");
  REQUIRE(e.errors.size() == 2);
  CHECK(e.errors[0] == "line 3: not JSON");
  CHECK(e.errors[1] == "line 5: not a JSON object");

  const std::string array = R"([
    {"external_id": "A-1", "received_at": "2024-04-01", "text": "駐輪場が足りない", "channel": "email"},
    {"external_id": "A-2", "received_at": "2024-04-02", "text": "", "channel": "email"},
    {"external_id": "A-3", "received_at": "2024-04-03", "text": "事業が不明", "project_id": "p-unknown"}
  ])";
  const auto a = read(array);
  CHECK(a.format == "json");
  REQUIRE(a.voices.size() == 1);
  CHECK(a.voices[0].channel == "email");
  REQUIRE(a.errors.size() == 2);
  CHECK(a.errors[0] == "item 2: text is empty");
  CHECK(a.errors[1] == "item 3: project «p-unknown» has no 課 (division)");
}

TEST_CASE("An export that cannot be read at all says why", "[export]") {
  CHECK(read_voice_export("\x82\xa0\xff\xff", {}).status().code == "unreadable_export");
  CHECK(read_voice_export("[{\"a\": ", {}).status().code == "unreadable_export");
  CHECK(read_voice_export("", {}).status().code == "unreadable_export");
}
