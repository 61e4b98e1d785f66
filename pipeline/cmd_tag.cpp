// ttptag tag / explain (and the hidden bench): tag documents and show how.
// The commands only map options onto the library (batch.h, throughput.h);
// this file also owns what makes a batch safe to stop and continue: the
// output written through FILE.partial, --resume, signals and the summary.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
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

namespace fs = std::filesystem;

struct TagOptions {
  std::vector<std::string> inputs;
  std::string output;
  bool explain = false;
  bool quiet = false;
  bool jsonl = false;
  bool resume = false;
  std::string summary;
  size_t jobs = 0;
  std::string format = "jsonl";
  std::string input_format = "auto";
  bool no_furniture_filter = false;
  std::string navigator_domain = "disarm";
  EngineOptions engine;
};

// Writes to `path` through PATH.partial, renamed to PATH on success, so an
// interrupted run never leaves a partial file that looks complete. An
// existing path that is not a regular file (/dev/null, a FIFO, a terminal)
// is written directly: it cannot be renamed over (doing so as root would
// replace /dev/null with a file), and nobody takes it for a finished file.
class OutputFile {
 public:
  explicit OutputFile(std::string path) : path_(std::move(path)) {
    if (is_stdout()) return;
    struct stat st {};
    direct_ = ::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
    if (!direct_) tmp_ = path_ + ".partial";
  }
  bool is_stdout() const { return path_.empty() || path_ == "-"; }
  // Written through a temporary file (so --resume can apply).
  bool staged() const { return !is_stdout() && !direct_; }
  const std::string& path() const { return path_; }
  const std::string& partial() const { return tmp_; }

