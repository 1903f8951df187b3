// The 広聴課's rules as tables: which status changes exist, what each status requires, what a
// division user may do.
#include "koe/desk/transitions.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace {

using namespace koe::desk;
using S = VoiceStatus;

const Actor kClerk{"clerk1", Role::clerk, {}};
const Actor kDivision{"kacho", Role::division, "広報プロモーション課"};

Route project() {
  return Route::to_project("2026-shichokoshitsu-7", "ふるさと納税", "広報プロモーション課", "市長公室");
}

std::string key(S from, S to) { return std::string(status_name(from)) + ">" + std::string(status_name(to)); }

// A state from which `to` can be reached when the transition exists: the change brings what
// `to` requires.
VoiceChange satisfying_change(S to) {
  VoiceChange c;
  c.status = to;
  if (to == S::confirmed || to == S::forwarded || to == S::answered || to == S::published) c.route = project();
  if (to == S::referred) c.route = Route::to_referral("東京都");
  if (to == S::answered || to == S::published) c.answer = "ご意見ありがとうございます。";
  return c;
}

}  // namespace

TEST_CASE("Exactly the 広聴課's status changes are allowed", "[transitions]") {
  const std::set<std::string> allowed = {
      "new>confirmed",       "new>forwarded",      "new>out_of_scope",    "new>referred",
      "confirmed>forwarded", "confirmed>answered", "confirmed>new",       "confirmed>out_of_scope",
      "confirmed>referred",  "forwarded>answered", "forwarded>confirmed", "forwarded>referred",
      "answered>published",  "published>answered", "out_of_scope>new",    "referred>new",
  };
  CHECK(transitions().size() == allowed.size());
  for (auto from : kVoiceStatuses) {
    for (auto to : kVoiceStatuses) {
      if (from == to) continue;
      INFO(key(from, to));
      const bool expected = allowed.count(key(from, to)) > 0;
      CHECK((find_transition(from, to) != nullptr) == expected);
      VoiceState before{from, {}, {}};
      if (from != S::received && from != S::out_of_scope)
        before.route = from == S::referred ? Route::to_referral("国") : project();
      if (from == S::answered || from == S::published) before.answer = "回答";
      auto change = satisfying_change(to);
      if (to == S::out_of_scope) change.route.reset();
      if (from == S::published && to == S::answered) change.answer.reset();
      const auto r = apply_change(before, change, kClerk);
      if (expected) {
        CHECK(r.ok());
        if (r.ok()) CHECK(r.value().status == to);
      } else {
        REQUIRE_FALSE(r.ok());
        CHECK(r.status().http_status == 400);
        CHECK(r.status().code == "invalid_transition");
        CHECK(r.status().message.find(std::string(status_name(from)) + " → " + std::string(status_name(to))) !=
              std::string::npos);
      }
    }
  }
}

