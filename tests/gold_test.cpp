// Gold units: the DISARM importer (on fake pages in tests/data/disarm and on
// the real pages when ../shared/disarm is present) and the JSONL format.
#include "gold.h"

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "catalog.h"
#include "test_util.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;
using testing::data;
using testing::has_shared;
using testing::shared;

// A folder of this test process (tests run in parallel, and other builds share /tmp).
fs::path scratch_root() {
  return fs::path(::testing::TempDir()) / ("ttptag-" + std::to_string(::getpid()));
}
fs::path scratch(const std::string& name) { return scratch_root() / name; }

// Removes this process's scratch folder when its tests end.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(scratch_root(), ec);
  }
};
[[maybe_unused]] ::testing::Environment* const kScratchCleanup =
    ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

std::vector<std::string> ids(const std::vector<GoldTag>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags) out.push_back(t.id);
  return out;
}

const GoldUnit* find_unit(const std::vector<GoldUnit>& units, const std::string& id) {
  for (const auto& u : units)
    if (u.id == id) return &u;
  return nullptr;
}

// Technique IDs, technique names, markup or entities left in what the tagger sees.
void expect_clean(const GoldUnit& u) {
  for (const std::string* s : {&u.text, &u.quotes}) {
    EXPECT_FALSE(RE2::PartialMatch(*s, R"(T\d{4})")) << u.id << ": " << *s;
    EXPECT_FALSE(RE2::PartialMatch(*s, R"((?i)<(br|/?i)\b)")) << u.id << ": " << *s;
    EXPECT_FALSE(RE2::PartialMatch(*s, R"(&(amp|quot|#\d+);)")) << u.id << ": " << *s;
  }
}

DisarmImport fixture_import() { return import_disarm(data("disarm")); }

TEST(ImportDisarm, CountsPagesRowsAndUnits) {
  DisarmImport r = fixture_import();
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.pages, 3u);
  EXPECT_EQ(r.pages_with_rows, 2u);  // I90002 has an empty table: no units
  EXPECT_EQ(r.rows, 4u);
  EXPECT_EQ(r.per_level["incident"], 2u);
  EXPECT_EQ(r.per_level["passage"], 3u);
  EXPECT_EQ(r.per_level["segment"], 5u);
  for (const auto& u : r.units) EXPECT_NE(u.incident, "I90002");
}

TEST(ImportDisarm, RowsSharingADescriptionMakeOnePassage) {
  DisarmImport r = fixture_import();
  const GoldUnit* p1 = find_unit(r.units, "I90001/passage/1");
  const GoldUnit* p2 = find_unit(r.units, "I90001/passage/2");
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(find_unit(r.units, "I90001/passage/3"), nullptr);
  // Inline lists in order; the row techniques were already in them.
  EXPECT_EQ(ids(p1->tags),
            (std::vector<std::string>{"T0146", "T0088.001", "T0143.003", "T0134", "T0097.109"}));
  EXPECT_EQ(ids(p2->tags), (std::vector<std::string>{"T0137"}));
  EXPECT_EQ(p1->level, "passage");
  EXPECT_EQ(p1->source, "disarm");
  EXPECT_EQ(p1->incident, "I90001");
}

// Pages sometimes copy one quote into two rows with small differences in
// markup and punctuation, each with its own note: still one passage.
TEST(ImportDisarm, RowsQuotingTheSameExcerptMakeOnePassage) {
  const std::string quote_a = "<i>\u201cThe network posted (fake) clips.<br><br> \u201cIt used bots.\u201d</i>";
  const std::string quote_b = "<i>\u201cThe network posted fake| clips.<br><br>\u201cIt used bots.\u201d</I>";
  std::string md =
      "# Incident I90009: test\n\n| Technique | Description given for this incident |\n"
      "| --------- | ------------------------- |\n"
      "| [T0146 Account Asset](x) | " + quote_a + "<br><br> The group ran accounts (T0146: Account Asset). |\n"
      "| [T0049 Flood Information Space](x) | " + quote_b + "<br><br>This matches T0049: Flood Information Space because it flooded. |\n";
  auto units = import_disarm_page("I90009", md, nullptr, {});
  size_t passages = 0;
  for (const auto& u : units) passages += u.level == "passage";
  EXPECT_EQ(passages, 1u);
  const GoldUnit* p1 = find_unit(units, "I90009/passage/1");
  ASSERT_TRUE(p1);
  EXPECT_EQ(ids(p1->tags), (std::vector<std::string>{"T0146", "T0049"}));
  EXPECT_NE(p1->text.find("ran accounts"), std::string::npos);
  EXPECT_NE(p1->text.find("because it flooded"), std::string::npos);
  // Segments still follow each note.
  EXPECT_TRUE(find_unit(units, "I90009/segment/2"));
}

