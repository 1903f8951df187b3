/// @file plan.hpp
/// @brief The plan-document model: department → projects → sections.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace koe {

/// What a section is. The names (`title`, `reason`, …) are part of koe's public interface:
/// the CLI, the JSON API and the index all use them.
enum class SectionKind {
  title,       ///< 事業名
  reason,      ///< 重要度が高いとする理由
  focus,       ///< 目標設定にあたって重視した点
  purpose,     ///< 目的
  goal_2030,   ///< 目標（2030年のあるべき姿）
  goal_fy,     ///< 目標（年度末のあるべき姿）
  status,      ///< 現状
  issues,      ///< 課題
  activities,  ///< 事業内容
  mission,     ///< 部のミッション (department level)
  vision,      ///< 部のビジョン (department level)
};

/// Every kind, in document order.
std::span<const SectionKind> all_section_kinds();
std::string_view kind_name(SectionKind kind);
/// The label as the plan document prints it, e.g. "目標（2030年のあるべき姿）".
std::string_view kind_label(SectionKind kind);
/// Accepts a kind name (`issues`) or a Japanese label with or without 【】 (`課題`, `【課題】`).
std::optional<SectionKind> parse_kind(std::string_view text);
bool is_department_kind(SectionKind kind);

struct Section {
  SectionKind kind = SectionKind::title;
  std::string label;               ///< Japanese label
  std::string text;                ///< plain text; list items joined by newlines
  std::vector<std::string> items;  ///< list items, empty for a single paragraph
  int line = 0;                    ///< line of the source file the text came from
};

struct Project {
  std::string id;               ///< stable and URL-safe: "<document id>-<番号>"
  int number = 0;               ///< 番号
  std::string policy;           ///< 施策番号
  std::string sub_policy;       ///< 細施策番号
  std::string sub_policy_name;  ///< 細施策名
  std::string name;             ///< 事業名
  std::string reason;           ///< 重要度が高いとする理由
  std::string division;         ///< 事業実施課
  std::string focus;            ///< 目標設定にあたって重視した点
  std::vector<Section> sections;
  int line = 0;  ///< the detail block's first line
};

struct Department {
  std::string doc_id;             ///< stable id of the source document, e.g. "2026-shichokoshitsu"
  std::string name;               ///< e.g. 市長公室
  std::string head_title;         ///< 部長名 as printed, e.g. 市長公室長
  std::string fiscal_year;        ///< from the corpus layout (`corpus/<year>/…`), may be empty
  std::string source;             ///< path of the source file
  std::vector<Section> sections;  ///< mission, vision
  std::vector<Project> projects;
};

}  // namespace koe
