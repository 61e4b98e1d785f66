// HTML input with gumbo: the page's main text plus meta title and url
// (the rules are in read_html.h). Tree walks use explicit stacks, so deeply
// nested markup cannot overflow the call stack.
#include "read_html.h"

#include <gumbo.h>

#include <string_view>
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

}  // namespace

Document html_to_document(std::string_view html, const std::string& source) {
  Document doc;
  doc.source = source;
  if (html.size() > kMaxDocumentBytes) {
    doc.error = source + ": HTML over the " + std::to_string(kMaxDocumentBytes >> 20) + " MiB document limit";
    return doc;
  }
  GumboOutput* output = nullptr;
  try {
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
    if (!title.empty()) doc.meta["title"] = title;
    if (!parts.canonical.empty()) doc.meta["url"] = parts.canonical;
    else if (!parts.og_url.empty()) doc.meta["url"] = parts.og_url;
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
  return html_to_document(file.text, path);
}

}  // namespace ttptag
