#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <tuple>

#include "read.h"
#include "read_html.h"
#include "tagger.h"
#include "test_util.h"
#include "write.h"

namespace ttptag {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Html, MainTextTitleAndUrl) {
  Document doc = read_document(testing::data("io/article.html"), ReadOptions{});
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  // The extracted text is exactly the plain-text version (which has a final newline).
  EXPECT_EQ(doc.text + "\n", file_bytes(testing::data("io/article.txt")));
  EXPECT_EQ(doc.meta["title"], "Swing-state voters targeted by cloned voices");  // og:title
  EXPECT_EQ(doc.meta["url"], "https://ledger.example/2024/03/cloned-voices");   // canonical
  for (const char* gone : {"dataLayer", "Campaign 2024", "Donate", "cookies", "Old teaser", "Related Articles",
                           "Filed under", "3 Comments", "Leave a Reply", "Subscribe", "AI-generated voice",
                           "bots amplify", "Bots amplify"})
    EXPECT_EQ(doc.text.find(gone), std::string::npos) << gone;
  // The share row is article text, masked by the furniture filter.
  ASSERT_EQ(doc.masked.size(), 1u);
  EXPECT_EQ(doc.text.substr(doc.masked[0].first, doc.masked[0].second - doc.masked[0].first),
            "Share on Facebook Tweet");
}

TEST(Html, BlocksBreaksEntitiesAndFallbacks) {
  struct Case {
    const char* html;
    const char* text;
  };
  const Case cases[] = {
      {"<p>One</p><p>Two</p>", "One\n\nTwo"},
      {"<div>a<br>b</div><ul><li>x</li><li>y</li></ul>", "a\nb\n\nx\ny"},
      {"<h2>Head</h2>text   with\n\n  spaces", "Head\n\ntext with spaces"},
      {"<p>caf&eacute; &amp; &lt;tea&gt; &#x2014; &nbsp;ok</p>", "caf\xC3\xA9 & <tea> \xE2\x80\x94 \xC2\xA0ok"},
      {"<pre>keep  this\n  layout</pre>", "keep  this\n  layout"},
      {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
      {"<body><nav>menu</nav><p>only <!-- hidden --> this</p><footer>foot</footer></body>", "only this"},
      {"<div hidden>secret</div><div role=navigation>nav</div><p>shown</p>", "shown"},
      {"<header>Site</header><article><header><h1>Head</h1></header><p>Body</p></article>", "Head\n\nBody"},
      {"<article>short</article><article><p>the longer article</p></article>", "the longer article"},
      {"<main><p>in main</p></main><p>outside</p>", "in main"},
      {"<p>no article or main</p>", "no article or main"},
  };
  for (const auto& c : cases) {
    Document doc = html_to_document(c.html, "t.html");
    EXPECT_TRUE(doc.error.empty());
    EXPECT_EQ(doc.text, c.text) << c.html;
  }
}

TEST(Html, TitleFallsBackToTitleElementAndUrlToOgUrl) {
  Document doc = html_to_document(
      "<html><head><title>  The\n title </title><meta property='og:url' content='https://e.org/a'></head>"
      "<body><p>x</p></body></html>",
      "t.html");
  EXPECT_EQ(doc.meta["title"], "The title");
  EXPECT_EQ(doc.meta["url"], "https://e.org/a");
  Document none = html_to_document("<p>x</p>", "t.html");
  EXPECT_FALSE(none.meta.contains("title"));
  EXPECT_FALSE(none.meta.contains("url"));
}

TEST(Html, EmptyBrokenAndDeepPagesNeverThrow) {
  Document empty = html_to_document("<html><script>x()</script></html>", "e.html");
  EXPECT_TRUE(empty.error.empty());
  EXPECT_TRUE(empty.text.empty());
  ASSERT_EQ(empty.warnings.size(), 1u);
  EXPECT_EQ(empty.warnings[0].code, "empty-html");

  Document broken = html_to_document("<p>unclosed <b>bold <i>and \xFF\xFE bytes", "b.html");
  EXPECT_TRUE(broken.error.empty());
  EXPECT_NE(broken.text.find("unclosed bold and"), std::string::npos);

  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  deep += "deep text";
  Document d = html_to_document(deep, "d.html");
  EXPECT_EQ(d.text, "deep text");

  Document missing = read_document("/nonexistent/page.html", ReadOptions{});
  EXPECT_NE(missing.error.find("/nonexistent/page.html"), std::string::npos);
}

// gumbo turns a numeric reference too big for an int into invalid bytes
// (found by fuzz_html); the reader replaces them, so JSON output never fails.
TEST(Html, HugeCharacterReferencesGiveValidUtf8) {
  const std::string page =
      "<html><head><title>T &#x99999999999999999; t</title>"
      "<link rel=canonical href=\"https://x.example/&#xEEEEEEEEEEEEEEEE;\"></head>"
      "<body><p>before &#xEEEEEEEEEEEEEEEEEEEEEEEEEEEE; after &#99999999999999999999; end</p></body></html>";
  Document doc = html_to_document(page, "huge.html");
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  // nlohmann's dump throws on invalid UTF-8: it is the check.
  EXPECT_NO_THROW((void)nlohmann::json(doc.text).dump());
  EXPECT_NE(doc.text.find("before "), std::string::npos);
  EXPECT_NE(doc.text.find(" end"), std::string::npos);
  ASSERT_TRUE(doc.meta.contains("title") && doc.meta.contains("url"));
  EXPECT_NO_THROW((void)doc.meta.dump());
}

// Tags with rule, technique and evidence text (offsets differ between the
// two inputs; each must index its own text).
std::set<std::tuple<std::string, std::string, std::string>> tags_of(const Document& doc) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& t : doc.tags) {
    for (const auto& ev : t.evidence) {
      EXPECT_EQ(doc.text.substr(ev.start, ev.end - ev.start), ev.text);
      out.insert({t.id, ev.rule, ev.text});
    }
  }
  return out;
}

// A saved page, with navigation, scripts, comments, footer and asides that
// would all fire rules, tags exactly like its plain-text version.
TEST(Html, SavedArticleTagsLikeItsPlainText) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
  ASSERT_TRUE(rules);
  Tagger tagger(*rules, AggregateOptions{});
  Document html = read_document(testing::data("io/article.html"), ReadOptions{});
  Document txt = read_document(testing::data("io/article.txt"), ReadOptions{});
  tagger.run(html);
  tagger.run(txt);
  auto from_html = tags_of(html);
  EXPECT_EQ(from_html, tags_of(txt));
  std::set<std::string> ids;
  for (const auto& t : html.tags) ids.insert(t.id);
  EXPECT_EQ(ids, (std::set<std::string>{"T0143.003", "T0088.001", "T0049"}));

  // Unfiltered, the page's furniture does not leak either: the HTML reader
  // already dropped it.
  ReadOptions keep;
  keep.drop_furniture = false;
  Document raw = read_document(testing::data("io/article.html"), keep);
  tagger.run(raw);
  EXPECT_EQ(tags_of(raw), from_html);

  // The record carries the page's title and URL.
  auto record = to_json(html);
  EXPECT_EQ(record["meta"]["title"], "Swing-state voters targeted by cloned voices");
}

TEST(Html, StandardInputWithInputFormat) {
  std::istringstream in("<article><p>From a pipe.</p></article>");
  ReadOptions opts;
  opts.format = InputFormat::kHtml;
  Document doc = read_stream(in, "-", opts);
  EXPECT_EQ(doc.source, "-");
  EXPECT_EQ(doc.text, "From a pipe.");
}

}  // namespace
}  // namespace ttptag
