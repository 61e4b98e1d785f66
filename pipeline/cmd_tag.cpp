// ttptag tag / explain: tag documents and show how.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "explain.h"
#include "read.h"
#include "write.h"

namespace ttptag {

namespace {

struct TagOptions {
  std::vector<std::string> inputs;
  std::string output;
  bool explain = false;
  bool quiet = false;
  EngineOptions engine;
};

// Writes to `path` through a temporary file renamed on success, so an
// interrupted run never leaves a partial file that looks complete.
class OutputFile {
 public:
  explicit OutputFile(const std::string& path) : path_(path) {
    if (path_.empty() || path_ == "-") return;
    tmp_ = path_ + ".partial";
    file_.open(tmp_, std::ios::binary | std::ios::trunc);
  }
  bool ok() const { return path_.empty() || path_ == "-" || file_.good(); }
  std::ostream& stream() { return (path_.empty() || path_ == "-") ? std::cout : file_; }
  bool commit() {
    if (path_.empty() || path_ == "-") return static_cast<bool>(std::cout.flush());
    file_.close();
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    return !ec && !file_.fail();
  }

 private:
  std::string path_, tmp_;
  std::ofstream file_;
};

int run_tag(const TagOptions& opts) {
  auto engine = load_engine(opts.engine, std::cerr, opts.quiet);
  if (!engine) return kExitUsage;
  InputList inputs = expand_inputs(opts.inputs);
  OutputFile out(opts.output);
  if (!out.ok()) {
    std::cerr << "ttptag: cannot write " << opts.output << '\n';
    return kExitUsage;
  }
  size_t results = 0, errors = 0;
  for (const auto& [path, message] : inputs.errors) {
    Document doc;
    doc.source = path;
    doc.error = message;
    write_jsonl(doc, out.stream());
    ++errors;
  }
  for (const auto& path : inputs.files) {
    Document doc = path == "-" ? read_stream(std::cin, "-") : read_file(path);
    engine->tagger->run(doc);
    if (opts.explain) {
      out.stream() << explain(doc, *engine->rules) << '\n';
    } else {
      write_jsonl(doc, out.stream());
    }
    (doc.error.empty() ? results : errors)++;
  }
  if (!out.commit()) {
    std::cerr << "ttptag: failed writing " << opts.output << '\n';
    return kExitUsage;
  }
  if (!opts.quiet) {
    std::cerr << "ttptag: " << results + errors << " inputs: " << results << " tagged, " << errors
              << " errors\n";
  }
  return errors ? kExitSomeFailed : kExitOk;
}

}  // namespace

void register_tag_commands(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<TagOptions>();
  CLI::App* tag = app.add_subcommand("tag", "Tag documents with DISARM techniques; writes JSON Lines");
  tag->add_option("inputs", opts->inputs, "Files or folders (searched recursively for .txt and .md); - for standard input")
      ->required();
  tag->add_option("-o,--output", opts->output, "Write results here (default: standard output)");
  tag->add_flag("--explain", opts->explain, "Print a readable account of every rule that fired or was vetoed, instead of JSON");
  tag->add_flag("-q,--quiet", opts->quiet, "No summary or notes on standard error");
  add_engine_options(tag, opts->engine);
  tag->footer(
      "Output: one JSON object per document: {\"doc\", \"techniques\": [{\"id\", \"name\", \"score\", "
      "\"evidence\": [{\"rule\", \"sentence\", \"start\", \"end\", \"text\", \"context\"}]}], \"warnings\"}; "
      "a document that could not be read gives {\"doc\", \"error\"}.\n"
      "Exit codes: 0 all tagged, 1 some inputs failed (the rest were tagged), 2 usage or rule errors.");
  tag->callback([opts, &exit_code] { exit_code = run_tag(*opts); });

  auto ex = std::make_shared<TagOptions>();
  auto text = std::make_shared<std::string>();
  CLI::App* explain_cmd = app.add_subcommand(
      "explain", "Show how a text is tagged: normalized sentences, rules fired, rules vetoed by `unless`, tags");
  explain_cmd->add_option("text", *text, "The text to explain (use `tag --explain FILE` for files)")->required();
  add_engine_options(explain_cmd, ex->engine);
  explain_cmd->callback([ex, text, &exit_code] {
    auto engine = load_engine(ex->engine, std::cerr, true);
    if (!engine) {
      exit_code = kExitUsage;
      return;
    }
    Document doc = engine->tagger->tag_text("<text>", *text);
    std::cout << explain(doc, *engine->rules);
    exit_code = kExitOk;
  });
}

}  // namespace ttptag
