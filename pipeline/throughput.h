// throughput.h: measure the pipeline against the engine's own limit.
//
// profile_stages() runs every stage on one thread, one document at a time,
// timing each (read, normalize, segment, match, aggregate, write JSONL to
// memory), and then times a bare RE2::Set scan (RuleSet::set().Match) of
// the same sentences of the same document: the cost of the one pass every
// sentence must get, with nothing else. The bare scan runs after `match`
// on each document, so it always finds the Set's DFA cache warm: the
// fastest the scan can be, which makes the ratio conservative.
// `ttptag bench` (hidden) prints these; bench/run_bench.sh calls it.
#pragma once

#include <cstddef>
#include <string>

#include "read.h"
#include "tagger.h"

namespace ttptag {

struct StageTimes {
  size_t docs = 0, errors = 0;
  size_t bytes = 0;       // document text bytes
  size_t sentences = 0;
  double read = 0, normalize = 0, segment = 0, match = 0, aggregate = 0, write = 0;  // seconds
  double set_scan = 0;    // bare RE2::Set scan of the same sentences, seconds
  double pipeline() const { return read + normalize + segment + match + aggregate + write; }
};

// Every input of `inputs` (files, folders already expanded, JSONL files).
StageTimes profile_stages(const InputList& inputs, const ReadOptions& read, const Tagger& tagger);

}  // namespace ttptag
