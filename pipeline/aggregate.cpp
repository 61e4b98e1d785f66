#include "aggregate.h"

#include <algorithm>
#include <map>
#include <set>

namespace ttptag {

namespace {

int page_of(const Document& doc, size_t offset) {
  if (doc.page_starts.empty()) return 0;
  auto it = std::upper_bound(doc.page_starts.begin(), doc.page_starts.end(), offset);
  return static_cast<int>(it - doc.page_starts.begin());
}

}  // namespace

void aggregate(const RuleSet& rules, const AggregateOptions& opts, Document& doc) {
  doc.tags.clear();
  struct Acc {
    std::set<size_t> rules;
    std::vector<Evidence> evidence;
    std::set<std::tuple<size_t, size_t, size_t>> seen;  // rule, start, end
  };
  std::map<std::string, Acc> by_technique;
  for (const auto& m : doc.matches) {
    const Rule& rule = rules.rules()[m.rule];
    const auto [start, end] = doc.norm.to_original(m.begin, m.end);
    for (const auto& technique : rule.techniques) {
      Acc& acc = by_technique[technique];
      acc.rules.insert(m.rule);
      if (!acc.seen.insert({m.rule, start, end}).second) continue;
      Evidence ev;
      ev.rule = rule.id;
      ev.sentence = m.sentence;
      ev.start = start;
      ev.end = end;
      ev.page = page_of(doc, start);
      acc.evidence.push_back(std::move(ev));
    }
  }
  for (auto& [technique, acc] : by_technique) {
    double miss = 1.0;
    for (size_t r : acc.rules) {
      const Rule& rule = rules.rules()[r];
      double p = rule.weight;
      if (opts.stats) {
        if (auto it = opts.stats->precision.find(rule.id); it != opts.stats->precision.end()) p = it->second;
      }
      miss *= 1.0 - std::clamp(p, 0.0, 1.0);
    }
    Tag tag;
    tag.id = technique;
    tag.score = 1.0 - miss;
    if (tag.score + 1e-9 < opts.min_score) continue;
    if (opts.catalog) {
      if (const Technique* t = opts.catalog->find(technique)) tag.name = t->name;
    }
    std::stable_sort(acc.evidence.begin(), acc.evidence.end(),
                     [](const Evidence& a, const Evidence& b) { return a.start < b.start; });
    if (acc.evidence.size() > opts.max_evidence) acc.evidence.resize(opts.max_evidence);
    // Text is copied only for the evidence kept: a huge document can have
    // a million firings, each with a sentence of up to 4 KiB.
    for (auto& ev : acc.evidence) {
      const Sentence& s = doc.sentences[ev.sentence];
      const auto [s_start, s_end] = doc.norm.to_original(s.begin, s.end);
      ev.text = doc.text.substr(ev.start, ev.end - ev.start);
      ev.sentence_text = doc.text.substr(s_start, s_end - s_start);
    }
    tag.evidence = std::move(acc.evidence);
    doc.tags.push_back(std::move(tag));
  }
  std::stable_sort(doc.tags.begin(), doc.tags.end(), [](const Tag& a, const Tag& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
}

}  // namespace ttptag
