// ruletools.h: checks and summaries over a loaded RuleSet, for rule authors.
//
// run_examples() runs every rule's `examples` through the whole pipeline
// (normalize, segment, match): a `match` example must make the rule fire, a
// `no_match` example must not. coverage() tells which catalogue techniques
// have rules.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "rules.h"

namespace ttptag {

struct ExampleFailure {
  const Rule* rule = nullptr;
  bool expected_match = true;
  std::string example;
  std::string detail;  // what fired, or which `unless` vetoed it
  std::string format() const;  // "file:line: rule: ..."
};

std::vector<ExampleFailure> run_examples(const RuleSet& rules);
size_t count_examples(const RuleSet& rules);

struct CoverageRow {
  std::string tactic;  // tactic ID
  std::string technique;
  std::string name;
  size_t rules = 0;
  size_t examples = 0;
};

// One row per (tactic, technique) of the catalogue, in catalogue order.
std::vector<CoverageRow> coverage(const RuleSet& rules, const Catalog& catalog);
nlohmann::json coverage_json(const std::vector<CoverageRow>& rows, const Catalog& catalog);
std::string coverage_text(const std::vector<CoverageRow>& rows, const Catalog& catalog, bool list_all);

}  // namespace ttptag
