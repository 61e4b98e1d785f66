#include "rules.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>

#include "catalog.h"
#include "match.h"
#include "normalize.h"
#include "segment.h"
#include "test_util.h"

namespace ttptag {
namespace {

using testing::data;

bool has_issue(const std::vector<Issue>& issues, const std::string& rule, const std::string& code) {
  return std::any_of(issues.begin(), issues.end(),
                     [&](const Issue& i) { return i.rule == rule && i.code == code; });
}

TEST(Rules, LoadsGoodPackWithoutIssues) {
  std::vector<Issue> issues;
  auto set = testing::load_or_die(data("rules/good"), nullptr, &issues);
  for (const auto& i : issues) ADD_FAILURE() << i.format();
  ASSERT_EQ(set->rules().size(), 6u);
  EXPECT_EQ(set->rules()[0].id, "demo.impersonation");
  EXPECT_EQ(set->rules()[1].weight, 0.9);
  EXPECT_EQ(set->rules()[2].scope, Scope::kParagraph);
  EXPECT_GT(set->rules()[0].line, 1);
}

TEST(Rules, PackUnlessAppliesToEveryRule) {
  std::vector<Issue> issues;
  auto set = testing::load_or_die(data("rules/good"), nullptr, &issues);
  const Rule& audio = set->rules()[1];
  EXPECT_EQ(audio.unless_sources.size(), 2u);  // its own plus the pack's
  ASSERT_TRUE(audio.unless && audio.pack_unless);
  EXPECT_TRUE(RE2::PartialMatch("from a detection tool", *audio.unless));
  EXPECT_TRUE(RE2::PartialMatch("there is no evidence here", *audio.pack_unless));
  EXPECT_EQ(set->rules()[0].pack_unless, audio.pack_unless);  // one regex for the pack
}

// The lazy load (the default) validates regexes without compiling them;
// it must find the same problems as compiling everything, and give rules
// that match the same.
TEST(Rules, LazyLoadCompilesNothingUntilUsedAndMatchesAsCompiledNow) {
  const std::string bundled = std::string(TTPTAG_SOURCE_DIR) + "/rules";
  std::vector<Issue> lazy_issues, now_issues;
  LoadOptions lazy_opts, now_opts;
  now_opts.compile_now = true;
  auto lazy = RuleSet::load(bundled, lazy_opts, &lazy_issues);
  auto now = RuleSet::load(bundled, now_opts, &now_issues);
  ASSERT_FALSE(has_errors(lazy_issues));
  ASSERT_FALSE(has_errors(now_issues));
  ASSERT_EQ(lazy->rules().size(), now->rules().size());
  for (const auto& rule : lazy->rules()) EXPECT_FALSE(rule.trigger->compiled()) << rule.id;
  for (const auto& rule : now->rules()) EXPECT_TRUE(rule.trigger->compiled()) << rule.id;
  size_t examples = 0;
  for (const auto& rule : now->rules()) {
    for (const auto* list : {&rule.match_examples, &rule.no_match_examples}) {
      for (const auto& text : *list) {
        auto matched = [&](const RuleSet& rules) {
          Document doc;
          doc.text = text;
          normalize(doc);
          segment(doc);
          match(rules, doc);
          return doc;
        };
        const Document a = matched(*lazy), b = matched(*now);
        ASSERT_EQ(a.matches.size(), b.matches.size()) << rule.id << ": " << text;
        for (size_t i = 0; i < a.matches.size(); ++i) {
          EXPECT_EQ(a.matches[i].rule, b.matches[i].rule) << text;
          EXPECT_EQ(a.matches[i].begin, b.matches[i].begin) << text;
        }
        EXPECT_EQ(a.suppressed.size(), b.suppressed.size()) << rule.id << ": " << text;
        ++examples;
      }
    }
  }
  EXPECT_GT(examples, 1000u);
}

// Problems inside lists, patterns and vetoes are found by the lazy load as
// by compiling everything, each against its own pattern.
TEST(Rules, LazyLoadReportsWhatCompilingReports) {
  const std::string dir = ::testing::TempDir() + "/lazy_errors";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir + "/p.json");
    f << R"({"pack": "p", "version": "1", "unless": ["(unclosed", "\\bnot\\Q", "\\bnone\\b"],
      "lists": {"who": ["voters", "residents"],
                "long": ["members of the local election committee", "concerned parents of the school district",
                         "independent journalists from the region", "retired officers of the national army",
                         "volunteers of the neighbourhood watch"]},
      "rules": [
        {"id": "p.ok", "techniques": ["T0097.101"], "note": "n", "phrases": ["posing as {who}"],
         "patterns": ["\\bfake\\s+{who}\\b", "x)|(y"], "all": ["(?:{who})?"],
         "near": {"a": "{who}", "b": "[unclosed", "words": 3},
         "unless": ["\\bnot\\b", "{nosuchlist}", "\\bnever\\Q", "\\bno\\Q.\\E\\b"],
         "examples": {"match": ["posing as voters"], "no_match": ["voters"]}},
        {"id": "p.big", "techniques": ["T0097.101"], "note": "n", "patterns": ["(?:{long}\\s{long}\\s{long}){1000}"],
         "examples": {"match": ["voters"], "no_match": ["x"]}}
      ]})";
  }
  auto codes = [&](bool compile_now) {
    LoadOptions o;
    o.compile_now = compile_now;
    std::vector<Issue> issues;
    RuleSet::load(dir, o, &issues);
    std::multiset<std::string> out;
    for (const auto& i : issues) out.insert(i.rule + " " + i.code);
    return out;
  };
  const auto lazy = codes(false);
  EXPECT_EQ(lazy, codes(true));
  EXPECT_EQ(lazy.count("p.ok re2-error"), 2u);        // "x)|(y" and "[unclosed"
  EXPECT_EQ(lazy.count("p.ok matches-empty"), 1u);    // "(?:{who})?"
  EXPECT_EQ(lazy.count("p.ok unknown-list"), 1u);     // {nosuchlist}
  EXPECT_EQ(lazy.count(" re2-error"), 1u);            // the pack's "(unclosed"
  EXPECT_EQ(lazy.count("p.big pattern-too-large"), 1u);  // a list repeated 1000 times
  // Alone, "\\bnot\\Q" compiles; joined with the other vetoes, its \\Q would
  // quote the rest. A \\Q closed by \\E is fine.
  EXPECT_EQ(lazy.count(" open-quote"), 1u);
  EXPECT_EQ(lazy.count("p.ok open-quote"), 1u);
}

