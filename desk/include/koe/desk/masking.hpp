/// @file masking.hpp
/// @brief Personal information in a citizen's voice — telephone numbers, e-mail addresses,
/// postal codes, street addresses down to the 番地, people's names — replaced by
/// ［電話番号］［メール］［住所］［氏名］ before a 課 or the example index sees the text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "koe/desk/voice_store.hpp"
#include "koe/indexer/analyzer.hpp"

namespace koe::desk {

enum class MaskKind { phone, email, address, name };
std::string_view mask_placeholder(MaskKind kind);  ///< ［電話番号］, ［メール］, ［住所］, ［氏名］

struct MaskSpan {
  std::size_t begin = 0;  ///< byte range in the original text
  std::size_t end = 0;
  MaskKind kind = MaskKind::name;
};

/// What mask_personal_info() replaces, in text order, not overlapping.
///
/// Matched on the analyzer's normalized text (so ０４２, ＠ and （ count like 042, @, ( ):
/// telephone numbers in domestic (03-1234-5678, 042(123)4567, (042)123-4567, 0120-123-456,
/// 09012345678) and international form (+81-42-123-4567); e-mail addresses; postal codes
/// (〒192-8501, a bare 192-8501); addresses that reach a house number (…町三丁目24番1号,
/// …1234番地, …市…町1-2-3 — a town without a number stays: where a pothole is matters to the
/// city); names marked as names — before さん, 様, 氏, くん… when MeCab tags them as 人名 or
/// does not know them (皆さん, 職員さん, お客様, 市長さん stay), and after 氏名： or 名前:.
/// Dates, amounts, 施策番号 (5.2) and years are left alone.
std::vector<MaskSpan> find_personal_info(const Analyzer& analyzer, std::string_view text);

/// `text` with every span of find_personal_info() replaced by its placeholder (a name keeps
/// its honorific: ［氏名］様). Adjacent spans of one kind separated only by spaces become one
/// placeholder (〒192-8501 東京都… → ［住所］). Throws Error on invalid UTF-8.
std::string mask_personal_info(const Analyzer& analyzer, std::string_view text);

/// The store's masker (StoreOptions::mask) over `analyzer`, which must outlive the store.
Masker masker(const Analyzer& analyzer);

}  // namespace koe::desk
