// HTML input with gumbo: the page's main text plus meta title and url
// (the rules are in read_html.h). Tree walks use explicit stacks, so deeply
// nested markup cannot overflow the call stack.
#include "read_html.h"

#include <gumbo.h>
#include <utf8proc.h>

#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "read.h"

namespace ttptag {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const char* attr(const GumboNode* node, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? a->value : nullptr;
}

bool is_dropped_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_MATH: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_CANVAS:
      return true;
    default:
      return false;
  }
}

// Dropped with its content. A <header> inside an <article> is the article's
// own heading (headline, byline) and is kept; elsewhere it is the site banner.
bool is_dropped(const GumboNode* node, bool in_article) {
  const GumboTag tag = node->v.element.tag;
  if (is_dropped_tag(tag)) return true;
  if (tag == GUMBO_TAG_HEADER && !in_article) return true;
  if (attr(node, "hidden") != nullptr) return true;
  if (const char* role = attr(node, "role")) {
    for (const char* r : {"navigation", "banner", "contentinfo", "complementary", "search"})
      if (iequals(role, r)) return true;
  }
  if (const char* id = attr(node, "id")) {
    if (iequals(id, "comments") || iequals(id, "respond")) return true;  // reader comments (WordPress and others)
  }
  return false;
}

bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_HEADER: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_TABLE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_BODY: case GUMBO_TAG_HGROUP: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CAPTION: case GUMBO_TAG_FIELDSET:
      return true;
    default:
      return false;
  }
}

bool is_line(GumboTag tag) {
  return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_LI || tag == GUMBO_TAG_TR || tag == GUMBO_TAG_DT ||
         tag == GUMBO_TAG_DD;
}

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Builds the text: breaks are held until the next text, so none lead or
// trail and the strongest of adjacent breaks wins.
class TextBuilder {
 public:
  void text(std::string_view s, bool pre) {
    for (char c : s) {
      if (!pre && is_html_space(c)) {
        space_ = true;
        continue;
      }
      if (!out_.empty()) {
        if (pending_ == 2) out_ += "\n\n";
        else if (pending_ == 1) out_ += '\n';
        else if (space_ && !is_html_space(out_.back())) out_ += ' ';
      }
      pending_ = 0;
      space_ = false;
      out_ += c;
    }
  }
  void brk(int level) {
    if (level > pending_) pending_ = level;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  int pending_ = 0;  // 1 = line break, 2 = paragraph break
  bool space_ = false;
};

const GumboVector& children(const GumboNode* node) {
  return node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
}

// The text of `root`'s content (root itself is not checked for dropping).
std::string text_of(const GumboNode* root) {
  struct Frame {
    const GumboNode* node;
    unsigned next;
    bool pre, in_article;
    int level;
  };
  TextBuilder out;
  const bool root_article = root->v.element.tag == GUMBO_TAG_ARTICLE;
  std::vector<Frame> stack{{root, 0, false, root_article, 0}};
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector& kids = children(top.node);
    if (top.next >= kids.length) {
      out.brk(top.level);
      stack.pop_back();
      continue;
    }
    const auto* kid = static_cast<const GumboNode*>(kids.data[top.next++]);
    switch (kid->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        out.text(kid->v.text.text, top.pre);
        break;
      case GUMBO_NODE_ELEMENT: {
        if (is_dropped(kid, top.in_article)) break;
        const GumboTag tag = kid->v.element.tag;
        const int level = is_block(tag) ? 2 : is_line(tag) ? 1 : 0;
        out.brk(level);
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) out.text(" ", false);
        const bool pre = top.pre || tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_TEXTAREA;
        const bool in_article = top.in_article || tag == GUMBO_TAG_ARTICLE;
        stack.push_back({kid, 0, pre, in_article, level});  // `top` is not used after this
        break;
      }
      default:  // comments, templates
        break;
    }
  }
  return out.take();
}

// Everything gathered in one walk of the tree.
struct PageParts {
  std::vector<const GumboNode*> articles, mains;
  const GumboNode* body = nullptr;
  const GumboNode* title = nullptr;
  std::string canonical, og_url, og_title;
};

