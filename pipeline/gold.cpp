// gold.cpp: gold JSONL and the DISARM incident-page importer (see gold.h).
#include "gold.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "read.h"

namespace ttptag {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ci(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[pos + i]) != prefix[i]) return false;
  return true;
}

// Length of a technique ID at `pos` (T1234, T1234.567, or the typo T1234:567),
// 0 if none. The ID must not be glued to letters or digits on either side.
size_t id_length(std::string_view s, size_t pos) {
  if (pos >= s.size() || s[pos] != 'T' || (pos > 0 && is_alnum(s[pos - 1]))) return 0;
  if (s.size() - pos < 5) return 0;
  for (size_t i = 1; i <= 4; ++i)
    if (!is_digit(s[pos + i])) return 0;
  size_t n = 5;
  if (s.size() - pos >= 9 && (s[pos + 5] == '.' || s[pos + 5] == ':') && is_digit(s[pos + 6]) &&
      is_digit(s[pos + 7]) && is_digit(s[pos + 8]))
    n = 9;
  if (pos + n < s.size() && is_alnum(s[pos + n])) return 0;
  return n;
}

std::string normalize_id(std::string_view id) {
  std::string out(id);
  if (out.size() == 9) out[5] = '.';
  return out;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x110000) {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the HTML entity at s[pos] == '&' into `out`; returns its length, 0 if none.
size_t decode_entity(std::string_view s, size_t pos, std::string& out) {
  size_t semi = s.find(';', pos);
  if (semi == std::string_view::npos || semi - pos > 10) return 0;
  std::string_view name = s.substr(pos + 1, semi - pos - 1);
  static const std::pair<std::string_view, uint32_t> kNamed[] = {
      {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
      {"nbsp", ' '},     {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
      {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026}};
  for (const auto& [n, cp] : kNamed)
    if (name == n) return append_utf8(out, cp), semi - pos + 1;
  if (name.size() >= 2 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    uint32_t cp = 0;
    for (char c : digits) {
      uint32_t d;
      if (is_digit(c))
        d = static_cast<uint32_t>(c - '0');
      else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
        d = static_cast<uint32_t>(lower(c) - 'a' + 10);
      else
        return 0;
      cp = cp * (hex ? 16u : 10u) + d;
      if (cp > 0x10FFFF) return 0;
    }
    append_utf8(out, cp == 0xA0 ? ' ' : cp);
    return semi - pos + 1;
  }
  return 0;
}

// Collapses blanks inside lines, trims lines, keeps at most one blank line.
std::string tidy(std::string_view s) {
  std::string out;
  int newlines = 0;
  bool space = false;
  for (char c : s) {
    if (c == '\n') {
      ++newlines;
      space = false;
    } else if (is_space(c)) {
      space = true;
    } else {
      if (!out.empty()) {
        if (newlines > 0)
          out += newlines > 1 ? "\n\n" : "\n";
        else if (space)
          out += ' ';
      }
      out += c;
      newlines = 0;
      space = false;
    }
  }
  return out;
}

void join_to(std::string& out, std::string_view part, std::string_view sep = "\n\n") {
  if (part.empty()) return;
  if (!out.empty()) out += sep;
  out += part;
}

void add_tag(std::vector<GoldTag>& tags, const std::string& id, const std::string& evidence,
             const std::string& note = "") {
  for (auto& t : tags)
    if (t.id == id) {
      if (t.evidence.empty() && !evidence.empty()) t = {id, evidence, note};
      return;
    }
  tags.push_back({id, evidence, note});
}

// ---- description scanner ----

// The cleaned description with, per byte, whether it was in italics, plus
// where each tag list was cut out.
struct Scanned {
  std::string out;
  std::vector<bool> italic;
  struct Cut {
    size_t pos;
    std::vector<std::string> ids;
    bool mention;
  };
  std::vector<Cut> cuts;
};

// `_` opens italics at a word start and closes them at a word end.
bool underscore_opens(std::string_view s, size_t i) {
  if (i + 1 >= s.size() || is_space(s[i + 1])) return false;
  if (i == 0) return true;
  char p = s[i - 1];
  return is_space(p) || p == '>' || p == '(' || p == '"' || p == '\'';
}
bool underscore_closes(std::string_view s, size_t i) {
  if (i == 0 || is_space(s[i - 1])) return false;
  if (i + 1 == s.size()) return true;
  char n = s[i + 1];
  return is_space(n) || n == '<' || n == '|' || n == ')' || n == ',' || n == '.' || n == ';' ||
         n == ':' || n == '!' || n == '?' || static_cast<unsigned char>(n) >= 0x80;
}

// A run of capitalised words ("Make Money", "Develop AI-Generated Audio
// (Deepfakes)"), allowing lowercase linking words between them.
size_t title_run_length(std::string_view s, size_t pos) {
  static const std::set<std::string_view> kLinks = {"and", "or", "of", "to", "into", "for",  "the",
                                                    "a",   "an", "on", "in", "via",  "with", "by"};
  size_t end = pos, i = pos;
  while (i < s.size()) {
    size_t w = i;
    while (w < s.size() && !is_space(s[w]) && s[w] != ',' && s[w] != ';' && s[w] != '<') ++w;
    std::string_view word = s.substr(i, w - i);
    while (!word.empty() && (word.back() == '.' || word.back() == ':')) word.remove_suffix(1);
    if (word.empty()) break;
    bool cap = is_upper(word[0]) || is_digit(word[0]) ||
               (word[0] == '(' && word.size() > 1 && is_upper(word[1]));
    if (cap)
      end = i + word.size();
    else if (!kLinks.count(word))
      break;
    if (word.size() != w - i || w >= s.size() || s[w] != ' ') break;  // punctuation ends the name
    i = w + 1;
  }
  return end - pos;
}

Scanned scan(std::string_view s, const std::map<std::string, std::vector<std::string>>& names) {
  Scanned r;
  bool italic = false, underscore = false;
  auto put = [&](std::string_view text) {
    r.out += text;
    r.italic.insert(r.italic.end(), text.size(), italic);
  };
  auto cut = [&](std::vector<std::string> ids, bool mention) {
    while (!r.out.empty() && (r.out.back() == ' ' || r.out.back() == '\t')) {
      r.out.pop_back();
      r.italic.pop_back();
    }
    r.cuts.push_back({r.out.size(), std::move(ids), mention});
  };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '<') {
      size_t close = s.find('>', i);
      size_t name_end = i + 1 + (i + 1 < s.size() && s[i + 1] == '/');
      size_t n = name_end;
      while (n < s.size() && is_alnum(s[n])) ++n;
      if (close != std::string_view::npos && close - i < 256 && n > name_end &&
          s.substr(i + 1, close - i - 1).find('<') == std::string_view::npos) {
        std::string tag;
        for (size_t k = name_end; k < n; ++k) tag += lower(s[k]);
        bool closing = s[i + 1] == '/';
        if (tag == "br")
          put("\n");
        else if (tag == "p")
          put("\n\n");
        else if (tag == "i" || tag == "em") {
          // A second opening tag inside italics is a mistyped closing one.
          if (closing || italic)
            italic = underscore = false;
          else
            italic = true;
        }
        i = close + 1;
        continue;
      }
    } else if (c == '&') {
      std::string decoded;
      if (size_t n = decode_entity(s, i, decoded)) {
        put(decoded);
        i += n;
        continue;
      }
    } else if (c == '_') {
      if (underscore && underscore_closes(s, i)) {
        italic = underscore = false;
        ++i;
        continue;
      }
      if (!italic && underscore_opens(s, i)) {
        bool closes = false;
        for (size_t k = i + 2; k < s.size() && !closes; ++k)
          closes = s[k] == '_' && underscore_closes(s, k);
        if (closes) {
          italic = underscore = true;
          ++i;
          continue;
        }
      }
    } else if ((c == '(' || c == '[') && i + 1 < s.size()) {
      size_t k = i + 1;
      while (k < s.size() && s[k] == ' ') ++k;
      if (id_length(s, k) > 0) {
        // A tag list: up to the balancing bracket (technique names hold parentheses).
        char open = c, shut = c == '(' ? ')' : ']';
        int depth = 0;
        size_t end = i;
        for (; end < s.size(); ++end) {
          if (s[end] == open)
            ++depth;
          else if (s[end] == shut && --depth == 0)
            break;
          else if (s[end] == '\n' || starts_with_ci(s, end, "<br"))
            break;
        }
        std::string_view body = s.substr(i + 1, end - i - 1);
        std::vector<std::string> ids;
        for (size_t p = 0; p < body.size(); ++p)
          if (size_t n = id_length(body, p)) {
            ids.push_back(normalize_id(body.substr(p, n)));
            p += n - 1;
          }
        cut(std::move(ids), false);
        i = end < s.size() && s[end] == shut ? end + 1 : end;
        continue;
      }
    } else if (size_t n = id_length(s, i)) {
      // A mention in running text: "This behaviour matches T0137: Make Money because ...".
      std::string id = normalize_id(s.substr(i, n));
      size_t k = i + n;
      if (k < s.size() && s[k] == ':') ++k;
      while (k < s.size() && s[k] == ' ') ++k;
      size_t name = 0;
      if (auto it = names.find(id); it != names.end())
        for (const auto& known : it->second)
          if (s.substr(k, known.size()) == known && known.size() > name) name = known.size();
      if (name == 0) name = title_run_length(s, k);
      cut({id}, true);
      i = name > 0 ? k + name : i + n;
      continue;
    }
    put(s.substr(i, 1));
    ++i;
  }
  return r;
}

// Italic text of out[begin, end), runs tidied and blank-line separated.
std::string italics(const Scanned& sc, size_t begin, size_t end) {
  std::string quotes;
  for (size_t i = begin; i < end;) {
    if (!sc.italic[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < end && sc.italic[j]) ++j;
    join_to(quotes, tidy(std::string_view(sc.out).substr(i, j - i)));
    i = j;
  }
  return quotes;
}

// Block quotes (italics starting a line) and commentary paragraphs, in order.
struct Item {
  size_t begin, end;
  bool quote;
  std::vector<size_t> cuts;  // indices into Scanned::cuts
};

std::vector<Item> split_items(const Scanned& sc) {
  std::vector<Item> items;
  const std::string& s = sc.out;
  size_t line_start = 0, para = 0;
  auto flush = [&](size_t end) {
    if (end > para) items.push_back({para, end, false, {}});
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      flush(i);
      para = line_start = i + 1;
    } else if (sc.italic[i] && (i == 0 || !sc.italic[i - 1]) &&
               tidy(std::string_view(s).substr(line_start, i - line_start)).empty()) {
      flush(line_start);
      size_t j = i;
      while (j < s.size() && sc.italic[j]) ++j;
      items.push_back({i, j, true, {}});
      para = j;
      line_start = j;  // text after the quote on its line starts a paragraph
      i = j - 1;
    }
  }
  flush(s.size());
  // Attach each cut to the item holding it (at an item's end: the last one ending there).
  for (size_t c = 0; c < sc.cuts.size(); ++c) {
    size_t pos = sc.cuts[c].pos, best = items.size();
    for (size_t k = 0; k < items.size(); ++k) {
      if (items[k].begin <= pos && pos < items[k].end) {
        best = k;
        break;
      }
      if (items[k].end == pos) best = k;
    }
    if (best == items.size())  // between items: the next one starting after it, else the last
      for (size_t k = 0; k < items.size(); ++k)
        if (items[k].begin >= pos || k + 1 == items.size()) {
          best = k;
          break;
        }
    if (best < items.size()) items[best].cuts.push_back(c);
  }
  std::erase_if(items, [&](const Item& it) {
    return it.cuts.empty() && tidy(std::string_view(s).substr(it.begin, it.end - it.begin)).empty();
  });
  return items;
}

}  // namespace

