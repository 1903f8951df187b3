#include "koe/indexer/plan_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "koe/indexer/error.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe {
namespace {

constexpr std::string_view kIdeographicSpace = "\u3000";

std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return s;
}

bool is_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The value of a digits-only cell, or nullopt when it does not fit an int (a 番号 of 2³¹
/// must be reported with its line, not abort the whole corpus the way std::stoi would).
std::optional<int> to_int(std::string_view s) {
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

struct Line {
  int no = 0;
  std::vector<std::string_view> cells;
  bool blank() const {
    return std::all_of(cells.begin(), cells.end(), [](auto c) { return c.empty(); });
  }
  std::string_view first() const {
    for (auto c : cells)
      if (!c.empty()) return c;
    return {};
  }
  std::string_view cell(std::size_t i) const { return i < cells.size() ? cells[i] : std::string_view{}; }
  /// The first non-empty cell after the cell equal to `label`.
  std::optional<std::string_view> value_after(std::string_view label) const {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (cells[i] != label) continue;
      for (std::size_t j = i + 1; j < cells.size(); ++j)
        if (!cells[j].empty()) return cells[j];
      return std::string_view{};
    }
    return std::nullopt;
  }
  bool has(std::string_view label) const { return std::find(cells.begin(), cells.end(), label) != cells.end(); }
};

std::string excerpt(std::string_view s) {
  std::string out(utf8::prefix(s, 30));
  if (out.size() < s.size()) out += "…";
  return out;
}

// ---- HTML fragments -------------------------------------------------------------------

void decode_entity(std::string_view s, std::size_t& i, std::string& out) {
  static const std::map<std::string_view, char32_t> named{{"amp", '&'},  {"lt", '<'},    {"gt", '>'},
                                                          {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '}};
  const auto semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) {
    out += '&';
    ++i;
    return;
  }
  std::string_view name = s.substr(i + 1, semi - i - 1);
  // Digits only: strtoul would also take blanks, a sign and wrap around, so "&#-1;" or
  // "&# 65;" would decode to something the author never wrote.
  auto digits = [](std::string_view d, int base) -> char32_t {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), v, base);
    return d.empty() || ec != std::errc() || end != d.data() + d.size() ? 0 : v;
  };
  char32_t cp = 0;
  if (name.starts_with("#x") || name.starts_with("#X")) {
    cp = digits(name.substr(2), 16);
  } else if (name.starts_with("#")) {
    cp = digits(name.substr(1), 10);
  } else if (auto it = named.find(name); it != named.end()) {
    cp = it->second;
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {  // not a character: keep the text as written
    out += '&';
    ++i;
    return;
  }
  utf8::append(out, cp);
  i = semi + 1;
}

constexpr char kItemBreak = '\x1f';

/// Tags become item breaks (`<li>`, `<br>`, paragraph ends) or nothing; entities decode.
std::string strip_html(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '<') {
      const auto close = s.find('>', i);
      if (close == std::string_view::npos) {
        out.append(s.substr(i));
        break;
      }
      std::string tag(s.substr(i + 1, close - i - 1));
      std::transform(tag.begin(), tag.end(), tag.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const auto name = tag.substr(0, tag.find_first_of(" \t/", tag.starts_with("/") ? 1 : 0));
      if (name == "li" || name == "br" || name == "br/" || name == "/p" || name == "/li")
        out += kItemBreak;
      else
        out += ' ';
      i = close + 1;
    } else if (s[i] == '&') {
      decode_entity(s, i, out);
    } else {
      out += s[i++];
    }
  }
  return out;
}

bool is_item_marker(char32_t c) {
  return c == U'・' || c == U'･' || (c >= 0x2460 && c <= 0x2473) || c == U'●' || c == U'○' || c == U'■' || c == U'□' ||
         c == U'◆' || c == U'◇' || c == U'▪';
}
bool is_open_bracket(char32_t c) {
  return c == U'（' || c == U'(' || c == U'「' || c == U'『' || c == U'【' || c == U'〔' || c == U'［' || c == U'[';
}
bool is_close_bracket(char32_t c) {
  return c == U'）' || c == U')' || c == U'」' || c == U'』' || c == U'】' || c == U'〕' || c == U'］' || c == U']';
}
bool is_ascii_alnum(char32_t c) { return c < 0x80 && std::isalnum(static_cast<int>(c)); }
bool is_space(char32_t c) { return c == ' ' || c == 0x3000 || c == '\t' || c == '\n' || c == '\r'; }

