// The scorer on hand-made predictions with hand-computed figures, rule
// stats, and the eval command checked against an independent count.
#include "eval.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "aggregate.h"
#include "test_util.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

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

GoldUnit unit(const std::string& id, std::vector<std::string> tags) {
  GoldUnit u{id, "passage", "hand", "", "Text of " + id + ".", "", "", {}};
  for (auto& t : tags) u.tags.push_back({t, "", ""});
  return u;
}

Tag tag(const std::string& id, double score, std::vector<std::string> rules) {
  Tag t{id, "", score, {}};
  for (auto& r : rules) t.evidence.push_back({r, 0, 0, 0, "", "Sentence for " + r + ".", 0});
  return t;
}

// Three units; techniques A = T0001, B = T0002, C = T0003.001.
//   u1 gold {A, B}, predicted A (r1, 0.9), C (r2, 0.55)
//   u2 gold {B},    predicted B (r1 + r3, 0.75), A (r1, 0.65)
//   u3 gold {C},    predicted nothing
// A: TP 1 FP 1 FN 0 -> P 1/2, R 1, F1 2/3;  B: TP 1 FN 1 -> P 1, R 1/2, F1 2/3;
// C: FP 1 FN 1 -> 0, 0, 0.  Micro TP 2 FP 2 FN 2 -> P = R = F1 = 1/2.
// Macro P (1/2 + 1 + 0)/3 = 1/2, R (1 + 1/2 + 0)/3 = 1/2, F1 (2/3 + 2/3)/3 = 4/9.
Scorer hand_scorer(TechniqueFilter filter = {}) {
  Scorer s(std::move(filter));
  s.add_rule("r1", 0.5);
  s.add_rule("r2", 0.5);
  s.add_rule("r3", 0.7);
  s.add_rule("silent", 0.6);
  GoldUnit u1 = unit("u1", {"T0001", "T0002"});
  u1.tags[1].evidence = "Gold sentence for B.";
  s.add(u1, u1.text, {tag("T0001", 0.9, {"r1"}), tag("T0003.001", 0.55, {"r2"})});
  GoldUnit u2 = unit("u2", {"T0002"});
  s.add(u2, u2.text, {tag("T0002", 0.75, {"r1", "r3"}), tag("T0001", 0.65, {"r1"})});
  GoldUnit u3 = unit("u3", {"T0003.001"});
  s.add(u3, u3.text, {});
  return s;
}

const TechniqueScore& technique(const EvalReport& r, const std::string& id) {
  for (const auto& t : r.techniques)
    if (t.id == id) return t;
  throw std::runtime_error("no technique " + id);
}
const RuleScore& rule(const EvalReport& r, const std::string& id) {
  for (const auto& x : r.rules)
    if (x.id == id) return x;
  throw std::runtime_error("no rule " + id);
}

TEST(Scorer, MicroAndMacroFigures) {
  EvalReport r = hand_scorer().report();
  EXPECT_EQ(r.units, 3u);
  EXPECT_EQ(r.micro.tp, 2u);
  EXPECT_EQ(r.micro.fp, 2u);
  EXPECT_EQ(r.micro.fn, 2u);
  EXPECT_DOUBLE_EQ(r.micro.precision(), 0.5);
  EXPECT_DOUBLE_EQ(r.micro.recall(), 0.5);
  EXPECT_DOUBLE_EQ(r.micro.f1(), 0.5);
  EXPECT_EQ(r.macro_techniques, 3u);
  EXPECT_DOUBLE_EQ(r.macro_precision, 0.5);
  EXPECT_DOUBLE_EQ(r.macro_recall, 0.5);
  EXPECT_NEAR(r.macro_f1, 4.0 / 9.0, 1e-12);
}

