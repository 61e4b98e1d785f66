// ttptag report / serve / gold from-review: show suggestions to reviewers and
// turn their decisions into gold.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli.h"
#include "report.h"
#include "review.h"
#include "serve.h"

namespace ttptag {

namespace {

struct ReportCliOptions {
  std::string results, output, catalog, title;
  bool text_from_files = true;
  size_t page_size = 25;
  size_t max_text_mib = 4;
};

struct ServeCliOptions {
  std::string results, decisions, catalog, host = "127.0.0.1";
  int port = 8765;
};

struct FromReviewCliOptions {
  std::string decisions, output, id_prefix = "review/";
};

// The catalogue from --catalog, else the default one if present. False on a
// usage error (an explicit catalogue that does not load).
bool load_catalog(const std::string& explicit_path, std::optional<Catalog>* out) {
  std::string path = explicit_path.empty() ? Catalog::find_default() : explicit_path;
  if (path.empty()) return true;
  std::string error;
  *out = Catalog::load(path, &error);
  if (!*out) {
    std::cerr << "ttptag: " << error << '\n';
    return explicit_path.empty();
  }
  return true;
}

// Writes through PATH.partial renamed on success; "-" or "" = standard output.
template <typename Fn>
bool write_output(const std::string& path, Fn&& fn) {
  if (path.empty() || path == "-") {
    fn(std::cout);
    return static_cast<bool>(std::cout.flush());
  }
  std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "ttptag: cannot write " << path << '\n';
      return false;
    }
    fn(out);
    out.flush();
    if (!out) {
      std::cerr << "ttptag: cannot write " << path << '\n';
      std::remove(tmp.c_str());
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::cerr << "ttptag: cannot write " << path << ": " << ec.message() << '\n';
  return !ec;
}

int run_report(const ReportCliOptions& o) {
  ResultsFile results = read_results(o.results);
  if (!results.error.empty()) {
    std::cerr << "ttptag: " << results.error << '\n';
    return kExitUsage;
  }
  for (const auto& w : results.warnings) std::cerr << "ttptag: warning: " << w << '\n';
  std::optional<Catalog> catalog;
  if (!load_catalog(o.catalog, &catalog)) return kExitUsage;
  ReportOptions ro;
  ro.text_from_files = o.text_from_files;
  ro.page_size = o.page_size;
  ro.max_text_bytes = o.max_text_mib << 20;
  ro.catalog = catalog ? &*catalog : nullptr;
  ro.source = o.results;
  ro.base_dir = std::filesystem::absolute(o.results).parent_path().string();
  if (!o.title.empty()) ro.title = o.title;
  ReportStats stats;
  if (!write_output(o.output, [&](std::ostream& out) { stats = write_report(results, out, ro); }))
    return kExitUsage;
  std::cerr << "ttptag: report of " << stats.documents << " documents (" << stats.suggestions
            << " suggestions; " << stats.with_text << " with their text, " << stats.contexts_only
            << " with evidence sentences only, " << stats.failed << " failed)";
  if (!o.output.empty() && o.output != "-") std::cerr << " -> " << o.output;
  std::cerr << '\n';
  return kExitOk;
}

int run_serve(const ServeCliOptions& o) {
  std::optional<Catalog> catalog;
  if (!load_catalog(o.catalog, &catalog)) return kExitUsage;
  ServeOptions so;
  so.results = o.results;
  so.decisions = o.decisions;
  so.host = o.host;
  so.port = o.port;
  so.catalog = catalog ? &*catalog : nullptr;
  std::string error;
  auto server = ReviewServer::create(so, &error);
  if (!server) {
    std::cerr << "ttptag: " << error << '\n';
    return kExitUsage;
  }
  for (const auto& w : server->warnings()) std::cerr << "ttptag: warning: " << w << '\n';
  if (!is_loopback_host(o.host))
    std::cerr << "ttptag: warning: listening on " << o.host
              << ", not a loopback address: anyone who can reach this machine can read the "
                 "documents and write decisions (there is no login)\n";
  int port = server->bind(&error);
  if (port < 0) {
    std::cerr << "ttptag: " << error << '\n';
    return kExitUsage;
  }
  std::string shown_host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  std::cout << "ttptag: reviewing " << server->suggestions() << " suggestions ("
            << server->decided() << " decided) at http://" << shown_host << ':' << port
            << "/ ; decisions are appended to " << o.decisions << "; Ctrl-C stops" << std::endl;

  // Signals go to one thread that stops the server; the HTTP threads inherit the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    // run() may not be listening yet: keep asking until it has returned.
    while (!done) {
      server->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  bool ok = server->run();
  done = true;
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  if (!ok) {
    std::cerr << "ttptag: the server stopped with an error\n";
    return kExitSomeFailed;
  }
  std::cerr << "ttptag: stopped; " << server->decided() << " of " << server->suggestions()
            << " suggestions decided\n";
  return kExitOk;
}

int run_from_review(const FromReviewCliOptions& o) {
  std::error_code ec;
  if (!std::filesystem::exists(o.decisions, ec)) {
    std::cerr << "ttptag: " << o.decisions << ": no such file\n";
    return kExitUsage;
  }
  DecisionFile log = read_decisions(o.decisions);
  if (!log.error.empty()) {
    std::cerr << "ttptag: " << log.error << '\n';
    return kExitUsage;
  }
  for (const auto& w : log.warnings) std::cerr << "ttptag: warning: " << w << '\n';
  FromReviewOptions fo;
  fo.id_prefix = o.id_prefix;
  ReviewGold gold = gold_from_review(log.decisions, fo);
  if (!write_output(o.output, [&](std::ostream& out) { write_gold(gold.units, out); }))
    return kExitUsage;
  std::cerr << "ttptag: " << log.decisions.size() << " decisions -> " << gold.units.size()
            << " document units: " << gold.accepted << " accepted, " << gold.added << " added, "
            << gold.rejected << " rejected (kept as known false positives)";
  if (!o.output.empty() && o.output != "-") std::cerr << " -> " << o.output;
  std::cerr << '\n';
  return kExitOk;
}

}  // namespace

void register_review_commands(CLI::App& app, int& exit_code) {
  auto ro = std::make_shared<ReportCliOptions>();
  auto* report = app.add_subcommand(
      "report",
      "Write tag results as one self-contained HTML page: each document's text with the evidence "
      "highlighted by tactic, its techniques ranked by score with their rules, filters by "
      "technique and tactic");
  report->add_option("results", ro->results, "Results JSONL from `ttptag tag`")->required();
  report->add_option("-o,--output", ro->output, "HTML file to write (default: standard output)");
  report->add_flag("--text-from-files,!--no-text-from-files", ro->text_from_files,
                   "Read each document's file to show its whole text (default on; without it, or "
                   "when a file is missing or changed, only the evidence sentences are shown)");
  report->add_option("--catalog", ro->catalog,
                     "DISARM STIX bundle for tactics and names (default: $TTPTAG_CATALOG, else "
                     "../shared/disarm/DISARM.json if present)");
  report->add_option("--page-size", ro->page_size, "Documents per page")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  report->add_option("--max-text-mib", ro->max_text_mib,
                     "Documents larger than this show evidence sentences only")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  report->add_option("--title", ro->title, "Page title");
  report->callback([ro, &exit_code] { exit_code = run_report(*ro); });

  auto so = std::make_shared<ServeCliOptions>();
  auto* serve = app.add_subcommand(
      "serve",
      "A local web app to review suggestions: accept (a), reject (r), add a missed technique (/), "
      "next/previous (j/k). Every decision is appended to the decisions file at once; a "
      "restart resumes at the first undecided suggestion");
  serve->add_option("--results", so->results, "Results JSONL from `ttptag tag`")->required();
  serve->add_option("--decisions", so->decisions,
                    "Decision log (JSONL) to append to; created if missing")
      ->required();
  serve->add_option("--port", so->port, "Port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--host", so->host,
                    "Address to listen on; anything but loopback exposes the documents to the "
                    "network")
      ->capture_default_str();
  serve->add_option("--catalog", so->catalog,
                    "DISARM STIX bundle: the techniques a reviewer can add (default: "
                    "$TTPTAG_CATALOG, else ../shared/disarm/DISARM.json if present)");
  serve->callback([so, &exit_code] { exit_code = run_serve(*so); });

  CLI::App* gold = nullptr;
  try {
    gold = app.get_subcommand("gold");
  } catch (const CLI::OptionNotFound&) {
    gold = app.add_subcommand("gold", "Build gold files");
    gold->require_subcommand(1);
  }
  auto fo = std::make_shared<FromReviewCliOptions>();
  auto* from = gold->add_subcommand(
      "from-review",
      "Turn a review decision log into gold units (level document, source review): accepted "
      "and added techniques become tags, rejected ones known false positives; see "
      "gold/README.md");
  from->add_option("decisions", fo->decisions, "Decision log written by `ttptag serve`")->required();
  from->add_option("-o,--output", fo->output, "Gold JSONL file to write (default: standard output)");
  from->add_option("--id-prefix", fo->id_prefix, "Unit id = prefix + document path")
      ->capture_default_str();
  from->callback([fo, &exit_code] { exit_code = run_from_review(*fo); });
}

}  // namespace ttptag
