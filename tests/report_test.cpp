// The HTML report: self-contained, data as escaped JSON, text or snippets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report.h"
#include "test_util.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(::testing::TempDir()) /
                 ("ttptag-report-" + std::to_string(getpid()) + "-" + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::string kText =
    "<script>alert(1)</script></script><!-- Accounts posing as voters & \xE2\x80\xA8 more.";

ResultsFile results_for(const std::string& path) {
  size_t at = kText.find("posing as");
  ResultDoc d;
  d.doc = path;
  d.techniques = {{"T0001", "<b>One</b>", 0.8, {{"r.one", 0, at, at + 9, "posing as", kText, 0}}}};
  ResultsFile r;
  r.docs = {d};
  ResultDoc failed;
  failed.doc = "gone.txt";
  failed.error = "cannot read gone.txt: no such file";
  r.docs.push_back(failed);
  return r;
}

// The JSON inside <script id="ttptag-data">...</script>.
json embedded_data(const std::string& html) {
  const std::string open = "<script id=\"ttptag-data\" type=\"application/json\">";
  size_t b = html.find(open);
  EXPECT_NE(b, std::string::npos);
  b += open.size();
  size_t e = html.find("</script>", b);
  return json::parse(html.substr(b, e - b));
}

std::string render(const ResultsFile& r, const ReportOptions& o, ReportStats* stats = nullptr) {
  std::ostringstream out;
  ReportStats s = write_report(r, out, o);
  if (stats) *stats = s;
  return out.str();
}

TEST(Report, DocumentTextCannotBreakOutOfTheDataBlock) {
  fs::path dir = scratch();
  std::string doc = (dir / "xss.txt").string();
  std::ofstream(doc, std::ios::binary) << kText;
  ReportStats stats;
  std::string html = render(results_for(doc), ReportOptions{}, &stats);
  EXPECT_EQ(stats.with_text, 1u);
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(html.find("<!--"), std::string::npos);
  EXPECT_EQ(html.find("<b>One"), std::string::npos);
  // Exactly two scripts: the data block and the code.
  size_t scripts = 0;
  for (size_t p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1))
    ++scripts;
  EXPECT_EQ(scripts, 2u);
  json data = embedded_data(html);
  const json& v = data["docs"][0];
  ASSERT_TRUE(v["text"].get<bool>());
  std::string joined;
  for (const auto& p : v["pieces"]) joined += p[1].get<std::string>();
  EXPECT_EQ(joined, kText);  // the page shows it as text (textContent)
  EXPECT_EQ(v["techniques"][0]["name"], "<b>One</b>");
  EXPECT_EQ(data["docs"][1]["error"], "cannot read gone.txt: no such file");
}

TEST(Report, SelfContainedWithNoNetwork) {
  std::string html = render(results_for("nowhere.txt"), ReportOptions{});
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  for (const char* external : {"src=\"http", "href=\"http", "src=\"//", "@import", "url("})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  // The code builds elements with textContent only.
  EXPECT_EQ(html.find("innerHTML"), std::string::npos);
  EXPECT_EQ(html.find("insertAdjacentHTML"), std::string::npos);
  EXPECT_EQ(html.find("document.write"), std::string::npos);
}

TEST(Report, EvidenceSentencesWhenTheTextIsNotAtHand) {
  fs::path dir = scratch();
  std::string doc = (dir / "a.txt").string();
  std::ofstream(doc, std::ios::binary) << kText;
  ReportOptions off;
  off.text_from_files = false;
  ReportStats stats;
  json v = embedded_data(render(results_for(doc), off, &stats))["docs"][0];
  EXPECT_EQ(stats.contexts_only, 1u);
  EXPECT_FALSE(v["text"].get<bool>());
  ASSERT_EQ(v["snippets"].size(), 1u);
  EXPECT_EQ(v["snippets"][0]["pieces"][1][1], "posing as");
  EXPECT_EQ(v["snippets"][0]["pieces"][1][2], json::array({0}));

  // A file edited since tagging is not trusted for offsets.
  std::ofstream(doc, std::ios::binary) << "changed " << kText;
  v = embedded_data(render(results_for(doc), ReportOptions{}))["docs"][0];
  EXPECT_FALSE(v["text"].get<bool>());
  EXPECT_NE(v["why"].get<std::string>().find("does not match"), std::string::npos);
}

TEST(Report, TacticsComeFromTheCatalogue) {
  std::string error;
  auto catalog = Catalog::load(testing::data("catalog/mini-disarm.json"), &error);
  ASSERT_TRUE(catalog) << error;
  ASSERT_FALSE(catalog->techniques().empty());
  const Technique& t = catalog->techniques().front();
  ResultDoc d;
  d.doc = "x.txt";
  d.techniques = {{t.id, "", 0.7, {}}};
  ResultsFile r;
  r.docs = {d};
  ReportOptions o;
  o.catalog = &*catalog;
  json data = embedded_data(render(r, o));
  EXPECT_EQ(data["docs"][0]["techniques"][0]["name"], t.name);  // filled in when missing
  EXPECT_EQ(data["docs"][0]["techniques"][0]["tactic"], t.tactics.empty() ? "" : t.tactics[0]);
  EXPECT_FALSE(data["tactics"].empty());
}

TEST(Report, JsonForScriptEscapesEveryBreakout) {
  json j = {{"s", "</script><!--&\xE2\x80\xA8\xE2\x80\xA9"}};
  std::string out = json_for_script(j);
  for (const char* raw : {"<", ">", "&", "\xE2\x80\xA8", "\xE2\x80\xA9"})
    EXPECT_EQ(out.find(raw), std::string::npos) << raw;
  EXPECT_EQ(json::parse(out), j);
  EXPECT_EQ(escape_html("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
}

}  // namespace
}  // namespace ttptag
