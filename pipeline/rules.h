// rules.h: load, validate and compile rule packs.
//
// A rule pack is a JSON file (comments allowed) in rules/: a pack name, a
// version, optional shared word `lists`, optional pack-wide `unless`, and
// `rules`. rules/README.md is the user-facing syntax. Loading collects every
// problem as an Issue (file, line, rule id, stable code) instead of stopping
// at the first, so `ttptag rules lint` can show them all.
//
// A RuleSet is built and validated, and from then on immutable: share one
// across threads freely. Its regexes compile on first use (lazy_re2.h),
// unless LoadOptions::compile_now.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "catalog.h"
#include "lazy_re2.h"

namespace ttptag {

class Prefilter;  // prefilter.h

enum class Severity { kError, kWarning };

struct Issue {
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;          // 1-based; 0 if unknown
  std::string rule;      // rule id, or "" for pack-level problems
  std::string code;      // stable, e.g. "bad-json", "re2-error", "duplicate-id"
  std::string message;   // for people
  std::string format() const;  // "file:line: rule: message"
};

enum class Scope { kSentence, kParagraph, kDocument };

// Two patterns that must occur within `words` words of each other.
struct Near {
  std::shared_ptr<const LazyRE2> a, b;
  std::string a_source, b_source;
  int words = 8;
};

struct Rule {
  std::string id;
  std::string pack;
  std::string file;
  int line = 0;
  std::vector<std::string> techniques;
  std::string note;
  Scope scope = Scope::kSentence;
  double weight = 0.6;          // prior precision until eval measures it
  // Triggers: phrases and patterns, expanded and compiled into one RE2
  // (alternation); its spans are the evidence.
  std::vector<std::string> trigger_sources;  // after list expansion, as regex
  std::shared_ptr<const LazyRE2> trigger;
  // Rules with the same `all`, `near` or `unless` regex share one.
  std::vector<std::shared_ptr<const LazyRE2>> all;  // each must occur in scope
  std::vector<std::string> all_sources;
  std::vector<Near> near;                           // each must hold in scope
  // Vetoes, same sentence: the rule's own, and its pack's (one regex for
  // the whole pack). A match of either denies the rule.
  std::shared_ptr<const LazyRE2> unless;
  std::shared_ptr<const LazyRE2> pack_unless;
  std::vector<std::string> unless_sources;    // the rule's own, then the pack's
  std::vector<std::string> match_examples;
  std::vector<std::string> no_match_examples;
};

struct LoadOptions {
  const Catalog* catalog = nullptr;  // checks technique IDs when set
  int64_t max_regex_mem = 8 << 20;   // per-pattern RE2 memory budget
  // RE2 memory for the compiled matchers a rule keeps (trigger, all, near,
  // unless): the same programs, with room for RE2's DFA cache. With only
  // max_regex_mem, large gazetteer rules thrash their DFA caches (3x slower
  // on the bundled rules; 64 MiB gains 10% more for the same peak memory).
  int64_t match_mem = int64_t{32} << 20;
  // Compile every regex while loading instead of on first use: `rules lint`
  // and `rules test` do, so a regex over the memory budget is found by its
  // exact size (the lazy load uses an upper bound, and compiles exactly
  // only a regex whose bound is near the budget).
  bool compile_now = false;
};

class RuleSet {
 public:
  // Loads every *.json under `dir` (recursively, sorted) or a single file.
  // Problems go to *issues; the set is usable iff no kError issue.
  static std::unique_ptr<RuleSet> load(const std::string& path, const LoadOptions& opts,
                                       std::vector<Issue>* issues);
  // Finds the bundled rules: $TTPTAG_RULES, rules/ next to the binary or its
  // parent, the source tree's rules/. "" if none.
  static std::string find_default(const std::string& argv0);

  const std::vector<Rule>& rules() const { return rules_; }
  // Which rules' triggers may occur in a text (prefilter.h): match() runs
  // only those. It replaces one RE2::Set of all triggers, too slow to
  // compile and to warm up (bench/ still measures that Set, as the
  // engine's limit).
  const Prefilter& prefilter() const { return *prefilter_; }
  const std::vector<std::string>& files() const { return files_; }

 private:
  std::vector<Rule> rules_;
  std::shared_ptr<const Prefilter> prefilter_;  // over rule i's trigger, for every i
  std::vector<std::string> files_;
};

bool has_errors(const std::vector<Issue>& issues);

}  // namespace ttptag
