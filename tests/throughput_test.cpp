#include "throughput.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "test_util.h"

namespace ttptag {
namespace {

// The bench's bare scan: Sets of every trigger report the rules whose
// trigger matches, however many Sets the triggers are split over.
TEST(Throughput, TriggerSetsReportTheRulesWhoseTriggerMatches) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(std::string(TTPTAG_SOURCE_DIR) + "/rules", nullptr, &issues);
  const std::vector<std::string> texts = {
      "accounts were posing as local journalists and shared ai-generated audio of the candidate.",
      "the network bought ads on facebook and ran a fake news site.", "nothing to see here.", ""};
  for (const size_t per_set : {SIZE_MAX, size_t{100}}) {
    std::string error;
    const TriggerSets sets = compile_trigger_sets(*rules, &error, per_set);
    ASSERT_FALSE(sets.sets.empty()) << error;
    const size_t n = rules->rules().size();
    if (per_set == SIZE_MAX) {
      EXPECT_EQ(sets.sets.size(), 1u);
    } else {  // halved until each holds at most per_set
      EXPECT_GE(sets.sets.size(), (n + per_set - 1) / per_set);
      for (size_t k = 0; k < sets.sets.size(); ++k) {
        const size_t end = k + 1 < sets.sets.size() ? static_cast<size_t>(sets.first_rule[k + 1]) : n;
        EXPECT_LE(end - static_cast<size_t>(sets.first_rule[k]), per_set);
      }
    }
    size_t hits_seen = 0;
    for (const auto& text : texts) {
      std::vector<int> hits;
      sets.match(text, &hits);
      std::set<int> expected;
      for (size_t r = 0; r < n; ++r) {
        if (RE2::PartialMatch(text, *rules->rules()[r].trigger)) expected.insert(static_cast<int>(r));
      }
      EXPECT_EQ(std::set<int>(hits.begin(), hits.end()), expected) << text;
      hits_seen += hits.size();
    }
    EXPECT_GT(hits_seen, 3u);
  }
}

// profile_stages: every pass reads the same documents, and only the warm
// one fills the per-stage figures; the two passes of one side alone each
// give their time (the bench's "alone" figures).
TEST(Throughput, ProfileStagesCountsOnceAndTimesEachSideAlone) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "ttptag_profile_stages";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::vector<std::string> texts = {"Accounts were posing as local journalists.\n",
                                          "The network shared AI-generated audio of the candidate.\n", "Nothing here.\n"};
  size_t bytes = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::ofstream(dir / ("d" + std::to_string(i) + ".txt")) << texts[i];
    bytes += texts[i].size();
  }
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(std::string(TTPTAG_SOURCE_DIR) + "/rules", nullptr, &issues);
  const Tagger tagger(*rules, AggregateOptions{});
  const StageTimes st = profile_stages(expand_inputs({dir.string()}), ReadOptions{}, tagger);
  fs::remove_all(dir);
  EXPECT_EQ(st.docs, texts.size());
  EXPECT_EQ(st.errors, 0u);
  EXPECT_EQ(st.bytes, bytes);
  EXPECT_EQ(st.sentences, texts.size());
  EXPECT_GT(st.match, 0);
  EXPECT_GT(st.set_scan, 0);
  EXPECT_GT(st.cold_pipeline, 0);
  EXPECT_GT(st.alone_pipeline, 0);
  EXPECT_GT(st.alone_set_scan, 0);
}

}  // namespace
}  // namespace ttptag
