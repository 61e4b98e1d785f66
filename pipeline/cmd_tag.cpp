// ttptag tag / explain (and the hidden bench): tag documents and show how.
// The commands only map options onto the library (batch.h, throughput.h).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "batch.h"
#include "cli.h"
#include "explain.h"
#include "read.h"
#include "throughput.h"
#include "write.h"

namespace ttptag {

namespace {

struct TagOptions {
  std::vector<std::string> inputs;
  std::string output;
  bool explain = false;
  bool quiet = false;
  bool jsonl = false;
  size_t jobs = 0;
  std::string format = "jsonl";
  std::string input_format = "auto";
  bool no_furniture_filter = false;
  std::string navigator_domain = "disarm";
  EngineOptions engine;
};

// Writes to `path` through a temporary file renamed on success, so an
// interrupted run never leaves a partial file that looks complete.
class OutputFile {
 public:
  explicit OutputFile(const std::string& path) : path_(path) {
    if (is_stdout()) return;
    tmp_ = path_ + ".partial";
    file_.open(tmp_, std::ios::binary | std::ios::trunc);
  }
  bool is_stdout() const { return path_.empty() || path_ == "-"; }
  bool ok() const { return is_stdout() || file_.good(); }
  std::ostream& stream() { return is_stdout() ? std::cout : file_; }
  bool commit() {
    if (is_stdout()) return static_cast<bool>(std::cout.flush());
    file_.close();
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    return !ec && !file_.fail();
  }

 private:
  std::string path_, tmp_;
  std::ofstream file_;
};

// --explain: the readable account instead of a record.
class ExplainWriter : public ResultWriter {
 public:
  ExplainWriter(std::ostream& out, const RuleSet& rules) : out_(out), rules_(rules) {}
  void write(const Document& doc) override {
    if (!doc.error.empty()) {
      out_ << doc.source << ": error: " << doc.error << "\n\n";
      return;
    }
    out_ << explain(doc, rules_) << '\n';
  }

 private:
  std::ostream& out_;
  const RuleSet& rules_;
};

// Standard output is a pipe or a terminal (not a file): a consumer may be
// waiting for each line, so results are flushed one by one.
bool stdout_is_stream() {
  struct stat st {};
  return fstat(STDOUT_FILENO, &st) != 0 || !S_ISREG(st.st_mode);
}

bool parse_read_options(const TagOptions& opts, ReadOptions* read) {
  if (!parse_input_format(opts.input_format, &read->format)) {
    std::cerr << "ttptag: unknown --input-format " << opts.input_format
              << " (auto, text, html, pdf, json, jsonl)\n";
    return false;
  }
  if (opts.jsonl) read->format = InputFormat::kJsonl;
  read->drop_furniture = !opts.no_furniture_filter;
  return true;
}

int run_tag(const TagOptions& opts) {
  ReadOptions read;
  if (!parse_read_options(opts, &read)) return kExitUsage;
  OutputFormat format{};
  if (!parse_output_format(opts.format, &format)) {
    std::cerr << "ttptag: unknown --format " << opts.format << " (jsonl, csv, stix, misp, navigator, text)\n";
    return kExitUsage;
  }
  auto engine = load_engine(opts.engine, std::cerr, opts.quiet);
  if (!engine) return kExitUsage;
  InputList inputs = expand_inputs(opts.inputs);
  OutputFile out(opts.output);
  if (!out.ok()) {
    std::cerr << "ttptag: cannot write " << opts.output << '\n';
    return kExitUsage;
  }
  std::unique_ptr<ResultWriter> writer;
  if (opts.explain) {
    writer = std::make_unique<ExplainWriter>(out.stream(), *engine->rules);
  } else {
    WriterOptions wo;
    wo.catalog = engine->catalog ? &*engine->catalog : nullptr;
    wo.navigator_domain = opts.navigator_domain;
    writer = make_writer(format, out.stream(), wo);
  }
  BatchOptions bo;
  bo.jobs = opts.jobs;
  if (out.is_stdout() && stdout_is_stream()) bo.flush = &std::cout;
  if (!opts.quiet && isatty(STDERR_FILENO)) bo.progress = &std::cerr;
  BatchCounts counts = run_batch(inputs, read, *engine->tagger, *writer, bo);
  writer->finish();
  if (!out.commit()) {
    std::cerr << "ttptag: failed writing " << opts.output << '\n';
    return kExitUsage;
  }
  if (!opts.quiet) {
    std::cerr << "ttptag: " << counts.inputs << " inputs: " << counts.results << " tagged, " << counts.errors
              << " errors\n";
  }
  return counts.errors ? kExitSomeFailed : kExitOk;
}

// An ostream that only counts what is written (the bench's output sink).
class CountingBuf : public std::streambuf {
 public:
  size_t count = 0;

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) ++count;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    count += static_cast<size_t>(n);
    return n;
  }
};

