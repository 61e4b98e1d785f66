#include "match.h"

#include <algorithm>
#include <tuple>

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

// What a document's matches and vetoes are, in their order.
std::vector<std::tuple<size_t, size_t, size_t, size_t>> match_keys(const Document& doc) {
  std::vector<std::tuple<size_t, size_t, size_t, size_t>> keys;
  for (const Match& m : doc.matches) keys.emplace_back(m.rule, m.sentence, m.begin, m.end);
  return keys;
}
std::vector<std::tuple<size_t, size_t, size_t, std::string>> veto_keys(const Document& doc) {
  std::vector<std::tuple<size_t, size_t, size_t, std::string>> keys;
  for (const Suppression& v : doc.suppressed) keys.emplace_back(v.rule, v.sentence, v.begin, v.reason);
  return keys;
}

// Matching documents together (rule by rule across them) gives each what
// it gets alone: the bundled rules' examples, 25 to a document, some
// as paragraphs of their own (so paragraph- and document-scope conditions
// see other examples), and an empty document.
TEST(MatchBatch, EachDocumentGetsWhatItGetsAlone) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(std::string(TTPTAG_SOURCE_DIR) + "/rules", nullptr, &issues);
  ASSERT_FALSE(has_errors(issues));
  std::vector<std::string> examples;
  for (const auto& rule : rules->rules()) {
    examples.insert(examples.end(), rule.match_examples.begin(), rule.match_examples.end());
    examples.insert(examples.end(), rule.no_match_examples.begin(), rule.no_match_examples.end());
  }
  std::vector<Document> alone, together;
  for (size_t first = 0; first < examples.size(); first += 25) {
    Document doc;
    for (size_t k = first; k < std::min(examples.size(), first + 25); ++k) {
      doc.text += examples[k] + (k % 3 == 0 ? "\n\n" : " ");
    }
    alone.push_back(doc);
    if (first == 500) alone.push_back(Document{});
  }
  std::vector<Document*> batch;
  for (Document& doc : alone) {
    normalize(doc);
    segment(doc);
    together.push_back(doc);
    match(*rules, doc);
  }
  for (Document& doc : together) batch.push_back(&doc);
  match(*rules, batch);
  size_t matches = 0, suppressed = 0;
  for (size_t d = 0; d < alone.size(); ++d) {
    const Document &a = alone[d], &b = together[d];
    EXPECT_EQ(match_keys(a), match_keys(b)) << a.text;
    EXPECT_EQ(veto_keys(a), veto_keys(b)) << a.text;
    // In the order of running each sentence's candidates in turn.
    EXPECT_TRUE(std::is_sorted(b.matches.begin(), b.matches.end(), [](const Match& x, const Match& y) {
      return std::tie(x.sentence, x.begin, x.end, x.rule) < std::tie(y.sentence, y.begin, y.end, y.rule);
    }));
    EXPECT_TRUE(std::is_sorted(b.suppressed.begin(), b.suppressed.end(), [](const Suppression& x, const Suppression& y) {
      return std::tie(x.sentence, x.rule) < std::tie(y.sentence, y.rule);
    }));
    matches += a.matches.size();
    suppressed += a.suppressed.size();
  }
  EXPECT_GT(matches, 1000u);
  EXPECT_GT(suppressed, 50u);
}

// A document of over a MB is matched in windows of sentences: a block of
// the bundled rules' examples, repeated, gets the same matches and vetoes
// in every repetition (windows end inside some of them).
TEST(MatchBatch, LongDocumentGetsTheSameInEveryRepetition) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(std::string(TTPTAG_SOURCE_DIR) + "/rules", nullptr, &issues);
  ASSERT_FALSE(has_errors(issues));
  std::string block;
  for (const auto& rule : rules->rules()) {
    for (const auto& text : rule.match_examples) block += text + (block.size() % 3 == 0 ? "\n\n" : " ");
    for (const auto& text : rule.no_match_examples) block += text + " ";
  }
  block += "\n\n";
  const size_t repeats = (size_t{1} << 20) / block.size() + 2;
  Document doc;
  for (size_t k = 0; k < repeats; ++k) doc.text += block;
  normalize(doc);
  segment(doc);
  Document one;
  one.text = block;
  normalize(one);
  const size_t period = (doc.norm.text.size() - one.norm.text.size()) / (repeats - 1);
  ASSERT_EQ(doc.norm.text.substr(0, period), doc.norm.text.substr(period, period));
  match(*rules, doc);
  std::vector<std::vector<std::tuple<size_t, size_t, size_t>>> matches(repeats), vetoes(repeats);
  for (const Match& m : doc.matches) matches[m.begin / period].emplace_back(m.rule, m.begin % period, m.end - m.begin);
  for (const Suppression& v : doc.suppressed) vetoes[v.begin / period].emplace_back(v.rule, v.begin % period, v.end - v.begin);
  EXPECT_GT(matches[0].size(), 500u);
  EXPECT_GT(vetoes[0].size(), 50u);
  for (size_t k = 1; k < repeats; ++k) {
    EXPECT_EQ(matches[k], matches[0]) << "repetition " << k;
    EXPECT_EQ(vetoes[k], vetoes[0]) << "repetition " << k;
  }
}

}  // namespace
}  // namespace ttptag
