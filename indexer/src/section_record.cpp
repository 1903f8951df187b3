#include "koe/indexer/section_record.hpp"

#include <algorithm>

#include "koe/indexer/error.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/varint.hpp"

namespace koe {

namespace schema {

double kind_weight(SectionKind kind) {
  switch (kind) {
    case SectionKind::title:
      return 1.3;
    case SectionKind::activities:
      return 1.2;
    case SectionKind::issues:
      return 1.1;
    case SectionKind::status:
      return 1.0;
    case SectionKind::purpose:
      return 1.0;
    case SectionKind::goal_2030:
      return 0.9;
    case SectionKind::goal_fy:
      return 1.0;
    case SectionKind::reason:
      return 0.9;
    case SectionKind::focus:
      return 0.4;
    case SectionKind::mission:
      return 0.5;
    case SectionKind::vision:
      return 0.5;
  }
  return 1.0;
}

std::string term(std::string_view prefix, std::string_view value) {
  std::string t(prefix);
  t += value;
  if (t.size() > kMaxTermBytes) {
    std::size_t cut = kMaxTermBytes;
    while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
    t.resize(cut);
  }
  return t;
}

std::string facet_key(std::string_view project_id, std::string_view division, std::string_view kind) {
  std::string k(project_id);
  k += kFacetSeparator;
  k += division;
  k += kFacetSeparator;
  k += kind;
  return k;
}

}  // namespace schema

namespace {

/// Format 2 says in one byte that a list's items are the lines of its text, as the parser
/// writes them (plan.hpp), instead of storing them again (format 1: a fifth of every record).
constexpr char kStoredFormat = '\x02';
constexpr char kStoredFormatWithItems = '\x01';

/// How format 2 stores the items.
enum class StoredItems : std::size_t { none = 0, text_lines = 1, listed = 2 };

/// The lines of a text.
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  for (std::size_t nl; (nl = text.find('\n', from)) != std::string_view::npos; from = nl + 1)
    lines.emplace_back(text.substr(from, nl - from));
  lines.emplace_back(text.substr(from));
  return lines;
}

/// Whether `items` are the lines of `text` (lines_of), compared in place: every record is
/// asked as it is indexed.
bool are_lines_of(const std::vector<std::string>& items, std::string_view text) {
  std::size_t from = 0;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const std::size_t nl = text.find('\n', from);
    const bool last = k + 1 == items.size();
    if (last != (nl == std::string_view::npos)) return false;
    const std::size_t end = last ? text.size() : nl;
    if (text.substr(from, end - from) != items[k]) return false;
    from = end + 1;
  }
  return !items.empty();
}

void put_text(std::string& out, std::string_view text) {
  varint::put(out, text.size());
  out += text;
}

/// Reads the fields to_stored wrote, in its order.
class StoredReader {
 public:
  explicit StoredReader(std::string_view data) : data_(data) {}
  std::size_t number() {
    std::size_t v = 0;
    if (!varint::get(data_, at_, v)) damaged();
    return v;
  }
  std::string text() {
    const std::size_t size = number();
    if (size > data_.size() - at_) damaged();
    std::string t(data_.substr(at_, size));
    at_ += size;
    return t;
  }
  /// A count of things each at least a byte long, so never more than the bytes left.
  std::size_t count() {
    const std::size_t n = number();
    if (n > data_.size() - at_) damaged();
    return n;
  }
  std::optional<std::string> optional_text() {
    if (number() == 0) return std::nullopt;
    return text();
  }
  void expect_end() const {
    if (at_ != data_.size()) damaged();
  }
  [[noreturn]] static void damaged() {
    throw Error("a section record in the index is damaged: rebuild it with koe index --rebuild");
  }

 private:
  std::string_view data_;
  std::size_t at_ = 1;  // past the format byte
};

}  // namespace

std::string SectionRecord::to_stored() const {
  std::string out(1, kStoredFormat);
  for (const std::string* f : {&department, &doc_id, &fiscal_year, &source}) put_text(out, *f);
  for (const auto* f : {&project_id, &project_name}) {
    varint::put(out, f->has_value() ? 1 : 0);
    if (*f) put_text(out, **f);
  }
  put_text(out, division);
  varint::put(out, static_cast<std::size_t>(std::max(number, 0)));
  for (const std::string* f : {&policy, &sub_policy, &sub_policy_name}) put_text(out, *f);
  put_text(out, kind_name(kind));
  put_text(out, label);
  put_text(out, text);
  if (items.empty()) {
    varint::put(out, static_cast<std::size_t>(StoredItems::none));
  } else if (are_lines_of(items, text)) {
    varint::put(out, static_cast<std::size_t>(StoredItems::text_lines));
  } else {  // a paragraph's line breaks inside an item, say: stored as they are
    varint::put(out, static_cast<std::size_t>(StoredItems::listed));
    varint::put(out, items.size());
    for (const auto& item : items) put_text(out, item);
  }
  varint::put(out, static_cast<std::size_t>(std::max(line, 0)));
  return out;
}

SectionRecord SectionRecord::from_stored(std::string_view data) {
  if (data.empty() || (data[0] != kStoredFormat && data[0] != kStoredFormatWithItems))
    throw Error("a section record in the index is of another format: rebuild it with koe index --rebuild");
  StoredReader in(data);
  SectionRecord r;
  for (std::string* f : {&r.department, &r.doc_id, &r.fiscal_year, &r.source}) *f = in.text();
  r.project_id = in.optional_text();
  r.project_name = in.optional_text();
  r.division = in.text();
  r.number = static_cast<int>(in.number());
  for (std::string* f : {&r.policy, &r.sub_policy, &r.sub_policy_name}) *f = in.text();
  const std::string kind = in.text();
  r.kind = parse_kind(kind).value_or(SectionKind::title);
  r.label = in.text();
  r.text = in.text();
  const auto stored_items = data[0] == kStoredFormatWithItems ? StoredItems::listed : StoredItems{in.number()};
  if (stored_items == StoredItems::text_lines) {
    r.items = lines_of(r.text);
  } else if (stored_items == StoredItems::listed) {
    r.items.resize(in.count());
    for (auto& item : r.items) item = in.text();
  } else if (stored_items != StoredItems::none) {
    in.damaged();
  }
  r.line = static_cast<int>(in.number());
  in.expect_end();
  r.id = r.project_id.value_or(r.doc_id) + "-" + kind;
  return r;
}

std::vector<SectionRecord> section_records(const Department& d) {
  std::vector<SectionRecord> out;
  auto add = [&](const std::string& owner_id, const Project* p, const Section& s) {
    SectionRecord r;
    r.id = owner_id + "-" + std::string(kind_name(s.kind));
    r.department = d.name;
    r.doc_id = d.doc_id;
    r.fiscal_year = d.fiscal_year;
    r.source = d.source;
    if (p) {
      r.project_id = p->id;
      r.project_name = p->name;
      r.division = p->division;
      r.number = p->number;
      r.policy = p->policy;
      r.sub_policy = p->sub_policy;
      r.sub_policy_name = p->sub_policy_name;
    }
    r.kind = s.kind;
    r.label = s.label;
    r.text = s.text;
    r.items = s.items;
    r.line = s.line;
    out.push_back(std::move(r));
  };
  for (const auto& s : d.sections) add(d.doc_id, nullptr, s);
  for (const auto& p : d.projects)
    for (const auto& s : p.sections) add(p.id, &p, s);
  return out;
}

}  // namespace koe