TEST(ImportDisarm, DifferentExcerptsStayDifferentPassages) {
  std::string md =
      "# Incident I90010: test\n\n| Technique | Description given for this incident |\n"
      "| --------- | ------------------------- |\n"
      "| [T0146 Account Asset](x) | <i>\u201cThe network posted clips.\u201d</i> Accounts (T0146: Account Asset). |\n"
      "| [T0049 Flood Information Space](x) | <i>\u201cThe network posted other clips.\u201d</i> Flooding (T0049: Flood Information Space). |\n";
  auto units = import_disarm_page("I90010", md, nullptr, {});
  EXPECT_TRUE(find_unit(units, "I90010/passage/2"));
}

TEST(ResolveGoldIds, UnknownIdTakesTheIdOfTheNameThePageGives) {
  std::string error;
  auto catalog = Catalog::load(data("catalog/mini-disarm.json"), &error);
  ASSERT_TRUE(catalog) << error;
  std::vector<GoldUnit> units(2);
  units[0].id = "I1/passage/1";
  units[0].tags = {{"T0143.903", "", ""}, {"T0146", "", ""}};
  units[1].id = "I1/passage/2";
  units[1].tags = {{"T0143.903", "", ""}, {"T0143.003", "", ""}, {"T0999", "", ""}};
  std::map<std::string, std::vector<std::string>> names = {
      {"T0143.903", {"Impersonated Persona"}}, {"T0999", {"No Such Name"}}};
  auto warnings = resolve_gold_ids(units, names, *catalog);
  EXPECT_EQ(ids(units[0].tags), (std::vector<std::string>{"T0143.003", "T0146"}));
  // Already tagged with the right ID: the typo goes, no duplicate.
  EXPECT_EQ(ids(units[1].tags), (std::vector<std::string>{"T0143.003", "T0999"}));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("imported as T0143.003"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("T0999"), std::string::npos);
  EXPECT_NE(warnings[1].find("no rule can match it"), std::string::npos);
}

TEST(ImportDisarm, BalancedBracketsCutWholeListsWithParenthesisedNames) {
  DisarmImport r = fixture_import();
  const GoldUnit* p1 = find_unit(r.units, "I90001/passage/1");
  ASSERT_TRUE(p1);
  EXPECT_EQ(
      p1->text,
      "The Example Lab described a campaign by a fictional actor:\n\n"
      "On 3 March, the Blue Heron network posted a voice clip of Mayor Ada Quill & her deputy "
      "in which Quill appeared to endorse a rival. The clip was synthetic.\n\n"
      "Here the network used an account to post AI-generated audio impersonating a mayor.\n\n"
      "The network also tracked \"engagement\" figures for each post and shared them with its "
      "sponsor.\n\n"
      "The operators reported their numbers back to the sponsor.");
  for (const char* leak : {"Deepfakes", "KPIs", "Account Asset", "Romantic", ")"})
    EXPECT_EQ(p1->text.find(leak), std::string::npos) << leak;
}

TEST(ImportDisarm, QuotesHoldOnlyItalicSourceText) {
  DisarmImport r = fixture_import();
  const GoldUnit* p1 = find_unit(r.units, "I90001/passage/1");
  const GoldUnit* p2 = find_unit(r.units, "I90001/passage/2");
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(
      p1->quotes,
      "On 3 March, the Blue Heron network posted a voice clip of Mayor Ada Quill & her deputy "
      "in which Quill appeared to endorse a rival. The clip was synthetic.\n\n"
      "The network also tracked \"engagement\" figures for each post and shared them with its "
      "sponsor.");
  // _..._ italics, &#39; entities, <br /> breaks.
  EXPECT_EQ(p2->quotes, "'We only did it for the money,' one operator said.");
  EXPECT_EQ(p2->text,
            "'We only did it for the money,' one operator said.\n\n"
            "This behaviour matches because the operators were paid per post.");
}

