// Micro-benchmarks of each pipeline stage, in bytes per second of document
// text, over input sizes 8 KiB .. 8 MiB (one document of that size), with
// the bundled rules ($TTPTAG_RULES to use others), the prefilter alone, and
// a bare RE2::Set scan of the same sentences: the engine's own limit.
//
// Text: $TTPTAG_BENCH_CORPUS (a folder or file, e.g. from
// bench/gen_corpus.py), else the sample articles, repeated to size.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "aggregate.h"
#include "match.h"
#include "normalize.h"
#include "prefilter.h"
#include "read.h"
#include "rules.h"
#include "segment.h"
#include "throughput.h"
#include "write.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;

const RuleSet& rules() {
  static std::unique_ptr<RuleSet> set = [] {
    std::string path = RuleSet::find_default("");
    std::vector<Issue> issues;
    auto s = RuleSet::load(path, LoadOptions{}, &issues);
    if (has_errors(issues)) {
      std::cerr << "ttptag_bench: rules in " << path << " have errors\n";
      std::exit(2);
    }
    return s;
  }();
  return *set;
}

// A text of exactly `size` bytes (cut at a paragraph or space where possible).
std::string text_of_size(size_t size) {
  static const std::string source = [] {
    const char* env = std::getenv("TTPTAG_BENCH_CORPUS");
    std::string root = env && *env ? env : TTPTAG_EXAMPLES_DIR;
    std::string all;
    for (const auto& f : expand_inputs({root}).files) {
      all += read_file(f).text;
      all += "\n\n";
      if (all.size() > (size_t{16} << 20)) break;
    }
    if (all.empty()) all = "Accounts posing as U.S. voters posted AI-generated audio.\n\n";
    return all;
  }();
  std::string out;
  while (out.size() < size) out += source;
  out.resize(size);
  if (auto cut = out.rfind(' '); cut != std::string::npos && cut > size / 2) out.resize(cut);
  return out;
}

Document prepared(size_t size) {
  Document doc;
  doc.source = "bench";
  doc.text = text_of_size(size);
  normalize(doc);
  segment(doc);
  return doc;
}

