#include "match.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aggregate.h"
#include "normalize.h"
#include "segment.h"
#include "tagger.h"
#include "test_util.h"

namespace ttptag {
namespace {

class MatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Issue> issues;
    rules_ = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
    ASSERT_FALSE(has_errors(issues));
  }
  Document prepared(const std::string& text) {
    Document doc;
    doc.text = text;
    normalize(doc);
    segment(doc);
    return doc;
  }
  std::vector<std::string> fired(const std::string& text) {
    Document doc = prepared(text);
    match(*rules_, doc);
    std::vector<std::string> ids;
    for (const auto& m : doc.matches) ids.push_back(rules_->rules()[m.rule].id);
    return ids;
  }
  std::unique_ptr<RuleSet> rules_;
};

using ::testing::ElementsAre;

TEST_F(MatchTest, FindsPhraseSpanInSentence) {
  Document doc = prepared("Officials said. Accounts were posing as U.S. voters online.");
  match(*rules_, doc);
  ASSERT_EQ(doc.matches.size(), 1u);
  const Match& m = doc.matches[0];
  EXPECT_EQ(m.sentence, 1u);
  EXPECT_EQ(doc.norm.text.substr(m.begin, m.end - m.begin), "posing as u.s. voters");
}

TEST_F(MatchTest, UnlessVetoesAndIsRecorded) {
  Document doc = prepared("There is no evidence the clip was AI-generated audio.");
  match(*rules_, doc);
  EXPECT_TRUE(doc.matches.empty());
  ASSERT_EQ(doc.suppressed.size(), 1u);
  EXPECT_EQ(rules_->rules()[doc.suppressed[0].rule].id, "demo.ai-audio");
  EXPECT_EQ(doc.suppressed[0].reason, "no evidence");
}

TEST_F(MatchTest, UnlessOnlyCoversItsOwnSentence) {
  EXPECT_THAT(fired("There is no evidence of fraud. The clip was AI-generated audio."),
              ElementsAre("demo.ai-audio"));
}

TEST_F(MatchTest, AllNeedsItsPatternInTheParagraph) {
  EXPECT_THAT(fired("They ran fake accounts.\n\nFacebook removed many."), ElementsAre());
  EXPECT_THAT(fired("They ran fake accounts. Facebook removed many."), ElementsAre("demo.platform-accounts"));
}

TEST_F(MatchTest, DocumentScopeLooksAnywhere) {
  EXPECT_THAT(fired("The campaign began in May.\n\nReaders were asked to donate."), ElementsAre("demo.whole-doc"));
  EXPECT_THAT(fired("Readers were asked to donate."), ElementsAre());
}

TEST_F(MatchTest, NearCountsWordsBetween) {
  EXPECT_THAT(fired("Bots were used to amplify the posts."), ElementsAre("demo.near-bots"));
  EXPECT_THAT(fired("Bots were then widely and repeatedly used to amplify posts."), ElementsAre());
}

TEST_F(MatchTest, NearOnlyRuleNeedsItsPairInOneSentence) {
  // The scope (document) is where `all` and the rule's other conditions
  // look; the evidence is the pair, so it must lie in the sentence that
  // reports it, even when the words between two sentences are few.
  EXPECT_THAT(fired("The campaign spread. A deepfake of his voice followed."), ElementsAre("demo.near-doc"));
  EXPECT_THAT(fired("The campaign spread a deepfake. Voices followed."), ElementsAre());
  EXPECT_THAT(fired("A deepfake of his voice followed."), ElementsAre());  // no campaign in the document
}

TEST_F(MatchTest, NearEvidenceSpansBothEnds) {
  Document doc = prepared("Bots were used to amplify the posts.");
  match(*rules_, doc);
  ASSERT_EQ(doc.matches.size(), 1u);
  EXPECT_EQ(doc.norm.text.substr(doc.matches[0].begin, doc.matches[0].end - doc.matches[0].begin),
            "bots were used to amplify");
}

TEST_F(MatchTest, SetFilteredAgreesWithNaive) {
  const std::vector<std::string> texts = {
      "Accounts were posing as U.S. voters. The clip was AI-generated audio.",
      "There is no evidence the clip was AI-generated audio. Bots were used to amplify it.",
      "They ran fake accounts on Twitter. The campaign asked readers to donate.",
      "Nothing to see here.",
      "",
      "Voice cloning and voice cloned clips, posing as journalists and posing as residents.",
  };
  for (const auto& t : texts) testing::expect_matches_as_naive(*rules_, t);
}

TEST(Aggregate, NoisyOrOfDistinctRulesAndEvidenceOffsetsIntoOriginal) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
  AggregateOptions opts;
  opts.min_score = 0.0;
  Tagger tagger(*rules, opts);
  const std::string text = "Intro.\n\nAccounts were \xE2\x80\x9Cposing as U.S.\xC2\xA0voters\xE2\x80\x9D online.";
  Document doc = tagger.tag_text("t", text);
  ASSERT_EQ(doc.tags.size(), 1u);
  const Tag& tag = doc.tags[0];
  EXPECT_EQ(tag.id, "T0143.003");
  EXPECT_NEAR(tag.score, 0.6, 1e-9);
  ASSERT_EQ(tag.evidence.size(), 1u);
  const Evidence& ev = tag.evidence[0];
  EXPECT_EQ(text.substr(ev.start, ev.end - ev.start), "posing as U.S.\xC2\xA0voters");
  EXPECT_EQ(ev.text, "posing as U.S.\xC2\xA0voters");
  EXPECT_EQ(ev.sentence, 1u);
}

TEST(Aggregate, MinScoreDropsWeakTechniquesAndStatsOverrideWeights) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
  const std::string text = "They ran fake accounts on Facebook.";
  AggregateOptions opts;  // min_score 0.5; the rule's weight is 0.4
  EXPECT_TRUE(Tagger(*rules, opts).tag_text("t", text).tags.empty());
  RuleStats stats;
  stats.precision["demo.platform-accounts"] = 0.75;
  opts.stats = &stats;
  Document doc = Tagger(*rules, opts).tag_text("t", text);
  ASSERT_EQ(doc.tags.size(), 1u);
  EXPECT_NEAR(doc.tags[0].score, 0.75, 1e-9);
}

TEST(Aggregate, TwoRulesCombineByNoisyOr) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
  RuleStats stats;
  stats.precision["demo.ai-audio"] = 0.5;
  AggregateOptions opts;
  opts.stats = &stats;
  opts.min_score = 0;
  Document doc = Tagger(*rules, opts).tag_text("t", "AI-generated audio. Voice cloning.");
  ASSERT_EQ(doc.tags.size(), 1u);
  EXPECT_NEAR(doc.tags[0].score, 0.5, 1e-9);  // one rule twice is still one rule
  EXPECT_EQ(doc.tags[0].evidence.size(), 2u);
}

}  // namespace
}  // namespace ttptag
