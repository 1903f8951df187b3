#include "openapi.hpp"

namespace koe::api {
namespace {

// Kept as the JSON it is served as, so it reads like the document a client sees. A test
// checks every path and method here against the running server.
constexpr const char* kDocument = R"json({
  "openapi": "3.0.3",
  "info": {"title": "koe API", "version": "1",
           "description": "Routes citizen voices to a city's plan projects and searches the plans. Every response is JSON in UTF-8; errors are {\"error\": {\"code\", \"message\"}}."},
  "paths": {
    "/api/v1/search": {"get": {
      "summary": "Staff search over every section",
      "parameters": [
        {"name": "q", "in": "query", "required": true, "schema": {"type": "string"}, "description": "words (ANDed), \"phrases\", -exclusions, OR, filters 課:… 項目:… 施策:… 事業:…"},
        {"name": "division", "in": "query", "schema": {"type": "string"}, "description": "only this 課 (repeatable)"},
        {"name": "kind", "in": "query", "schema": {"type": "string"}, "description": "only this section kind (repeatable)"},
        {"name": "project", "in": "query", "schema": {"type": "string"}, "description": "only this project id (repeatable)"},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}],
      "responses": {"200": {"$ref": "#/components/responses/Search"}, "400": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/match": {"post": {
      "summary": "Route one citizen voice",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MatchRequest"}}}},
      "responses": {"200": {"$ref": "#/components/responses/Match"}, "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/route": {"post": {
      "summary": "Route many voices at once (a JSON array of {id, text}, or text/csv id,text in UTF-8 or Shift_JIS)",
      "requestBody": {"required": true, "content": {
        "application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "text": {"type": "string"}}, "required": ["text"]}}},
        "text/csv": {"schema": {"type": "string"}}}},
      "responses": {"200": {"$ref": "#/components/responses/Route"}, "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/projects": {"get": {"summary": "Every project", "responses": {"200": {"description": "{\"projects\": [{id, name, division, department, number, policy, sub_policy, sub_policy_name, fiscal_year}]}", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/api/v1/projects/{id}": {"get": {
      "summary": "One project with every section (full text and list items)",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "{id, name, division, department, number, policy, sub_policy, sub_policy_name, source, sections: [{kind, label, text, items}]}", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/projects/{id}/related": {"get": {
      "summary": "Projects most like this one (関連する事業)",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5}}],
      "responses": {"200": {"description": "{project_id, related: [{project, score, terms}]}", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3 document", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/healthz": {"get": {"summary": "Ready once the index is open", "responses": {"200": {"description": "{status: ok, revision, sections}"}, "503": {"description": "the index is not open yet"}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics: requests by route and status, latency histogram, index revision and size", "responses": {"200": {"description": "text exposition format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}
  },
  "components": {
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
      "ProjectRef": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "division": {"type": "string"}, "department": {"type": "string"}}},
      "Facet": {"type": "array", "items": {"type": "object", "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}}},
      "SectionKind": {"type": "string", "enum": ["title", "reason", "focus", "purpose", "goal_2030", "goal_fy", "status", "issues", "activities", "mission", "vision"]},
      "MatchRequest": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5}}}
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
          "project": {"$ref": "#/components/schemas/ProjectRef"}, "score": {"type": "number"}, "confidence": {"type": "string", "enum": ["high", "medium", "low"]},
          "sections": {"type": "array", "items": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/SectionKind"}, "label": {"type": "string"}, "snippet": {"type": "string"}, "score": {"type": "number"}}}},
          "terms": {"type": "array", "items": {"type": "string"}}}}}}}}}},
      "Route": {"description": "one routing per voice; unreadable rows in errors", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "results": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "out_of_scope": {"type": "boolean"}, "project_id": {"type": "string", "nullable": true}, "project": {"type": "string", "nullable": true}, "division": {"type": "string", "nullable": true}, "confidence": {"type": "string"}, "top": {"type": "array", "items": {"type": "object"}}}}},
        "errors": {"type": "array", "items": {"type": "string"}}}}}}}
    }
  }
})json";

}  // namespace

nlohmann::json openapi_document() {
  static const nlohmann::json doc = nlohmann::json::parse(kDocument);
  return doc;
}

}  // namespace koe::api