bool is_gold_level(std::string_view level) {
  for (const char* l : kGoldLevels)
    if (level == l) return true;
  return false;
}

ParsedDescription parse_description(std::string_view description,
                                    const std::map<std::string, std::vector<std::string>>& names) {
  Scanned sc = scan(description, names);
  std::string_view out = sc.out;
  ParsedDescription r;
  r.text = tidy(out);
  r.quotes = italics(sc, 0, sc.out.size());
  std::vector<Item> items = split_items(sc);

  // Evidence of a cut: its paragraph from the previous cut (whole paragraph for mentions).
  std::vector<std::string> evidence(sc.cuts.size());
  for (const Item& it : items) {
    size_t from = it.begin;
    for (size_t c : it.cuts) {
      const auto& cut = sc.cuts[c];
      size_t line = out.rfind('\n', cut.pos == 0 ? 0 : cut.pos - 1);
      if (line != std::string_view::npos && line + 1 > from && line < cut.pos) from = line + 1;
      std::string ev = cut.mention ? tidy(out.substr(it.begin, it.end - it.begin))
                                   : tidy(out.substr(from, cut.pos - from));
      while (!ev.empty() && (ev[0] == ',' || ev[0] == ';' || ev[0] == '.' || ev[0] == ' '))
        ev.erase(0, 1);
      evidence[c] = ev;
      from = cut.pos;
    }
  }
  for (size_t c = 0; c < sc.cuts.size(); ++c) r.lists.push_back({sc.cuts[c].ids, evidence[c]});

  // Segments: one per block quote with the commentary that belongs to it. A
  // paragraph ending in ':' right before a quote introduces it; other
  // paragraphs follow the quote before them (or the first quote if none).
  std::vector<size_t> anchor(items.size(), 0);
  std::vector<size_t> quotes;
  for (size_t k = 0; k < items.size(); ++k)
    if (items[k].quote) quotes.push_back(k);
  for (size_t k = 0; k < items.size(); ++k) {
    if (items[k].quote || quotes.empty()) {
      anchor[k] = quotes.empty() ? 0 : k;
      continue;
    }
    std::string t = tidy(out.substr(items[k].begin, items[k].end - items[k].begin));
    bool intro = k + 1 < items.size() && items[k + 1].quote && !t.empty() && t.back() == ':';
    auto next = std::upper_bound(quotes.begin(), quotes.end(), k);
    if (intro)
      anchor[k] = k + 1;
    else if (next != quotes.begin())
      anchor[k] = *(next - 1);
    else
      anchor[k] = *next;
  }
  std::vector<size_t> anchors = quotes.empty() ? std::vector<size_t>{0} : quotes;
  for (size_t a : anchors) {
    ParsedDescription::Segment seg;
    for (size_t k = 0; k < items.size(); ++k) {
      if (anchor[k] != a) continue;
      join_to(seg.text, tidy(out.substr(items[k].begin, items[k].end - items[k].begin)));
      join_to(seg.quotes, italics(sc, items[k].begin, items[k].end));
      for (size_t c : items[k].cuts)
        for (const auto& id : sc.cuts[c].ids) add_tag(seg.tags, id, evidence[c]);
    }
    r.segments.push_back(std::move(seg));
  }
  // A quote without tags of its own joins the next segment (or the previous, if last).
  for (size_t k = 0; k < r.segments.size();) {
    if (!r.segments[k].tags.empty() || r.segments.size() == 1) {
      ++k;
      continue;
    }
    auto& seg = r.segments[k];
    if (k + 1 < r.segments.size()) {
      auto& next = r.segments[k + 1];
      std::string text = seg.text, quotes_ = seg.quotes;
      join_to(text, next.text);
      join_to(quotes_, next.quotes);
      next.text = std::move(text);
      next.quotes = std::move(quotes_);
    } else {
      join_to(r.segments[k - 1].text, seg.text);
      join_to(r.segments[k - 1].quotes, seg.quotes);
    }
    r.segments.erase(r.segments.begin() + static_cast<std::ptrdiff_t>(k));
  }
  std::erase_if(r.segments, [](const auto& seg) { return seg.tags.empty(); });
  return r;
}

