// rule_stats.cpp: RuleStats::load (declared in aggregate.h).
//
// The file is what `ttptag eval --write-rule-stats` writes:
//   {"rules": {"rule.id": {"precision": 0.83, "fires": 12, "tp": 10}, ...}, ...}
// Only "rules" and each entry's "precision" (a number in [0, 1]) are read;
// other fields are informative. A rule without an entry keeps its weight.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aggregate.h"

namespace ttptag {

std::optional<RuleStats> RuleStats::load(const std::string& path, std::string* error) {
  auto fail = [&](const std::string& message) -> std::optional<RuleStats> {
    if (error) *error = path + ": " + message;
    return std::nullopt;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open rule stats");
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false, /*ignore_comments=*/true);
  if (j.is_discarded() || !j.is_object()) return fail("rule stats are not a JSON object");
  auto rules = j.find("rules");
  if (rules == j.end() || !rules->is_object()) return fail("rule stats need a \"rules\" object");
  RuleStats stats;
  for (const auto& [id, entry] : rules->items()) {
    auto p = entry.is_object() ? entry.find("precision") : entry.end();
    if (!entry.is_object() || p == entry.end() || !p->is_number())
      return fail("rule " + id + ": \"precision\" must be a number");
    double v = p->get<double>();
    if (!(v >= 0 && v <= 1)) return fail("rule " + id + ": precision must be within [0, 1]");
    stats.precision[id] = v;
  }
  return stats;
}

}  // namespace ttptag