struct BenchOptions {
  std::vector<std::string> inputs;
  std::vector<size_t> jobs;
  bool jsonl = false;
  bool json = false;
  EngineOptions engine;
};

int run_bench(const BenchOptions& opts) {
  using Clock = std::chrono::steady_clock;
  auto secs = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  auto t0 = Clock::now();
  auto engine = load_engine(opts.engine, std::cerr, true);
  if (!engine) return kExitUsage;
  const double load_s = secs(t0, Clock::now());
  ReadOptions read;
  if (opts.jsonl) read.format = InputFormat::kJsonl;
  InputList inputs = expand_inputs(opts.inputs);

  StageTimes st = profile_stages(inputs, read, *engine->tagger);
  auto mbps = [&](double s) { return s > 0 ? static_cast<double>(st.bytes) / 1e6 / s : 0.0; };
  nlohmann::json out = {
      {"rules", engine->rules->rules().size()},
      {"startup_ms", load_s * 1e3},
      {"docs", st.docs},
      {"errors", st.errors},
      {"mb", static_cast<double>(st.bytes) / 1e6},
      {"sentences", st.sentences},
      {"stages_s",
       {{"read", st.read}, {"normalize", st.normalize}, {"segment", st.segment}, {"match", st.match},
        {"aggregate", st.aggregate}, {"write", st.write}}},
      {"pipeline_s", st.pipeline()},
      {"set_scan_s", st.set_scan},
      {"pipeline_mb_s", mbps(st.pipeline())},
      {"set_scan_mb_s", mbps(st.set_scan)},
      {"pipeline_vs_set", st.pipeline() > 0 ? st.set_scan / st.pipeline() : 0.0}};

  // Whole batches (run_batch, JSONL written to a counting sink), per --jobs.
  nlohmann::json batches = nlohmann::json::array();
  double base = 0;
  for (size_t jobs : opts.jobs) {
    CountingBuf buf;
    std::ostream sink(&buf);
    auto writer = make_writer(OutputFormat::kJsonl, sink, WriterOptions{});
    BatchOptions bo;
    bo.jobs = jobs;
    auto b0 = Clock::now();
    BatchCounts c = run_batch(inputs, read, *engine->tagger, *writer, bo);
    double s = secs(b0, Clock::now());
    double rate = s > 0 ? static_cast<double>(c.bytes) / 1e6 / s : 0;
    if (base == 0) base = rate;
    batches.push_back({{"jobs", jobs}, {"s", s}, {"mb_s", rate}, {"speedup", base > 0 ? rate / base : 0},
                       {"docs", c.inputs}, {"out_bytes", buf.count}});
  }
  out["batch"] = batches;

  if (opts.json) {
    std::cout << out.dump() << '\n';
    return kExitOk;
  }
  std::printf("rules %zu, startup (load, compile) %.0f ms\n", engine->rules->rules().size(), load_s * 1e3);
  std::printf("%zu docs, %.1f MB, %zu sentences, %zu errors\n", st.docs, static_cast<double>(st.bytes) / 1e6,
              st.sentences, st.errors);
  std::printf("one thread, per stage (s):  read %.2f  normalize %.2f  segment %.2f  match %.2f  aggregate %.2f  write %.2f\n",
              st.read, st.normalize, st.segment, st.match, st.aggregate, st.write);
  std::printf("pipeline %.2f s = %.1f MB/s;  bare RE2::Set scan of the same sentences %.2f s = %.1f MB/s;  "
              "pipeline/set throughput = %.0f%%\n",
              st.pipeline(), mbps(st.pipeline()), st.set_scan, mbps(st.set_scan),
              100.0 * out["pipeline_vs_set"].get<double>());
  for (const auto& b : batches) {
    std::printf("batch --jobs %zu: %.2f s, %.1f MB/s, x%.2f of the first\n", b["jobs"].get<size_t>(),
                b["s"].get<double>(), b["mb_s"].get<double>(), b["speedup"].get<double>());
  }
  return kExitOk;
}

}  // namespace

