// eval.h: score the tagger against gold units.
//
// A Scorer takes, unit by unit, the gold tag set and the predicted tags and
// counts per technique and unit: TP (predicted and gold), FP (predicted, not
// gold), FN (gold, not predicted). From the counts it reports
//   micro P/R/F1 over all (technique, unit) pairs;
//   macro P/R/F1: the mean of per-technique P, R and F1 over techniques with
//     gold support or predictions (a 0/0 ratio counts as 0);
//   per rule: `fires` = units where the rule is in the evidence of a predicted
//     tag (one per technique it fired for), `tp` = those where the technique
//     is gold; `raw_fires`/`raw_tp` count every match of the rule, also those
//     whose technique stayed below min_score, and feed the rule-stats file;
//     `known_fp` = fires that the unit's `rejected` list (review gold) confirms
//     as false positives of that rule;
//   calibration: precision of predicted tags per score band.
// `ttptag eval`, the tests and the benchmarks all call this code.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "catalog.h"
#include "document.h"
#include "gold.h"
#include "tagger.h"

namespace ttptag {

enum class TextMode { kFull, kQuotes };  // score on GoldUnit::text / ::quotes

// Which techniques are scored: an ID passes if it starts with one of
// `prefixes` (when any) and is in `ids` (when restricted, e.g. by tactic).
struct TechniqueFilter {
  std::vector<std::string> prefixes;
  bool restrict_ids = false;
  std::set<std::string> ids;
  bool accepts(const std::string& id) const;
};

// The technique IDs whose catalogue tactics include one of `tactics` ("TA06").
// Sets *error and returns {} for an unknown tactic.
std::set<std::string> techniques_of_tactics(const Catalog& catalog,
                                            const std::vector<std::string>& tactics,
                                            std::string* error);

// A rule match for a technique (used for raw rule counts).
struct Firing {
  std::string rule;
  std::string technique;
};

struct Counts {
  size_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? double(tp) / double(tp + fp) : 0.0; }
  double recall() const { return tp + fn ? double(tp) / double(tp + fn) : 0.0; }
  double f1() const;
};

struct Example {
  std::string unit;
  std::string rules;  // comma-separated rule ids (false positives)
  std::string text;   // evidence sentence(s), or gold evidence / start of the unit (misses)
};

struct TechniqueScore {
  std::string id, name;
  size_t support = 0;  // units with the technique in gold
  Counts counts;
  std::vector<Example> false_positives, misses;
};

struct RuleScore {
  std::string id;
  size_t fires = 0, tp = 0;          // from the evidence of predicted tags
  size_t raw_fires = 0, raw_tp = 0;  // from every match
  size_t known_fp = 0;               // fires a reviewer rejected (the unit's "rejected")
  double prior = 0.5;                // the rule's weight
  double precision() const { return fires ? double(tp) / double(fires) : 0.0; }
};

struct ScoreBand {
  double low = 0, high = 0;  // [low, high); the last band includes 1.0
  size_t tags = 0, correct = 0;
  double score_sum = 0;
};

struct EvalReport {
  std::string gold, level, text_mode;
  size_t units = 0;               // scored
  size_t skipped_empty = 0;       // no text in the chosen mode
  size_t skipped_unreadable = 0;  // `path` could not be read
  size_t failed = 0;              // the pipeline reported an error
  Counts micro;
  double macro_precision = 0, macro_recall = 0, macro_f1 = 0;
  size_t macro_techniques = 0;
  std::vector<TechniqueScore> techniques;  // worst F1 first
  std::vector<RuleScore> rules;            // worst precision first; only rules that matched
  size_t silent_rules = 0;                 // rules known to the scorer that never matched
  std::vector<ScoreBand> bands;            // ten bands of 0.1, empty ones included
  double ece = 0;                          // expected calibration error over predicted tags
  std::vector<std::string> warnings;
};

class Scorer {
 public:
  explicit Scorer(TechniqueFilter filter = {}, const Catalog* catalog = nullptr)
      : filter_(std::move(filter)), catalog_(catalog) {}

  // A rule known to exist (listed even if silent) with its prior precision.
  void add_rule(const std::string& id, double prior);
  // Scores one unit. `firings`: every rule match of the unit; when null they
  // are taken from the evidence of `predicted`. `text` is what was tagged
  // (for miss examples). Returns the unit's predictions record
  // {"unit", "gold": [ids], "predicted": [{"id", "score", "evidence": [{"rule", "sentence"}]}]},
  // filtered like the scores.
  nlohmann::ordered_json add(const GoldUnit& unit, const std::string& text,
                             const std::vector<Tag>& predicted,
                             const std::vector<Firing>* firings = nullptr);
  void skip_empty() { ++skipped_empty_; }
  void skip_failed(const std::string& warning);

  EvalReport report() const;

 private:
  TechniqueFilter filter_;
  const Catalog* catalog_;
  std::map<std::string, TechniqueScore> techniques_;
  std::map<std::string, RuleScore> rules_;
  std::vector<ScoreBand> bands_;
  size_t units_ = 0, skipped_empty_ = 0, failed_ = 0;
  std::vector<std::string> warnings_;
};

struct EvalOptions {
  std::string level;  // "" = default_level()
  TextMode text = TextMode::kFull;
  TechniqueFilter filter;
  const Catalog* catalog = nullptr;  // technique names
};

// The default --unit: "passage" if any unit comes from DISARM, else "" (all levels).
std::string default_level(const std::vector<GoldUnit>& units);

// Tags every selected unit with `tagger` and scores it. `on_unit` receives
// each unit's predictions record (for --predictions).
EvalReport evaluate(const GoldFile& gold, const Tagger& tagger, const EvalOptions& opts,
                    const std::function<void(const nlohmann::ordered_json&)>& on_unit = {});

// Reports. `show` limits false-positive and miss examples per technique.
void print_report(const EvalReport& report, std::ostream& out, size_t show);
nlohmann::ordered_json report_json(const EvalReport& report);
void write_html(const EvalReport& report, std::ostream& out, size_t show);

// Measured rule precision, smoothed towards the rule's prior weight w with
// the strength of two observations: (raw_tp + 2w) / (raw_fires + 2); with
// w = 0.5 this is Laplace's (tp + 1) / (fires + 2).
double smoothed_precision(size_t tp, size_t fires, double prior);
// {"smoothing": "...", "rules": {"rule.id": {"precision", "fires", "tp"}}}
// for rules that matched at least once; RuleStats::load reads it.
nlohmann::ordered_json rule_stats_json(const EvalReport& report);

}  // namespace ttptag
