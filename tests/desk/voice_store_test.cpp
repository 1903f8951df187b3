// The voice store on a real SQLite file: adding and importing, changes under the optimistic
// lock with their history, scopes, listing, statistics, examples, backups, a crash mid-import.
#include "koe/desk/voice_store.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "koe/desk/dates.hpp"
#include "koe/desk/masking.hpp"
#include "koe/desk/sqlite.hpp"
#include "test_support.hpp"

namespace {

using namespace koe::desk;
using S = VoiceStatus;
using namespace std::chrono_literals;

const Actor kClerk{"clerk1", Role::clerk, {}};
const Actor kOtherClerk{"clerk2", Role::clerk, {}};
const Actor kKoho{"koho", Role::division, "広報プロモーション課"};

// 2024-04-10 09:00 in Japan.
const auto kStart = std::chrono::sys_days{std::chrono::year{2024} / 4 / 10} + 0h;

struct Desk {
  koe::test::TempDir dir{"koe-desk"};
  std::filesystem::path path = dir / "desk.db";
  std::shared_ptr<std::atomic<std::int64_t>> seconds = std::make_shared<std::atomic<std::int64_t>>(
      std::chrono::duration_cast<std::chrono::seconds>(kStart.time_since_epoch()).count());
  std::unique_ptr<VoiceStore> store;

  StoreOptions options() const {
    StoreOptions o;
    o.mask = masker(koe::test::analyzer());
    auto s = seconds;
    o.now = [s] { return std::chrono::system_clock::time_point(std::chrono::seconds(s->load())); };
    return o;
  }
  Desk() { store = open_sqlite_store(path, options()); }
  void advance(std::chrono::seconds d) { *seconds += d.count(); }
};

Route furusato() {
  return Route::to_project("2026-shichokoshitsu-7", "ふるさと納税", "広報プロモーション課", "市長公室");
}
Route road() { return Route::to_project("2026-doboku-3", "道路の維持管理", "道路管理課", "道路交通部"); }

NewVoice voice(std::string text, std::string received_at = "2024-04-01", std::string external_id = {}) {
  NewVoice v;
  v.text = std::move(text);
  v.received_at = std::move(received_at);
  v.external_id = std::move(external_id);
  v.channel = "web";
  return v;
}

Suggestion suggestion(std::vector<std::string> top, std::string confidence = "high", bool out_of_scope = false) {
  Suggestion s;
  s.json = R"({"out_of_scope":false})";
  s.top_projects = std::move(top);
  s.confidence = std::move(confidence);
  s.out_of_scope = out_of_scope;
  return s;
}

VoiceChange to_status(S status, std::optional<Route> route = std::nullopt,
                      std::optional<std::string> answer = std::nullopt) {
  VoiceChange c;
  c.status = status;
  c.route = std::move(route);
  c.answer = std::move(answer);
  return c;
}

std::int64_t add(VoiceStore& store, NewVoice v) {
  auto r = store.add_voice(v, kClerk);
  INFO(r.status().message);
  REQUIRE(r.ok());
  return r.value().id;
}

Voice update(VoiceStore& store, std::int64_t id, const VoiceChange& c, const Actor& actor = kClerk) {
  auto current = store.get_voice(id, {});
  REQUIRE(current.ok());
  auto r = store.update_voice(id, current.value().version, c, actor);
  INFO(r.status().message);
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace

TEST_CASE("A voice is stored masked, at version 1, with its arrival in the history", "[store]") {
  Desk d;
  auto nv = voice("山田太郎です。電話090-1234-5678。ふるさと納税の返礼品を増やして", "2024-04-01", "R6-0001");
  nv.suggestion = suggestion({"2026-shichokoshitsu-7", "2026-shichokoshitsu-2"}, "medium");
  const auto added = d.store->add_voice(nv, kClerk);
  REQUIRE(added.ok());
  const auto& v = added.value();
  CHECK(v.id > 0);
  CHECK(v.version == 1);
  CHECK(v.status == S::received);
  CHECK(v.text == nv.text);
  CHECK(v.text_masked.find("［電話番号］") != std::string::npos);
  CHECK(v.text_masked.find("090") == std::string::npos);
  CHECK(v.external_id == "R6-0001");
  CHECK(v.created_at == "2024-04-10T00:00:00Z");
  REQUIRE(v.suggestion.has_value());
  CHECK(v.suggestion->top_projects == std::vector<std::string>{"2026-shichokoshitsu-7", "2026-shichokoshitsu-2"});
  CHECK(v.suggestion->confidence == "medium");
  CHECK(v.suggestion->json == R"({"out_of_scope":false})");

  const auto h = d.store->history(v.id, {});
  REQUIRE(h.ok());
  REQUIRE(h.value().size() == 1);
  CHECK(h.value()[0].action == "received");
  CHECK(h.value()[0].actor == "clerk1");
  CHECK_FALSE(h.value()[0].from_status.has_value());

  const auto again = d.store->add_voice(voice("別の声", "2024-04-02", "R6-0001"), kClerk);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().http_status == 409);
  CHECK(again.status().code == "duplicate_external_id");

  const auto found = d.store->find_by_external_id("R6-0001", {});
  REQUIRE(found.ok());
  CHECK(found.value().id == v.id);
}

TEST_CASE("A voice without text or with a bad date is refused", "[store]") {
  Desk d;
  auto r = d.store->add_voice(voice(" \n"), kClerk);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code == "invalid_voice");
  r = d.store->add_voice(voice("公園", "2024/4/1"), kClerk);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message.find("is not a date") != std::string::npos);
  r = d.store->add_voice(voice("公園\xff"), kClerk);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message.find("UTF-8") != std::string::npos);
}