TEST(Scorer, PerTechniqueWorstFirstWithExamples) {
  EvalReport r = hand_scorer().report();
  ASSERT_EQ(r.techniques.size(), 3u);
  EXPECT_EQ(r.techniques[0].id, "T0003.001");  // F1 0
  EXPECT_EQ(r.techniques[1].id, "T0001");      // F1 2/3, then by ID
  EXPECT_EQ(r.techniques[2].id, "T0002");
  const auto& a = technique(r, "T0001");
  EXPECT_EQ(a.support, 1u);
  EXPECT_EQ(a.counts.tp, 1u);
  EXPECT_EQ(a.counts.fp, 1u);
  EXPECT_EQ(a.counts.fn, 0u);
  EXPECT_DOUBLE_EQ(a.counts.precision(), 0.5);
  EXPECT_DOUBLE_EQ(a.counts.recall(), 1.0);
  EXPECT_NEAR(a.counts.f1(), 2.0 / 3.0, 1e-12);
  ASSERT_EQ(a.false_positives.size(), 1u);
  EXPECT_EQ(a.false_positives[0].unit, "u2");
  EXPECT_EQ(a.false_positives[0].rules, "r1");
  EXPECT_EQ(a.false_positives[0].text, "Sentence for r1.");
  const auto& b = technique(r, "T0002");
  EXPECT_EQ(b.support, 2u);
  ASSERT_EQ(b.misses.size(), 1u);
  EXPECT_EQ(b.misses[0].text, "Gold sentence for B.");  // gold evidence when there is some
  const auto& c = technique(r, "T0003.001");
  ASSERT_EQ(c.misses.size(), 1u);
  EXPECT_EQ(c.misses[0].text, "Text of u3.");  // else the start of the unit
}

TEST(Scorer, PerRuleCounts) {
  EvalReport r = hand_scorer().report();
  EXPECT_EQ(rule(r, "r1").fires, 3u);  // u1 A (TP), u2 B (TP), u2 A (FP)
  EXPECT_EQ(rule(r, "r1").tp, 2u);
  EXPECT_EQ(rule(r, "r2").fires, 1u);
  EXPECT_EQ(rule(r, "r2").tp, 0u);
  EXPECT_EQ(rule(r, "r3").fires, 1u);
  EXPECT_EQ(rule(r, "r3").tp, 1u);
  EXPECT_EQ(rule(r, "r1").raw_fires, 3u);  // no firings given: taken from the evidence
  EXPECT_EQ(r.silent_rules, 1u);
  EXPECT_EQ(r.rules.front().id, "r2");  // worst precision first
}

TEST(Scorer, RawFiringsIncludeMatchesBelowThreshold) {
  Scorer s;
  GoldUnit u = unit("u", {"T0001"});
  std::vector<Firing> firings = {{"weak", "T0001"}, {"weak", "T0002"}, {"strong", "T0002"}};
  s.add(u, u.text, {tag("T0002", 0.8, {"strong"})}, &firings);
  EvalReport r = s.report();
  EXPECT_EQ(rule(r, "weak").fires, 0u);
  EXPECT_EQ(rule(r, "weak").raw_fires, 2u);
  EXPECT_EQ(rule(r, "weak").raw_tp, 1u);
  EXPECT_EQ(rule(r, "strong").raw_fires, 1u);
  EXPECT_EQ(rule(r, "strong").raw_tp, 0u);
}

// Review gold lists rejected suggestions per rule; eval counts them as
// known false positives of that rule (only when the rule backs the tag).
TEST(Scorer, KnownFalsePositivesFromReview) {
  Scorer s;
  GoldUnit u = unit("review/a.txt", {"T0001"});
  u.rejected = {{"T0002", "r.bad"}, {"T0002", "r.silent"}, {"T0001", "r.good"}};
  s.add(u, u.text, {tag("T0001", 0.9, {"r.good"}), tag("T0002", 0.8, {"r.bad", "r.other"})});
  EvalReport r = s.report();
  EXPECT_EQ(rule(r, "r.bad").known_fp, 1u);
  EXPECT_EQ(rule(r, "r.other").known_fp, 0u);  // a false positive, but not confirmed for this rule
  EXPECT_EQ(rule(r, "r.good").known_fp, 0u);   // the tag is gold after all
  std::ostringstream text, html;
  print_report(r, text, 0);
  write_html(r, html, 0);
  EXPECT_NE(text.str().find("Known false positives"), std::string::npos);
  EXPECT_NE(html.str().find("Known false positives"), std::string::npos);
  EXPECT_EQ(report_json(r)["rules"][0].count("known_fp"), 1u);
  // Without review gold the section stays out of the report.
  std::ostringstream plain;
  print_report(hand_scorer().report(), plain, 0);
  EXPECT_EQ(plain.str().find("Known false positives"), std::string::npos);
}

TEST(Scorer, CalibrationBands) {
  EvalReport r = hand_scorer().report();
  ASSERT_EQ(r.bands.size(), 10u);
  EXPECT_EQ(r.bands[9].tags, 1u);  // 0.9, correct
  EXPECT_EQ(r.bands[9].correct, 1u);
  EXPECT_EQ(r.bands[5].tags, 1u);  // 0.55, wrong
  EXPECT_EQ(r.bands[5].correct, 0u);
  EXPECT_EQ(r.bands[6].correct, 0u);
  EXPECT_EQ(r.bands[7].correct, 1u);
  EXPECT_NEAR(r.ece, (0.1 + 0.55 + 0.25 + 0.65) / 4, 1e-12);
}

