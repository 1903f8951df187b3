/// @file openapi.hpp
/// @brief The OpenAPI 3 description of API version 1.
#pragma once

#include <nlohmann/json.hpp>

namespace koe::api {
nlohmann::json openapi_document();
}
