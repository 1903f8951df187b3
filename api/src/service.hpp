/// @file service.hpp
/// @brief What the route handlers work with: the settings, the analyzer, this thread's index
/// handle and the metrics.
#pragma once

#include <filesystem>

#include "index_handles.hpp"
#include "koe/api/settings.hpp"
#include "koe/api/voice_desk.hpp"
#include "koe/http/server.hpp"
#include "koe/indexer/analyzer.hpp"
#include "metrics.hpp"
#include "route_table.hpp"

namespace koe::api {

struct Service {
  const Settings& settings;
  const Analyzer& analyzer;
  IndexHandles& index;
  Metrics& metrics;
  std::filesystem::path web_root;
  VoiceDesk* desk = nullptr;                ///< the voice desk, when the server has a store
  search::MatchSources sources;             ///< what routing consults besides the plans
  const RouteTable* routes = nullptr;       ///< the table built from this service (for openapi.json)
  const http::Server* transport = nullptr;  ///< the connections and queues, for /metrics
};

/// Every route koe serves, each in one entry.
RouteTable build_routes(Service& service);

/// The voice desk's routes (routes.cpp adds them to the table).
void add_desk_routes(RouteTable& table, Service& service);

/// The answer of a desk route on a server without a store.
inline Status desk_disabled() {
  return {404, "desk_disabled", "the voice desk is not enabled on this server (koe serve --store FILE)"};
}

/// Name of the session cookie of the desk's pages.
inline constexpr const char* kSessionCookie = "koe_session";

/// The OpenAPI 3 document: the paths from the route table, the shared schemas beside them.
nlohmann::json openapi_document(const RouteTable& routes);

}  // namespace koe::api