void set_rate(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

void BM_Read(benchmark::State& state) {
  std::string text = text_of_size(static_cast<size_t>(state.range(0)));
  fs::path p = fs::temp_directory_path() / ("ttptag_bench_" + std::to_string(state.range(0)) + ".txt");
  std::ofstream(p, std::ios::binary) << text;
  for (auto _ : state) benchmark::DoNotOptimize(read_file(p.string()));
  set_rate(state, text.size());
  fs::remove(p);
}

void BM_Normalize(benchmark::State& state) {
  std::string text = text_of_size(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(normalize_text(text));
  set_rate(state, text.size());
}

void BM_Segment(benchmark::State& state) {
  Document doc = prepared(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(segment_text(doc.norm));
  set_rate(state, doc.text.size());
}

// Match and SetScan run once before timing: the first pass over new text
// builds RE2's DFA states (seconds for large rule sets); a batch pays that
// once, so the benchmarks report the warm rate. ttptag bench shows both.
void BM_Match(benchmark::State& state) {
  Document doc = prepared(static_cast<size_t>(state.range(0)));
  match(rules(), doc);  // warm up
  for (auto _ : state) {
    match(rules(), doc);
    benchmark::DoNotOptimize(doc.matches.data());
  }
  set_rate(state, doc.text.size());
}

// Many documents of about 8 KiB (news articles' size), range(0) bytes in
// all, matched one by one (range(1) = 0) or together, as `ttptag tag`
// batches them (range(1) = 1; match.h).
void BM_MatchDocuments(benchmark::State& state) {
  const std::string text = text_of_size(static_cast<size_t>(state.range(0)));
  std::vector<Document> docs;
  size_t bytes = 0;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = std::min(text.size(), begin + (size_t{8} << 10));
    if (auto cut = text.rfind(' ', end); end < text.size() && cut != std::string::npos && cut > begin) end = cut;
    Document doc;
    doc.text = text.substr(begin, end - begin);
    normalize(doc);
    segment(doc);
    bytes += doc.text.size();
    docs.push_back(std::move(doc));
    begin = end;
  }
  std::vector<Document*> batch;
  for (Document& doc : docs) batch.push_back(&doc);
  auto run = [&] {
    if (state.range(1)) {
      match(rules(), batch);
    } else {
      for (Document& doc : docs) match(rules(), doc);
    }
  };
  run();  // warm up, as BM_Match
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(docs.data());
  }
  set_rate(state, bytes);
}

// The engine's limit: a RE2::Set of every trigger over the same sentences,
// nothing else (throughput.h).
void BM_SetScan(benchmark::State& state) {
  static const TriggerSets sets = compile_trigger_sets(rules(), nullptr);
  Document doc = prepared(static_cast<size_t>(state.range(0)));
  std::vector<int> hits;
  auto scan = [&] {
    for (const auto& s : doc.sentences) sets.match(std::string_view(doc.norm.text).substr(s.begin, s.end - s.begin), &hits);
  };
  scan();  // warm up, as BM_Match
  for (auto _ : state) {
    scan();
    benchmark::DoNotOptimize(hits.data());
  }
  set_rate(state, doc.text.size());
}

// The prefilter alone (prefilter.h): which rules may fire, per sentence.
void BM_Prefilter(benchmark::State& state) {
  Document doc = prepared(static_cast<size_t>(state.range(0)));
  std::vector<Candidate> candidates;
  PrefilterScratch scratch;
  for (auto _ : state) {
    for (const auto& s : doc.sentences) {
      rules().prefilter().candidates(std::string_view(doc.norm.text).substr(s.begin, s.end - s.begin), &candidates,
                                     &scratch);
    }
    benchmark::DoNotOptimize(candidates.data());
  }
  set_rate(state, doc.text.size());
}

void BM_Aggregate(benchmark::State& state) {
  Document doc = prepared(static_cast<size_t>(state.range(0)));
  match(rules(), doc);
  for (auto _ : state) {
    aggregate(rules(), AggregateOptions{}, doc);
    benchmark::DoNotOptimize(doc.tags.data());
  }
  set_rate(state, doc.text.size());
}

void BM_Write(benchmark::State& state) {
  Document doc = prepared(static_cast<size_t>(state.range(0)));
  match(rules(), doc);
  AggregateOptions ao;
  ao.min_score = 0;
  ao.max_evidence = 1000;
  aggregate(rules(), ao, doc);
  std::ostringstream out;
  for (auto _ : state) {
    out.str(std::string());
    write_jsonl(doc, out);
  }
  set_rate(state, doc.text.size());
}

// Start-up: load, compile, ready to tag.
void BM_LoadRules(benchmark::State& state) {
  std::string path = RuleSet::find_default("");
  for (auto _ : state) {
    std::vector<Issue> issues;
    benchmark::DoNotOptimize(RuleSet::load(path, LoadOptions{}, &issues));
  }
}

#define TTPTAG_SIZES RangeMultiplier(8)->Range(8 << 10, 8 << 20)->Unit(benchmark::kMillisecond)
BENCHMARK(BM_Read)->TTPTAG_SIZES;
BENCHMARK(BM_Normalize)->TTPTAG_SIZES;
BENCHMARK(BM_Segment)->TTPTAG_SIZES;
BENCHMARK(BM_Match)->TTPTAG_SIZES;
BENCHMARK(BM_MatchDocuments)->ArgsProduct({{256 << 10, 2 << 20}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SetScan)->TTPTAG_SIZES;
BENCHMARK(BM_Prefilter)->TTPTAG_SIZES;
BENCHMARK(BM_Aggregate)->TTPTAG_SIZES;
BENCHMARK(BM_Write)->TTPTAG_SIZES;
BENCHMARK(BM_LoadRules)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace ttptag

BENCHMARK_MAIN();
