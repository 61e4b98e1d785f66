// Helpers shared by the tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "rules.h"
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