TEST(Rules, ListsExpandInPhrasesIncludingNestedLists) {
  std::vector<Issue> issues;
  auto set = testing::load_or_die(data("rules/good"), nullptr, &issues);
  const Rule& r = set->rules()[0];
  EXPECT_TRUE(RE2::PartialMatch("posing as journalists", *r.trigger));
  EXPECT_TRUE(RE2::PartialMatch("posing as residents", *r.trigger));
  EXPECT_TRUE(RE2::PartialMatch("posing as u.s. voters", *r.trigger));
  EXPECT_FALSE(RE2::PartialMatch("posing as votersmith", *r.trigger));  // word boundary
  EXPECT_FALSE(RE2::PartialMatch("imposing asparagus", *r.trigger));
}

// Items are ordered so that phrases sharing a beginning sit side by side
// (RE2 factors the shared part: smaller programs) while an item still comes
// before its own prefixes: where both match, the longer is the evidence.
TEST(Rules, ListItemsPreferTheLongerOfTwoMatchingAtOnePlace) {
  std::vector<Issue> issues;
  std::string dir = ::testing::TempDir() + "/list_order";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir + "/p.json");
    f << R"({"pack": "p", "version": "1",
          "lists": {"claims": ["posing", "claimed to be", "pose", "posing online as", "claimed"],
                    "more": ["{claims}", "claimed to be run by", "po"]},
          "rules": [{"id": "p.claim", "techniques": ["T0143.003"], "note": "n",
          "phrases": ["{more}"], "examples": {"match": ["x"], "no_match": ["y"]}}]})";
  }
  auto set = testing::load_or_die(dir, nullptr, &issues);
  ASSERT_FALSE(has_errors(issues));
  const RE2& re = *set->rules()[0].trigger;
  for (const auto& [text, evidence] : std::vector<std::pair<std::string, std::string>>{
           {"they were posing online as voters", "posing online as"},
           {"a site claimed to be run by locals", "claimed to be run by"},
           {"a site claimed to be local", "claimed to be"},
           {"it claimed nothing", "claimed"},
           {"a po box", "po"}}) {
    re2::StringPiece found;
    ASSERT_TRUE(RE2::PartialMatch(text, "(" + re.pattern() + ")", &found)) << text;
    EXPECT_EQ(std::string(found), evidence) << text;
  }
}

