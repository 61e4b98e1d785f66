#include "regex_factor.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

namespace ttptag {
namespace {

TEST(RegexFactor, MergesBranchesThatShareTheirFirstTokens) {
  EXPECT_EQ(factor_alternations(R"((?:\bposing\s+as\b|\bposing\s+online\s+as\b|\bposed\s+as\b))"),
            R"((?:\bpos(?:ing\s+(?:as\b|online\s+as\b)|ed\s+as\b)))");
  EXPECT_EQ(factor_alternations(R"((?:\bfan\s+pages\b|\bfan\s+page\b|\bfan\b))"), R"((?:\bfan(?:\s+page(?:s\b|\b)|\b)))");
  // A branch that ends where a later one goes on becomes an empty alternative, in its place.
  EXPECT_EQ(factor_alternations(R"((?:u\.s\.a\.|u\.s\.))"), R"((?:u\.s\.(?:a\.|)))");
  // Only neighbours merge: the order of the branches is the order of preference.
  EXPECT_EQ(factor_alternations("(?:ab|c|ad)"), "(?:ab|c|ad)");
  // Groups inside other constructs are rewritten; the rest is copied.
  EXPECT_EQ(factor_alternations(R"(^x[(?:|]\((?:ab|ac)+y(?i:(?:ba|bb)))"), R"(^x[(?:|]\((?:a(?:b|c))+y(?i:(?:b(?:a|b))))");
}

TEST(RegexFactor, LeavesGroupsItCannotProveEquivalent) {
  for (const char* kept : {
           R"((?:a+b|a+c))",          // a quantifier
           R"((?:\w\s+x|\w\s+y))",    // a class escape
           R"((?:[ab]x|[ab]y))",      // a character class
           R"((?:a\s+|a\s+b))",       // \s+ at the end of a branch may stop early
           R"((?:a\s+\ b|a\s+c))",    // \s+ before an escaped space
           R"((?:a[-\s]?\.|a[-\s]?b))",  // [-\s]? before punctuation
           R"((?:a(?:b)|a(?:c)))",    // nested groups
           R"((?:ab))",               // one branch: nothing to merge
           R"((?:\x41b|\x41c))",      // a code point escape
       }) {
    EXPECT_EQ(factor_alternations(kept), kept);
  }
  // Why \s+ must not end a branch: merged, the two branches below would
  // try every length of the white space for the first branch before the
  // second, and find another match.
  const std::string text = "a  b c";
  std::string as_written, merged;
  ASSERT_TRUE(RE2::PartialMatch(text, R"((?:a\s+|a\s+b)(\s\w*))", &as_written));
  ASSERT_TRUE(RE2::PartialMatch(text, R"(a\s+(?:|b)(\s\w*))", &merged));
  EXPECT_EQ(as_written, " b");
  EXPECT_EQ(merged, " c");
  // Multi-byte characters stay whole (RE2 rejects a pattern that splits one).
  EXPECT_EQ(factor_alternations("(?:\xC3\xA9t\xC3\xA9|\xC3\xA9ta)"), "(?:\xC3\xA9t(?:\xC3\xA9|a))");
  EXPECT_EQ(factor_alternations("(?:\xC3\xA9|\xC3\xA8)"), "(?:\xC3\xA9|\xC3\xA8)");
}

// The factored regex finds the same spans as the original, in every
// context, for lists in any order: random phrase lists (shared beginnings,
// prefixes of each other, hyphens, punctuation) written as the rule loader
// writes them, matched on random texts of the same words.
TEST(RegexFactor, SameMatchesAsTheOriginalOnRandomPhraseLists) {
  std::mt19937 rng(20261123);
  const std::vector<std::string> words = {"pos", "posing", "posed", "as", "a", "an", "online", "fan", "page",
                                          "pages", "co", "op", "u.s.", "\xC3\xA9t\xC3\xA9", "voter", "voters"};
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80; };
  size_t compared = 0, matched = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string group = "(?:";
    const size_t phrases = 2 + pick(12);
    for (size_t k = 0; k < phrases; ++k) {
      std::string phrase;
      const size_t n = 1 + pick(3);
      for (size_t w = 0; w < n; ++w) {
        if (w) phrase += pick(4) == 0 ? "[-\\s]?" : "\\s+";
        phrase += RE2::QuoteMeta(words[pick(words.size())]);
      }
      if (is_word(phrase.front())) phrase = "\\b" + phrase;
      if (is_word(phrase.back())) phrase += "\\b";
      group += (k ? "|" : "") + phrase;
    }
    group += ")";
    for (const std::string& pattern : {group, "(" + group + ")\\s+voters?", "(" + group + "?)(\\S*)", "x|(" + group + ")+"}) {
      const RE2 plain(pattern), factored(factor_alternations(pattern));
      ASSERT_TRUE(plain.ok() && factored.ok()) << pattern << "\n" << factor_alternations(pattern);
      ASSERT_EQ(plain.NumberOfCapturingGroups(), factored.NumberOfCapturingGroups());
      for (int t = 0; t < 20; ++t) {
        std::string text;
        const size_t n = 1 + pick(8);
        for (size_t w = 0; w < n; ++w) text += (w ? (pick(5) == 0 ? "-" : pick(9) == 0 ? "\n" : " ") : "") + words[pick(words.size())];
        const int groups = plain.NumberOfCapturingGroups() + 1;
        std::vector<re2::StringPiece> a(static_cast<size_t>(groups)), b(static_cast<size_t>(groups));
        const bool found = plain.Match(text, 0, text.size(), RE2::UNANCHORED, a.data(), groups);
        ASSERT_EQ(found, factored.Match(text, 0, text.size(), RE2::UNANCHORED, b.data(), groups)) << pattern << " on " << text;
        for (int g = 0; found && g < groups; ++g) {
          EXPECT_EQ(a[g].data(), b[g].data()) << pattern << " group " << g << " on " << text;
          EXPECT_EQ(a[g].size(), b[g].size()) << pattern << " group " << g << " on " << text;
        }
        ++compared;
        matched += found;
      }
    }
  }
  EXPECT_GT(matched, compared / 10);  // the texts do hit the lists
}

}  // namespace
}  // namespace ttptag
