// Fuzz target: the whole pipeline on one input, as `ttptag tag` runs it:
// read (text, HTML, JSON or JSON Lines) -> normalize -> segment -> match ->
// aggregate -> write, with the small rule pack tests/fuzz/rules/pipeline.json
// and the test catalogue tests/data/catalog/mini-disarm.json.
//
// Input: byte 0 picks the reader (bits 0-1), the output format (bits 2-4,
// mod 6) and the furniture filter (bit 5); the rest is the document.
// Checks, per document: the stage contracts (normalize, segment, masked
// lines); every match a non-empty span of its sentence; tags sorted by
// score in (0, 1], at most max_evidence evidence each, sorted by start;
// every evidence span inside the text, equal to its bytes, its context the
// bytes of its sentence, not inside a masked line; then the writer's output
// parses (JSON Lines: one record per document, same "doc"; STIX, MISP and
// Navigator: JSON documents).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "aggregate.h"
#include "catalog.h"
#include "fuzz_util.h"
#include "read.h"
#include "rules.h"
#include "tagger.h"
#include "write.h"

using namespace ttptag;
using namespace ttptag::fuzz;
using nlohmann::json;

namespace {

struct Setup {
  std::optional<Catalog> catalog;
  std::unique_ptr<RuleSet> rules;
  Setup() {
    std::string error;
    catalog = Catalog::load(std::string(TTPTAG_SOURCE_DIR) + "/tests/data/catalog/mini-disarm.json", &error);
    if (!catalog) fail("catalogue loads", __FILE__, __LINE__, error);
    std::vector<Issue> issues;
    LoadOptions lo;
    lo.catalog = &*catalog;
    rules = RuleSet::load(std::string(TTPTAG_SOURCE_DIR) + "/tests/fuzz/rules/pipeline.json", lo, &issues);
    std::string all;
    for (const auto& i : issues) all += i.format() + "\n";
    if (has_errors(issues)) fail("fuzz rule pack loads", __FILE__, __LINE__, all);
  }
};

void check_document(const Document& doc, const AggregateOptions& ao) {
  if (!doc.error.empty()) return;
  check_masked(doc);
  check_normalized(doc.text, doc.norm);
  check_sentences(doc.norm, doc.sentences);
  for (const auto& m : doc.matches) {
    FUZZ_CHECK(m.sentence < doc.sentences.size());
    const Sentence& s = doc.sentences[m.sentence];
    FUZZ_CHECK(s.begin <= m.begin && m.begin < m.end && m.end <= s.end);
  }
  for (size_t t = 0; t < doc.tags.size(); ++t) {
    const Tag& tag = doc.tags[t];
    FUZZ_CHECK(tag.score > 0 && tag.score <= 1 && tag.score + 1e-9 >= ao.min_score);
    if (t > 0) FUZZ_CHECK(doc.tags[t - 1].score >= tag.score);
    FUZZ_CHECK(!tag.evidence.empty() && tag.evidence.size() <= ao.max_evidence);
    for (size_t k = 0; k < tag.evidence.size(); ++k) {
      const Evidence& ev = tag.evidence[k];
      const auto at = [&] {  // built only on failure
        return tag.id + " evidence " + std::to_string(k) + " [" + std::to_string(ev.start) + ", " +
               std::to_string(ev.end) + ") of " + std::to_string(doc.text.size());
      };
      if (k > 0) FUZZ_CHECK_MSG(tag.evidence[k - 1].start <= ev.start, at());
      FUZZ_CHECK_MSG(ev.start < ev.end && ev.end <= doc.text.size(), at());
      FUZZ_CHECK_MSG(ev.text == doc.text.substr(ev.start, ev.end - ev.start), at());
      FUZZ_CHECK_MSG(ev.sentence < doc.sentences.size(), at());
      const Sentence& s = doc.sentences[ev.sentence];
      const auto [sb, se] = doc.norm.to_original(s.begin, s.end);
      FUZZ_CHECK_MSG(sb <= ev.start && ev.end <= se, at() + ": outside its sentence");
      FUZZ_CHECK_MSG(ev.sentence_text == doc.text.substr(sb, se - sb), at());
      FUZZ_CHECK_MSG(ev.page == 0, at());  // no paged reader here
      for (const auto& [mb, me] : doc.masked)
        FUZZ_CHECK_MSG(!(mb <= ev.start && ev.end <= me), at() + ": inside a masked line");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Setup setup;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  static constexpr InputFormat kReaders[] = {InputFormat::kText, InputFormat::kHtml, InputFormat::kJson,
                                             InputFormat::kJsonl};
  static constexpr OutputFormat kWriters[] = {OutputFormat::kJsonl, OutputFormat::kCsv,
                                              OutputFormat::kStix,  OutputFormat::kMisp,
                                              OutputFormat::kNavigator, OutputFormat::kText};
  const InputFormat reader = kReaders[mode & 3];
  const OutputFormat writer = kWriters[((mode >> 2) & 7) % 6];
  ReadOptions ro;
  ro.format = reader;
  ro.drop_furniture = (mode & 0x20) == 0;

  AggregateOptions ao;
  ao.catalog = &*setup.catalog;
  ao.min_score = 0.25;
  ao.max_evidence = 3;
  const Tagger tagger(*setup.rules, ao);
  WriterOptions wo;
  wo.catalog = &*setup.catalog;
  wo.navigator_per_document = (mode & 0x40) != 0;
  std::ostringstream out;
  std::unique_ptr<ResultWriter> w = make_writer(writer, out, wo);

  std::vector<std::string> sources;
  std::istringstream in(bytes);
  auto run = [&](Document& doc) {
    tagger.run(doc);
    check_document(doc, ao);
    sources.push_back(doc.source);
    w->write(doc);
  };
  if (reader == InputFormat::kJsonl) {
    JsonlReader jr(in, "in.jsonl", ro);
    Document doc;
    std::vector<Document> alone, together;
    while (jr.next(&doc)) {
      together.push_back(doc);
      run(doc);
      alone.push_back(doc);
    }
    // Tagged together (as `ttptag tag` batches them), each document gets
    // what it got alone.
    std::vector<Document*> batch;
    for (Document& d : together) batch.push_back(&d);
    tagger.run_batch(batch);
    for (size_t i = 0; i < alone.size(); ++i) {
      const Document &a = alone[i], &b = together[i];
      FUZZ_CHECK_MSG(a.error == b.error, "document " + std::to_string(i) + ": " + show(a.error) + " vs " + show(b.error));
      FUZZ_CHECK_MSG(a.matches.size() == b.matches.size() && a.suppressed.size() == b.suppressed.size() &&
                         a.tags.size() == b.tags.size(),
                     "document " + std::to_string(i) + " batched: other matches, vetoes or tags");
      for (size_t k = 0; k < a.matches.size(); ++k) {
        FUZZ_CHECK(a.matches[k].rule == b.matches[k].rule && a.matches[k].sentence == b.matches[k].sentence &&
                   a.matches[k].begin == b.matches[k].begin && a.matches[k].end == b.matches[k].end);
      }
      for (size_t k = 0; k < a.suppressed.size(); ++k) {
        FUZZ_CHECK(a.suppressed[k].rule == b.suppressed[k].rule && a.suppressed[k].sentence == b.suppressed[k].sentence &&
                   a.suppressed[k].reason == b.suppressed[k].reason);
      }
      for (size_t k = 0; k < a.tags.size(); ++k) FUZZ_CHECK(a.tags[k].id == b.tags[k].id && a.tags[k].score == b.tags[k].score);
    }
  } else {
    Document doc = read_stream(in, "in", ro);
    run(doc);
  }
  w->finish();

  const std::string output = out.str();
  if (writer == OutputFormat::kJsonl) {
    std::istringstream lines(output);
    size_t k = 0;
    for (std::string line; std::getline(lines, line); ++k) {
      const json j = json::parse(line, nullptr, false);
      FUZZ_CHECK_MSG(!j.is_discarded() && j.is_object(), "JSONL line " + std::to_string(k) + ": " + show(line));
      FUZZ_CHECK_MSG(k < sources.size() && j.contains("doc") && j["doc"] == sources[k], show(line));
    }
    FUZZ_CHECK_MSG(k == sources.size(), std::to_string(k) + " lines for " + std::to_string(sources.size()) + " documents");
  } else if (writer == OutputFormat::kStix || writer == OutputFormat::kMisp ||
             (writer == OutputFormat::kNavigator && !wo.navigator_per_document)) {
    FUZZ_CHECK_MSG(json::accept(output), show(output, 200));
  } else if (writer == OutputFormat::kNavigator) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) FUZZ_CHECK_MSG(json::accept(line), show(line, 200));
  }
  return 0;
}