TEST_CASE("A voice goes from arrival to publication, one version and one history line per change", "[store]") {
  Desk d;
  const auto id = add(*d.store, voice("ふるさと納税の返礼品を増やしてほしい"));
  auto v = update(*d.store, id, to_status(S::confirmed, furusato()));
  CHECK(v.version == 2);
  CHECK(v.status == S::confirmed);
  CHECK(v.decision == Decision::clerk);
  CHECK(v.decided_by == "clerk1");
  d.advance(24h);
  v = update(*d.store, id, to_status(S::forwarded));
  CHECK(v.version == 3);
  v = update(*d.store, id, to_status(S::answered, std::nullopt, "返礼品の拡充を検討します。"), kKoho);
  CHECK(v.version == 4);
  CHECK(v.answered_at == "2024-04-11");
  CHECK(v.decided_by == "clerk1");  // answering does not re-decide the route
  d.advance(24h);
  v = update(*d.store, id, to_status(S::published));
  CHECK(v.published_at == "2024-04-12");
  v = update(*d.store, id, to_status(S::answered));
  CHECK(v.published_at.empty());
  CHECK(v.version == 6);

  const auto h = d.store->history(id, {});
  REQUIRE(h.ok());
  std::vector<std::string> actions;
  for (const auto& e : h.value()) actions.push_back(e.action);
  CHECK(actions == std::vector<std::string>{"received", "confirm", "forward", "answer", "publish", "unpublish"});
  CHECK(h.value()[1].route_before.kind == RouteKind::none);
  CHECK(h.value()[1].route_after == furusato());
  CHECK(h.value()[3].actor == "koho");
  CHECK(h.value()[3].answer == "返礼品の拡充を検討します。");
  CHECK(h.value()[3].from_status == S::forwarded);
  CHECK(h.value()[3].to_status == S::answered);
  for (std::size_t i = 1; i < h.value().size(); ++i) CHECK(h.value()[i].revision > h.value()[i - 1].revision);
}

