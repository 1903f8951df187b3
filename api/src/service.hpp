/// @file service.hpp
/// @brief What the route handlers work with: the settings, the analyzer, this thread's index
/// handle and the metrics.
#pragma once

#include <filesystem>

#include "index_handles.hpp"
#include "koe/api/settings.hpp"
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
  const RouteTable* routes = nullptr;  ///< the table built from this service (for openapi.json)
};

/// Every route koe serves, each in one entry.
RouteTable build_routes(Service& service);

/// The OpenAPI 3 document: the paths from the route table, the shared schemas beside them.
nlohmann::json openapi_document(const RouteTable& routes);

}  // namespace koe::api