void register_tag_commands(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<TagOptions>();
  CLI::App* tag = app.add_subcommand("tag", "Tag documents with DISARM techniques; writes JSON Lines");
  tag->add_option("inputs", opts->inputs,
                  "Files or folders (searched recursively for known extensions); - for standard input; "
                  ".jsonl files (and - with --jsonl) hold one document per line")
      ->required();
  tag->add_option("-o,--output", opts->output, "Write results here (default: standard output)");
  tag->add_option("-j,--jobs", opts->jobs, "Worker threads (default: all cores); results stay in input order")
      ->check(CLI::Range(size_t{1}, size_t{1024}));
  tag->add_flag("--jsonl", opts->jsonl,
                "Inputs are JSON Lines, {\"id\": ..., \"text\": ...} per line (same as --input-format jsonl); "
                "`tag --jsonl -` is a streaming map step: one result line per input line, in order, flushed");
  tag->add_option("--format", opts->format, "Output format: jsonl, csv, stix, misp, navigator, text")
      ->capture_default_str();
  tag->add_option("--input-format", opts->input_format,
                  "Input format: auto (by extension), text, html, pdf, json, jsonl")
      ->capture_default_str();
  tag->add_flag("--no-furniture-filter", opts->no_furniture_filter,
                "Keep scraped-page furniture lines (menus, share buttons, 'Related Articles')");
  tag->add_option("--navigator-domain", opts->navigator_domain,
                  "Navigator layer `domain` (the id of your Navigator instance's DISARM domain)")
      ->capture_default_str();
  tag->add_flag("--explain", opts->explain, "Print a readable account of every rule that fired or was vetoed, instead of JSON");
  tag->add_flag("-q,--quiet", opts->quiet, "No summary, notes or progress bar on standard error");
  add_engine_options(tag, opts->engine);
  tag->footer(
      "Output (jsonl): one JSON object per document, in input order: {\"doc\", \"techniques\": [{\"id\", \"name\", "
      "\"score\", \"evidence\": [{\"rule\", \"sentence\", \"start\", \"end\", \"text\", \"context\"}]}], "
      "\"warnings\"}; a document that could not be read, or a JSON line that does not parse, gives "
      "{\"doc\", \"error\"}.\n"
      "A progress bar goes to standard error when it is a terminal (not with --quiet).\n"
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

  // Hidden: the measurements behind bench/run_bench.sh.
  auto bo = std::make_shared<BenchOptions>();
  CLI::App* bench = app.add_subcommand(
      "bench", "Time each stage on one thread against a bare RE2::Set scan of the same sentences, then whole batches");
  bench->group("");
  bench->add_option("inputs", bo->inputs, "Files, folders or .jsonl files")->required();
  bench->add_option("--jobs", bo->jobs, "Batch runs to time, e.g. --jobs 1 2 (none by default)");
  bench->add_flag("--jsonl", bo->jsonl, "Inputs are JSON Lines");
  bench->add_flag("--json", bo->json, "Print one JSON object");
  add_engine_options(bench, bo->engine);
  bench->callback([bo, &exit_code] { exit_code = run_bench(*bo); });
}

}  // namespace ttptag