TEST_CASE("A bad transition is refused and changes nothing", "[store]") {
  Desk d;
  const auto id = add(*d.store, voice("ごみの収集日を増やして"));
  const auto before = d.store->revision().value();
  const auto r = d.store->update_voice(id, 1, to_status(S::published), kClerk);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().http_status == 400);
  CHECK(r.status().code == "invalid_transition");
  CHECK(r.status().message.find("new → published") != std::string::npos);
  const auto v = d.store->get_voice(id, {});
  CHECK(v.value().version == 1);
  CHECK(v.value().status == S::received);
  CHECK(d.store->history(id, {}).value().size() == 1);
  CHECK(d.store->revision().value() == before);
  CHECK(d.store->update_voice(999, 1, to_status(S::confirmed, road()), kClerk).status().http_status == 404);
}

TEST_CASE("A stale version is a conflict, never a silent overwrite", "[store]") {
  Desk d;
  const auto id = add(*d.store, voice("道路に穴が開いている"));
  REQUIRE(d.store->update_voice(id, 1, to_status(S::confirmed, road()), kClerk).ok());
  const auto r = d.store->update_voice(id, 1, to_status(S::confirmed, furusato()), kOtherClerk);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().http_status == 409);
  CHECK(r.status().code == "version_conflict");
  CHECK(r.status().message.find("version 2, not 1") != std::string::npos);
  const auto v = d.store->get_voice(id, {}).value();
  CHECK(v.route == road());
  CHECK(v.version == 2);
}