/// Splits a run of text into list items. The export separates `<ul>` items with a single
/// space, so a space splits unless it sits inside brackets or between two ASCII letters or
/// digits ("DS INSIGHT" stays one item). When the text starts with an item marker (・, ①…),
/// only a space before the next marker splits, so spaces inside an item survive.
std::vector<std::string> split_items(std::string_view s, bool split_on_any_space) {
  std::vector<std::string> items;
  std::string current;
  int depth = 0;
  std::size_t i = 0;
  char32_t prev = 0;
  auto flush = [&] {
    auto t = trim(current);
    if (!t.empty()) items.emplace_back(t);
    current.clear();
  };
  while (i < s.size()) {
    const std::size_t at = i;
    const char32_t c = utf8::next(s, i);
    if (is_open_bracket(c)) ++depth;
    if (is_close_bracket(c) && depth > 0) --depth;
    if (is_space(c) && depth == 0) {
      std::size_t j = i;
      while (j < s.size()) {
        std::size_t k = j;
        if (!is_space(utf8::next(s, k))) break;
        j = k;
      }
      char32_t following = 0;
      if (j < s.size()) {
        std::size_t k = j;
        following = utf8::next(s, k);
      }
      const bool between_ascii = is_ascii_alnum(prev) && is_ascii_alnum(following);
      const bool splits = split_on_any_space ? !between_ascii : is_item_marker(following);
      if (splits) {
        flush();
        i = j;
        prev = 0;
        continue;
      }
      current += ' ';
      i = j;
      prev = ' ';
      continue;
    }
    current.append(s.substr(at, i - at));
    prev = c;
  }
  flush();
  return items;
}

char32_t first_char(std::string_view s) {
  std::size_t i = 0;
  return s.empty() ? 0 : utf8::next(s, i);
}

bool has_marker_after_space(std::string_view s) {
  std::size_t i = 0;
  char32_t prev = 0;
  while (i < s.size()) {
    char32_t c = utf8::next(s, i);
    if (is_item_marker(c) && is_space(prev)) return true;
    prev = c;
  }
  return false;
}

}  // namespace

CellText clean_cell(std::string_view raw) {
  raw = trim(raw);
  const bool is_list = raw.find("<ul") != std::string_view::npos || raw.find("<li") != std::string_view::npos ||
                       raw.find("<UL") != std::string_view::npos;
  const std::string stripped = strip_html(raw);

  // Pieces separated by explicit breaks (<li>, <br>, paragraph ends).
  std::vector<std::string> pieces;
  {
    std::string cur;
    for (char c : stripped) {
      if (c == kItemBreak) {
        if (!trim(cur).empty()) pieces.emplace_back(trim(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!trim(cur).empty()) pieces.emplace_back(trim(cur));
  }

  CellText out;
  for (const auto& piece : pieces) {
    const bool marker_led = is_item_marker(first_char(piece));
    std::vector<std::string> parts;
    if (is_list && stripped.find(kItemBreak) == std::string::npos)
      parts = split_items(piece, !marker_led);
    else if (marker_led || has_marker_after_space(piece))
      parts = split_items(piece, false);
    else
      parts = {piece};
    for (auto& p : parts)
      if (!p.empty()) out.items.push_back(std::move(p));
  }
  // Collapse inner whitespace runs inside each item to a single space.
  for (auto& item : out.items) {
    std::string collapsed;
    bool in_space = false;
    std::size_t i = 0;
    while (i < item.size()) {
      std::size_t at = i;
      char32_t c = utf8::next(item, i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (!in_space) collapsed += ' ';
        in_space = true;
      } else {
        collapsed.append(item, at, i - at);
        in_space = false;
      }
    }
    item = collapsed;
  }
  for (std::size_t k = 0; k < out.items.size(); ++k) {
    if (k) out.text += '\n';
    out.text += out.items[k];
  }
  if (out.items.size() == 1) out.items.clear();
  return out;
}

DocumentIdentity identify_document(const std::filesystem::path& path) {
  auto slug = [](std::string s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c))
        out += static_cast<char>(std::tolower(c));
      else if (c == '-' || c == '_' || c == '.')
        out += '-';
    }
    return out;
  };
  DocumentIdentity id;
  const std::string stem = path.stem().string();
  const std::string parent = path.parent_path().filename().string();
  std::string base = slug(stem);
  if (parent.size() == 4 && is_number(parent)) {
    id.fiscal_year = parent;
    base = parent + "-" + base;
  }
  if (base.empty() || base.back() == '-') {
    // A name with no URL-safe characters: a stable hash of it keeps the id stable.
    std::uint32_t h = 2166136261u;
    for (unsigned char c : stem) h = (h ^ c) * 16777619u;
    std::ostringstream hex;
    hex << std::hex << h;
    base += "doc-" + hex.str();
  }
  id.doc_id = base;
  return id;
}

