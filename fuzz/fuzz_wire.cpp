// Bytes → the JSON request bodies of the API: parse_json_body (UTF-8, nesting depth, numbers
// out of range), then each reader of a body (match, /route batch, a new desk voice, a desk
// edit) and the JSON written back. A Status is the one refusal allowed; what is accepted must
// serialize again without throwing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "koe/wire/desk_json.hpp"
#include "koe/wire/json.hpp"
#include "koe/wire/request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto body = koe::wire::parse_json_body(bytes);
  if (!body.ok()) {
    koe::fuzz::check(body.status().http_status == 400, "a refused body is a 400");
    return 0;
  }
  const auto& json = body.value();
  koe::fuzz::check(!koe::wire::dump(json).empty(), "an accepted body serializes");
  if (auto m = koe::wire::match_request(json); m.ok())
    koe::fuzz::check(koe::fuzz::valid_utf8(m.value().text), "a match text is valid UTF-8");
  if (auto b = koe::wire::voice_batch(json); b.ok())
    for (const auto& v : b.value().voices) koe::fuzz::check(koe::fuzz::valid_utf8(v.id), "an id is valid UTF-8", v.id);
  (void)koe::wire::new_voice_request(json, "2026-12-01");
  (void)koe::wire::voice_edit_request(json, [](const std::string& id) -> std::optional<koe::desk::Route> {
    if (id.empty()) return std::nullopt;
    return koe::desk::Route::to_project(id, "事業", "課");
  });
  return 0;
}