TEST_CASE("Editors on many threads and on two connections: one wins each version", "[store][threads]") {
  Desk d;
  const auto id = add(*d.store, voice("公園の遊具が壊れている"));
  // A second store on the same file: another process's connection, as the CLI would be.
  auto other = open_sqlite_store(d.path, d.options());
  constexpr int kThreads = 8;
  for (std::int64_t version = 1; version <= 3; ++version) {
    std::atomic<int> ok{0}, conflict{0}, other_error{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        VoiceChange c;
        c.note = "editor " + std::to_string(t);
        auto& store = t % 2 == 0 ? *d.store : *other;
        const auto r = store.update_voice(id, version, c, Actor{"clerk" + std::to_string(t), Role::clerk, {}});
        if (r.ok()) {
          ++ok;
        } else if (r.status().code == "version_conflict") {
          ++conflict;
        } else {
          ++other_error;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(ok == 1);
    CHECK(conflict == kThreads - 1);
    CHECK(other_error == 0);
  }
  const auto v = other->get_voice(id, {}).value();
  CHECK(v.version == 4);
  CHECK(d.store->history(id, {}).value().size() == 4);
}

TEST_CASE("A division user sees only its 課's voices, and only their masked text", "[store][scope]") {
  Desk d;
  const auto mine = add(*d.store, voice("ふるさと納税について。連絡先 koe@example.jp"));
  const auto theirs = add(*d.store, voice("道路の穴"));
  update(*d.store, mine, to_status(S::forwarded, furusato()));
  update(*d.store, theirs, to_status(S::forwarded, road()));
  const Scope scope = Scope::of(kKoho);

  const auto v = d.store->get_voice(mine, scope);
  REQUIRE(v.ok());
  CHECK(v.value().text.empty());
  CHECK(v.value().text_masked.find("［メール］") != std::string::npos);
  CHECK(d.store->get_voice(theirs, scope).status().http_status == 404);
  CHECK(d.store->history(theirs, scope).status().http_status == 404);

  VoiceFilter f;
  f.scope = scope;
  const auto list = d.store->list_voices(f);
  REQUIRE(list.ok());
  CHECK(list.value().total == 1);
  REQUIRE(list.value().voices.size() == 1);
  CHECK(list.value().voices[0].id == mine);
  CHECK(list.value().voices[0].text.empty());

  // The 課 cannot reach another 課's voice even knowing its id and version.
  VoiceChange answer;
  answer.answer = "回答";
  CHECK(d.store->update_voice(theirs, 2, answer, kKoho).status().http_status == 404);
  CHECK(d.store->update_voice(mine, 2, to_status(S::forwarded, road()), kKoho).status().http_status == 403);
  CHECK(d.store->update_voice(mine, 2, answer, kKoho).ok());

  StatsQuery q;
  q.scope = scope;
  CHECK(d.store->stats(q).value().total == 1);
}

TEST_CASE("Listing filters, pages and orders newest first", "[store][list]") {
  Desk d;
  struct Seed {
    const char* text;
    const char* date;
    const char* confidence;
  };
  const Seed seeds[] = {
      {"ふるさと納税の返礼品に地元のお菓子を", "2024-04-01", "high"},
      {"道路の穴を早く直してほしい", "2024-04-03", "medium"},
      {"公園のトイレが汚い", "2024-04-05", "low"},
      {"ふるさと納税の使い道を知りたい", "2024-05-01", "high"},
      {"図書館の開館時間を延ばして。ＳＮＳで知らせて", "2024-05-02", "low"},
  };
  std::vector<std::int64_t> ids;
  for (const auto& s : seeds) {
    auto nv = voice(s.text, s.date);
    nv.suggestion = suggestion({"x"}, s.confidence);
    ids.push_back(add(*d.store, nv));
  }
  add(*d.store, voice("田中さんに電話した件。市役所の窓口", "2024-05-03"));
  update(*d.store, ids[0], to_status(S::confirmed, furusato()));
  update(*d.store, ids[3], to_status(S::forwarded, furusato()));
  update(*d.store, ids[1], to_status(S::confirmed, road()));

  auto list = [&](VoiceFilter f) {
    auto r = d.store->list_voices(f);
    INFO(r.status().message);
    REQUIRE(r.ok());
    return r.value();
  };
  auto ids_of = [](const VoiceList& l) {
    std::vector<std::int64_t> out;
    for (const auto& v : l.voices) out.push_back(v.id);
    return out;
  };

  auto all = list({});
  CHECK(all.total == 6);
  CHECK(all.voices.front().received_at == "2024-05-03");
  CHECK(all.voices.back().received_at == "2024-04-01");

  VoiceFilter f;
  f.division = "広報プロモーション課";
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[3], ids[0]});
  f = {};
  f.status = S::confirmed;
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[1], ids[0]});
  f = {};
  f.project_id = "2026-doboku-3";
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[1]});
  f = {};
  f.confidence = "low";
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[4], ids[2]});
  f = {};
  f.from = "2024-04-02";
  f.to = "2024-04-30";
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[2], ids[1]});
  f = {};
  f.q = "ふるさと納税";  // a phrase of bigrams in the index
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[3], ids[0]});
  CHECK(list(f).total == 2);
  f.q = "納税のふるさと";  // the same bigrams in another order are not the word
  CHECK(list(f).total == 0);
  f.q = "ふるさと納税　使い道";  // every word, split on the ideographic space too
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[3]});
  f.q = "道路";  // two characters: one bigram
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[1]});
  f.q = "sns";  // written ＳＮＳ
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[4]});
  f.q = "穴";  // one character: looked for in the text
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[1]});
  f.q = "穴 道路";
  f.status = S::confirmed;
  CHECK(ids_of(list(f)) == std::vector<std::int64_t>{ids[1]});
  f.status.reset();
  f.q = "田中";  // masked away: a name is not searchable
  CHECK(list(f).total == 0);
  f.q = "100%";
  CHECK(list(f).total == 0);
  f = {};
  f.limit = 2;
  f.offset = 2;
  const auto page = list(f);
  CHECK(page.total == 6);
  CHECK(ids_of(page) == std::vector<std::int64_t>{ids[3], ids[2]});

  f = {};
  f.limit = 0;
  CHECK(d.store->list_voices(f).status().code == "limit_out_of_range");
  f.limit = kMaxListLimit + 1;
  CHECK(d.store->list_voices(f).status().code == "limit_out_of_range");
  f = {};
  f.from = "2024/4/1";
  CHECK(d.store->list_voices(f).status().code == "invalid_date");
}

