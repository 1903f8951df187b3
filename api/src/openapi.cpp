#include "service.hpp"

namespace koe::api {
namespace {

// The schemas and responses the routes refer to, kept as the JSON they are served as. The
// paths come from the route table (routes.cpp); a test calls every one on a running server.
constexpr const char* kComponents = R"json({
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
      "ProjectRef": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "division": {"type": "string"}, "department": {"type": "string"}}},
      "Facet": {"type": "array", "items": {"type": "object", "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}}},
      "SectionKind": {"type": "string", "enum": ["title", "reason", "focus", "purpose", "goal_2030", "goal_fy", "status", "issues", "activities", "mission", "vision"]},
      "MatchRequest": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5}}}
    },
    "securitySchemes": {
      "bearer": {"type": "http", "scheme": "bearer", "description": "an API token from `koe users token`"},
      "session": {"type": "apiKey", "in": "cookie", "name": "koe_session", "description": "the login page's session; unsafe methods also send X-CSRF-Token"}
    },
    "responses": {
      "Error": {"description": "the request could not be served; the message names the problem", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Search": {"description": "results, facets and the total", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"}, "total_all_words": {"type": "integer"}, "relaxed": {"type": "boolean"},
        "results": {"type": "array", "items": {"type": "object", "properties": {
          "department": {"type": "string"}, "project": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/ProjectRef"}]},
          "section": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/SectionKind"}, "label": {"type": "string"}}},
          "score": {"type": "number"}, "snippet": {"type": "string", "description": "HTML-escaped text with <mark> around matched words"}}}},
        "facets": {"type": "object", "properties": {"division": {"$ref": "#/components/schemas/Facet"}, "kind": {"$ref": "#/components/schemas/Facet"}, "project": {"$ref": "#/components/schemas/Facet"}}}}}}}},
      "Match": {"description": "projects ranked, the route, or out_of_scope", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "out_of_scope": {"type": "boolean"},
        "route": {"nullable": true, "type": "object", "properties": {"department": {"type": "string"}, "division": {"type": "string"}, "project_id": {"type": "string"}}},
        "matches": {"type": "array", "items": {"type": "object", "properties": {
          "project": {"$ref": "#/components/schemas/ProjectRef"}, "score": {"type": "number", "description": "what matches are ordered by: the plans' score x coverage^match_coverage_exponent"}, "confidence": {"type": "string", "enum": ["high", "medium", "low"]},
          "sections": {"type": "array", "items": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/SectionKind"}, "label": {"type": "string"}, "snippet": {"type": "string"}, "score": {"type": "number"}}}},
          "strength": {"type": "number", "description": "the plans' score (before coverage) / ln(1 + sections): scope is decided on it"}, "evidence": {"type": "number"}, "coverage": {"type": "number", "description": "share of the voice's nouns (idf-weighted) the project holds"},
          "votes": {"type": "number", "description": "share of the nearest confirmed voices' votes (with a desk)"},
          "terms": {"type": "array", "items": {"type": "string"}}}}},
        "referral": {"nullable": true, "type": "object", "description": "the body an out-of-scope voice belongs to",
          "properties": {"body": {"type": "string"}, "reason": {"type": "string"}, "terms": {"type": "array", "items": {"type": "string"}}}},
        "similar": {"type": "array", "description": "past voices a clerk routed, most alike first: for the desk's signed-in staff only",
          "items": {"type": "object", "properties": {"id": {"type": "integer"}, "text_masked": {"type": "string"}, "route": {"type": "object", "nullable": true},
            "status": {"type": "string"}, "similarity": {"type": "number"}, "duplicate": {"type": "boolean"}}}}}}}}},
      "Route": {"description": "one routing per voice; unreadable rows in errors", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "results": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "out_of_scope": {"type": "boolean"}, "project_id": {"type": "string", "nullable": true}, "project": {"type": "string", "nullable": true}, "division": {"type": "string", "nullable": true}, "confidence": {"type": "string"}, "top": {"type": "array", "items": {"type": "object"}}}}},
        "errors": {"type": "array", "items": {"type": "string"}}}}}}}
    }}
)json";

}  // namespace

nlohmann::json openapi_document(const RouteTable& routes) {
  static const nlohmann::json components = nlohmann::json::parse(kComponents);
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "koe API"},
            {"version", "1"},
            {"description",
             "Routes citizen voices to a city's plan projects and searches the plans. Every response is JSON in "
             "UTF-8; errors are {\"error\": {\"code\", \"message\"}}."}}},
          {"paths", routes.openapi_paths()},
          {"components", components}};
}

}  // namespace koe::api
