// Navigator layer output: one ATT&CK Navigator layer (layer format 4.5) for
// the run, written in finish(); with navigator_per_document, one layer per
// document instead, each on its own line (JSON Lines), written at once.
//
// Layer: name ("ttptag", or the document's title), domain (WriterOptions::
// navigator_domain: the domain identifier of the Navigator instance loaded
// with DISARM), versions {"layer": "4.5"}, description, techniques,
// gradient (white to dark red over 0..100), legendItems, layout (IDs shown).
// Technique entry: techniqueID; tactic = the tactic's shortname from the
// catalogue (one entry per tactic the technique sits in; without a
// catalogue no tactic, so the Navigator colours it under every tactic);
// score = the technique's highest score over the documents x 100, rounded
// (0..100); color from the gradient; comment "<n> documents, <m> evidence";
// enabled true; metadata [documents, evidence, rules, name]. A parent of a
// scored sub-technique gets an entry with showSubtechniques true (and no
// score, unless it was found itself), so the sub-technique is visible.
// Failed documents are left out.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "write_formats.h"

namespace ttptag::detail {

namespace {

using nlohmann::json;

const char* const kGradient[] = {"#fff5f0", "#fb6a4a", "#a50f15"};

// Hex colour for a 0-100 score on the gradient above.
std::string color_for(int score) {
  auto parse = [](const char* hex, int i) {
    unsigned v = 0;
    std::sscanf(hex + 1 + 2 * i, "%2x", &v);
    return static_cast<double>(v);
  };
  double x = std::clamp(score, 0, 100) / 50.0;  // 0..2 over two segments
  int seg = x >= 1.0 ? 1 : 0;
  double f = x - seg;
  char buf[16];
  int rgb[3];
  for (int i = 0; i < 3; ++i) {
    double a = parse(kGradient[seg], i), b = parse(kGradient[seg + 1], i);
    rgb[i] = static_cast<int>(std::lround(a + (b - a) * f));
  }
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return buf;
}

struct Stat {
  double max_score = 0;
  std::set<std::string> docs;
  size_t evidence = 0;
  std::set<std::string> rules;
  std::string name;
};

class NavigatorWriter : public ResultWriter {
 public:
  NavigatorWriter(std::ostream& out, const WriterOptions& opts) : out_(out), opts_(opts) {
    if (opts_.catalog == nullptr)
      warnings_.push_back("navigator: no catalogue: techniques have no tactic, names are missing");
  }

  std::vector<std::string> warnings() const override { return warnings_; }

  void write(const Document& doc) override {
    if (!doc.error.empty()) return;
    if (opts_.navigator_per_document) {
      std::map<std::string, Stat> one;
      add(doc, one);
      out_ << layer(document_title(doc), "DISARM techniques found by ttptag in " + doc.source, one, 1)
                  .dump(-1, ' ', false, json::error_handler_t::replace)
           << '\n';
      return;
    }
    add(doc, stats_);
    ++documents_;
  }

  void finish() override {
    if (!opts_.navigator_per_document) {
      out_ << layer("ttptag", "DISARM techniques found by ttptag", stats_, documents_)
                  .dump(2, ' ', false, json::error_handler_t::replace)
           << '\n';
    }
    out_.flush();
  }

 private:
  static void add(const Document& doc, std::map<std::string, Stat>& stats) {
    for (const auto& tag : doc.tags) {
      Stat& s = stats[tag.id];
      s.max_score = std::max(s.max_score, tag.score);
      s.docs.insert(doc.source);
      s.evidence += tag.evidence.size();
      if (s.name.empty()) s.name = tag.name;
      for (const auto& ev : tag.evidence) s.rules.insert(ev.rule);
    }
  }

  // One entry per tactic the technique sits in (a Navigator cell is a
  // technique under one tactic); without a catalogue, one entry, no tactic.
  void add_entries(const std::string& id, const json& base, json& techniques) const {
    std::vector<std::string> shortnames;
    if (opts_.catalog != nullptr) {
      if (const Technique* t = opts_.catalog->find(id)) {
        for (const auto& tactic_id : t->tactics) {
          const Tactic* tactic = opts_.catalog->tactic(tactic_id);
          if (tactic != nullptr && !tactic->shortname.empty()) shortnames.push_back(tactic->shortname);
        }
      }
    }
    if (shortnames.empty()) {
      techniques.push_back(base);
      return;
    }
    for (const auto& sn : shortnames) {
      json entry = base;
      entry["tactic"] = sn;
      techniques.push_back(std::move(entry));
    }
  }

  json layer(const std::string& name, const std::string& description, const std::map<std::string, Stat>& stats,
             size_t documents) const {
    json techniques = json::array();
    for (const auto& [id, s] : stats) {
      const int score = static_cast<int>(std::lround(std::clamp(s.max_score, 0.0, 1.0) * 100.0));
      std::string rules;
      for (const auto& r : s.rules) rules += (rules.empty() ? "" : ", ") + r;
      json base = {{"techniqueID", id},
                   {"score", score},
                   {"color", color_for(score)},
                   {"comment", std::to_string(s.docs.size()) + " documents, " + std::to_string(s.evidence) +
                                   " evidence"},
                   {"enabled", true},
                   {"metadata", json::array({{{"name", "documents"}, {"value", std::to_string(s.docs.size())}},
                                             {{"name", "evidence"}, {"value", std::to_string(s.evidence)}},
                                             {{"name", "rules"}, {"value", rules}}})}};
      if (!s.name.empty()) base["metadata"].push_back({{"name", "name"}, {"value", s.name}});
      if (id.find('.') == std::string::npos) {  // a parent also found itself shows its sub-techniques
        auto sub = stats.upper_bound(id);
        if (sub != stats.end() && sub->first.rfind(id + ".", 0) == 0) base["showSubtechniques"] = true;
      }
      add_entries(id, base, techniques);
    }
    // Parents not found themselves: an unscored entry that expands them.
    std::set<std::string> parents;
    for (const auto& [id, s] : stats) {
      const size_t dot = id.find('.');
      if (dot == std::string::npos || stats.count(id.substr(0, dot))) continue;
      // With a catalogue, only parents it knows (the Navigator's matrix has them).
      if (opts_.catalog != nullptr && opts_.catalog->find(id.substr(0, dot)) == nullptr) continue;
      parents.insert(id.substr(0, dot));
    }
    for (const auto& parent : parents) {
      json base = {{"techniqueID", parent}, {"enabled", true}, {"showSubtechniques", true}};
      add_entries(parent, base, techniques);
    }
    json legend = json::array();
    for (int score : {0, 50, 100})
      legend.push_back({{"label", "score " + std::to_string(score)}, {"color", color_for(score)}});
    return {{"name", name},
            {"domain", opts_.navigator_domain},
            {"layout", {{"layout", "side"}, {"showID", true}, {"showName", true}}},
            {"versions", {{"layer", "4.5"}}},
            {"description", description + " (" + std::to_string(documents) +
                                (documents == 1 ? " document" : " documents") +
                                "; score = highest technique score x 100)"},
            {"sorting", 3},
            {"hideDisabled", false},
            {"techniques", std::move(techniques)},
            {"gradient", {{"colors", {kGradient[0], kGradient[1], kGradient[2]}}, {"minValue", 0}, {"maxValue", 100}}},
            {"legendItems", std::move(legend)}};
  }

  std::ostream& out_;
  WriterOptions opts_;
  std::map<std::string, Stat> stats_;
  size_t documents_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_navigator_writer(std::ostream& out, const WriterOptions& opts) {
  return std::make_unique<NavigatorWriter>(out, opts);
}

}  // namespace ttptag::detail