TEST_CASE("Many matches of a word are paged newest first", "[store][list]") {
  koe::test::TempDir dir{"koe-desk"};
  StoreOptions o;
  o.mask = [](std::string_view t) { return std::string(t); };  // no names here: plain inserts
  auto store = open_sqlite_store(dir / "desk.db", o);
  // 5,000 voices over 500 days, every other one about 駐輪場: 2,500 matches, more than the
  // store sorts itself, so the page comes from the date index.
  std::vector<NewVoice> batch;
  std::vector<std::pair<std::string, std::int64_t>> expected;  // (date, position) of matches
  for (int i = 0; i < 5000; ++i) {
    auto v = voice(i % 2 ? "駐輪場が足りない" : "公園のベンチ", koe::desk::add_days("2023-01-01", (i * 7) % 500));
    v.line = i + 2;
    batch.push_back(std::move(v));
  }
  const auto ids = store->add_voices(batch, {}).value().ids;
  REQUIRE(ids.size() == 5000);
  for (int i = 1; i < 5000; i += 2)
    expected.emplace_back(batch[static_cast<std::size_t>(i)].received_at, ids[static_cast<std::size_t>(i)]);
  std::sort(expected.begin(), expected.end(), std::greater<>());
  VoiceFilter f;
  f.q = "駐輪場";
  f.limit = 20;
  for (std::size_t offset : {0u, 20u, 1990u, 2490u}) {
    f.offset = offset;
    const auto l = store->list_voices(f).value();
    CHECK(l.total == 2500);
    std::vector<std::int64_t> got, want;
    for (const auto& v : l.voices) got.push_back(v.id);
    for (std::size_t k = offset; k < offset + 20 && k < expected.size(); ++k) want.push_back(expected[k].second);
    INFO("offset " << offset);
    CHECK(got == want);
  }
  f.offset = 2500;
  CHECK(store->list_voices(f).value().voices.empty());
}