TEST(Scorer, TechniqueFilterRestrictsBothSides) {
  TechniqueFilter f;
  f.prefixes = {"T0003"};
  EvalReport r = hand_scorer(f).report();
  EXPECT_EQ(r.micro.tp, 0u);
  EXPECT_EQ(r.micro.fp, 1u);
  EXPECT_EQ(r.micro.fn, 1u);
  ASSERT_EQ(r.techniques.size(), 1u);
  EXPECT_EQ(rule(r, "r2").fires, 1u);
  EXPECT_THROW(rule(r, "r3"), std::runtime_error);  // only fired for T0002
  TechniqueFilter ids;
  ids.restrict_ids = true;
  ids.ids = {"T0001"};
  EXPECT_TRUE(ids.accepts("T0001"));
  EXPECT_FALSE(ids.accepts("T0001.001"));
}

TEST(Scorer, ReportsRenderAndEscape) {
  Scorer s;
  GoldUnit u = unit("<u&1>", {"T0001"});
  s.add(u, u.text, {tag("T0002", 0.6, {"r<script>"})});
  EvalReport r = s.report();
  std::ostringstream html, text;
  write_html(r, html, 5);
  print_report(r, text, 5);
  EXPECT_EQ(html.str().find("<script>"), std::string::npos);
  EXPECT_NE(html.str().find("r&lt;script&gt;"), std::string::npos);
  EXPECT_NE(text.str().find("micro"), std::string::npos);
  auto j = report_json(r);
  for (const char* k : {"precision", "recall", "f1"}) {
    EXPECT_TRUE(j["micro"].contains(k));
    EXPECT_TRUE(j["macro"].contains(k));
  }
  EXPECT_EQ(j["techniques"].size(), 2u);
  EXPECT_EQ(j["rules"][0]["id"], "r<script>");
}

