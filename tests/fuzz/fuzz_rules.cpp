// Fuzz target: the rule-pack loader (pipeline/rules.h) and the matcher on
// what it accepts.
//
// Input: the bytes of one rule pack (JSON with comments), loaded from a
// file as `ttptag rules lint` and `tag --rules` do. Loading must never
// crash or throw, whatever the pack: every problem is an Issue with a file,
// a code and a message. When the pack loads without errors, a short text
// plus the pack's own examples are tagged: the prefiltered matcher must give
// exactly what the naive matcher gives (match.h), and what the naive matcher
// gives on the pack compiled at once (compile_now: regexes as written, not
// rewritten by factor_alternations), every match a non-empty
// span inside its sentence, every evidence span inside the text and equal
// to its bytes; then the examples run as `rules test` runs them.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "aggregate.h"
#include "fuzz_util.h"
#include "match.h"
#include "normalize.h"
#include "rules.h"
#include "ruletools.h"
#include "segment.h"

using namespace ttptag;
using namespace ttptag::fuzz;

namespace {

constexpr const char* kText =
    "Accounts posing as local journalists shared a fabricated video. U.S. officials said "
    "the network bought ads on Facebook and Telegram.\n\nIt was not satire; a fact-check "
    "found the clip was AI-generated audio (a deepfake) spread by bots and trolls.";

bool same(const std::vector<Match>& a, const std::vector<Match>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].rule != b[i].rule || a[i].sentence != b[i].sentence || a[i].begin != b[i].begin ||
        a[i].end != b[i].end)
      return false;
  return true;
}

void tag_and_check(const RuleSet& rules, const RuleSet& compiled_now, const std::string& text) {
  Document doc;
  doc.text = text;
  normalize(doc);
  segment(doc);
  match(rules, doc);
  Document naive = doc, as_written = doc;
  match_naive(rules, naive);
  FUZZ_CHECK_MSG(same(doc.matches, naive.matches), "prefiltered and naive matchers disagree on \"" + show(text) + "\"");
  FUZZ_CHECK(doc.suppressed.size() == naive.suppressed.size());
  match_naive(compiled_now, as_written);
  FUZZ_CHECK_MSG(same(doc.matches, as_written.matches),
                 "factored and as-written regexes disagree on \"" + show(text) + "\"");
  FUZZ_CHECK(doc.suppressed.size() == as_written.suppressed.size());
  for (const auto& m : doc.matches) {
    FUZZ_CHECK(m.rule < rules.rules().size() && m.sentence < doc.sentences.size());
    const Sentence& s = doc.sentences[m.sentence];
    FUZZ_CHECK_MSG(s.begin <= m.begin && m.begin < m.end && m.end <= s.end,
                   "rule " + rules.rules()[m.rule].id + " matched [" + std::to_string(m.begin) + ", " +
                       std::to_string(m.end) + ") in sentence [" + std::to_string(s.begin) + ", " +
                       std::to_string(s.end) + ")");
  }
  AggregateOptions ao;
  ao.min_score = 0;
  aggregate(rules, ao, doc);
  for (const auto& tag : doc.tags) {
    FUZZ_CHECK(tag.score >= 0 && tag.score <= 1);
    for (const auto& ev : tag.evidence) {
      FUZZ_CHECK(ev.start < ev.end && ev.end <= doc.text.size());
      FUZZ_CHECK(ev.text == doc.text.substr(ev.start, ev.end - ev.start));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ScratchDir scratch;
  const std::string path = scratch.write("pack.json", std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<Issue> issues;
  const std::unique_ptr<RuleSet> rules = RuleSet::load(path, LoadOptions{}, &issues);
  FUZZ_CHECK(rules != nullptr);
  for (const auto& issue : issues) {
    FUZZ_CHECK(issue.file == path && !issue.code.empty() && !issue.message.empty() && issue.line >= 0);
    (void)issue.format();
  }
  // The lazy load (the default, regexes compiled on first use) must find
  // exactly the problems that compiling every regex at once finds.
  LoadOptions now;
  now.compile_now = true;
  std::vector<Issue> now_issues;
  const std::unique_ptr<RuleSet> compiled_now = RuleSet::load(path, now, &now_issues);
  std::multiset<std::string> lazy_codes, now_codes;
  for (const auto& i : issues) lazy_codes.insert(i.rule + " " + i.code);
  for (const auto& i : now_issues) now_codes.insert(i.rule + " " + i.code);
  FUZZ_CHECK_MSG(lazy_codes == now_codes, "the lazy load and compile_now report different problems");
  if (has_errors(issues)) return 0;
  tag_and_check(*rules, *compiled_now, kText);
  for (const auto& rule : rules->rules()) {
    for (const auto& ex : rule.match_examples) tag_and_check(*rules, *compiled_now, ex);
    for (const auto& ex : rule.no_match_examples) tag_and_check(*rules, *compiled_now, ex);
  }
  (void)run_examples(*rules);
  return 0;
}
