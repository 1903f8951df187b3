/// @file schema.hpp
/// @brief The index schema: every term prefix, value slot, metadata key and weight, in one
/// place. README.md's prefix table mirrors this file.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "koe/indexer/plan.hpp"

namespace koe::schema {

/// Bumped whenever indexing changes what a document holds; an index of another version is
/// rebuilt from the corpus.
inline constexpr int kVersion = 5;  // 2: slot 7 (facet key); 3: slot 8 (term spans), slots 1, 3–6 dropped;
                                    // 4: readings in the synonym table, slots 0 and 2 dropped;
                                    // 5: several-word synonym entries as terms

// Free text (words and compounds) is unprefixed; words are positional (phrase search), compounds
// not (a phrase is of words, and a compound's parts keep their positions). A several-word
// synonym entry a section spells (web + サイト) is a compound term too (webサイト).
/// Key of a katakana reading in Xapian's synonym table, whose entries are the words and
/// compounds read so (Rヒショ → 秘書): each distinct word once, not a term in every section.
inline constexpr std::string_view kReading = "R";
inline constexpr std::string_view kBigram = "B";  ///< bigram of an unknown word
// A section's id ("Q" + id) was a term until December 2026, read by nothing: a project's
// section is its XP and XK terms. Indexes that hold it still read as before.
inline constexpr std::string_view kDepartment = "XD";  ///< XD市長公室
inline constexpr std::string_view kProject = "XP";     ///< XP2026-shichokoshitsu-7
inline constexpr std::string_view kDivision = "XV";    ///< XV広報プロモーション課
inline constexpr std::string_view kKind = "XK";        ///< XKissues
inline constexpr std::string_view kPolicy = "XS";      ///< 施策番号: XS5
inline constexpr std::string_view kSubPolicy = "XT";   ///< 施策.細施策: XT5.2
inline constexpr std::string_view kFiscalYear = "XY";  ///< XY2026
inline constexpr std::string_view kDocument = "XF";    ///< source document id: XF2026-shichokoshitsu
inline constexpr std::string_view kLevel = "XL";       ///< XLproject or XLdepartment

/// Value slots: what a query reads per matching section without opening its record. Slots
/// 1 and 3–6 held the 課, department, 施策, fiscal year and document until schema 3; nothing
/// read them (the boolean X terms filter, the record shows). Slots 0 and 2 held the project
/// id and kind until schema 4: slot 7 holds both.
enum Slot : Xapian::valueno {
  kSlotFacet = 7,      ///< project id, 課 and kind joined by kFacetSeparator: one read per match for the facets
  kSlotTermSpans = 8,  ///< where each word and compound lies in the text (term_spans.hpp): snippets without MeCab
};

inline constexpr char kFacetSeparator = '\x1f';

/// The kSlotFacet value of a section.
std::string facet_key(std::string_view project_id, std::string_view division, std::string_view kind);

/// Metadata: "koe:schema" → kVersion; "koe:analysis" → fingerprint of the dictionaries;
/// "koe:doc:<document id>" → fingerprint of the source file as last indexed.
inline constexpr std::string_view kMetaSchema = "koe:schema";
inline constexpr std::string_view kMetaAnalysis = "koe:analysis";
inline constexpr std::string_view kMetaDocPrefix = "koe:doc:";

/// Xapian refuses terms longer than 245 bytes; longer ones are cut (at a character boundary).
inline constexpr std::size_t kMaxTermBytes = 240;

/// How much a match in each kind of section says about a voice's project. The plan's own
/// words for what it will do (事業内容, 課題) and its name weigh most; the 重視した点 line is
/// a stock phrase shared by many projects.
double kind_weight(SectionKind kind);

std::string term(std::string_view prefix, std::string_view value);

}  // namespace koe::schema