namespace {

struct Row {
  std::string id, name, description;
};

struct Page {
  std::string incident, summary;
  std::vector<Row> rows;
};

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Reads the header, the summary and the rows of the technique table.
Page parse_page(std::string incident, std::string_view md) {
  Page page{std::move(incident), "", {}};
  bool in_table = false;
  std::istringstream in{std::string(md)};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# Incident ", 0) == 0) {
      size_t colon = line.find(':');
      page.incident =
          trim(line.substr(11, colon == std::string::npos ? std::string::npos : colon - 11));
    } else if (line.rfind("* **Summary:**", 0) == 0) {
      page.summary = trim(line.substr(14));
    } else if (line.rfind("| Technique |", 0) == 0) {
      in_table = true;
    } else if (in_table && line.rfind("| [", 0) == 0) {
      // | [T0088.001 Name](link) | DESCRIPTION |  (the description may hold '|')
      size_t close = line.find("](", 3),
             sep = line.find(") |", close == std::string::npos ? 0 : close);
      std::string_view head = std::string_view(line).substr(3, close - 3);
      size_t n = close == std::string::npos ? 0 : id_length(head, 0);
      if (n == 0 || sep == std::string::npos) continue;
      std::string desc = trim(std::string_view(line).substr(sep + 3));
      if (!desc.empty() && desc.back() == '|') desc.pop_back();
      page.rows.push_back({normalize_id(head.substr(0, n)), trim(head.substr(n)), trim(desc)});
    } else if (in_table && line.rfind("|", 0) != 0 && !trim(line).empty()) {
      in_table = false;
    }
  }
  return page;
}