TEST(Rules, PhraseHyphenMatchesSpaceOrNothing) {
  std::vector<Issue> issues;
  std::string dir = ::testing::TempDir() + "/hyphen";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir + "/p.json");
    f << R"({"pack": "p", "version": "1", "rules": [{"id": "p.ai", "techniques": ["T0088.001"], "note": "n",
          "phrases": ["AI-generated audio"], "examples": {"match": ["x"], "no_match": ["y"]}}]})";
  }
  auto set = testing::load_or_die(dir, nullptr, &issues);
  ASSERT_FALSE(has_errors(issues));
  const RE2& re = *set->rules()[0].trigger;
  EXPECT_TRUE(RE2::PartialMatch("ai-generated audio", re));
  EXPECT_TRUE(RE2::PartialMatch("ai generated audio", re));
  EXPECT_TRUE(RE2::PartialMatch("aigenerated  audio", re));
  EXPECT_FALSE(RE2::PartialMatch("ai-generated video", re));
}

TEST(Rules, BrokenPackReportsEveryProblemWithFileLineAndRule) {
  std::vector<Issue> issues;
  auto set = testing::load_or_die(data("rules/broken"), nullptr, &issues);
  EXPECT_TRUE(has_errors(issues));
  EXPECT_TRUE(has_issue(issues, "broken.lookbehind", "re2-error"));
  EXPECT_TRUE(has_issue(issues, "broken.unknown-technique", "duplicate-id"));
  EXPECT_TRUE(has_issue(issues, "broken.empty", "matches-empty"));
  EXPECT_TRUE(has_issue(issues, "broken.empty", "unknown-field"));
  EXPECT_TRUE(has_issue(issues, "broken.empty", "missing-examples"));
  EXPECT_TRUE(has_issue(issues, "", "bad-json"));
  for (const auto& i : issues) {
    EXPECT_FALSE(i.file.empty());
    EXPECT_GT(i.line, 0) << i.format();
  }
  auto look = std::find_if(issues.begin(), issues.end(), [](const Issue& i) { return i.rule == "broken.lookbehind"; });
  EXPECT_NE(look->message.find("look-around"), std::string::npos) << look->message;
  auto json_err = std::find_if(issues.begin(), issues.end(), [](const Issue& i) { return i.code == "bad-json"; });
  EXPECT_EQ(json_err->line, 4);
  EXPECT_NE(json_err->format().find("syntax.json:4:"), std::string::npos) << json_err->format();
}

TEST(Rules, CatalogueChecksTechniqueIds) {
  std::string error;
  auto cat = Catalog::load(data("catalog/mini-disarm.json"), &error);
  ASSERT_TRUE(cat) << error;
  std::vector<Issue> issues;
  testing::load_or_die(data("rules/broken/bad.json"), &*cat, &issues);
  EXPECT_TRUE(has_issue(issues, "broken.unknown-technique", "unknown-technique"));
  issues.clear();
  testing::load_or_die(data("rules/good"), &*cat, &issues);
  EXPECT_FALSE(has_errors(issues));
}

TEST(Rules, PatternOverMemoryBudgetIsRejected) {
  std::string dir = ::testing::TempDir() + "/huge";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir + "/p.json");
    f << R"({"pack": "p", "version": "1", "rules": [{"id": "p.huge", "techniques": ["T0049"], "note": "n",
          "patterns": ["((a{1,100}){1,100}){1,100}b"], "examples": {"match": ["x"], "no_match": ["y"]}}]})";
  }
  std::vector<Issue> issues;
  testing::load_or_die(dir, nullptr, &issues);
  EXPECT_TRUE(has_errors(issues));
  EXPECT_TRUE(has_issue(issues, "p.huge", "re2-error") || has_issue(issues, "p.huge", "pattern-too-large"));
}

