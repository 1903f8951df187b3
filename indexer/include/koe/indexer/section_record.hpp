/// @file section_record.hpp
/// @brief One indexed section, as stored in the index (document data) and printed by
/// `koe corpus dump`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/plan.hpp"

namespace koe {

struct SectionRecord {
  std::string id;  ///< unique: "<project id>-<kind>" or "<document id>-<kind>"
  std::string department;
  std::string doc_id;
  std::string fiscal_year;
  std::string source;
  std::optional<std::string> project_id;    ///< absent for department sections
  std::optional<std::string> project_name;  ///< 事業名 (stored as "project")
  std::string division;
  int number = 0;
  std::string policy, sub_policy, sub_policy_name;
  SectionKind kind = SectionKind::title;
  std::string label;
  std::string text;
  std::vector<std::string> items;
  int line = 0;

  /// The record as document data: a format byte, then every field but the id (the owner's
  /// id and the kind make it) in declaration order, each a varint length and its bytes, numbers
  /// as varints. Items that are the text's lines, as the parser writes a list, are one byte
  /// saying so; others are stored. Half the bytes of JSON, and read without a parser. Records
  /// of the format before, which stored every list's items, are read too.
  std::string to_stored() const;
  /// The record `to_stored` wrote; throws Error when the data is cut short or of another
  /// format.
  static SectionRecord from_stored(std::string_view data);

  bool operator==(const SectionRecord&) const = default;
};

/// Every section of a department (its own two, then each project's) as records.
std::vector<SectionRecord> section_records(const Department& d);

}  // namespace koe
