// ttptag gold import-disarm / eval: build gold files and score rules against them.
#include <fstream>
#include <iostream>
#include <map>
#include <limits>

#include "cli.h"
#include "eval.h"
#include "gold.h"

namespace ttptag {

namespace {

struct ImportOptions {
  std::string dir, output;
};

struct EvalCliOptions {
  std::string gold, unit, text = "full";
  std::string json, html, predictions, write_stats;
  std::vector<std::string> techniques, tactics;
  double min_f1 = -1;
  size_t show = 3;
  EngineOptions engine;
};

// An output stream: standard output for "-", else the named file.
struct Sink {
  std::ofstream file;
  std::ostream* out = nullptr;
  bool open(const std::string& path) {
    if (path == "-") return (out = &std::cout), true;
    file.open(path, std::ios::binary | std::ios::trunc);
    out = &file;
    if (!file) std::cerr << "ttptag: cannot write " << path << '\n';
    return static_cast<bool>(file);
  }
};

// Gold tags that are not catalogue IDs are typos in the source pages; see
// resolve_gold_ids. Without a catalogue they are left as they are.
void resolve_unknown_gold_ids(std::vector<GoldUnit>& units,
                              const std::map<std::string, std::vector<std::string>>& names) {
  std::string path = Catalog::find_default();
  if (path.empty()) return;
  std::string error;
  auto catalog = Catalog::load(path, &error);
  if (!catalog) return;
  for (const auto& w : resolve_gold_ids(units, names, *catalog))
    std::cerr << "ttptag: warning: " << w << '\n';
}

int run_import(const ImportOptions& opts) {
  DisarmImport r = import_disarm(opts.dir);
  for (const auto& w : r.warnings) std::cerr << "ttptag: warning: " << w << '\n';
  if (!r.error.empty()) {
    std::cerr << "ttptag: " << r.error << '\n';
    return kExitUsage;
  }
  resolve_unknown_gold_ids(r.units, r.names);
  bool to_stdout = opts.output.empty() || opts.output == "-";
  Sink sink;
  if (!sink.open(to_stdout ? "-" : opts.output)) return kExitUsage;
  write_gold(r.units, *sink.out);
  sink.out->flush();
  if (!*sink.out) {
    std::cerr << "ttptag: cannot write " << opts.output << '\n';
    return kExitUsage;
  }
  std::ostream& log = to_stdout ? std::cerr : std::cout;
  log << "read " << r.pages << " incident pages: " << r.pages_with_rows << " with technique rows ("
      << r.rows << " rows), " << r.pages - r.pages_with_rows << " without (no units)\n"
      << "units:";
  for (const char* level : kGoldLevels)
    if (r.per_level.count(level)) log << ' ' << level << ' ' << r.per_level.at(level);
  log << " (" << r.units.size() << " in all)";
  if (!to_stdout) log << " -> " << opts.output;
  log << '\n';
  log.flush();
  return r.pages_with_rows ? kExitOk : kExitSomeFailed;
}

int run_eval(const EvalCliOptions& opts) {
  GoldFile gold = read_gold(opts.gold);
  if (!gold.error.empty()) {
    std::cerr << "ttptag: " << gold.error << '\n';
    return kExitUsage;
  }
  for (const auto& w : gold.warnings) std::cerr << "ttptag: warning: " << w << '\n';

  auto engine = load_engine(opts.engine, std::cerr, true);
  if (!engine) return kExitUsage;
  const Catalog* catalog = engine->catalog ? &*engine->catalog : nullptr;

  EvalOptions eo;
  eo.level = opts.unit;
  eo.text = opts.text == "quotes" ? TextMode::kQuotes : TextMode::kFull;
  eo.catalog = catalog;
  eo.filter.prefixes = opts.techniques;
  if (!opts.tactics.empty()) {
    if (!catalog) {
      std::cerr << "ttptag: --tactic needs the DISARM catalogue (give --catalog)\n";
      return kExitUsage;
    }
    std::string error;
    eo.filter.ids = techniques_of_tactics(*catalog, opts.tactics, &error);
    eo.filter.restrict_ids = true;
    if (!error.empty()) {
      std::cerr << "ttptag: " << error << '\n';
      return kExitUsage;
    }
  }
  // Keep every piece of evidence so each rule that fired is credited.
  AggregateOptions ao = engine->tagger->options();
  ao.max_evidence = std::numeric_limits<size_t>::max();
  Tagger tagger(*engine->rules, ao);

  Sink predictions;
  if (!opts.predictions.empty() && !predictions.open(opts.predictions)) return kExitUsage;
  EvalReport report = evaluate(gold, tagger, eo, [&](const nlohmann::ordered_json& record) {
    if (predictions.out)
      *predictions.out << record.dump(-1, ' ', false,
                                      nlohmann::ordered_json::error_handler_t::replace)
                       << '\n';
  });
  report.gold = opts.gold;
  for (size_t i = gold.warnings.size(); i < report.warnings.size(); ++i)
    std::cerr << "ttptag: warning: " << report.warnings[i] << '\n';
  if (report.units == 0)
    std::cerr << "ttptag: warning: no units scored (unit " << report.level << ", text "
              << report.text_mode << ")\n";

  if (opts.json != "-") print_report(report, std::cout, opts.show);
  auto write_json = [](const std::string& path, const nlohmann::ordered_json& j) {
    Sink sink;
    if (!sink.open(path)) return false;
    *sink.out << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    return static_cast<bool>(sink.out->flush());
  };
  if (!opts.json.empty() && !write_json(opts.json, report_json(report))) return kExitUsage;
  if (!opts.write_stats.empty() && !write_json(opts.write_stats, rule_stats_json(report)))
    return kExitUsage;
  if (!opts.html.empty()) {
    Sink sink;
    if (!sink.open(opts.html)) return kExitUsage;
    write_html(report, *sink.out, opts.show);
  }
  if (opts.min_f1 >= 0 && report.micro.f1() < opts.min_f1) {
    std::cerr << "ttptag: micro F1 " << report.micro.f1() << " is below --min-f1 " << opts.min_f1
              << '\n';
    return kExitSomeFailed;
  }
  return kExitOk;
}

}  // namespace

void register_eval_commands(CLI::App& app, int& exit_code) {
  auto* gold = app.add_subcommand("gold", "Build gold files (units of text with their techniques)");
  gold->require_subcommand(1);
  auto imp = std::make_shared<ImportOptions>();
  auto* import_cmd = gold->add_subcommand(
      "import-disarm",
      "Turn DISARM incident pages into gold units: incident, passage (one technique-row "
      "description) and segment (one quoted excerpt with its commentary); see gold/README.md");
  import_cmd->add_option("dir", imp->dir, "Folder of incident pages (I*.md)")->required();
  import_cmd->add_option("-o,--output", imp->output,
                         "Gold JSONL file to write (default: standard output)");
  import_cmd->callback([imp, &exit_code] { exit_code = run_import(*imp); });

  auto ev = std::make_shared<EvalCliOptions>();
  auto* eval = app.add_subcommand(
      "eval",
      "Tag every gold unit and report precision, recall and F1 (micro, macro, per technique, "
      "per rule), score calibration, false positives and misses");
  eval->add_option("--gold", ev->gold, "Gold JSONL file")->required();
  eval->add_option("--unit", ev->unit,
                   "Score only units of this level (default: passage when the file has DISARM "
                   "units, else all)")
      ->check(CLI::IsMember({"incident", "passage", "segment", "document"}));
  eval->add_option("--text", ev->text, "Tag the unit's full text or only its quotes")
      ->check(CLI::IsMember({"full", "quotes"}))
      ->capture_default_str();
  eval->add_option("--techniques", ev->techniques,
                   "Score only techniques whose ID starts with one of these prefixes (T0097,T0143)")
      ->delimiter(',');
  eval->add_option("--tactic", ev->tactics,
                   "Score only techniques of these tactics (TA06,...; needs the catalogue)")
      ->delimiter(',');
  eval->add_option("--show", ev->show, "False positives and misses shown per technique")
      ->capture_default_str();
  eval->add_option("--json", ev->json,
                   "Write the full report as JSON to this file ('-': standard output, instead of "
                   "the text report)");
  eval->add_option("--html", ev->html, "Write a self-contained HTML report to this file");
  eval->add_option("--predictions", ev->predictions,
                   "Write each unit's gold and predicted techniques as JSONL to this file ('-': "
                   "standard output)");
  eval->add_option("--write-rule-stats", ev->write_stats,
                   "Write each rule's measured, smoothed precision (for --rule-stats)");
  eval->add_option("--min-f1", ev->min_f1,
                   "Exit with 1 if the micro F1 is below this (regression guard)")
      ->check(CLI::Range(0.0, 1.0));
  add_engine_options(eval, ev->engine);
  eval->callback([ev, &exit_code] { exit_code = run_eval(*ev); });
}

}  // namespace ttptag