// The prefilter is built from each trigger as it is read, on another
// thread. A trigger too deeply nested for that thread's stack stops it: the
// prefilter is then built once the rules are read, and must give what
// running every rule gives. A rule whose list does not expand stops it too,
// and the load must still end (with the error).
std::string write_three_rule_pack(const std::string& name, const std::string& middle) {
  const std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::create_directories(dir);
  nlohmann::json pack = {{"pack", "p"}, {"version", "1"}, {"rules", nlohmann::json::array()}};
  for (const auto& [id, pattern] : std::vector<std::pair<std::string, std::string>>{
           {"p.first", "\\bfoo\\b"}, {"p.middle", middle}, {"p.last", "\\bbaz qux\\b"}}) {
    pack["rules"].push_back({{"id", id}, {"techniques", {"T0049"}}, {"note", "n"}, {"patterns", {pattern}},
                             {"examples", {{"match", {"x"}}, {"no_match", {"y"}}}}});
  }
  std::ofstream(dir + "/p.json") << pack.dump();
  return dir;
}

TEST(Rules, PrefilterIsRightAfterATriggerStopsTheEarlyBuild) {
  std::string deep;
  for (int i = 0; i < 150; ++i) deep += "(?:";
  deep += "bar";
  for (int i = 0; i < 150; ++i) deep += ")";
  std::vector<Issue> issues;
  auto set = RuleSet::load(write_three_rule_pack("early_build_deep", deep), LoadOptions{}, &issues);
  for (const auto& i : issues) ADD_FAILURE() << i.format();
  ASSERT_TRUE(set);
  for (const char* text : {"nothing here.", "bar bar foo"}) testing::expect_matches_as_naive(*set, text);
  EXPECT_EQ(testing::expect_matches_as_naive(*set, "foo and bar. Then baz qux.").matches.size(), 3u);

  issues.clear();
  RuleSet::load(write_three_rule_pack("early_build_bad_list", "{no_such_list} bar"), LoadOptions{}, &issues);
  EXPECT_TRUE(has_issue(issues, "p.middle", "unknown-list"));
}

TEST(Rules, UpperCasePatternWarns) {
  std::string dir = ::testing::TempDir() + "/upper";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir + "/p.json");
    f << R"({"pack": "p", "version": "1", "rules": [{"id": "p.up", "techniques": ["T0049"], "note": "n",
          "patterns": ["\\bTroll farm\\b\\S"], "examples": {"match": ["x"], "no_match": ["y"]}}]})";
  }
  std::vector<Issue> issues;
  testing::load_or_die(dir, nullptr, &issues);
  EXPECT_FALSE(has_errors(issues));
  EXPECT_TRUE(has_issue(issues, "p.up", "upper-case"));
}

TEST(Catalog, LoadsTechniquesTacticsAndParents) {
  std::string error;
  auto cat = Catalog::load(data("catalog/mini-disarm.json"), &error);
  ASSERT_TRUE(cat) << error;
  EXPECT_EQ(cat->techniques().size(), 7u);
  const Technique* t = cat->find("T0088.001");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "Develop AI-Generated Audio (Deepfakes)");
  EXPECT_EQ(t->parent, "T0088");
  ASSERT_EQ(t->tactics.size(), 1u);
  EXPECT_EQ(t->tactics[0], "TA06");
  EXPECT_EQ(cat->find("T0000"), nullptr);
}

TEST(Catalog, RejectsNonBundle) {
  std::string error;
  EXPECT_FALSE(Catalog::load(data("rules/good/demo.json"), &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(Catalog::load(data("does-not-exist.json"), &error));
}

TEST(Catalog, RealDisarmBundleHas391Techniques) {
  if (!testing::has_shared("disarm/DISARM.json")) GTEST_SKIP() << "../shared/disarm/DISARM.json not found";
  std::string error;
  auto cat = Catalog::load(testing::shared("disarm/DISARM.json"), &error);
  ASSERT_TRUE(cat) << error;
  EXPECT_EQ(cat->techniques().size(), 391u);
  EXPECT_EQ(cat->tactics().size(), 16u);
  for (const auto& t : cat->techniques()) EXPECT_FALSE(t.tactics.empty()) << t.id;
}

}  // namespace
}  // namespace ttptag