// Technique names seen on a page: row links and "ID: Name" list entries.
void collect_names(const Page& page, std::map<std::string, std::vector<std::string>>& names) {
  auto add = [&](const std::string& id, std::string name) {
    name = trim(name);
    auto& v = names[id];
    if (!name.empty() && std::find(v.begin(), v.end(), name) == v.end()) v.push_back(name);
  };
  for (const Row& row : page.rows) {
    add(row.id, row.name);
    std::string_view d = row.description;
    for (size_t p = d.find('('); p != std::string_view::npos; p = d.find('(', p + 1)) {
      size_t n = id_length(d, p + 1);
      if (n == 0) continue;
      // Entries "T0146: Account Asset, T0152.006: Video Platform" up to the list's end.
      int depth = 0;
      size_t end = p;
      for (; end < d.size(); ++end)
        if (d[end] == '(')
          ++depth;
        else if (d[end] == ')' && --depth == 0)
          break;
      std::string_view body = d.substr(p + 1, end - p - 1);
      size_t start = 0;
      for (size_t q = 0; q <= body.size(); ++q) {
        bool next = q == body.size() || (q > start && id_length(body, q) > 0);
        if (!next) continue;
        std::string_view entry = body.substr(start, q - start);
        size_t m = id_length(entry, 0);
        if (m > 0) {
          std::string name(entry.substr(m));
          while (!name.empty() && (name.back() == ',' || is_space(name.back()))) name.pop_back();
          if (!name.empty() && name[0] == ':') name.erase(0, 1);
          add(normalize_id(entry.substr(0, m)), name);
        }
        start = q;
      }
    }
  }
}

