#include "throughput.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "aggregate.h"
#include "match.h"
#include "normalize.h"
#include "segment.h"
#include "write.h"

namespace ttptag {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point& t) {
  auto now = Clock::now();
  double s = std::chrono::duration<double>(now - t).count();
  t = now;
  return s;
}

}  // namespace

StageTimes profile_stages(const InputList& inputs, const ReadOptions& read, const Tagger& tagger) {
  StageTimes st;
  std::ostringstream sink;
  std::vector<int> hits;
  const RuleSet& rules = tagger.rules();

  auto stages = [&](Document& doc, Clock::time_point& t) {
    if (doc.error.empty()) {
      normalize(doc);
      st.normalize += since(t);
      segment(doc);
      st.segment += since(t);
      match(rules, doc);
      st.match += since(t);
      aggregate(rules, tagger.options(), doc);
      st.aggregate += since(t);
    }
    write_jsonl(doc, sink);
    sink.str(std::string());  // keep the buffer small
    st.write += since(t);
    ++st.docs;
    if (!doc.error.empty()) {
      ++st.errors;
      return;
    }
    st.bytes += doc.text.size();
    st.sentences += doc.sentences.size();
    // The engine's limit: the same Set over the same sentences, nothing else.
    t = Clock::now();
    for (const auto& s : doc.sentences) {
      hits.clear();
      rules.set().Match(re2::StringPiece(doc.norm.text.data() + s.begin, s.end - s.begin), &hits);
    }
    st.set_scan += since(t);
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
        st.read += since(t);
        stages(doc, t);
      }
      continue;
    }
    auto t = Clock::now();
    Document doc = path == "-" ? read_stream(std::cin, "-") : read_document(path, read);
    st.read += since(t);
    stages(doc, t);
  }
  return st;
}

}  // namespace ttptag