TEST(RuleStats, SmoothingAndRoundTrip) {
  EXPECT_DOUBLE_EQ(smoothed_precision(2, 3, 0.5), 3.0 / 5.0);  // Laplace at prior 0.5
  EXPECT_DOUBLE_EQ(smoothed_precision(10, 12, 0.5), 11.0 / 14.0);
  EXPECT_DOUBLE_EQ(smoothed_precision(0, 0, 0.7), 0.7);  // no data: the prior
  EXPECT_DOUBLE_EQ(smoothed_precision(1, 1, 0.7), 2.4 / 3.0);
  auto stats = rule_stats_json(hand_scorer().report());
  EXPECT_FALSE(stats["rules"].contains("silent"));
  EXPECT_EQ(stats["rules"]["r1"]["fires"], 3);
  EXPECT_EQ(stats["rules"]["r1"]["tp"], 2);
  fs::path p = scratch("eval-stats/rules.stats.json");
  fs::create_directories(p.parent_path());
  std::ofstream(p) << stats.dump(2);
  std::string error;
  auto loaded = RuleStats::load(p.string(), &error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_DOUBLE_EQ(loaded->precision.at("r1"), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(loaded->precision.at("r3"), (1 + 1.4) / 3.0);
  EXPECT_EQ(loaded->precision.size(), 3u);
}

TEST(RuleStats, BadFilesAreErrors) {
  fs::path dir = scratch("eval-stats-bad");
  fs::create_directories(dir);
  for (const char* body : {"{\"rules\": {\"a\": {\"precision\": 1.5}}}", "{\"rules\": []}",
                           "{\"rules\": {\"a\": {\"fires\": 3}}}", "not json"}) {
    std::ofstream(dir / "s.json", std::ios::trunc) << body;
    std::string error;
    EXPECT_FALSE(RuleStats::load((dir / "s.json").string(), &error)) << body;
    EXPECT_NE(error, "") << body;
  }
  std::string error;
  EXPECT_FALSE(RuleStats::load((dir / "absent.json").string(), &error));
}

// ---- the eval command ----

int run(const std::string& cmd) {
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

// Counts TP/FP/FN from a --predictions dump, independently of the scorer.
struct Tally {
  size_t tp = 0, fp = 0, fn = 0, units = 0;
  std::map<std::string, std::array<size_t, 3>> per;
};
Tally tally(const std::string& path) {
  Tally t;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    json rec = json::parse(line);
    ++t.units;
    std::set<std::string> gold = rec["gold"].get<std::set<std::string>>(), pred;
    for (const auto& p : rec["predicted"]) pred.insert(p["id"].get<std::string>());
    for (const auto& id : pred) ++(gold.count(id) ? t.per[id][0] : t.per[id][1]);
    for (const auto& id : gold)
      if (!pred.count(id)) ++t.per[id][2];
  }
  for (const auto& [id, c] : t.per) {
    t.tp += c[0];
    t.fp += c[1];
    t.fn += c[2];
  }
  return t;
}

void expect_independent_count(const std::string& gold, const std::string& extra) {
  fs::path dir = fs::path(gold).parent_path();
  std::string pred = (dir / "pred.jsonl").string(), rep = (dir / "report.json").string();
  ASSERT_EQ(run(std::string(TTPTAG_BINARY) + " eval --gold " + gold + extra + " --predictions " +
                pred + " --json " + rep + " > /dev/null 2>&1"),
            0);
  Tally t = tally(pred);
  json j = json::parse(std::ifstream(rep));
  EXPECT_EQ(j["units"]["scored"], t.units);
  EXPECT_EQ(j["micro"]["tp"], t.tp);
  EXPECT_EQ(j["micro"]["fp"], t.fp);
  EXPECT_EQ(j["micro"]["fn"], t.fn);
  EXPECT_EQ(j["techniques"].size(), t.per.size());
  for (const auto& tech : j["techniques"]) {
    const auto& c = t.per[tech["id"].get<std::string>()];
    EXPECT_EQ(tech["tp"], c[0]) << tech["id"];
    EXPECT_EQ(tech["fp"], c[1]) << tech["id"];
    EXPECT_EQ(tech["fn"], c[2]) << tech["id"];
  }
  double p = t.tp + t.fp ? double(t.tp) / double(t.tp + t.fp) : 0;
  double r = t.tp + t.fn ? double(t.tp) / double(t.tp + t.fn) : 0;
  EXPECT_NEAR(j["micro"]["f1"].get<double>(), p + r > 0 ? 2 * p * r / (p + r) : 0, 1e-9);
}

std::string small_gold() {
  return write_file(
      scratch("eval-cli/gold.jsonl"),
      R"({"id": "a", "level": "document", "source": "hand", "text": "Fake accounts posing as local voters posted AI-generated audio of the mayor on Facebook and Telegram.", "tags": [{"id": "T0088.001"}, {"id": "T9999"}]})"
      "\n"
      R"({"id": "b", "level": "document", "source": "hand", "text": "The weather was mild and nothing happened.", "tags": []})"
      "\n"
      R"({"id": "c", "level": "document", "source": "hand", "text": "", "tags": [{"id": "T0015"}]})"
      "\n");
}

TEST(EvalCommand, MinF1GuardSetsTheExitCode) {
  std::string gold = small_gold();
  std::string bin = TTPTAG_BINARY;
  // T9999 can never be predicted, so F1 < 1.
  EXPECT_EQ(run(bin + " eval --gold " + gold + " --min-f1 1 > /dev/null 2>&1"), 1);
  EXPECT_EQ(run(bin + " eval --gold " + gold + " --min-f1 0 > /dev/null 2>&1"), 0);
  EXPECT_EQ(run(bin + " eval --gold " + gold + ".absent > /dev/null 2>&1"), 2);
  EXPECT_EQ(run(bin + " eval --gold " + gold + " --unit chapter > /dev/null 2>&1"), 2);
}

TEST(EvalCommand, JsonAgreesWithAnIndependentCountOfThePredictions) {
  std::string gold = small_gold();
  expect_independent_count(gold, "");
  json j = json::parse(std::ifstream(fs::path(gold).parent_path() / "report.json"));
  EXPECT_EQ(j["units"]["scored"], 2);
  EXPECT_EQ(j["units"]["skipped_empty"], 1);  // unit c has no text
}

TEST(EvalCommand, IndependentCountOnTheDisarmImport) {
  if (!testing::has_shared("disarm/incidents")) GTEST_SKIP() << "../shared/disarm not found";
  fs::path dir = scratch("eval-disarm");
  fs::create_directories(dir);
  std::string gold = (dir / "disarm.jsonl").string();
  ASSERT_EQ(run(std::string(TTPTAG_BINARY) + " gold import-disarm " +
                testing::shared("disarm/incidents") + " -o " + gold + " > /dev/null"),
            0);
  expect_independent_count(gold, " --unit segment");
  expect_independent_count(gold, " --unit passage --text quotes --techniques T0097,T0143");
}

}  // namespace
}  // namespace ttptag