// The quoted excerpt reduced to lower-case letters and digits (the whole
// text when there is no quote): two copies of one quote that differ only in
// markup, spacing or punctuation get the same key.
std::string excerpt_key(const ParsedDescription& pd) {
  const std::string& source = pd.quotes.empty() ? pd.text : pd.quotes;
  std::string key;
  key.reserve(source.size());
  for (unsigned char c : source) {
    if (c >= 0x80 || std::isalnum(c)) key.push_back(static_cast<char>(std::tolower(c)));
  }
  return key;
}

std::vector<GoldUnit> page_units(const Page& page,
                                 const std::map<std::string, std::vector<std::string>>& names) {
  std::vector<GoldUnit> passages, segments;
  std::map<std::string, size_t> passage_by_excerpt, segment_by_text;
  std::map<std::string, ParsedDescription> parsed;
  std::set<std::string> descriptions_seen;
  for (const Row& row : page.rows) {
    auto [it, fresh] = parsed.try_emplace(row.description);
    if (fresh) it->second = parse_description(row.description, names);
    const ParsedDescription& pd = it->second;
    // Rows citing the same excerpt describe one passage, even when the page
    // copies the quote with small differences in markup or punctuation.
    auto [p, added] = passage_by_excerpt.try_emplace(excerpt_key(pd), passages.size());
    bool new_description = descriptions_seen.insert(pd.text).second;
    if (!added && new_description) {
      // Another analyst note on the same excerpt: its words and tags join the passage.
      GoldUnit& u = passages[p->second];
      join_to(u.text, pd.text);
      for (const auto& list : pd.lists)
        for (const auto& id : list.ids) add_tag(u.tags, id, list.evidence);
    }
    if (new_description) {
      for (const auto& seg : pd.segments) {
        auto [s, new_seg] = segment_by_text.try_emplace(seg.text, segments.size());
        if (new_seg)
          segments.push_back({page.incident + "/segment/" + std::to_string(segments.size() + 1),
                              "segment",
                              "disarm",
                              page.incident,
                              seg.text,
                              seg.quotes,
                              "",
                              {}});
        for (const auto& t : seg.tags) add_tag(segments[s->second].tags, t.id, t.evidence);
      }
    }
    if (added) {
      GoldUnit u{page.incident + "/passage/" + std::to_string(passages.size() + 1),
                 "passage",
                 "disarm",
                 page.incident,
                 pd.text,
                 pd.quotes,
                 "",
                 {}};
      for (const auto& list : pd.lists)
        for (const auto& id : list.ids) add_tag(u.tags, id, list.evidence);
      passages.push_back(std::move(u));
    }
    add_tag(passages[p->second].tags, row.id, "", "row");
  }
  GoldUnit incident{page.incident, "incident", "disarm", page.incident, "", "", "", {}};
  ParsedDescription summary = parse_description(page.summary, names);
  incident.text = summary.text;
  incident.quotes = summary.quotes;
  for (const auto& p : passages) {
    join_to(incident.text, p.text);
    join_to(incident.quotes, p.quotes);
    for (const auto& t : p.tags) add_tag(incident.tags, t.id, t.evidence, t.note);
  }
  std::vector<GoldUnit> units{std::move(incident)};
  for (auto* v : {&passages, &segments})
    for (auto& u : *v) units.push_back(std::move(u));
  return units;
}