TEST_CASE("Each status requires what a 広聴課 needs of it", "[transitions]") {
  struct Row {
    const char* what;
    VoiceState before;
    VoiceChange change;
    Actor actor;
    const char* code;  // "" when the change is allowed
    const char* says;  // part of the message
  };
  auto change = [](std::optional<S> status, std::optional<Route> route = std::nullopt,
                   std::optional<std::string> answer = std::nullopt, std::string note = {}) {
    VoiceChange c;
    c.status = status;
    c.route = std::move(route);
    c.answer = std::move(answer);
    c.note = std::move(note);
    return c;
  };
  const Row rows[] = {
      {"confirm with a project", {S::received, {}, {}}, change(S::confirmed, project()), kClerk, "", ""},
      {"confirm with a 課 only",
       {S::received, {}, {}},
       change(S::confirmed, Route::to_division("道路管理課")),
       kClerk,
       "",
       ""},
      {"confirm the draft route", {S::received, project(), {}}, change(S::confirmed), kClerk, "", ""},
      {"confirm without a route",
       {S::received, {}, {}},
       change(S::confirmed),
       kClerk,
       "invalid_transition",
       "new → confirmed: confirmed requires a route with a 課"},
      {"forward without a 課",
       {S::confirmed, project(), {}},
       change(S::forwarded, Route::to_referral("東京都")),
       kClerk,
       "invalid_transition",
       "forwarded requires a route with a 課"},
      {"refer without a body",
       {S::received, {}, {}},
       change(S::referred),
       kClerk,
       "invalid_transition",
       "referred requires a referral body"},
      {"refer to 東京都", {S::received, {}, {}}, change(S::referred, Route::to_referral("東京都")), kClerk, "", ""},
      {"answer without text",
       {S::forwarded, project(), {}},
       change(S::answered),
       kClerk,
       "invalid_transition",
       "answered requires an answer"},
      {"answer with blank text",
       {S::forwarded, project(), {}},
       change(S::answered, std::nullopt, "\u3000 "),
       kClerk,
       "invalid_transition",
       "answered requires an answer"},
      {"publish unanswered",
       {S::forwarded, project(), {}},
       change(S::published),
       kClerk,
       "invalid_transition",
       "published is reached only from answered"},
      {"answer a new voice",
       {S::received, {}, {}},
       change(S::answered, project(), "回答"),
       kClerk,
       "invalid_transition",
       "answered is reached only from confirmed, forwarded, published"},
      {"an answer text on a new voice",
       {S::received, {}, {}},
       change(std::nullopt, std::nullopt, "回答"),
       kClerk,
       "invalid_transition",
       "an answer is given only to a voice whose route is confirmed"},
      {"clear the answer of an answered voice",
       {S::answered, project(), "回答"},
       change(std::nullopt, std::nullopt, ""),
       kClerk,
       "invalid_transition",
       "answered requires an answer"},
      {"out of scope with a route",
       {S::received, {}, {}},
       change(S::out_of_scope, project()),
       kClerk,
       "invalid_transition",
       "an out-of-scope voice has no route"},
      {"out of scope clears a draft route", {S::received, project(), {}}, change(S::out_of_scope), kClerk, "", ""},
      {"a project route without its 課",
       {S::received, {}, {}},
       change(S::confirmed, Route::to_project("p-1", "x", "")),
       kClerk,
       "invalid_route",
       "needs the project's 課"},
      {"a referral without a body",
       {S::received, {}, {}},
       change(S::referred, Route::to_referral("")),
       kClerk,
       "invalid_route",
       "needs the body"},
      {"an empty change", {S::received, {}, {}}, VoiceChange{}, kClerk, "empty_change", "sets nothing"},
      {"a note alone",
       {S::received, {}, {}},
       change(std::nullopt, std::nullopt, std::nullopt, "電話で確認中"),
       kClerk,
       "",
       ""},
      {"re-route a confirmed voice",
       {S::confirmed, project(), {}},
       change(std::nullopt, Route::to_division("公園課")),
       kClerk,
       "",
       ""},
      {"re-route a confirmed voice to nobody",
       {S::confirmed, project(), {}},
       change(std::nullopt, Route{}),
       kClerk,
       "invalid_transition",
       "confirmed requires a route with a 課"},
      {"a 課 answers its forwarded voice",
       {S::forwarded, project(), {}},
       change(S::answered, std::nullopt, "回答します"),
       kDivision,
       "",
       ""},
      {"a 課 drafts an answer",
       {S::forwarded, project(), {}},
       change(std::nullopt, std::nullopt, "下書き"),
       kDivision,
       "",
       ""},
      {"a 課 returns a voice", {S::forwarded, project(), {}}, change(S::confirmed), kDivision, "", ""},
      {"a 課 publishes",
       {S::answered, project(), "回答"},
       change(S::published),
       kDivision,
       "forbidden",
       "answered → published"},
      {"a 課 re-routes",
       {S::forwarded, project(), {}},
       change(std::nullopt, Route::to_division("公園課")),
       kDivision,
       "forbidden",
       "cannot change a voice's route"},
      {"a 課 answers before forwarding",
       {S::confirmed, project(), {}},
       change(std::nullopt, std::nullopt, "回答"),
       kDivision,
       "forbidden",
       "while the voice is forwarded"},
      {"reopen an answered voice",
       {S::answered, project(), "回答"},
       change(S::received),
       kClerk,
       "invalid_transition",
       "new is reached only from confirmed, out_of_scope, referred"},
      {"unpublish", {S::published, project(), "回答"}, change(S::answered), kClerk, "", ""},
      {"reopen a referral", {S::referred, Route::to_referral("東京都"), {}}, change(S::received), kClerk, "", ""},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    const auto r = apply_change(row.before, row.change, row.actor);
    if (std::string(row.code).empty()) {
      CHECK(r.ok());
      if (!r.ok()) INFO(r.status().message);
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code == row.code);
      CHECK(r.status().http_status == (std::string(row.code) == "forbidden" ? 403 : 400));
      INFO(r.status().message);
      CHECK(r.status().message.find(row.says) != std::string::npos);
    }
  }
}

TEST_CASE("Entering out of scope clears the route, and the history names each change", "[transitions]") {
  VoiceChange c;
  c.status = S::out_of_scope;
  const VoiceState before{S::received, project(), {}};
  const auto r = apply_change(before, c, kClerk);
  REQUIRE(r.ok());
  CHECK(r.value().route.kind == RouteKind::none);
  CHECK(change_action(before, r.value()) == "out_of_scope");
  CHECK(change_action({S::confirmed, project(), {}}, {S::confirmed, Route::to_division("公園課"), {}}) == "reroute");
  CHECK(change_action({S::forwarded, project(), {}}, {S::forwarded, project(), "下書き"}) == "edit_answer");
  CHECK(change_action({S::forwarded, project(), {}}, {S::forwarded, project(), {}}) == "note");
  CHECK(change_action({S::forwarded, project(), {}}, {S::confirmed, project(), {}}) == "return");
}

TEST_CASE("Statuses read from names, labels and an export's spellings", "[transitions]") {
  for (auto s : kVoiceStatuses) {
    CHECK(parse_status(status_name(s)) == s);
    CHECK(parse_status(status_label(s)) == s);
  }
  CHECK(parse_status("回答済み") == S::answered);
  CHECK(parse_status("移送") == S::referred);
  CHECK(parse_status("新規") == S::received);
  CHECK_FALSE(parse_status("done").has_value());
}