namespace {

class Parser {
 public:
  Parser(std::string_view content, std::string source, DocumentIdentity identity)
      : source_(std::move(source)), identity_(std::move(identity)) {
    split_lines(content);
  }

  ParsedDocument run() {
    ParsedDocument out;
    out.department.doc_id = identity_.doc_id;
    out.department.fiscal_year = identity_.fiscal_year;
    out.department.source = source_;
    parse_header(out.department);
    auto table = parse_table();
    parse_blocks(out.department, table);
    out.warnings = std::move(warnings_);
    return out;
  }

 private:
  struct TableRow {
    int line = 0;
    int number = 0;
    std::string policy, sub_policy, name, reason, division;
    bool seen = false;
  };

  void split_lines(std::string_view content) {
    int no = 0;
    std::size_t pos = 0;
    while (pos <= content.size()) {
      auto nl = content.find('\n', pos);
      if (nl == std::string_view::npos) nl = content.size();
      Line line;
      line.no = ++no;
      std::string_view text = content.substr(pos, nl - pos);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      std::size_t start = 0;
      for (;;) {
        auto tab = text.find('\t', start);
        line.cells.push_back(
            trim(text.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
      }
      lines_.push_back(std::move(line));
      if (nl == content.size()) break;
      pos = nl + 1;
    }
  }

  [[noreturn]] void fail(int line, const std::string& message) const { throw ParseError(source_, line, message); }
  void warn(int line, std::string message) { warnings_.push_back({source_, line, std::move(message)}); }

  /// Index of the first non-blank line at or after `from`, or lines_.size().
  std::size_t next_nonblank(std::size_t from) const {
    while (from < lines_.size() && lines_[from].blank()) ++from;
    return from;
  }
  int line_no(std::size_t i) const {
    return i < lines_.size() ? lines_[i].no : (lines_.empty() ? 1 : lines_.back().no);
  }

  std::size_t find_label(std::string_view label, std::size_t from) const {
    for (std::size_t i = from; i < lines_.size(); ++i)
      if (lines_[i].first() == label) return i;
    return lines_.size();
  }

  int project_number(const Line& l, std::string_view digits) const {
    const auto n = to_int(digits);
    if (!n)
      fail(l.no, "project number «" + excerpt(digits) + "» is too large: expected a 番号 from 0 to " +
                     std::to_string(INT_MAX));
    return *n;
  }

  bool is_block_start(const Line& l) const { return is_number(l.cell(0)) && l.has("施策番号"); }
  bool is_label_row(const Line& l) const {
    for (auto c : l.cells)
      if (c.starts_with("【") && parse_kind(c)) return true;
    return false;
  }

  Section department_section(SectionKind kind, std::size_t label_at) {
    std::size_t v = next_nonblank(label_at + 1);
    if (v >= lines_.size() || lines_[v].first() == "部のビジョン" || lines_[v].first() == "重要度が高い事務事業")
      fail(lines_[label_at].no,
           std::string(kind_label(kind)) + " has no text: expected a line of text after the label");
    auto cell = clean_cell(lines_[v].first());
    return Section{kind, std::string(kind_label(kind)), cell.text, cell.items, lines_[v].no};
  }

  void parse_header(Department& d) {
    const std::size_t first = next_nonblank(0);
    if (first >= lines_.size()) fail(1, "the file is empty: expected a 組織目標 export starting with a 部長名 row");
    const std::size_t head = find_label("部長名", first);
    if (head >= lines_.size() || head > first + 10)
      fail(lines_[first].no, "not a plan document: expected a 部長名 row (the header of the 組織目標 export), found «" +
                                 excerpt(lines_[first].first()) + "»");
    d.head_title = std::string(lines_[head].value_after("部長名").value_or(""));
    if (d.head_title.empty()) fail(lines_[head].no, "the 部長名 row has no value");
    d.name = d.head_title;
    if (d.name.ends_with("長") && d.name.size() > std::string_view("長").size())
      d.name.resize(d.name.size() - std::string_view("長").size());
    const std::size_t mission = find_label("部のミッション", head);
    if (mission >= lines_.size()) fail(lines_[head].no, "expected a 部のミッション row after the 部長名 row");
    d.sections.push_back(department_section(SectionKind::mission, mission));
    const std::size_t vision = find_label("部のビジョン", mission);
    if (vision >= lines_.size()) fail(lines_[mission].no, "expected a 部のビジョン row after 部のミッション");
    d.sections.push_back(department_section(SectionKind::vision, vision));
    cursor_ = vision + 1;
  }

  std::vector<TableRow> parse_table() {
    const std::size_t title = find_label("重要度が高い事務事業", cursor_);
    if (title >= lines_.size()) fail(line_no(cursor_), "expected the 重要度が高い事務事業 table after 部のビジョン");
    const std::size_t header = next_nonblank(title + 1);
    if (header >= lines_.size() || !lines_[header].has("番号") || !lines_[header].has("事業名"))
      fail(line_no(header),
           "expected the table header (番号, 施策番号, 細施策番号, 事業名, 重要度が高いとする理由, 事業実施課)");
    std::map<std::string_view, std::size_t> col;
    for (std::size_t c = 0; c < lines_[header].cells.size(); ++c) col[lines_[header].cells[c]] = c;
    for (auto need : {"番号", "施策番号", "細施策番号", "事業名", "重要度が高いとする理由", "事業実施課"})
      if (!col.count(need)) fail(lines_[header].no, std::string("the table header has no ") + need + " column");

    std::vector<TableRow> rows;
    std::size_t i = header + 1;
    for (; i < lines_.size(); ++i) {
      const Line& l = lines_[i];
      if (l.blank()) {
        if (!rows.empty()) break;
        continue;
      }
      if (is_block_start(l)) break;
      const auto number = l.cell(col["番号"]);
      if (!is_number(number))
        fail(l.no, "expected a project row starting with its 番号, found «" + excerpt(l.first()) + "»");
      TableRow row;
      row.line = l.no;
      row.number = project_number(l, number);
      row.policy = l.cell(col["施策番号"]);
      row.sub_policy = l.cell(col["細施策番号"]);
      row.name = l.cell(col["事業名"]);
      row.reason = clean_cell(l.cell(col["重要度が高いとする理由"])).text;
      row.division = l.cell(col["事業実施課"]);
      if (row.name.empty() && row.division.empty() && row.reason.empty()) {
        warn(l.no, "project row " + std::string(number) + " is empty and was skipped");
        continue;
      }
      if (row.name.empty()) fail(l.no, "project row " + std::string(number) + " has no 事業名");
      if (row.division.empty()) warn(l.no, "project " + row.name + " has no 事業実施課");
      // A map, not a scan of the rows so far: a table of 20,000 rows took seconds.
      if (const auto [at, added] = row_of_.emplace(row.number, rows.size()); !added)
        fail(l.no, "project number " + std::to_string(row.number) + " appears twice in the table (first on line " +
                       std::to_string(rows[at->second].line) + ")");
      rows.push_back(std::move(row));
    }
    if (rows.empty()) fail(lines_[header].no, "the 重要度が高い事務事業 table lists no project");
    cursor_ = i;
    return rows;
  }

  void parse_blocks(Department& d, std::vector<TableRow>& table) {
    std::size_t i = cursor_;
    while (i < lines_.size()) {
      if (lines_[i].blank()) {
        ++i;
        continue;
      }
      if (!is_block_start(lines_[i])) {
        warn(lines_[i].no, "row outside any project block ignored: «" + excerpt(lines_[i].first()) + "»");
        ++i;
        continue;
      }
      std::size_t end = i + 1;
      while (end < lines_.size() && !is_block_start(lines_[end])) ++end;
      d.projects.push_back(parse_block(i, end, d, table));
      i = end;
    }
    for (const auto& row : table)
      if (!row.seen)
        fail(row.line, "project " + std::to_string(row.number) + " (" + row.name +
                           ") is listed in the table but has no detail block (a row starting «" +
                           std::to_string(row.number) + "\t施策番号»)");
  }

  Project parse_block(std::size_t begin, std::size_t end, const Department& d, std::vector<TableRow>& table) {
    const Line& head = lines_[begin];
    Project p;
    p.line = head.no;
    p.number = project_number(head, head.cell(0));
    p.policy = head.value_after("施策番号").value_or("");
    p.sub_policy = head.value_after("細施策番号").value_or("");
    p.sub_policy_name = head.value_after("細施策名").value_or("");
    p.name = head.value_after("事業名").value_or("");
    p.id = d.doc_id + "-" + std::to_string(p.number);
    const auto listed = row_of_.find(p.number);
    if (listed == row_of_.end())
      fail(head.no, "project block " + std::to_string(p.number) + " is not listed in the 重要度が高い事務事業 table");
    const auto row = table.begin() + static_cast<std::ptrdiff_t>(listed->second);
    if (row->seen) fail(head.no, "a second detail block for project " + std::to_string(p.number));
    row->seen = true;
    if (p.name.empty()) p.name = row->name;
    if (p.name != row->name)
      warn(head.no, "事業名 «" + p.name + "» differs from the table's «" + row->name + "»; the block's is kept");
    if (p.policy != row->policy || p.sub_policy != row->sub_policy)
      warn(head.no, "施策/細施策 numbers differ from the table's; the block's are kept");
    p.reason = row->reason;
    p.division = row->division;

    p.sections.push_back({SectionKind::title, std::string(kind_label(SectionKind::title)), p.name, {}, head.no});
    if (!p.reason.empty())
      p.sections.push_back(
          {SectionKind::reason, std::string(kind_label(SectionKind::reason)), p.reason, {}, row->line});
    else
      warn(row->line, "project " + p.name + " has no 重要度が高いとする理由");

    std::map<SectionKind, Section> found;
    for (std::size_t i = begin + 1; i < end; ++i) {
      const Line& l = lines_[i];
      if (l.blank()) continue;
      if (auto focus = l.value_after("目標設定にあたって重視した点")) {
        auto cell = clean_cell(*focus);
        p.focus = cell.text;
        if (cell.text.empty())
          warn(l.no, "目標設定にあたって重視した点 has no text");
        else
          found[SectionKind::focus] = {SectionKind::focus, std::string(kind_label(SectionKind::focus)), cell.text,
                                       cell.items, l.no};
        continue;
      }
      if (is_label_row(l)) {
        i = read_label_row(begin, i, end, p, found);
        continue;
      }
      warn(l.no, "unexpected row in project " + std::to_string(p.number) + " ignored: «" + excerpt(l.first()) + "»");
    }
    std::string missing;
    for (auto k : {SectionKind::purpose, SectionKind::goal_2030, SectionKind::goal_fy, SectionKind::status,
                   SectionKind::issues, SectionKind::activities})
      if (!found.count(k) && !labelled_.count({begin, k})) missing += "【" + std::string(kind_label(k)) + "】";
    if (!missing.empty())
      fail(head.no, "project " + std::to_string(p.number) + " (" + p.name + ") is truncated: its block ends at line " +
                        std::to_string(line_no(end - 1)) + " without " + missing);
    for (auto k : all_section_kinds())
      if (auto it = found.find(k); it != found.end()) p.sections.push_back(std::move(it->second));
    return p;
  }

  /// Pairs the labels of row `i` with the value cells of row `i + 1`. The export shifts some
  /// value rows by a cell (block 9's 【現状】 row), so each value goes to the label whose
  /// column is nearest; when counts agree they pair in order.
  std::size_t read_label_row(std::size_t block, std::size_t i, std::size_t end, Project& p,
                             std::map<SectionKind, Section>& found) {
    const Line& labels = lines_[i];
    std::vector<std::pair<std::size_t, SectionKind>> cols;
    for (std::size_t c = 0; c < labels.cells.size(); ++c)
      if (labels.cells[c].starts_with("【"))
        if (auto k = parse_kind(labels.cells[c])) cols.emplace_back(c, *k);
    std::string names;
    for (auto& [c, k] : cols) names += "【" + std::string(kind_label(k)) + "】";
    const std::size_t v = i + 1;
    if (v >= end || lines_[v].blank() || is_label_row(lines_[v]) ||
        lines_[v].value_after("目標設定にあたって重視した点"))
      fail(labels.no, "the label row " + names + " has no value row: expected their text on line " +
                          std::to_string(labels.no + 1));
    const Line& values = lines_[v];
    std::vector<std::size_t> value_cols;
    for (std::size_t c = 0; c < values.cells.size(); ++c)
      if (!values.cells[c].empty()) value_cols.push_back(c);
    if (value_cols.size() > cols.size())
      fail(values.no, std::to_string(value_cols.size()) + " text cells under " + std::to_string(cols.size()) +
                          " labels " + names + " on line " + std::to_string(labels.no));
    std::vector<std::optional<std::size_t>> assigned(cols.size());
    if (value_cols.size() == cols.size()) {
      for (std::size_t k = 0; k < cols.size(); ++k) assigned[k] = value_cols[k];
    } else {
      for (auto vc : value_cols) {
        std::size_t best = 0;
        std::size_t best_dist = SIZE_MAX;
        for (std::size_t k = 0; k < cols.size(); ++k) {
          if (assigned[k]) continue;
          std::size_t dist = vc > cols[k].first ? vc - cols[k].first : cols[k].first - vc;
          if (dist < best_dist) best = k, best_dist = dist;
        }
        assigned[best] = vc;
      }
    }
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const SectionKind kind = cols[k].second;
      labelled_.insert({block, kind});
      if (!assigned[k]) {
        warn(values.no,
             "【" + std::string(kind_label(kind)) + "】 of project " + std::to_string(p.number) + " has no text");
        continue;
      }
      auto cell = clean_cell(values.cells[*assigned[k]]);
      if (cell.text.empty()) {
        warn(values.no,
             "【" + std::string(kind_label(kind)) + "】 of project " + std::to_string(p.number) + " has no text");
        continue;
      }
      found[kind] = Section{kind, std::string(kind_label(kind)), cell.text, cell.items, values.no};
    }
    return v;
  }

  std::string source_;
  DocumentIdentity identity_;
  std::vector<Line> lines_;
  std::vector<ParseWarning> warnings_;
  std::size_t cursor_ = 0;
  std::map<int, std::size_t> row_of_;  ///< 番号 → its row in the project table
  std::set<std::pair<std::size_t, SectionKind>> labelled_;
};

}  // namespace

ParsedDocument parse_plan(std::string_view content, const std::string& source, const DocumentIdentity& identity) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  if (auto bad = utf8::find_invalid(content)) {
    const int line = 1 + static_cast<int>(std::count(content.begin(), content.begin() + static_cast<long>(*bad), '\n'));
    throw ParseError(source, line,
                     "invalid UTF-8 at byte offset " + std::to_string(*bad) + " (the export must be UTF-8)");
  }
  if (trim(content).empty()) throw ParseError(source, 1, "the file is empty: expected a 組織目標 export");
  return Parser(content, source, identity).run();
}

ParsedDocument parse_plan_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_plan(buf.str(), path.string(), identify_document(path));
}

}  // namespace koe