TEST_CASE("Statistics count by 課, project, month, status and channel, and measure the suggestions", "[store][stats]") {
  Desk d;
  auto with = [&](const char* text, const char* date, Suggestion s, const char* channel = "web") {
    auto nv = voice(text, date);
    nv.suggestion = std::move(s);
    nv.channel = channel;
    return add(*d.store, nv);
  };
  const auto a = with("返礼品", "2024-03-01", suggestion({"2026-shichokoshitsu-7", "p2", "p3"}));
  const auto b = with("道路の穴", "2024-03-15", suggestion({"p9", "2026-doboku-3"}, "low"), "letter");
  const auto c = with("公園", "2024-04-01", suggestion({"p1", "p2", "p3"}, "medium"));
  const auto e = with("天気の話", "2024-04-02", suggestion({}, "low", true), "phone");
  add(*d.store, voice("提案なし", "2024-04-08"));
  update(*d.store, a, to_status(S::confirmed, furusato()));  // the first suggestion
  update(*d.store, b, to_status(S::forwarded, road()));      // the second
  update(*d.store, c, to_status(S::confirmed, road()));      // not among the three
  update(*d.store, e, to_status(S::out_of_scope));

  // An imported, already handled voice with a suggestion: not counted for accuracy.
  auto handled = voice("昔の声", "2024-03-20");
  handled.suggestion = suggestion({"2026-doboku-3"});
  handled.status = S::answered;
  handled.route = road();
  handled.answer = "対応しました";
  handled.line = 2;
  REQUIRE(d.store->add_voices({handled}, {}).value().errors.empty());

  StatsQuery q;
  q.today = "2024-04-10";
  q.overdue_days = 14;
  const auto r = d.store->stats(q);
  INFO(r.status().message);
  REQUIRE(r.ok());
  const auto& s = r.value();
  CHECK(s.total == 6);
  auto count_of = [](const std::vector<Count>& counts, const std::string& key) -> std::int64_t {
    for (const auto& c : counts)
      if (c.key == key) return c.count;
    return 0;
  };
  CHECK(count_of(s.by_division, "道路管理課") == 3);
  CHECK(count_of(s.by_division, "広報プロモーション課") == 1);
  CHECK(count_of(s.by_division, "") == 2);
  CHECK(count_of(s.by_project, "2026-doboku-3") == 3);
  CHECK(s.by_project.front().label == "道路の維持管理");
  REQUIRE(s.by_month.size() == 2);
  CHECK(s.by_month[0].key == "2024-03");
  CHECK(s.by_month[0].count == 3);
  CHECK(s.by_month[1].count == 3);
  REQUIRE(s.by_status.size() == kVoiceStatuses.size());
  CHECK(s.by_status[0].key == "new");
  CHECK(s.by_status[0].label == "受付");
  CHECK(s.by_status[0].count == 1);
  CHECK(count_of(s.by_status, "confirmed") == 2);
  CHECK(count_of(s.by_channel, "web") == 4);
  CHECK(count_of(s.by_channel, "letter") == 1);
  CHECK(s.suggested == 5);
  CHECK(s.suggested_out_of_scope == 1);
  CHECK(s.out_of_scope_share == Approx(0.2));
  CHECK(s.suggested_low_confidence == 1);  // b; e is out of scope
  CHECK(s.low_confidence_share == Approx(0.25));
  // Unanswered and received before 2024-03-27: a (03-01) and b (03-15); the imported one is answered.
  CHECK(count_of(s.overdue_by_division, "広報プロモーション課") == 1);
  CHECK(count_of(s.overdue_by_division, "道路管理課") == 1);
  CHECK(s.accuracy.confirmed == 3);
  CHECK(s.accuracy.first == 1);
  CHECK(s.accuracy.top3 == 2);
  CHECK(s.accuracy.top3_share == Approx(2.0 / 3.0));

  q.from = "2024-04-01";
  q.to = "2024-04-30";
  CHECK(d.store->stats(q).value().total == 3);
}

TEST_CASE("Examples follow confirmations through the change counter", "[store][examples]") {
  Desk d;
  const auto a = add(*d.store, voice("ふるさと納税の返礼品"));
  const auto b = add(*d.store, voice("国の年金制度について"));
  add(*d.store, voice("まだ誰も見ていない声"));
  CHECK(d.store->confirmed_examples().value().empty());

  update(*d.store, a, to_status(S::confirmed, furusato()));
  update(*d.store, b, to_status(S::referred, Route::to_referral("日本年金機構")));
  auto all = d.store->confirmed_examples().value();
  REQUIRE(all.size() == 2);
  CHECK(all[0].voice_id == a);
  CHECK(all[0].project_id == "2026-shichokoshitsu-7");
  CHECK(all[0].division == "広報プロモーション課");
  CHECK_FALSE(all[0].out_of_scope);
  CHECK(all[1].voice_id == b);
  CHECK(all[1].out_of_scope);

  const auto r1 = d.store->revision().value();
  auto none = d.store->examples_since(r1).value();
  CHECK(none.revision == r1);
  CHECK(none.upserted.empty());
  CHECK(none.removed.empty());

  update(*d.store, a, to_status(S::received));  // reopened: no longer an example
  const auto c = add(*d.store, voice("道路の穴"));
  update(*d.store, c, to_status(S::forwarded, Route::to_division("道路管理課")));
  auto changed = d.store->examples_since(r1).value();
  CHECK(changed.revision > r1);
  CHECK(changed.removed == std::vector<std::int64_t>{a});
  REQUIRE(changed.upserted.size() == 1);
  CHECK(changed.upserted[0].voice_id == c);
  CHECK(changed.upserted[0].project_id.empty());
  CHECK(changed.upserted[0].division == "道路管理課");

  // A 課 returning a voice as not theirs undoes the clerk's decision.
  update(*d.store, c, to_status(S::confirmed), Actor{"doro", Role::division, "道路管理課"});
  CHECK(d.store->examples_since(changed.revision).value().removed == std::vector<std::int64_t>{c});
}

