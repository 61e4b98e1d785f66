#include "throughput.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <streambuf>

#include "aggregate.h"
#include "batch.h"
#include "match.h"
#include "normalize.h"
#include "segment.h"
#include "write.h"

namespace ttptag {

namespace {

// This thread's CPU time: on a shared machine, time other processes take
// from us does not count, so one-thread ratios stay fair under load (what
// they cannot remove: caches shared with those processes).
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
};

double since(Clock::time_point& t) {
  const double now = Clock::now();
  const double s = now - t;
  t = now;
  return s;
}

// What a pass times: both sides, document by document; or one side alone
// (the other's working set out of the caches: the Set's DFA alone is
// hundreds of MB).
enum class Sides { kBoth, kPipeline, kSet };

// One pass over the inputs: its times and counts. Documents go through in
// batches, as `ttptag tag` runs them (BatchOptions::batch_bytes and
// batch_documents): each stage on the whole batch, then the Set over the
// batch's sentences.
StageTimes one_pass(const InputList& inputs, const ReadOptions& read, const Tagger& tagger, const TriggerSets& sets,
                    Sides sides) {
  const bool pipeline_side = sides != Sides::kSet, set_side = sides != Sides::kPipeline;
  const BatchOptions batching;
  CountingBuf buf;
  std::ostream sink(&buf);
  std::vector<int> hits;
  const RuleSet& rules = tagger.rules();
  StageTimes pass;
  std::vector<Document> batch;
  size_t batch_input = 0;

  auto run_batch = [&] {
    std::vector<Document*> ready;
    for (Document& doc : batch) {
      if (doc.error.empty()) ready.push_back(&doc);
    }
    auto t = Clock::now();
    if (!pipeline_side) {  // only what the Set needs: sentences
      for (Document* doc : ready) {
        normalize(*doc);
        segment(*doc);
      }
    } else {
      for (Document* doc : ready) normalize(*doc);
      pass.normalize += since(t);
      for (Document* doc : ready) segment(*doc);
      pass.segment += since(t);
      match(rules, ready);
      pass.match += since(t);
      for (Document* doc : ready) aggregate(rules, tagger.options(), *doc);
      pass.aggregate += since(t);
      for (const Document& doc : batch) write_jsonl(doc, sink);
      pass.write += since(t);
    }
    pass.docs += batch.size();
    pass.errors += batch.size() - ready.size();
    for (const Document* doc : ready) {
      pass.bytes += doc->text.size();
      pass.sentences += doc->sentences.size();
    }
    if (set_side) {
      // The engine's limit: the Set of all triggers over the same sentences, nothing else.
      t = Clock::now();
      for (const Document* doc : ready) {
        for (const auto& s : doc->sentences) sets.match(std::string_view(doc->norm.text).substr(s.begin, s.end - s.begin), &hits);
      }
      pass.set_scan += since(t);
    }
    batch.clear();
    batch_input = 0;
  };
  auto add = [&](Document doc) {
    batch_input += doc.text.size();
    batch.push_back(std::move(doc));
    if (batch_input >= batching.batch_bytes || batch.size() >= batching.batch_documents) run_batch();
  };

  for (const auto& path : inputs.files) {
    const bool jsonl = read.format == InputFormat::kJsonl ||
                       (read.format == InputFormat::kAuto && detect_format(path) == InputFormat::kJsonl);
    if (jsonl) {
      std::ifstream file;
      if (path != "-") file.open(path, std::ios::binary);
      std::istream& in = path == "-" ? std::cin : file;
      JsonlReader reader(in, path);
      while (true) {
        Document doc;
        auto t = Clock::now();
        if (!reader.next(&doc)) break;
        pass.read += since(t);
        add(std::move(doc));
      }
      continue;
    }
    auto t = Clock::now();
    Document doc = path == "-" ? read_stream(std::cin, "-") : read_document(path, read);
    pass.read += since(t);
    add(std::move(doc));
  }
  if (!batch.empty()) run_batch();
  return pass;
}

}  // namespace

void TriggerSets::match(std::string_view text, std::vector<int>* hits) const {
  const re2::StringPiece piece(text.data(), text.size());
  // The usual case is exactly the bare scan: one Set, nothing added to it.
  hits->clear();  // RE2 does not promise to clear it when nothing matches
  if (sets.size() == 1) {
    sets[0]->Match(piece, hits);
    return;
  }
  thread_local std::vector<int> part;  // reused: no allocation per sentence in the timed scan
  for (size_t k = 0; k < sets.size(); ++k) {
    part.clear();
    sets[k]->Match(piece, &part);
    for (const int i : part) hits->push_back(first_rule[k] + i);
  }
}

namespace {

// Sets for rules [begin, end), appended to *out: one if it compiles, else halves.
bool add_trigger_sets(const RuleSet& rules, size_t begin, size_t end, size_t max_rules, TriggerSets* out,
                      std::string* error) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t{512} << 20);  // the budget RuleSet gave it
  auto set = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
  for (size_t r = begin; r < end; ++r) {
    if (set->Add(rules.rules()[r].trigger->pattern(), error) < 0) return false;
  }
  if (end - begin <= max_rules && set->Compile()) {
    out->sets.push_back(std::move(set));
    out->first_rule.push_back(static_cast<int>(begin));
    return true;
  }
  if (end - begin == 1) {
    if (error) *error = "rule " + rules.rules()[begin].id + ": its trigger does not compile as a Set";
    return false;
  }
  const size_t middle = begin + (end - begin) / 2;
  return add_trigger_sets(rules, begin, middle, max_rules, out, error) &&
         add_trigger_sets(rules, middle, end, max_rules, out, error);
}

}  // namespace

TriggerSets compile_trigger_sets(const RuleSet& rules, std::string* error, size_t max_rules_per_set) {
  TriggerSets sets;
  if (!rules.rules().empty() &&
      !add_trigger_sets(rules, 0, rules.rules().size(), std::max<size_t>(max_rules_per_set, 1), &sets, error)) {
    return {};
  }
  return sets;
}

StageTimes profile_stages(const InputList& inputs, const ReadOptions& read, const Tagger& tagger) {
  auto t = Clock::now();
  std::string error;
  const TriggerSets sets = compile_trigger_sets(tagger.rules(), &error);
  const double compile = since(t);
  StageTimes st;
  if (sets.sets.empty()) {
    std::cerr << "ttptag bench: " << error << '\n';
  } else {
    const StageTimes cold = one_pass(inputs, read, tagger, sets, Sides::kBoth);
    st = one_pass(inputs, read, tagger, sets, Sides::kBoth);  // warm: the main figures
    st.cold_pipeline = cold.pipeline();
    st.cold_set_scan = cold.set_scan;
    st.alone_pipeline = one_pass(inputs, read, tagger, sets, Sides::kPipeline).pipeline();
    st.alone_set_scan = one_pass(inputs, read, tagger, sets, Sides::kSet).set_scan;
  }
  st.set_compile = compile;
  st.set_count = sets.sets.size();
  return st;
}

}  // namespace ttptag