TEST(ImportDisarm, SegmentsTakeTheTagListsOfTheirCommentary) {
  DisarmImport r = fixture_import();
  const GoldUnit* s1 = find_unit(r.units, "I90001/segment/1");
  const GoldUnit* s2 = find_unit(r.units, "I90001/segment/2");
  const GoldUnit* s3 = find_unit(r.units, "I90001/segment/3");
  ASSERT_TRUE(s1 && s2 && s3);
  EXPECT_EQ(ids(s1->tags), (std::vector<std::string>{"T0146", "T0088.001", "T0143.003"}));
  EXPECT_EQ(ids(s2->tags), (std::vector<std::string>{"T0134", "T0097.109"}));
  EXPECT_EQ(ids(s3->tags), (std::vector<std::string>{"T0137"}));
  EXPECT_EQ(s1->tags[0].evidence,
            "Here the network used an account to post AI-generated audio impersonating a mayor");
  EXPECT_EQ(
      s2->text,
      "The network also tracked \"engagement\" figures for each post and shared them with its "
      "sponsor.\n\nThe operators reported their numbers back to the sponsor.");
  EXPECT_EQ(s1->quotes.find("engagement"), std::string::npos);
}

TEST(ImportDisarm, IntroducingCommentaryAndListsInsideQuotes) {
  DisarmImport r = fixture_import();
  const GoldUnit* s1 = find_unit(r.units, "I90003/segment/1");
  const GoldUnit* s2 = find_unit(r.units, "I90003/segment/2");
  ASSERT_TRUE(s1 && s2);
  // "...residents of the town (T0097.101):" introduces the quote after it.
  EXPECT_EQ(ids(s1->tags), (std::vector<std::string>{"T0097.101", "T0151.001", "T0017"}));
  EXPECT_EQ(ids(s2->tags), (std::vector<std::string>{"T0114"}));
  EXPECT_EQ(
      s2->text,
      "They also bought advertisements:\n\nAds for the fundraiser ran on a video site for two "
      "weeks.");
  EXPECT_EQ(s1->quotes,
            "The accounts claimed to live on Harbour Street and posted daily about the ferry.\n\n"
            "Several of them used the same stock photo.");
}

TEST(ImportDisarm, IncidentUnitIsSummaryAndPassagesWithAllTags) {
  DisarmImport r = fixture_import();
  const GoldUnit* inc = find_unit(r.units, "I90001");
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->level, "incident");
  EXPECT_EQ(inc->text.rfind(
                "A made-up network cloned the voice of a made-up mayor & sold the results.\n\n", 0),
            0u);
  EXPECT_NE(inc->text.find("paid per post"), std::string::npos);
  EXPECT_EQ(ids(inc->tags), (std::vector<std::string>{"T0146", "T0088.001", "T0143.003", "T0134",
                                                      "T0097.109", "T0137"}));
}

TEST(ImportDisarm, NothingLeaksIntoFixtureTexts) {
  for (const auto& u : fixture_import().units) expect_clean(u);
}

TEST(ImportDisarm, MissingDirectoryIsAnError) {
  DisarmImport r = import_disarm("/nonexistent/ttptag/incidents");
  EXPECT_NE(r.error, "");
  EXPECT_TRUE(r.units.empty());
}

TEST(ParseDescription, TableDriven) {
  struct Case {
    const char* in;
    const char* text;
    const char* quotes;
    size_t lists;
  } cases[] = {
      {"A &lt;b&gt; tag &#x41;&#66; x", "A <b> tag AB x", "", 0},
      {"Posted on <em>Site</em> (T0151.001: Social Media Platform); then left.",
       "Posted on Site; then left.", "Site", 1},
      {"No list here (a normal aside) [with brackets].",
       "No list here (a normal aside) [with brackets].", "", 0},
      {"Square [T0015: Create Hashtags and Search Artefacts] lists too.", "Square lists too.", "",
       1},
      {"snake_case_names stay_ intact", "snake_case_names stay_ intact", "", 0},
      {"It matches T0016: Create Clickbait, as shown.", "It matches, as shown.", "", 1},
  };
  for (const auto& c : cases) {
    ParsedDescription pd = parse_description(c.in);
    EXPECT_EQ(pd.text, c.text) << c.in;
    EXPECT_EQ(pd.quotes, c.quotes) << c.in;
    EXPECT_EQ(pd.lists.size(), c.lists) << c.in;
  }
}