  // Opens for writing: from scratch, or (append) to add to an existing
  // PATH.partial, which is not changed until keep() is called.
  bool open(bool append = false) {
    if (is_stdout()) return true;
    const std::string& target = direct_ ? path_ : tmp_;
    // std::ios::app writes at the end of the file as it is at each write
    // (O_APPEND), so keep() may shorten it after opening.
    file_.open(target, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
    return file_.good();
  }
  // Cuts PATH.partial to its first `bytes` (drops a torn last line). Only
  // before anything is written.
  bool keep(uint64_t bytes) {
    std::error_code ec;
    fs::resize_file(tmp_, bytes, ec);
    return !ec;
  }
  std::ostream& stream() { return is_stdout() ? std::cout : file_; }
  // Flushes and renames PATH.partial to PATH.
  bool commit() {
    if (is_stdout()) return static_cast<bool>(std::cout.flush());
    file_.close();
    if (file_.fail()) return false;
    if (direct_) return true;
    std::error_code ec;
    fs::rename(tmp_, path_, ec);
    return !ec;
  }
  // Flushes and closes, leaving PATH.partial for --resume.
  bool abandon() {
    if (is_stdout()) return static_cast<bool>(std::cout.flush());
    file_.close();
    return !file_.fail();
  }

 private:
  std::string path_, tmp_;
  bool direct_ = false;
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

// ---- signals -------------------------------------------------------------

// SIGINT / SIGTERM: the first asks the batch to stop taking inputs (the
// documents in flight are finished and written, so the output is a clean
// prefix); a second one ends the process at once. Only async-signal-safe
// calls in the handler: a lock-free atomic store, write(2), _exit(2).
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
  if (g_stop.exchange(true)) _exit(128 + sig);
  g_signal.store(sig);
  static const char msg[] =
      "\nttptag: stopping: finishing the documents in progress (press Ctrl-C again to stop at once)\n";
  ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
}

// Installs the handler for the batch; the old dispositions come back after.
// A signal that was ignored when ttptag started (a background job of a
// shell without job control, nohup) stays ignored, as is the convention.
class StopSignals {
 public:
  StopSignals() {
    g_stop.store(false);
    g_signal.store(0);
    for (size_t i = 0; i < 2; ++i) {
      struct sigaction sa {};
      sa.sa_handler = on_stop_signal;
      sigemptyset(&sa.sa_mask);
      sa.sa_flags = 0;  // no SA_RESTART: a blocked read of standard input returns
      ::sigaction(kSignals[i], nullptr, &old_[i]);
      if (old_[i].sa_handler == SIG_IGN) continue;
      ::sigaction(kSignals[i], &sa, nullptr);
      installed_[i] = true;
    }
  }
  ~StopSignals() {
    for (size_t i = 0; i < 2; ++i) {
      if (installed_[i]) ::sigaction(kSignals[i], &old_[i], nullptr);
    }
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr int kSignals[2] = {SIGINT, SIGTERM};
  struct sigaction old_[2] {};
  bool installed_[2] = {false, false};
};

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal"; }

// ---- resume ----------------------------------------------------------------

// 64-bit FNV-1a: a fingerprint of what decides the output, not a security hash.
class Fingerprint {
 public:
  void add(std::string_view s) {
    for (unsigned char c : s) h_ = (h_ ^ c) * 0x100000001b3ULL;
    h_ = (h_ ^ 0xff) * 0x100000001b3ULL;  // a separator, so "ab","c" differs from "a","bc"
  }
  void add_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    add(path);
    add(bytes.str());
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
    return buf;
  }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

// Everything besides the inputs that changes the records: a resumed file
// must not mix two rule versions or option sets.
std::string settings_fingerprint(const TagOptions& opts, const Engine& engine) {
  Fingerprint f;
  f.add(TTPTAG_VERSION);
  f.add(opts.format);
  f.add(opts.input_format);
  f.add(opts.jsonl ? "jsonl" : "");
  f.add(opts.no_furniture_filter ? "keep-furniture" : "");
  f.add(std::to_string(opts.engine.min_score));
  f.add(opts.navigator_domain);
  for (const auto& file : engine.rules->files()) f.add_file(file);
  if (engine.catalog) f.add_file(engine.catalog->path());
  if (engine.stats) {
    for (const auto& [rule, p] : engine.stats->precision) f.add(rule + "=" + std::to_string(p));
  }
  return f.hex();
}

std::string run_file_path(const OutputFile& out) { return out.partial() + ".run"; }

// Writes PATH.partial.run: the settings fingerprint of the run writing PATH.partial.
bool write_run_file(const OutputFile& out, const std::string& fingerprint) {
  std::ofstream f(run_file_path(out), std::ios::binary | std::ios::trunc);
  f << nlohmann::json{{"ttptag", TTPTAG_VERSION}, {"settings", fingerprint},
                      {"note", "written by `ttptag tag` beside " + out.partial() +
                                   " so that --resume can check it continues the same run"}}
           .dump()
    << '\n';
  return static_cast<bool>(f.flush());
}

// What an interrupted run left: its complete records, and the bytes they
// take (a torn last line is not counted). Returns "" or why it cannot be used.
std::string read_partial(const OutputFile& out, const std::string& fingerprint,
                         std::vector<ResumedRecord>* records, uint64_t* keep_bytes, size_t* torn_bytes) {
  const std::string& partial = out.partial();
  std::ifstream run(run_file_path(out), std::ios::binary);
  if (!run) {
    return "there is no " + run_file_path(out) + " beside it, so it cannot be checked; rerun without --resume";
  }
  nlohmann::json meta = nlohmann::json::parse(run, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object() || !meta.contains("settings") || meta["settings"] != fingerprint) {
    return "it was written with other rules, catalogue, rule stats or options (" + run_file_path(out) +
           " does not match this command); rerun with the same ones, or without --resume to start over";
  }
  std::ifstream in(partial, std::ios::binary);
  if (!in) return "cannot read it";
  std::string line;
  uint64_t pos = 0;
  size_t n = 0;
  *keep_bytes = 0;
  *torn_bytes = 0;
  while (std::getline(in, line)) {
    ++n;
    const bool ended = !in.eof();  // getline stopped at a line end
    pos += line.size() + (ended ? 1 : 0);
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    const bool ok = ended && rec.is_object() && rec.contains("doc") && rec["doc"].is_string();
    if (!ok) {
      if (in.peek() == std::char_traits<char>::eof()) {  // the last line: torn by the interruption
        *torn_bytes = line.size();
        break;
      }
      return "line " + std::to_string(n) + " is not a result record; rerun without --resume to start over";
    }
    records->push_back({rec["doc"].get<std::string>(), rec.contains("error")});
    *keep_bytes = pos;
  }
  return "";
}

// ---- summary -----------------------------------------------------------------

bool write_summary(const std::string& path, const nlohmann::json& summary) {
  const std::string tmp = path + ".partial";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!f.flush()) return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  return !ec;
}

int run_tag(const TagOptions& opts) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  ReadOptions read;
  if (!parse_read_options(opts, &read)) return kExitUsage;
  OutputFormat format{};
  if (!parse_output_format(opts.format, &format)) {
    std::cerr << "ttptag: unknown --format " << opts.format << " (jsonl, csv, stix, misp, navigator, text)\n";
    return kExitUsage;
  }
  OutputFile out(opts.output);
  if (opts.resume) {
    // Only JSON Lines hold one complete line per document, in order.
    if (!out.staged() || format != OutputFormat::kJsonl || opts.explain) {
      std::cerr << "ttptag: --resume needs -o FILE (a regular file) and --format jsonl, without --explain\n";
      return kExitUsage;
    }
  }
  auto engine = load_engine(opts.engine, std::cerr, opts.quiet);
  if (!engine) return kExitUsage;
  InputList inputs = expand_inputs(opts.inputs);
  if (!opts.quiet) {
    for (const auto& w : inputs.warnings) std::cerr << "ttptag: warning: " << w << '\n';
  }

