// ttptag: the command line. Parses options and calls the library.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  ttptag::set_program_path(argc > 0 ? argv[0] : "");
  CLI::App app{
      "ttptag " TTPTAG_VERSION
      ": tag articles about influence operations with DISARM Red framework techniques, with the evidence for each tag"};
  app.require_subcommand(1);
  app.set_version_flag("--version", TTPTAG_VERSION);
  app.footer(
      "Examples:\n"
      "  ttptag tag examples/articles            tag a folder, JSON Lines to standard output\n"
      "  ttptag explain \"Accounts posing as U.S. voters posted AI-generated audio.\"\n"
      "  ttptag rules lint && ttptag rules test   check the rule packs\n"
      "  ttptag eval --gold gold/disarm.jsonl      measure precision and recall\n"
      "Exit codes: 0 done; 1 some inputs or checks failed (the batch finished); 2 usage, rule or catalogue errors.");
  int exit_code = 0;
  ttptag::register_tag_commands(app, exit_code);
  ttptag::register_rules_commands(app, exit_code);
  ttptag::register_eval_commands(app, exit_code);
  ttptag::register_review_commands(app, exit_code);  // after eval: adds to `gold`
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : ttptag::kExitUsage;
  }
  return exit_code;
}