// The real pages: every unit has tags, nothing of the answers leaks.
TEST(ImportDisarm, RealPagesImportCleanly) {
  if (!has_shared("disarm/incidents")) GTEST_SKIP() << "../shared/disarm not found";
  DisarmImport r = import_disarm(shared("disarm/incidents"));
  ASSERT_EQ(r.error, "");
  EXPECT_GT(r.pages_with_rows, 0u);
  EXPECT_LE(r.pages_with_rows, r.pages);
  EXPECT_EQ(r.per_level["incident"], r.pages_with_rows);
  EXPECT_GE(r.per_level["passage"], r.per_level["incident"]);
  EXPECT_GE(r.per_level["segment"], r.per_level["passage"]);
  std::optional<Catalog> catalog;
  if (has_shared("disarm/DISARM.json")) {
    std::string error;
    catalog = Catalog::load(shared("disarm/DISARM.json"), &error);
  }
  for (const auto& u : r.units) {
    expect_clean(u);
    EXPECT_FALSE(u.tags.empty()) << u.id;
    EXPECT_FALSE(u.text.empty()) << u.id;
    for (const auto& t : u.tags) EXPECT_TRUE(looks_like_technique_id(t.id)) << u.id << " " << t.id;
    if (!catalog) continue;
    for (const auto& tech : catalog->techniques()) {  // names of three words or more
      if (std::count(tech.name.begin(), tech.name.end(), ' ') < 2) continue;
      EXPECT_EQ(u.text.find(tech.name), std::string::npos) << u.id << " leaks " << tech.name;
    }
  }
}

// ---- JSONL ----

std::string write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

TEST(GoldJsonl, RoundTrips) {
  std::vector<GoldUnit> units = fixture_import().units;
  std::ostringstream out;
  write_gold(units, out);
  std::string path = write_file(scratch("gold-rt/units.jsonl"), out.str());
  GoldFile back = read_gold(path);
  ASSERT_EQ(back.error, "");
  ASSERT_EQ(back.units.size(), units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    EXPECT_EQ(back.units[i].id, units[i].id);
    EXPECT_EQ(back.units[i].text, units[i].text);
    EXPECT_EQ(back.units[i].quotes, units[i].quotes);
    ASSERT_EQ(back.units[i].tags.size(), units[i].tags.size());
    for (size_t k = 0; k < units[i].tags.size(); ++k) {
      EXPECT_EQ(back.units[i].tags[k].id, units[i].tags[k].id);
      EXPECT_EQ(back.units[i].tags[k].evidence, units[i].tags[k].evidence);
      EXPECT_EQ(back.units[i].tags[k].note, units[i].tags[k].note);
    }
  }
}

TEST(GoldJsonl, PathsResolveBesideTheGoldFolderAndUnreadableOnesAreSkipped) {
  fs::path root = scratch("gold-paths");
  write_file(root / "docs/a.txt", "Article text.");
  std::string gold = write_file(
      root / "gold/hand.jsonl",
      R"({"id": "a", "level": "document", "source": "hand", "path": "docs/a.txt", "tags": [{"id": "T0015", "evidence": "x"}]})"
      "\n\n"
      R"({"id": "b", "level": "document", "source": "hand", "path": "docs/missing.txt", "tags": ["T0016"]})"
      "\n");
  GoldFile g = read_gold(gold);  // the working directory is not `root`
  ASSERT_EQ(g.error, "");
  ASSERT_EQ(g.units.size(), 1u);
  EXPECT_EQ(g.units[0].text, "Article text.");
  EXPECT_EQ(g.units[0].tags[0].evidence, "x");
  EXPECT_EQ(g.unreadable, 1u);
  ASSERT_EQ(g.warnings.size(), 1u);
  EXPECT_NE(g.warnings[0].find("docs/missing.txt"), std::string::npos);
}

TEST(GoldJsonl, BadLinesAreErrorsWithTheirLineNumber) {
  fs::path dir = scratch("gold-bad");
  struct Case {
    const char* name;
    const char* body;
  } cases[] = {
      {"json", "{\"id\": \"a\", \"level\": \"passage\", \"text\": \"x\"}\n{oops\n"},
      {"level", "{\"id\": \"a\", \"level\": \"chapter\", \"text\": \"x\"}\n"},
      {"dup", "{\"id\": \"a\", \"level\": \"passage\"}\n{\"id\": \"a\", \"level\": \"passage\"}\n"},
      {"tags", "{\"id\": \"a\", \"level\": \"passage\", \"tags\": \"T0015\"}\n"},
  };
  for (const auto& c : cases) {
    GoldFile g = read_gold(write_file(dir / (std::string(c.name) + ".jsonl"), c.body));
    EXPECT_NE(g.error, "") << c.name;
  }
  GoldFile g = read_gold(write_file(dir / "json.jsonl", cases[0].body));
  EXPECT_NE(g.error.find("json.jsonl:2:"), std::string::npos) << g.error;
  EXPECT_NE(read_gold((dir / "absent.jsonl").string()).error, "");
}

}  // namespace
}  // namespace ttptag
