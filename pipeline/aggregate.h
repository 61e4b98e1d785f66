// aggregate.h: combine rule firings into scored technique tags.
//
// A technique's score is the noisy-OR of the precisions of the distinct
// rules that fired for it: 1 - prod(1 - p_rule). p_rule is the rule's
// measured precision from a rule-stats file when there is one (see
// `ttptag eval --write-rule-stats`), else its `weight` prior. Tags scoring
// below min_score are dropped.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "catalog.h"
#include "document.h"
#include "rules.h"

namespace ttptag {

// Measured precision per rule id.
struct RuleStats {
  std::map<std::string, double> precision;
  static std::optional<RuleStats> load(const std::string& path, std::string* error);
};

struct AggregateOptions {
  double min_score = 0.5;
  size_t max_evidence = 10;  // per technique, earliest first
  const Catalog* catalog = nullptr;
  const RuleStats* stats = nullptr;
};

// Stage: reads doc.matches, doc.norm, doc.text, doc.sentences; fills doc.tags
// (sorted by score, then ID).
void aggregate(const RuleSet& rules, const AggregateOptions& opts, Document& doc);

}  // namespace ttptag