TEST_CASE("An import adds the good rows and reports the others by line", "[store][import]") {
  Desk d;
  add(*d.store, voice("既にある声", "2024-04-01", "R6-0001"));
  std::vector<NewVoice> batch;
  auto row = [&](int line, NewVoice v) {
    v.line = line;
    batch.push_back(std::move(v));
  };
  row(2, voice("一つ目", "2024-04-02", "R6-0002"));
  row(3, voice("", "2024-04-02", "R6-0003"));
  row(4, voice("重複", "2024-04-02", "R6-0001"));
  row(5, voice("三つ目", "2024-04-03", "R6-0005"));
  row(6, voice("同じ番号", "2024-04-03", "R6-0005"));
  row(7, voice("日付が変", "2024-13-01", "R6-0007"));
  auto answered = voice("回答済みの声", "2024-03-01", "R6-0008");
  answered.status = S::answered;
  answered.route = road();
  row(8, answered);  // no answer
  answered.answer = "補修しました";
  answered.answered_at = "2024-03-05";
  row(9, answered);
  std::vector<std::size_t> progress;
  ImportOptions options;
  options.chunk_size = 3;
  options.progress = [&](std::size_t done, std::size_t) { progress.push_back(done); };
  const auto r = d.store->add_voices(batch, options);
  REQUIRE(r.ok());
  CHECK(r.value().ids.size() == 3);
  CHECK(progress == std::vector<std::size_t>{3, 6, 8});
  const auto& errors = r.value().errors;
  REQUIRE(errors.size() == 5);
  CHECK(errors[0] == "line 3: text is empty");
  CHECK(errors[1] == "line 4: external_id «R6-0001» is already in the store");
  CHECK(errors[2] == "line 6: external_id «R6-0005» is already in the store");
  CHECK(errors[3] == "line 7: received_at «2024-13-01» is not a date (YYYY-MM-DD)");
  CHECK(errors[4] == "line 8: answered requires an answer");

  const auto imported = d.store->find_by_external_id("R6-0008", {}).value();
  CHECK(imported.status == S::answered);
  CHECK(imported.decision == Decision::imported);
  CHECK(imported.answered_at == "2024-03-05");
  CHECK(d.store->history(imported.id, {}).value()[0].action == "imported");
  const auto examples = d.store->confirmed_examples().value();
  REQUIRE(examples.size() == 1);
  CHECK(examples[0].decision == Decision::imported);
  CHECK(examples[0].project_id == "2026-doboku-3");
}

