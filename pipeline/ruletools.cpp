#include "ruletools.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "match.h"
#include "normalize.h"
#include "segment.h"

namespace ttptag {

std::string ExampleFailure::format() const {
  std::ostringstream out;
  out << rule->file << ':' << rule->line << ": " << rule->id << ": "
      << (expected_match ? "match example did not fire: " : "no_match example fired: ")
      << nlohmann::json(example).dump() << (detail.empty() ? "" : " (" + detail + ")");
  return out.str();
}

namespace {

Document run_text(const RuleSet& rules, const std::string& text) {
  Document doc;
  doc.source = "<example>";
  doc.text = text;
  normalize(doc);
  segment(doc);
  match(rules, doc);
  return doc;
}

std::string describe(const RuleSet& rules, const Document& doc, size_t rule_index, bool expected_match) {
  std::string detail;
  if (expected_match) {
    for (const auto& s : doc.suppressed) {
      if (s.rule == rule_index) return "vetoed by unless \"" + s.reason + "\"";
    }
    detail = "normalized: " + nlohmann::json(doc.norm.text).dump();
  } else {
    for (const auto& m : doc.matches) {
      if (m.rule == rule_index) {
        return "matched \"" + doc.norm.text.substr(m.begin, m.end - m.begin) + "\"";
      }
    }
  }
  (void)rules;
  return detail;
}

}  // namespace

std::vector<ExampleFailure> run_examples(const RuleSet& rules) {
  std::vector<ExampleFailure> failures;
  for (size_t i = 0; i < rules.rules().size(); ++i) {
    const Rule& rule = rules.rules()[i];
    auto fired = [&](const Document& doc) {
      return std::any_of(doc.matches.begin(), doc.matches.end(), [&](const Match& m) { return m.rule == i; });
    };
    for (const auto& ex : rule.match_examples) {
      Document doc = run_text(rules, ex);
      if (!fired(doc)) failures.push_back({&rule, true, ex, describe(rules, doc, i, true)});
    }
    for (const auto& ex : rule.no_match_examples) {
      Document doc = run_text(rules, ex);
      if (fired(doc)) failures.push_back({&rule, false, ex, describe(rules, doc, i, false)});
    }
  }
  return failures;
}

size_t count_examples(const RuleSet& rules) {
  size_t n = 0;
  for (const auto& r : rules.rules()) n += r.match_examples.size() + r.no_match_examples.size();
  return n;
}

std::vector<CoverageRow> coverage(const RuleSet& rules, const Catalog& catalog) {
  std::map<std::string, std::pair<size_t, size_t>> per_technique;  // rules, examples
  for (const auto& r : rules.rules()) {
    for (const auto& t : r.techniques) {
      per_technique[t].first++;
      per_technique[t].second += r.match_examples.size() + r.no_match_examples.size();
    }
  }
  std::vector<CoverageRow> rows;
  for (const auto& tactic : catalog.tactics()) {
    for (const auto& t : catalog.techniques()) {
      if (std::find(t.tactics.begin(), t.tactics.end(), tactic.id) == t.tactics.end()) continue;
      CoverageRow row{tactic.id, t.id, t.name, 0, 0};
      if (auto it = per_technique.find(t.id); it != per_technique.end()) {
        row.rules = it->second.first;
        row.examples = it->second.second;
      }
      rows.push_back(row);
    }
  }
  return rows;
}

nlohmann::json coverage_json(const std::vector<CoverageRow>& rows, const Catalog& catalog) {
  nlohmann::json tactics = nlohmann::json::array();
  std::set<std::string> covered, all;
  for (const auto& tactic : catalog.tactics()) {
    nlohmann::json techniques = nlohmann::json::array();
    size_t tactic_covered = 0, tactic_total = 0;
    for (const auto& row : rows) {
      if (row.tactic != tactic.id) continue;
      techniques.push_back({{"id", row.technique}, {"name", row.name}, {"rules", row.rules}, {"examples", row.examples}});
      ++tactic_total;
      all.insert(row.technique);
      if (row.rules) {
        ++tactic_covered;
        covered.insert(row.technique);
      }
    }
    tactics.push_back({{"id", tactic.id}, {"name", tactic.name}, {"covered", tactic_covered},
                       {"total", tactic_total}, {"techniques", techniques}});
  }
  return {{"covered", covered.size()}, {"total", all.size()}, {"tactics", tactics}};
}

std::string coverage_text(const std::vector<CoverageRow>& rows, const Catalog& catalog, bool list_all) {
  std::ostringstream out;
  for (const auto& tactic : catalog.tactics()) {
    size_t n = 0, c = 0;
    for (const auto& row : rows) {
      if (row.tactic != tactic.id) continue;
      ++n;
      if (row.rules) ++c;
    }
    out << tactic.id << ' ' << tactic.name << ": " << c << '/' << n << " techniques with rules\n";
    for (const auto& row : rows) {
      if (row.tactic != tactic.id || (!list_all && row.rules)) continue;
      out << "  " << (row.rules ? "+ " : "- ") << row.technique << ' ' << row.name;
      if (row.rules) out << "  (" << row.rules << " rules, " << row.examples << " examples)";
      out << '\n';
    }
  }
  // A technique may sit under several tactics: count each once.
  std::set<std::string> covered, all;
  for (const auto& row : rows) {
    all.insert(row.technique);
    if (row.rules) covered.insert(row.technique);
  }
  out << "total: " << covered.size() << '/' << all.size() << " techniques have rules\n";
  return out.str();
}

}  // namespace ttptag
