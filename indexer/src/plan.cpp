#include "koe/indexer/plan.hpp"

#include <array>

namespace koe {
namespace {

struct KindInfo {
  SectionKind kind;
  std::string_view name;
  std::string_view label;
  std::string_view short_label;
};

constexpr std::array<KindInfo, 11> kKinds{{
    {SectionKind::title, "title", "事業名", "事業名"},
    {SectionKind::reason, "reason", "重要度が高いとする理由", "重要度理由"},
    {SectionKind::focus, "focus", "目標設定にあたって重視した点", "重視した点"},
    {SectionKind::purpose, "purpose", "目的", "目的"},
    {SectionKind::goal_2030, "goal_2030", "目標（2030年のあるべき姿）", "目標2030"},
    {SectionKind::goal_fy, "goal_fy", "目標（年度末のあるべき姿）", "目標年度末"},
    {SectionKind::status, "status", "現状", "現状"},
    {SectionKind::issues, "issues", "課題", "課題"},
    {SectionKind::activities, "activities", "事業内容", "事業内容"},
    {SectionKind::mission, "mission", "部のミッション", "ミッション"},
    {SectionKind::vision, "vision", "部のビジョン", "ビジョン"},
}};

constexpr std::array<SectionKind, 11> kOrder{SectionKind::mission,   SectionKind::vision,    SectionKind::title,
                                             SectionKind::reason,    SectionKind::focus,     SectionKind::purpose,
                                             SectionKind::goal_2030, SectionKind::goal_fy,   SectionKind::status,
                                             SectionKind::issues,    SectionKind::activities};

std::string_view strip_brackets(std::string_view s) {
  constexpr std::string_view open = "【", close = "】";
  if (s.starts_with(open)) s.remove_prefix(open.size());
  if (s.ends_with(close)) s.remove_suffix(close.size());
  return s;
}

}  // namespace

std::span<const SectionKind> all_section_kinds() { return kOrder; }

std::string_view kind_name(SectionKind kind) { return kKinds[static_cast<int>(kind)].name; }
std::string_view kind_label(SectionKind kind) { return kKinds[static_cast<int>(kind)].label; }

std::optional<SectionKind> parse_kind(std::string_view text) {
  text = strip_brackets(text);
  for (const auto& k : kKinds)
    if (text == k.name || text == k.label || text == k.short_label) return k.kind;
  // Labels typed with ASCII parentheses: 目標(2030年のあるべき姿).
  if (text.starts_with("目標") && text.find("2030") != std::string_view::npos) return SectionKind::goal_2030;
  if (text.starts_with("目標") && text.find("年度末") != std::string_view::npos) return SectionKind::goal_fy;
  return std::nullopt;
}

bool is_department_kind(SectionKind kind) { return kind == SectionKind::mission || kind == SectionKind::vision; }

}  // namespace koe
