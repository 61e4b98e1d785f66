// throughput.h: measure the pipeline against the engine's own limit.
//
// profile_stages() runs every stage on one thread, in batches of documents
// as `ttptag tag` does (BatchOptions::batch_bytes), timing each (read,
// normalize, segment, match, aggregate, write JSONL to memory), and after
// each batch times a bare RE2::Set scan of the same sentences with a Set of every rule's trigger (compile_trigger_sets): the
// one pass that answers "which rules fire in this sentence" with nothing
// else, the engine's limit. match() does not use that Set (it uses the
// rule set's prefilter, prefilter.h), so it is built here for the
// comparison only.
//
// Times are this thread's CPU time (not wall time), so other processes on
// a shared machine do not skew the ratio.
//
// Both sides warm up as they go: RE2 builds DFA states on first sight of
// new text (the Set of all triggers is under 1 MB/s for its first tens of
// MB). So the inputs are run twice: the first (cold) pass is reported
// apart, and the main figures are the second (warm) pass, the steady state
// of a long batch. Then twice more, warm, each side alone: interleaved per
// batch, each evicts the other from the caches (the Set's DFA is
// hundreds of MB), which neither meets in real use. `ttptag bench` (hidden) prints these; bench/run_bench.sh
// calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <re2/set.h>

#include "read.h"
#include "tagger.h"

namespace ttptag {

// A stream buffer that counts the bytes written and keeps none: the bench's
// output sink (like writing to a file, without the disk).
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

struct StageTimes {
  size_t docs = 0, errors = 0;
  size_t bytes = 0;       // document text bytes
  size_t sentences = 0;
  // Warm (second) pass, seconds.
  double read = 0, normalize = 0, segment = 0, match = 0, aggregate = 0, write = 0;
  double set_scan = 0;    // bare RE2::Set scan of the same sentences
  // Cold (first) pass, seconds: the whole pipeline, and the Set scan.
  double cold_pipeline = 0, cold_set_scan = 0;
  // Two more warm passes, each side alone, seconds: per document, the
  // other side's working set no longer evicts this one's from the caches.
  double alone_pipeline = 0, alone_set_scan = 0;
  double set_compile = 0;  // compiling the Set of all triggers
  size_t set_count = 0;    // Sets it took (compile_trigger_sets)
  double pipeline() const { return read + normalize + segment + match + aggregate + write; }
};

// Every rule's trigger in RE2::Sets (what match() used before the
// prefilter): one Set when RE2 compiles it. A pack too large for one is
// split in halves until each part compiles: RE2 gives up simplifying a
// regex of more than about a million nodes, as the Set of the 16x
// synthetic pack is (bench/gen_rules.py), whatever the memory budget.
struct TriggerSets {
  std::vector<std::unique_ptr<RE2::Set>> sets;
  std::vector<int> first_rule;  // per Set: the rule its entry 0 is
  // Sets *hits to the rules whose trigger matches in `text`.
  void match(std::string_view text, std::vector<int>* hits) const;
};
// Empty, with *error, if a trigger alone does not compile. Sets hold at
// most `max_rules_per_set` triggers (tests use it to split small packs).
TriggerSets compile_trigger_sets(const RuleSet& rules, std::string* error, size_t max_rules_per_set = SIZE_MAX);

// Every input of `inputs` (files, folders already expanded, JSONL files),
// twice (see above).
StageTimes profile_stages(const InputList& inputs, const ReadOptions& read, const Tagger& tagger);

}  // namespace ttptag
