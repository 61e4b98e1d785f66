#include "throughput.h"

#include <ctime>
#include <fstream>
#include <iostream>
#include <streambuf>

#include "aggregate.h"
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

// One pass over the inputs; `warm` selects where the times go.
void one_pass(const InputList& inputs, const ReadOptions& read, const Tagger& tagger, const RE2::Set& set,
              bool warm, StageTimes* st) {
  CountingBuf buf;
  std::ostream sink(&buf);
  std::vector<int> hits;
  const RuleSet& rules = tagger.rules();
  StageTimes pass;

  auto stages = [&](Document& doc, Clock::time_point& t) {
    if (doc.error.empty()) {
      normalize(doc);
      pass.normalize += since(t);
      segment(doc);
      pass.segment += since(t);
      match(rules, doc);
      pass.match += since(t);
      aggregate(rules, tagger.options(), doc);
      pass.aggregate += since(t);
    }
    write_jsonl(doc, sink);
    pass.write += since(t);
    ++pass.docs;
    if (!doc.error.empty()) {
      ++pass.errors;
      return;
    }
    pass.bytes += doc.text.size();
    pass.sentences += doc.sentences.size();
    // The engine's limit: the Set of all triggers over the same sentences, nothing else.
    t = Clock::now();
    for (const auto& s : doc.sentences) {
      hits.clear();
      set.Match(re2::StringPiece(doc.norm.text.data() + s.begin, s.end - s.begin), &hits);
    }
    pass.set_scan += since(t);
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
        stages(doc, t);
      }
      continue;
    }
    auto t = Clock::now();
    Document doc = path == "-" ? read_stream(std::cin, "-") : read_document(path, read);
    pass.read += since(t);
    stages(doc, t);
  }
  if (warm) {
    const double compile = st->set_compile, cold_pipeline = st->cold_pipeline, cold_set = st->cold_set_scan;
    *st = pass;
    st->set_compile = compile;
    st->cold_pipeline = cold_pipeline;
    st->cold_set_scan = cold_set;
  } else {
    st->cold_pipeline = pass.pipeline();
    st->cold_set_scan = pass.set_scan;
  }
}

}  // namespace

std::unique_ptr<RE2::Set> compile_trigger_set(const RuleSet& rules, std::string* error) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t{512} << 20);  // the budget RuleSet gave it
  auto set = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
  for (const auto& rule : rules.rules()) {
    if (set->Add(rule.trigger->pattern(), error) < 0) return nullptr;
  }
  if (!set->Compile()) {
    if (error) *error = "the Set of all triggers exceeds RE2's 512 MiB budget";
    return nullptr;
  }
  return set;
}

StageTimes profile_stages(const InputList& inputs, const ReadOptions& read, const Tagger& tagger) {
  StageTimes st;
  auto t = Clock::now();
  std::string error;
  auto set = compile_trigger_set(tagger.rules(), &error);
  st.set_compile = since(t);
  if (!set) {
    std::cerr << "ttptag bench: " << error << '\n';
    return st;
  }
  one_pass(inputs, read, tagger, *set, /*warm=*/false, &st);
  one_pass(inputs, read, tagger, *set, /*warm=*/true, &st);
  return st;
}

}  // namespace ttptag
