// cli.h: pieces shared by the ttptag subcommands (main.cpp wires them).
//
// Each command family lives in its own cmd_*.cpp and registers itself on the
// CLI11 app; the command bodies only turn options into library calls.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "aggregate.h"
#include "catalog.h"
#include "rules.h"
#include "tagger.h"

namespace ttptag {

// Exit codes, documented in --help and the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;   // batch finished, some inputs failed
inline constexpr int kExitUsage = 2;        // usage, rule or catalogue errors

struct EngineOptions {
  std::string rules;       // dir or file; "" = bundled
  std::string catalog;     // STIX bundle; "" = look for one
  std::string rule_stats;  // measured rule precisions; "" = bundled if present
  double min_score = 0.5;
};

// Adds --rules, --catalog, --rule-stats, --min-score to a subcommand.
void add_engine_options(CLI::App* cmd, EngineOptions& opts);

// Everything a command needs to tag: loaded once, immutable afterwards.
struct Engine {
  std::optional<Catalog> catalog;
  std::unique_ptr<RuleSet> rules;
  std::optional<RuleStats> stats;
  std::unique_ptr<Tagger> tagger;
};

// Loads catalogue, rules and stats; prints every problem to `err`. Returns
// nullptr when rules have errors (the caller exits with kExitUsage).
std::unique_ptr<Engine> load_engine(const EngineOptions& opts, std::ostream& err,
                                    bool quiet = false);

// argv[0], for finding rules/ beside the binary.
void set_program_path(const std::string& argv0);
const std::string& program_path();

// Command registration. Each sets `exit_code` when its command runs.
void register_tag_commands(CLI::App& app, int& exit_code);    // tag, explain
void register_rules_commands(CLI::App& app, int& exit_code);  // rules lint|test|coverage, catalog
void register_eval_commands(CLI::App& app, int& exit_code);   // gold import-disarm, eval
void register_review_commands(CLI::App& app, int& exit_code); // report, serve, gold from-review

}  // namespace ttptag