std::string incident_from_filename(const std::string& path) {
  return fs::path(path).stem().string();
}

}  // namespace

std::vector<GoldUnit> import_disarm_page(
    const std::string& incident, std::string_view markdown, size_t* rows,
    const std::map<std::string, std::vector<std::string>>& known) {
  Page page = parse_page(incident, markdown);
  if (rows) *rows = page.rows.size();
  if (page.rows.empty()) return {};
  std::map<std::string, std::vector<std::string>> names = known;
  collect_names(page, names);
  return page_units(page, names);
}

DisarmImport import_disarm(const std::string& dir) {
  DisarmImport r;
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_regular_file() && name.size() > 4 && name[0] == 'I' && name.ends_with(".md"))
      files.push_back(it->path().string());
  }
  if (ec) {
    r.error = "cannot read directory " + dir + ": " + ec.message();
    return r;
  }
  std::sort(files.begin(), files.end());
  // Two passes: technique names from every page help cut mentions on any page.
  std::vector<Page> pages;
  std::map<std::string, std::vector<std::string>> names;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      r.warnings.push_back(f + ": cannot read");
      continue;
    }
    std::stringstream md;
    md << in.rdbuf();
    pages.push_back(parse_page(incident_from_filename(f), md.str()));
    collect_names(pages.back(), names);
  }
  r.names = names;
  for (const Page& page : pages) {
    ++r.pages;
    r.rows += page.rows.size();
    if (page.rows.empty()) continue;
    ++r.pages_with_rows;
    for (auto& u : page_units(page, names)) {
      ++r.per_level[u.level];
      r.units.push_back(std::move(u));
    }
  }
  return r;
}

std::vector<std::string> resolve_gold_ids(
    std::vector<GoldUnit>& units, const std::map<std::string, std::vector<std::string>>& names,
    const Catalog& catalog) {
  std::map<std::string, std::string> unknown;  // id -> first unit
  for (const auto& u : units)
    for (const auto& t : u.tags)
      if (!catalog.find(t.id)) unknown.emplace(t.id, u.id);
  std::vector<std::string> warnings;
  for (const auto& [id, unit] : unknown) {
    std::string resolved, resolved_name;
    auto seen = names.find(id);
    if (seen != names.end()) {
      for (const auto& name : seen->second) {
        std::vector<std::string> owners;
        for (const auto& tech : catalog.techniques())
          if (tech.name == name) owners.push_back(tech.id);
        if (owners.size() == 1) resolved = owners[0], resolved_name = name;
      }
    }
    std::string w = "gold tag " + id + " (first in " + unit + ") is not in the catalogue; ";
    if (resolved.empty()) {
      warnings.push_back(w + "no rule can match it");
      continue;
    }
    warnings.push_back(w + "the page names it \"" + resolved_name + "\", which is " + resolved +
                       ": imported as " + resolved);
    for (auto& u : units) {
      bool has_resolved = std::any_of(u.tags.begin(), u.tags.end(),
                                      [&](const GoldTag& t) { return t.id == resolved; });
      if (has_resolved)
        std::erase_if(u.tags, [&unknown_id = id](const GoldTag& t) { return t.id == unknown_id; });  // clang < 16: no capture of a structured binding
      else
        for (auto& t : u.tags)
          if (t.id == id) t.id = resolved;
    }
  }
  return warnings;
}

// ---- JSONL ----