TEST_CASE("A kill -9 in the middle of an import keeps every committed chunk whole", "[store][import][crash]") {
  Desk d;
  constexpr std::size_t kChunk = 50;
  constexpr std::size_t kRows = 200000;
  const pid_t child = fork();
  if (child == 0) {
    // The child imports with a masker that needs no MeCab, until it is killed.
    StoreOptions o;
    o.mask = [](std::string_view t) { return std::string(t); };
    auto store = open_sqlite_store(d.path, o);
    std::vector<NewVoice> batch;
    batch.reserve(kRows);
    for (std::size_t i = 0; i < kRows; ++i) {
      auto v = voice("声 " + std::to_string(i), "2024-04-01", "K-" + std::to_string(i));
      v.line = static_cast<int>(i + 2);
      batch.push_back(std::move(v));
    }
    ImportOptions options;
    options.chunk_size = kChunk;
    (void)store->add_voices(batch, options);
    _exit(0);
  }
  REQUIRE(child > 0);
  // Kill it once a few chunks are in, wherever it is.
  std::int64_t seen = 0;
  for (int i = 0; i < 2000 && seen < static_cast<std::int64_t>(3 * kChunk); ++i) {
    std::this_thread::sleep_for(5ms);
    VoiceFilter f;
    f.limit = 1;
    if (auto l = d.store->list_voices(f); l.ok()) seen = l.value().total;
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  REQUIRE(seen >= static_cast<std::int64_t>(3 * kChunk));

  auto reopened = open_sqlite_store(d.path, d.options());
  VoiceFilter f;
  f.limit = 1;
  const auto total = reopened->list_voices(f).value().total;
  CHECK(total % static_cast<std::int64_t>(kChunk) == 0);
  CHECK(total < static_cast<std::int64_t>(kRows));
  SqliteDb db(d.path, {});
  auto scalar = [&](const char* sql) {
    SqliteStatement s(db, sql);
    s.step();
    return s.column_int(0);
  };
  CHECK(scalar("SELECT count(*) FROM voice_history") == total);
  CHECK(scalar("SELECT count(*) FROM voice_texts") == total);
  CHECK(scalar("SELECT count(*) FROM voices v WHERE NOT EXISTS "
               "(SELECT 1 FROM voice_history h WHERE h.voice_id = v.id)") == 0);
  CHECK(scalar("SELECT count(*) FROM voices_fts WHERE voices_fts MATCH '\"声 1\"'") >= 1);
  SqliteStatement check(db, "PRAGMA integrity_check");
  check.step();
  CHECK(check.column_text(0) == "ok");
  // The import goes on where it stopped: the committed rows are duplicates now.
  std::vector<NewVoice> rest;
  for (std::size_t i = 0; i < static_cast<std::size_t>(total) + 10; ++i) {
    auto v = voice("声 " + std::to_string(i), "2024-04-01", "K-" + std::to_string(i));
    v.line = static_cast<int>(i + 2);
    rest.push_back(std::move(v));
  }
  const auto again = reopened->add_voices(rest, {}).value();
  CHECK(again.ids.size() == 10);
  CHECK(again.errors.size() == static_cast<std::size_t>(total));
}

TEST_CASE("A backup is a consistent copy that opens as a store", "[store][backup]") {
  Desk d;
  for (int i = 0; i < 20; ++i) add(*d.store, voice("声その" + std::to_string(i)));
  const auto copy = d.dir / "backup" / "desk-copy.db";
  std::filesystem::create_directories(copy.parent_path());
  REQUIRE(d.store->backup(copy).ok());
  add(*d.store, voice("バックアップの後の声"));
  auto restored = open_sqlite_store(copy, d.options());
  VoiceFilter f;
  CHECK(restored->list_voices(f).value().total == 20);
  CHECK(d.store->list_voices(f).value().total == 21);
  CHECK(restored->history(1, {}).value().size() == 1);
  CHECK_FALSE(std::filesystem::exists(copy.string() + ".part-" + std::to_string(getpid())));
  CHECK(d.store->backup(d.dir / "no" / "such" / "dir" / "x.db").http_status == 500);

  // While a clerk keeps adding voices, a backup still finishes with a snapshot between them.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) (void)d.store->add_voice(voice("並行する声" + std::to_string(i)), kClerk);
  });
  const auto during = d.dir / "backup" / "during.db";
  const auto status = d.store->backup(during);
  stop = true;
  writer.join();
  REQUIRE(status.ok());
  auto snapshot = open_sqlite_store(during, d.options());
  const auto n = snapshot->list_voices(f).value().total;
  CHECK(n >= 21);
  CHECK(n <= d.store->list_voices(f).value().total);
  SqliteDb db(during, {});
  SqliteStatement check(db, "PRAGMA integrity_check");
  check.step();
  CHECK(check.column_text(0) == "ok");
}