  const std::string fingerprint = out.staged() ? settings_fingerprint(opts, *engine) : "";
  std::vector<ResumedRecord> resumed;
  bool append = false;
  uint64_t keep_bytes = 0;
  std::error_code ec;
  const bool have_partial = out.staged() && fs::exists(out.partial(), ec);
  if (opts.resume && have_partial) {
    size_t torn = 0;
    std::string problem = read_partial(out, fingerprint, &resumed, &keep_bytes, &torn);
    if (!problem.empty()) {
      std::cerr << "ttptag: cannot resume from " << out.partial() << ": " << problem << '\n';
      return kExitUsage;
    }
    append = true;
    if (!opts.quiet) {
      std::cerr << "ttptag: resuming from " << out.partial() << ": " << resumed.size() << " records kept";
      if (torn) std::cerr << ", a torn last line of " << torn << " bytes dropped";
      std::cerr << '\n';
    }
  } else if (opts.resume && !opts.quiet) {
    std::cerr << "ttptag: note: no " << out.partial() << " to resume from; starting from the first input\n";
  } else if (have_partial && !opts.quiet) {
    std::cerr << "ttptag: note: starting " << out.partial()
              << " over (it holds an interrupted run; --resume would continue it)\n";
  }
  if (!out.open(append) || (out.staged() && !write_run_file(out, fingerprint))) {
    std::cerr << "ttptag: cannot write " << (out.staged() ? out.partial() : opts.output) << '\n';
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
  if (append) {
    // The partial file is cut (a torn last line dropped) only once its
    // records are known to be the inputs': a refused resume leaves it as it was.
    bo.resumed = &resumed;
    bo.on_resume_checked = [&] { return out.keep(keep_bytes); };
  }
  bo.stop = &g_stop;
  BatchCounts counts;
  {
    StopSignals signals;
    counts = run_batch(inputs, read, *engine->tagger, *writer, bo);
  }
  if (!counts.resume_mismatch.empty()) {
    out.abandon();
    std::cerr << "ttptag: cannot resume from " << out.partial() << ": it does not match the inputs: "
              << counts.resume_mismatch << ". Give the same inputs as the interrupted run, or rerun without "
              << "--resume to start over\n";
    return kExitUsage;
  }
  writer->finish();
  const int sig = counts.stopped ? g_signal.load() : 0;
  bool written = false;
  if (counts.stopped) {
    written = out.abandon();
  } else {
    written = out.commit();
    if (written && out.staged()) fs::remove(run_file_path(out), ec);
  }
  if (!written) {
    std::cerr << "ttptag: failed writing " << (out.staged() ? out.partial() : opts.output) << '\n';
    return kExitUsage;
  }
  if (!opts.quiet) {
    for (const auto& w : writer->warnings()) std::cerr << "ttptag: warning: " << w << '\n';
    std::cerr << "ttptag: " << counts.inputs << " inputs: " << counts.results << " tagged, " << counts.errors
              << " errors";
    if (counts.resumed) std::cerr << " (" << counts.resumed << " of them resumed from " << out.partial() << ")";
    std::cerr << '\n';
  }
  if (counts.stopped) {
    // Said even with --quiet: the run did not finish.
    std::cerr << "ttptag: interrupted by " << signal_name(sig) << " after " << counts.inputs << " inputs; ";
    if (out.staged()) {
      std::cerr << out.partial() << " holds their records and " << opts.output << " was not written. ";
      if (format == OutputFormat::kJsonl && !opts.explain) {
        std::cerr << "To continue, run the same command with --resume\n";
      } else {
        std::cerr << "Run the command again to redo it (--resume needs --format jsonl)\n";
      }
    } else {
      std::cerr << (out.is_stdout() ? "standard output" : opts.output) << " holds their records\n";
    }
  }
  if (!opts.summary.empty()) {
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    nlohmann::json summary = {{"inputs", counts.inputs},
                              {"results", counts.results},
                              {"errors", counts.errors},
                              {"resumed", counts.resumed},
                              {"complete", !counts.stopped},
                              {"interrupted_by", counts.stopped ? nlohmann::json(signal_name(sig)) : nlohmann::json()},
                              {"output", out.is_stdout() ? "-" : counts.stopped && out.staged() ? out.partial()
                                                                                                : opts.output},
                              {"bytes", counts.bytes},
                              {"seconds", secs},
                              {"input_warnings", inputs.warnings}};
    if (!write_summary(opts.summary, summary)) {
      std::cerr << "ttptag: cannot write the summary " << opts.summary << '\n';
      return kExitUsage;
    }
  }
  if (counts.stopped) return 128 + (sig ? sig : SIGINT);
  return counts.errors ? kExitSomeFailed : kExitOk;
}

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
      {"pipeline_vs_set", st.pipeline() > 0 ? st.set_scan / st.pipeline() : 0.0},
      {"cold_pipeline_s", st.cold_pipeline}, {"cold_set_scan_s", st.cold_set_scan}, {"set_compile_s", st.set_compile},
      {"sets", st.set_count},
      {"alone",
       {{"pipeline_s", st.alone_pipeline},
        {"set_scan_s", st.alone_set_scan},
        {"pipeline_vs_set", st.alone_pipeline > 0 ? st.alone_set_scan / st.alone_pipeline : 0.0}}}};

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
  std::printf("(warm pass, thread CPU time; first, cold pass: pipeline %.2f s, Set scan %.2f s; Set compile %.2f s, %zu Set%s)\n",
              st.cold_pipeline, st.cold_set_scan, st.set_compile, st.set_count, st.set_count == 1 ? "" : "s");
  std::printf("each alone (warm passes, not per document in turn): pipeline %.2f s = %.1f MB/s;  Set scan %.2f s = %.1f MB/s;  "
              "pipeline/set throughput = %.0f%%\n",
              st.alone_pipeline, mbps(st.alone_pipeline), st.alone_set_scan, mbps(st.alone_set_scan),
              100.0 * out["alone"]["pipeline_vs_set"].get<double>());
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
  tag->add_flag("-q,--quiet", opts->quiet,
                "No summary, notes, warnings or progress bar on standard error (an interruption is still reported)");
  tag->add_flag("--resume", opts->resume,
                "Continue an interrupted run of the same command: keep the complete records of FILE.partial "
                "(-o FILE), check they are the first inputs' (same inputs, rules and options), tag the rest "
                "(--format jsonl only)");
  tag->add_option("--summary", opts->summary,
                  "Also write the run's counts as JSON to this file: inputs, results, errors (inputs = results + "
                  "errors), resumed, complete")
      ->type_name("FILE");
  add_engine_options(tag, opts->engine);
  tag->footer(
      "Output (jsonl): one JSON object per document, in input order: {\"doc\", \"techniques\": [{\"id\", \"name\", "
      "\"score\", \"evidence\": [{\"rule\", \"sentence\", \"start\", \"end\", \"text\", \"context\"}]}], "
      "\"warnings\"}; a document that could not be read, or a JSON line that does not parse, gives "
      "{\"doc\", \"error\"}.\n"
      "Inputs are taken in order: folder listing errors (unreadable folders, broken links) first, then the paths as "
      "given, each folder's files sorted by path, JSON Lines by line.\n"
      "With -o FILE, results go to FILE.partial, renamed to FILE when the run completes. Ctrl-C (or SIGTERM) "
      "stops taking inputs, finishes the documents in progress and leaves FILE.partial; --resume continues it.\n"
      "A progress bar goes to standard error when it is a terminal (not with --quiet).\n"
      "Exit codes: 0 all tagged, 1 some inputs failed (the rest were tagged), 2 usage or rule errors, "
      "130 interrupted by Ctrl-C (143 by SIGTERM).");
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
