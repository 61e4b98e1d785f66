// ttptag rules lint|test|coverage and ttptag catalog: tools for rule authors.
#include <iostream>

#include "cli.h"
#include "ruletools.h"

namespace ttptag {

namespace {

struct RulesOptions {
  std::string dir;
  std::string catalog;
  bool json = false;
  bool all = false;
};

std::optional<Catalog> open_catalog(const std::string& given, bool required, int* exit_code) {
  std::string path = given.empty() ? Catalog::find_default() : given;
  if (path.empty()) {
    if (required) {
      std::cerr << "ttptag: no DISARM catalogue: give --catalog FILE (a DISARM STIX 2.1 bundle) or set TTPTAG_CATALOG\n";
      *exit_code = kExitUsage;
    } else {
      std::cerr << "ttptag: note: no DISARM catalogue found; technique IDs are checked for syntax only\n";
    }
    return std::nullopt;
  }
  std::string error;
  auto cat = Catalog::load(path, &error);
  if (!cat) {
    std::cerr << "ttptag: " << error << '\n';
    *exit_code = kExitUsage;
  }
  return cat;
}

std::unique_ptr<RuleSet> load_rules(const RulesOptions& o, const Catalog* catalog, bool print_warnings,
                                    std::vector<Issue>* issues) {
  std::string dir = o.dir.empty() ? RuleSet::find_default(program_path()) : o.dir;
  if (dir.empty()) {
    issues->push_back(Issue{Severity::kError, "rules", 0, "", "not-found", "no rules folder found; give one"});
    std::cerr << issues->back().format() << '\n';
    return nullptr;
  }
  LoadOptions lo;
  lo.catalog = catalog;
  lo.compile_now = true;  // lint and test check each regex's exact size
  auto rules = RuleSet::load(dir, lo, issues);
  for (const auto& i : *issues) {
    if (print_warnings || i.severity == Severity::kError) std::cout << i.format() << '\n';
  }
  return rules;
}

void add_common(CLI::App* cmd, RulesOptions& o) {
  cmd->add_option("dir", o.dir, "Rule pack folder or file (default: the bundled rules/)");
  cmd->add_option("--catalog", o.catalog, "DISARM STIX 2.1 bundle (default: $TTPTAG_CATALOG or ../shared/disarm/DISARM.json)");
}

}  // namespace

void register_rules_commands(CLI::App& app, int& exit_code) {
  CLI::App* rules = app.add_subcommand("rules", "Check, test and measure rule packs");
  rules->require_subcommand(1);

  auto lint_opts = std::make_shared<RulesOptions>();
  CLI::App* lint = rules->add_subcommand(
      "lint", "Report every problem in the rule packs as file:line: rule: message (exit 2 on errors)");
  add_common(lint, *lint_opts);
  lint->callback([lint_opts, &exit_code] {
    auto catalog = open_catalog(lint_opts->catalog, false, &exit_code);
    if (exit_code) return;
    std::vector<Issue> issues;
    auto set = load_rules(*lint_opts, catalog ? &*catalog : nullptr, true, &issues);
    size_t errors = 0, warnings = 0;
    for (const auto& i : issues) (i.severity == Severity::kError ? errors : warnings)++;
    std::cout << (set ? set->files().size() : 0) << " packs, " << (set ? set->rules().size() : 0)
              << " rules: " << errors << " errors, " << warnings << " warnings\n";
    exit_code = errors ? kExitUsage : kExitOk;
  });

  auto test_opts = std::make_shared<RulesOptions>();
  CLI::App* test = rules->add_subcommand(
      "test", "Run every rule's match/no_match examples through the pipeline (exit 1 on a failure)");
  add_common(test, *test_opts);
  test->callback([test_opts, &exit_code] {
    auto catalog = open_catalog(test_opts->catalog, false, &exit_code);
    if (exit_code) return;
    std::vector<Issue> issues;
    auto set = load_rules(*test_opts, catalog ? &*catalog : nullptr, false, &issues);
    if (!set || has_errors(issues)) {
      exit_code = kExitUsage;
      return;
    }
    auto failures = run_examples(*set);
    for (const auto& f : failures) std::cout << f.format() << '\n';
    size_t total = count_examples(*set);
    std::cout << total - failures.size() << " passed, " << failures.size() << " failed ("
              << set->rules().size() << " rules)\n";
    exit_code = failures.empty() ? kExitOk : kExitSomeFailed;
  });

  auto cov_opts = std::make_shared<RulesOptions>();
  CLI::App* cov = rules->add_subcommand("coverage", "Which catalogue techniques have rules, per tactic");
  add_common(cov, *cov_opts);
  cov->add_flag("--json", cov_opts->json, "Machine-readable output");
  cov->add_flag("--all", cov_opts->all, "List covered techniques too, not only the missing ones");
  cov->callback([cov_opts, &exit_code] {
    auto catalog = open_catalog(cov_opts->catalog, true, &exit_code);
    if (!catalog) return;
    std::vector<Issue> issues;
    auto set = load_rules(*cov_opts, &*catalog, false, &issues);
    if (!set || has_errors(issues)) {
      exit_code = kExitUsage;
      return;
    }
    auto rows = coverage(*set, *catalog);
    if (cov_opts->json) {
      std::cout << coverage_json(rows, *catalog).dump(2) << '\n';
    } else {
      std::cout << coverage_text(rows, *catalog, cov_opts->all);
    }
    exit_code = kExitOk;
  });

  auto cat_opts = std::make_shared<RulesOptions>();
  CLI::App* cat = app.add_subcommand("catalog", "List the DISARM techniques of a STIX 2.1 bundle: ID, name, tactic, parent");
  cat->add_option("--catalog", cat_opts->catalog, "DISARM STIX 2.1 bundle (default: $TTPTAG_CATALOG or ../shared/disarm/DISARM.json)");
  cat->add_flag("--json", cat_opts->json, "Machine-readable output");
  cat->callback([cat_opts, &exit_code] {
    auto catalog = open_catalog(cat_opts->catalog, true, &exit_code);
    if (!catalog) return;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : catalog->techniques()) {
      std::string tactics;
      for (const auto& id : t.tactics) {
        const Tactic* tac = catalog->tactic(id);
        tactics += (tactics.empty() ? "" : ",") + id + (tac ? " " + tac->name : "");
      }
      if (cat_opts->json) {
        out.push_back({{"id", t.id}, {"name", t.name}, {"tactics", t.tactics}, {"parent", t.parent}});
      } else {
        std::cout << t.id << '\t' << t.name << '\t' << tactics << '\t' << t.parent << '\n';
      }
    }
    if (cat_opts->json) std::cout << out.dump(2) << '\n';
    exit_code = kExitOk;
  });
}

}  // namespace ttptag