std::string gold_to_jsonl(const GoldUnit& u) {
  ojson j;
  j["id"] = u.id;
  j["level"] = u.level;
  j["source"] = u.source;
  if (!u.incident.empty()) j["incident"] = u.incident;
  if (!u.text.empty() || u.path.empty()) j["text"] = u.text;
  if (!u.quotes.empty()) j["quotes"] = u.quotes;
  if (!u.path.empty()) j["path"] = u.path;
  j["tags"] = ojson::array();
  for (const auto& t : u.tags) {
    ojson tag;
    tag["id"] = t.id;
    if (!t.evidence.empty()) tag["evidence"] = t.evidence;
    if (!t.note.empty()) tag["note"] = t.note;
    j["tags"].push_back(std::move(tag));
  }
  if (!u.rejected.empty()) {
    j["rejected"] = ojson::array();
    for (const auto& r : u.rejected) j["rejected"].push_back({{"id", r.id}, {"rule", r.rule}});
  }
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

void write_gold(const std::vector<GoldUnit>& units, std::ostream& out) {
  for (const auto& u : units) out << gold_to_jsonl(u) << '\n';
}

namespace {

std::string get_string(const nlohmann::json& j, const char* key, std::string* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string()) {
    *error = std::string("\"") + key + "\" must be a string";
    return "";
  }
  return it->get<std::string>();
}

// Finds a unit's text file: relative to the working directory, then to the
// parent of the gold file's directory.
std::string resolve(const std::string& path, const std::string& gold_path) {
  std::error_code ec;
  fs::path p(path);
  if (p.is_absolute() || fs::is_regular_file(p, ec)) return path;
  fs::path alt = fs::absolute(gold_path, ec).parent_path().parent_path() / p;
  return fs::is_regular_file(alt, ec) ? alt.string() : path;
}

}  // namespace

GoldFile read_gold(const std::string& path) {
  GoldFile r;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.error = path + ": cannot open";
    return r;
  }
  std::set<std::string> ids;
  size_t lineno = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineno;
    if (trim(line).empty()) continue;
    std::string where = path + ":" + std::to_string(lineno) + ": ";
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      r.error = where + "not a JSON object";
      return r;
    }
    std::string err;
    GoldUnit u;
    u.id = get_string(j, "id", &err);
    u.level = get_string(j, "level", &err);
    u.source = get_string(j, "source", &err);
    u.incident = get_string(j, "incident", &err);
    u.text = get_string(j, "text", &err);
    u.quotes = get_string(j, "quotes", &err);
    u.path = get_string(j, "path", &err);
    if (auto t = j.find("tags"); t != j.end()) {
      if (!t->is_array())
        err = "\"tags\" must be an array";
      else
        for (const auto& tag : *t) {
          if (tag.is_string()) {
            add_tag(u.tags, tag.get<std::string>(), "");
          } else if (tag.is_object()) {
            std::string id = get_string(tag, "id", &err);
            std::string ev = get_string(tag, "evidence", &err),
                        note = get_string(tag, "note", &err);
            if (id.empty())
              err = "a tag without \"id\"";
            else
              add_tag(u.tags, id, ev, note);
          } else {
            err = "a tag must be an object or a string";
          }
        }
    }
    if (auto rj = j.find("rejected"); rj != j.end()) {
      if (!rj->is_array())
        err = "\"rejected\" must be an array";
      else
        for (const auto& x : *rj) {
          if (!x.is_object()) {
            err = "a rejected entry must be an object";
            break;
          }
          GoldRejected rej{get_string(x, "id", &err), get_string(x, "rule", &err)};
          if (rej.id.empty()) err = "a rejected entry without \"id\"";
          u.rejected.push_back(std::move(rej));
        }
    }
    if (err.empty() && u.id.empty()) err = "missing \"id\"";
    if (err.empty() && !is_gold_level(u.level)) err = "bad \"level\" '" + u.level + "'";
    if (err.empty() && !ids.insert(u.id).second) err = "duplicate id " + u.id;
    if (!err.empty()) {
      r.error = where + err;
      return r;
    }
    if (u.text.empty() && !u.path.empty()) {
      std::string file = resolve(u.path, path);
      Document doc = read_file(file);
      if (!doc.error.empty()) {
        r.warnings.push_back(u.id + ": skipped, cannot read " + u.path + " (" + doc.error + ")");
        ++r.unreadable;
        continue;
      }
      u.text = std::move(doc.text);
    }
    r.units.push_back(std::move(u));
  }
  return r;
}

}  // namespace ttptag
