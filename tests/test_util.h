// Helpers shared by the tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "match.h"
#include "normalize.h"
#include "rules.h"
#include "segment.h"
#include "tagger.h"

namespace ttptag::testing {

inline std::string data(const std::string& rel) { return std::string(TTPTAG_TEST_DATA) + "/" + rel; }
inline std::string shared(const std::string& rel) { return std::string(TTPTAG_SHARED_DIR) + "/" + rel; }
inline bool has_shared(const std::string& rel) { return std::filesystem::exists(shared(rel)); }

inline std::unique_ptr<RuleSet> load_or_die(const std::string& path, const Catalog* catalog,
                                            std::vector<Issue>* issues) {
  LoadOptions lo;
  lo.catalog = catalog;
  return RuleSet::load(path, lo, issues);
}

// `text` normalized, segmented and matched (with the prefilter); the test
// fails where running every rule on every sentence (match_naive) gives
// other matches or another number of suppressions.
inline Document expect_matches_as_naive(const RuleSet& rules, const std::string& text) {
  Document a, b;
  a.text = b.text = text;
  for (Document* d : {&a, &b}) {
    normalize(*d);
    segment(*d);
  }
  match(rules, a);
  match_naive(rules, b);
  EXPECT_EQ(a.matches.size(), b.matches.size()) << text;
  for (size_t i = 0; i < a.matches.size() && i < b.matches.size(); ++i) {
    EXPECT_EQ(a.matches[i].rule, b.matches[i].rule) << text;
    EXPECT_EQ(a.matches[i].begin, b.matches[i].begin) << text;
    EXPECT_EQ(a.matches[i].end, b.matches[i].end) << text;
  }
  EXPECT_EQ(a.suppressed.size(), b.suppressed.size()) << text;
  return a;
}

// A fixture with the small test rules (tests/data/rules/good) and a
// tagger over them.
class GoodRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Issue> issues;
    rules_ = load_or_die(data("rules/good"), nullptr, &issues);
    ASSERT_FALSE(has_errors(issues));
    tagger_ = std::make_unique<Tagger>(*rules_, AggregateOptions{});
  }
  std::unique_ptr<RuleSet> rules_;
  std::unique_ptr<Tagger> tagger_;
};

}  // namespace ttptag::testing
