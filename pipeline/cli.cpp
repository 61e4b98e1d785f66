#include "cli.h"

#include <filesystem>

namespace ttptag {

namespace {
std::string g_program_path;
}  // namespace

void set_program_path(const std::string& argv0) { g_program_path = argv0; }
const std::string& program_path() { return g_program_path; }

void add_engine_options(CLI::App* cmd, EngineOptions& opts) {
  cmd->add_option("--rules", opts.rules,
                  "Rule pack folder or file (default: $TTPTAG_RULES, else the bundled rules/)");
  cmd->add_option("--catalog", opts.catalog,
                  "DISARM STIX 2.1 bundle for technique names and ID checks (default: "
                  "$TTPTAG_CATALOG, else ../shared/disarm/DISARM.json if present)");
  cmd->add_option("--rule-stats", opts.rule_stats,
                  "Measured rule precisions from `eval --write-rule-stats` (default: "
                  "rule-stats.stats.json in the rules folder, if present)");
  cmd->add_option("--min-score", opts.min_score, "Drop techniques scoring below this (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
}

std::unique_ptr<Engine> load_engine(const EngineOptions& opts, std::ostream& err, bool quiet) {
  namespace fs = std::filesystem;
  auto engine = std::make_unique<Engine>();
  std::string catalog_path = opts.catalog.empty() ? Catalog::find_default() : opts.catalog;
  if (!catalog_path.empty()) {
    std::string error;
    engine->catalog = Catalog::load(catalog_path, &error);
    if (!engine->catalog) {
      err << "ttptag: " << error << '\n';
      if (!opts.catalog.empty()) return nullptr;  // asked for explicitly: a usage error
    }
  } else if (!quiet) {
    err << "ttptag: note: no DISARM catalogue found (give --catalog or set TTPTAG_CATALOG); "
           "technique names and ID checks are off\n";
  }
  std::string rules_path = opts.rules.empty() ? RuleSet::find_default(program_path()) : opts.rules;
  if (rules_path.empty()) {
    err << "ttptag: no rules found: give --rules DIR or set TTPTAG_RULES\n";
    return nullptr;
  }
  LoadOptions lo;
  lo.catalog = engine->catalog ? &*engine->catalog : nullptr;
  std::vector<Issue> issues;
  engine->rules = RuleSet::load(rules_path, lo, &issues);
  for (const auto& issue : issues) {
    if (issue.severity == Severity::kError || !quiet) err << issue.format() << '\n';
  }
  if (has_errors(issues)) {
    err << "ttptag: the rule packs have errors (see above); fix them or run `ttptag rules lint`\n";
    return nullptr;
  }
  std::string stats_path = opts.rule_stats;
  if (stats_path.empty()) {
    std::error_code ec;
    fs::path base = fs::is_directory(rules_path, ec) ? fs::path(rules_path) : fs::path(rules_path).parent_path();
    fs::path bundled = base / "rule-stats.stats.json";
    if (fs::is_regular_file(bundled, ec)) stats_path = bundled.string();
  }
  if (!stats_path.empty() && stats_path != "none") {
    std::string error;
    engine->stats = RuleStats::load(stats_path, &error);
    if (!engine->stats) {
      err << "ttptag: " << error << '\n';
      return nullptr;
    }
  }
  AggregateOptions ao;
  ao.min_score = opts.min_score;
  ao.catalog = engine->catalog ? &*engine->catalog : nullptr;
  ao.stats = engine->stats ? &*engine->stats : nullptr;
  engine->tagger = std::make_unique<Tagger>(*engine->rules, ao);
  return engine;
}

}  // namespace ttptag