void walk(const GumboNode* root, PageParts& parts) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) continue;
    if (node->type == GUMBO_NODE_ELEMENT) {
      switch (node->v.element.tag) {
        case GUMBO_TAG_ARTICLE: parts.articles.push_back(node); break;
        case GUMBO_TAG_MAIN: parts.mains.push_back(node); break;
        case GUMBO_TAG_BODY: if (!parts.body) parts.body = node; break;
        case GUMBO_TAG_TITLE: if (!parts.title) parts.title = node; break;
        case GUMBO_TAG_LINK: {
          const char* rel = attr(node, "rel");
          const char* href = attr(node, "href");
          if (rel && href && *href && iequals(rel, "canonical") && parts.canonical.empty()) parts.canonical = href;
          break;
        }
        case GUMBO_TAG_META: {
          const char* prop = attr(node, "property");
          const char* content = attr(node, "content");
          if (prop && content && *content) {
            if (iequals(prop, "og:url") && parts.og_url.empty()) parts.og_url = content;
            if (iequals(prop, "og:title") && parts.og_title.empty()) parts.og_title = content;
          }
          break;
        }
        default: break;
      }
    }
    const GumboVector& kids = children(node);
    for (unsigned i = kids.length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(kids.data[i - 1]));
  }
}

// The text of the candidate with the most text, or "" if none.
std::string longest(const std::vector<const GumboNode*>& nodes) {
  std::string best;
  for (const auto* n : nodes) {
    std::string t = text_of(n);
    if (t.size() > best.size()) best = std::move(t);
  }
  return best;
}

// White space collapsed and trimmed (for titles).
std::string collapse(std::string_view s) {
  TextBuilder b;
  b.text(s, false);
  return b.take();
}

// Nesting guard. gumbo 0.10 (Debian 12) has no depth limit: each start tag
// scans the whole stack of open elements (time grows with depth squared)
// and gumbo_destroy_output recurses once per level (a deep enough page
// overflows the stack). Browsers cap nesting too (Blink at 512 levels).
// So before parsing, a light tokenizer tracks the open elements as an HTML
// parser would (void and self-closing-capable elements never open, an end
// tag closes everything above its match, a stray end tag is ignored) and
// removes the start tags that would open an element deeper than
// kMaxHtmlDepth, with their end tags; each becomes a space, so the text
// they held is kept and words stay apart.
constexpr size_t kMaxHtmlDepth = 512;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == ':' ||
         c == '_';
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Elements that never hold others (void) or whose end tag is optional and
// that close their predecessors (p, li, td, ...): they do not deepen the
// tree, so they are not counted.
bool never_nests(const std::string& name) {
  static const std::set<std::string> kNames = {
      "area", "base", "br", "col", "embed", "hr", "img", "image", "input", "keygen", "link", "meta", "param",
      "source", "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "rb", "rt", "rp", "rtc", "tr",
      "td", "th", "tbody", "thead", "tfoot", "colgroup", "caption"};
  return kNames.count(name) > 0;
}

// Elements whose content is raw text, up to their end tag.
bool raw_text(const std::string& name) {
  return name == "script" || name == "style" || name == "textarea" || name == "title" || name == "xmp" ||
         name == "iframe" || name == "noembed" || name == "noframes";
}

// gumbo 0.10 can emit invalid UTF-8: a numeric character reference too big
// for an int (e.g. "&#x99999999999;") overflows into a negative code point
// that it encodes byte by byte. Each invalid byte becomes U+FFFD, as in
// normalize, so text and meta are always valid UTF-8 (JSON output needs it).
std::string replace_invalid_utf8(std::string s) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  std::string out;   // built only once an invalid byte shows up
  size_t copied = 0;  // s[0, copied) is in out
  for (size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp;
    const utf8proc_ssize_t r = utf8proc_iterate(bytes + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (r > 0) {
      i += static_cast<size_t>(r);
      continue;
    }
    out.append(s, copied, i - copied);
    out += "\xEF\xBF\xBD";
    copied = ++i;
  }
  if (copied == 0) return s;
  out.append(s, copied);
  return out;
}

size_t find_ci(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = hay.find('<', from); i != std::string_view::npos; i = hay.find('<', i + 1)) {
    if (i + needle.size() > hay.size()) return std::string_view::npos;
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// Returns the page with too-deep tags removed in *out, and how many were
// removed (0: *out is untouched and the page is parsed as it is).
size_t limit_nesting(std::string_view html, std::string* out) {
  struct Open {
    std::string name;
    bool dropped;
  };
  std::vector<Open> stack;
  std::unordered_map<std::string, size_t> open_count;  // per name, in `stack`
  size_t kept_depth = 0, foreign = 0, dropped = 0, copied = 0;
  auto drop = [&](size_t b, size_t e) {
    out->append(html.substr(copied, b - copied));
    out->push_back(' ');
    copied = e;
    ++dropped;
  };
  const size_t n = html.size();
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    const size_t lt = i++;
    if (html.substr(lt, 4) == "<!--") {
      const size_t e = html.find("-->", lt + 4);
      i = e == std::string_view::npos ? n : e + 3;
      continue;
    }
    if (i < n && (html[i] == '!' || html[i] == '?')) {
      const size_t e = html.find('>', i);
      i = e == std::string_view::npos ? n : e + 1;
      continue;
    }
    const bool closing = i < n && html[i] == '/';
    size_t j = i + (closing ? 1 : 0);
    if (j >= n || !((html[j] >= 'a' && html[j] <= 'z') || (html[j] >= 'A' && html[j] <= 'Z'))) continue;
    const size_t name_begin = j;
    while (j < n && is_name_char(html[j])) ++j;
    const std::string name = lower_ascii(html.substr(name_begin, std::min<size_t>(j - name_begin, 64)));
    char quote = 0;  // the end of the tag: the first '>' outside a quoted value
    while (j < n) {
      const char c = html[j];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
      ++j;
    }
    const size_t tag_end = j < n ? j + 1 : n;
    i = tag_end;
    if (closing) {
      auto it = open_count.find(name);
      if (it == open_count.end() || it->second == 0) continue;  // stray: the parser ignores it
      while (!stack.empty()) {
        Open top = std::move(stack.back());
        stack.pop_back();
        --open_count[top.name];
        if (!top.dropped) --kept_depth;
        if (top.name == "svg" || top.name == "math") --foreign;
        if (top.name == name) {
          if (top.dropped) drop(lt, tag_end);
          break;
        }
      }
      continue;
    }
    const bool self_closing = tag_end >= 2 && html[tag_end - 2] == '/';
    if (never_nests(name) || (self_closing && foreign > 0)) continue;
    if (raw_text(name)) {  // skip the content; it never opens elements
      const size_t e = find_ci(html, "</" + name, tag_end);
      i = e == std::string_view::npos ? n : e;
      continue;
    }
    const bool too_deep = kept_depth >= kMaxHtmlDepth;
    if (too_deep) {
      drop(lt, tag_end);
    } else {
      ++kept_depth;
    }
    if (name == "svg" || name == "math") ++foreign;
    stack.push_back({name, too_deep});
    ++open_count[name];
  }
  if (dropped) out->append(html.substr(copied));
  return dropped;
}

}  // namespace

Document html_to_document(std::string_view html, const std::string& source) {
  Document doc;
  doc.source = source;
  if (html.size() > kMaxDocumentBytes) {
    doc.error = source + ": HTML over the " + std::to_string(kMaxDocumentBytes >> 20) + " MiB document limit";
    return doc;
  }
  GumboOutput* output = nullptr;
  std::string flattened;  // outlives the parse tree, whose nodes may point into it
  try {
    if (const size_t dropped = limit_nesting(html, &flattened)) {
      html = flattened;
      doc.warnings.push_back({"html-too-deep", "elements nested deeper than " + std::to_string(kMaxHtmlDepth) +
                                                   " levels: " + std::to_string(dropped) +
                                                   " tags below that depth were ignored (their text is kept)"});
    }
    output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
    if (output == nullptr) {
      doc.error = source + ": HTML could not be parsed";
      return doc;
    }
    PageParts parts;
    walk(output->document, parts);
    doc.text = longest(parts.articles);
    if (doc.text.empty()) doc.text = longest(parts.mains);
    if (doc.text.empty() && parts.body) doc.text = text_of(parts.body);
    std::string title = collapse(parts.og_title);
    if (title.empty() && parts.title) {
      std::string raw;
      const GumboVector& kids = parts.title->v.element.children;
      for (unsigned i = 0; i < kids.length; ++i) {
        const auto* k = static_cast<const GumboNode*>(kids.data[i]);
        if (k->type == GUMBO_NODE_TEXT || k->type == GUMBO_NODE_WHITESPACE) raw += k->v.text.text;
      }
      title = collapse(raw);
    }
    doc.text = replace_invalid_utf8(std::move(doc.text));
    if (!title.empty()) doc.meta["title"] = replace_invalid_utf8(std::move(title));
    if (!parts.canonical.empty()) doc.meta["url"] = replace_invalid_utf8(parts.canonical);
    else if (!parts.og_url.empty()) doc.meta["url"] = replace_invalid_utf8(parts.og_url);
  } catch (const std::exception& e) {  // allocation failure on a huge page
    doc = Document();
    doc.source = source;
    doc.error = source + ": HTML could not be read: " + e.what();
  }
  if (output != nullptr) gumbo_destroy_output(&kGumboDefaultOptions, output);
  if (doc.error.empty() && doc.text.empty()) doc.warnings.push_back({"empty-html", "no text found in the page"});
  return doc;
}

Document read_html(const std::string& path) {
  Document file = read_file(path);
  if (!file.error.empty()) return file;
  Document doc = html_to_document(file.text, path);
  // What reading found in the bytes (binary-input, transcoded, nul-bytes) comes first.
  doc.warnings.insert(doc.warnings.begin(), file.warnings.begin(), file.warnings.end());
  return doc;
}

}  // namespace ttptag
