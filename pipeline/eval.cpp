// eval.cpp: the scorer and its reports (see eval.h).
#include "eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ttptag {
using json = nlohmann::ordered_json;

namespace {

constexpr size_t kBands = 10;
constexpr size_t kExcerpt = 200;

// At most `limit` bytes of `s` on one line, cut at a UTF-8 boundary.
std::string excerpt(const std::string& s, size_t limit = kExcerpt) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= limit) break;
  }
  if (out.size() >= limit) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += "…";
  }
  return out;
}

std::string fmt(const char* format, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Left- or right-aligned cell.
std::string cell(const std::string& s, int width, bool left = false) {
  size_t w = static_cast<size_t>(width);
  if (s.size() >= w) return s;
  return left ? s + std::string(w - s.size(), ' ') : std::string(w - s.size(), ' ') + s;
}
std::string cell(size_t n, int width) { return cell(std::to_string(n), width); }
std::string ratio(double v) { return fmt("%.3f", v); }

}  // namespace

double Counts::f1() const {
  double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

bool TechniqueFilter::accepts(const std::string& id) const {
  if (restrict_ids && !ids.count(id)) return false;
  if (prefixes.empty()) return true;
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return id.rfind(p, 0) == 0; });
}

std::set<std::string> techniques_of_tactics(const Catalog& catalog,
                                            const std::vector<std::string>& tactics,
                                            std::string* error) {
  for (const auto& t : tactics)
    if (!catalog.tactic(t)) {
      *error = "unknown tactic " + t;
      return {};
    }
  std::set<std::string> ids;
  for (const Technique& t : catalog.techniques()) {
    const Technique* owner = t.tactics.empty() && !t.parent.empty() ? catalog.find(t.parent) : &t;
    if (!owner) continue;
    for (const auto& tactic : owner->tactics)
      if (std::find(tactics.begin(), tactics.end(), tactic) != tactics.end()) ids.insert(t.id);
  }
  return ids;
}

void Scorer::add_rule(const std::string& id, double prior) {
  RuleScore& r = rules_[id];
  r.id = id;
  r.prior = prior;
}

void Scorer::skip_failed(const std::string& warning) {
  ++failed_;
  warnings_.push_back(warning);
}

json Scorer::add(const GoldUnit& unit, const std::string& text, const std::vector<Tag>& predicted,
                 const std::vector<Firing>* firings) {
  ++units_;
  if (bands_.empty())
    for (size_t b = 0; b < kBands; ++b)
      bands_.push_back({double(b) / kBands, double(b + 1) / kBands, 0, 0, 0});
  auto technique = [&](const std::string& id) -> TechniqueScore& {
    TechniqueScore& t = techniques_[id];
    if (t.id.empty()) {
      t.id = id;
      if (catalog_)
        if (const Technique* known = catalog_->find(id)) t.name = known->name;
    }
    return t;
  };
  auto rule = [&](const std::string& id) -> RuleScore& {
    RuleScore& r = rules_[id];
    r.id = id;
    return r;
  };

  std::map<std::string, const GoldTag*> gold;
  for (const GoldTag& t : unit.tags)
    if (filter_.accepts(t.id)) gold.emplace(t.id, &t);
  json record = {{"unit", unit.id}, {"gold", json::array()}, {"predicted", json::array()}};
  for (const auto& [id, tag] : gold) record["gold"].push_back(id);

  std::set<std::pair<std::string, std::string>> rejected;  // (technique, rule) from review
  for (const GoldRejected& r : unit.rejected) rejected.insert({r.id, r.rule});
  std::set<std::string> seen;
  std::set<std::pair<std::string, std::string>> derived;  // raw firings when none are given
  for (const Tag& tag : predicted) {
    if (!filter_.accepts(tag.id) || !seen.insert(tag.id).second) continue;
    bool correct = gold.count(tag.id) > 0;
    TechniqueScore& ts = technique(tag.id);
    ++(correct ? ts.counts.tp : ts.counts.fp);
    ScoreBand& band =
        bands_[std::min(kBands - 1, static_cast<size_t>(std::max(0.0, tag.score) * kBands))];
    ++band.tags;
    band.correct += correct;
    band.score_sum += tag.score;

    std::vector<std::string> rules, sentences;
    json evidence = json::array();
    for (const Evidence& ev : tag.evidence) {
      if (std::find(rules.begin(), rules.end(), ev.rule) == rules.end()) rules.push_back(ev.rule);
      std::string s = excerpt(ev.sentence_text.empty() ? ev.text : ev.sentence_text, 300);
      if (std::find(sentences.begin(), sentences.end(), s) == sentences.end())
        sentences.push_back(s);
      evidence.push_back({{"rule", ev.rule}, {"text", ev.text}, {"sentence", ev.sentence_text}});
    }
    for (const auto& r : rules) {
      RuleScore& rs = rule(r);
      ++rs.fires;
      rs.tp += correct;
      rs.known_fp += !correct && rejected.count({tag.id, r}) > 0;
      derived.insert({r, tag.id});
    }
    if (!correct) {
      Example ex{unit.id, "", ""};
      for (const auto& r : rules) ex.rules += (ex.rules.empty() ? "" : ", ") + r;
      for (const auto& s : sentences) ex.text += (ex.text.empty() ? "" : " | ") + s;
      ts.false_positives.push_back(std::move(ex));
    }
    record["predicted"].push_back({{"id", tag.id}, {"score", tag.score}, {"evidence", evidence}});
  }
  for (const auto& [id, tag] : gold) {
    TechniqueScore& ts = technique(id);
    ++ts.support;
    if (seen.count(id)) continue;
    ++ts.counts.fn;
    ts.misses.push_back({unit.id, "", excerpt(tag->evidence.empty() ? text : tag->evidence)});
  }

  std::set<std::pair<std::string, std::string>> raw;
  if (firings) {
    for (const Firing& f : *firings)
      if (filter_.accepts(f.technique)) raw.insert({f.rule, f.technique});
  } else {
    raw = std::move(derived);
  }
  for (const auto& [r, t] : raw) {
    RuleScore& rs = rule(r);
    ++rs.raw_fires;
    rs.raw_tp += gold.count(t) > 0;
  }
  return record;
}

EvalReport Scorer::report() const {
  EvalReport r;
  r.units = units_;
  r.skipped_empty = skipped_empty_;
  r.failed = failed_;
  r.warnings = warnings_;
  for (const auto& [id, t] : techniques_) {
    r.techniques.push_back(t);
    r.micro.tp += t.counts.tp;
    r.micro.fp += t.counts.fp;
    r.micro.fn += t.counts.fn;
    r.macro_precision += t.counts.precision();
    r.macro_recall += t.counts.recall();
    r.macro_f1 += t.counts.f1();
  }
  r.macro_techniques = techniques_.size();  // each has support or predictions
  if (r.macro_techniques) {
    double n = double(r.macro_techniques);
    r.macro_precision /= n;
    r.macro_recall /= n;
    r.macro_f1 /= n;
  }
  std::sort(r.techniques.begin(), r.techniques.end(), [](const auto& a, const auto& b) {
    double fa = a.counts.f1(), fb = b.counts.f1();
    if (fa != fb) return fa < fb;
    size_t ea = a.counts.fp + a.counts.fn, eb = b.counts.fp + b.counts.fn;
    return ea != eb ? ea > eb : a.id < b.id;
  });
  for (const auto& [id, rs] : rules_) {
    if (rs.fires || rs.raw_fires)
      r.rules.push_back(rs);
    else
      ++r.silent_rules;
  }
  std::sort(r.rules.begin(), r.rules.end(), [](const auto& a, const auto& b) {
    if ((a.fires == 0) != (b.fires == 0)) return b.fires == 0;
    if (a.precision() != b.precision()) return a.precision() < b.precision();
    size_t fa = a.fires - a.tp, fb = b.fires - b.tp;
    return fa != fb ? fa > fb : a.id < b.id;
  });
  r.bands = bands_;
  if (r.bands.empty())
    for (size_t b = 0; b < kBands; ++b)
      r.bands.push_back({double(b) / kBands, double(b + 1) / kBands, 0, 0, 0});
  size_t tags = 0;
  for (const auto& b : r.bands) {
    tags += b.tags;
    r.ece += std::fabs(double(b.correct) - b.score_sum);
  }
  r.ece = tags ? r.ece / double(tags) : 0.0;
  return r;
}

std::string default_level(const std::vector<GoldUnit>& units) {
  for (const auto& u : units)
    if (u.source == "disarm") return "passage";
  return "";
}

EvalReport evaluate(const GoldFile& gold, const Tagger& tagger, const EvalOptions& opts,
                    const std::function<void(const json&)>& on_unit) {
  Scorer scorer(opts.filter, opts.catalog);
  const auto& rules = tagger.rules().rules();
  for (const Rule& rule : rules) scorer.add_rule(rule.id, rule.weight);
  std::string level = opts.level.empty() ? default_level(gold.units) : opts.level;
  for (const GoldUnit& unit : gold.units) {
    if (!level.empty() && unit.level != level) continue;
    const std::string& text = opts.text == TextMode::kFull ? unit.text : unit.quotes;
    if (text.empty()) {
      scorer.skip_empty();
      continue;
    }
    Document doc;
    doc.source = unit.id;
    doc.text = text;
    tagger.run(doc);
    if (!doc.error.empty()) {
      scorer.skip_failed(unit.id + ": " + doc.error);
      continue;
    }
    std::vector<Firing> firings;
    for (const Match& m : doc.matches)
      for (const auto& t : rules[m.rule].techniques) firings.push_back({rules[m.rule].id, t});
    json record = scorer.add(unit, text, doc.tags, &firings);
    if (on_unit) on_unit(record);
  }
  EvalReport r = scorer.report();
  r.level = level.empty() ? "all" : level;
  r.text_mode = opts.text == TextMode::kFull ? "full" : "quotes";
  r.skipped_unreadable = gold.unreadable;
  r.warnings.insert(r.warnings.begin(), gold.warnings.begin(), gold.warnings.end());
  return r;
}

// ---- reports ----

void print_report(const EvalReport& r, std::ostream& out, size_t show) {
  out << "gold " << r.gold << "  unit " << r.level << "  text " << r.text_mode << "\n"
      << "units scored " << r.units << "; skipped: " << r.skipped_empty << " without text, "
      << r.skipped_unreadable << " unreadable, " << r.failed << " failed\n\n";
  out << "       precision  recall      f1      tp      fp      fn\n"
      << "micro " << cell(ratio(r.micro.precision()), 10) << cell(ratio(r.micro.recall()), 8)
      << cell(ratio(r.micro.f1()), 8) << cell(r.micro.tp, 8) << cell(r.micro.fp, 8)
      << cell(r.micro.fn, 8) << "\n"
      << "macro " << cell(ratio(r.macro_precision), 10) << cell(ratio(r.macro_recall), 8)
      << cell(ratio(r.macro_f1), 8) << "   (mean over " << r.macro_techniques
      << " techniques with gold or predictions)\n\n";

  out << "Techniques, worst first\n"
      << "technique  support    tp    fp    fn   prec  recall     f1  name\n";
  for (const auto& t : r.techniques)
    out << cell(t.id, 10, true) << cell(t.support, 8) << cell(t.counts.tp, 6)
        << cell(t.counts.fp, 6) << cell(t.counts.fn, 6) << cell(ratio(t.counts.precision()), 7)
        << cell(ratio(t.counts.recall()), 8) << cell(ratio(t.counts.f1()), 7) << "  " << t.name
        << "\n";

  out << "\nRules, worst precision first (fires: units where the rule backs a predicted tag;"
         " raw: units where it matched at all)\n"
      << cell("rule", 36, true) << " fires    tp    fp   prec   raw raw_tp\n";
  for (const auto& rs : r.rules)
    out << cell(rs.id, 36, true) << cell(rs.fires, 6) << cell(rs.tp, 6) << cell(rs.fires - rs.tp, 6)
        << cell(ratio(rs.precision()), 7) << cell(rs.raw_fires, 6) << cell(rs.raw_tp, 7) << "\n";
  if (r.silent_rules) out << r.silent_rules << " rules never matched\n";
  if (std::any_of(r.rules.begin(), r.rules.end(), [](const auto& rs) { return rs.known_fp; })) {
    out << "\nKnown false positives (rejected in review), per rule\n"
        << cell("rule", 36, true) << " known    fp  fires\n";
    for (const auto& rs : r.rules)
      if (rs.known_fp)
        out << cell(rs.id, 36, true) << cell(rs.known_fp, 6) << cell(rs.fires - rs.tp, 6)
            << cell(rs.fires, 7) << "\n";
  }

  out << "\nCalibration of predicted tags by score\n"
      << "band          tags  correct  precision  mean score\n";
  for (const auto& b : r.bands) {
    if (!b.tags) continue;
    std::string name =
        "[" + fmt("%.1f", b.low) + "," + fmt("%.1f", b.high) + (b.high >= 1 ? "]" : ")");
    out << cell(name, 12, true) << cell(b.tags, 6) << cell(b.correct, 9)
        << cell(ratio(double(b.correct) / double(b.tags)), 11)
        << cell(ratio(b.score_sum / double(b.tags)), 12) << "\n";
  }
  out << "expected calibration error " << ratio(r.ece) << "\n";

  if (show == 0) return;
  out << "\nFalse positives and misses (up to " << show << " of each per technique)\n";
  for (const auto& t : r.techniques) {
    if (t.false_positives.empty() && t.misses.empty()) continue;
    out << t.id << (t.name.empty() ? "" : " " + t.name) << "\n";
    for (size_t i = 0; i < t.false_positives.size() && i < show; ++i) {
      const auto& e = t.false_positives[i];
      out << "  FP   " << e.unit << " [" << e.rules << "] " << e.text << "\n";
    }
    if (t.false_positives.size() > show)
      out << "  ... " << t.false_positives.size() - show << " more FP\n";
    for (size_t i = 0; i < t.misses.size() && i < show; ++i)
      out << "  miss " << t.misses[i].unit << ": " << t.misses[i].text << "\n";
    if (t.misses.size() > show) out << "  ... " << t.misses.size() - show << " more misses\n";
  }
}

json report_json(const EvalReport& r) {
  auto examples = [](const std::vector<Example>& v, bool rules) {
    json a = json::array();
    for (const auto& e : v) {
      json j = {{"unit", e.unit}, {"text", e.text}};
      if (rules) j["rules"] = e.rules;
      a.push_back(std::move(j));
    }
    return a;
  };
  json j;
  j["gold"] = r.gold;
  j["unit"] = r.level;
  j["text"] = r.text_mode;
  j["units"] = {{"scored", r.units},
                {"skipped_empty", r.skipped_empty},
                {"skipped_unreadable", r.skipped_unreadable},
                {"failed", r.failed}};
  j["micro"] = {{"precision", r.micro.precision()},
                {"recall", r.micro.recall()},
                {"f1", r.micro.f1()},
                {"tp", r.micro.tp},
                {"fp", r.micro.fp},
                {"fn", r.micro.fn}};
  j["macro"] = {{"precision", r.macro_precision},
                {"recall", r.macro_recall},
                {"f1", r.macro_f1},
                {"techniques", r.macro_techniques}};
  j["techniques"] = json::array();
  for (const auto& t : r.techniques)
    j["techniques"].push_back({{"id", t.id},
                               {"name", t.name},
                               {"support", t.support},
                               {"tp", t.counts.tp},
                               {"fp", t.counts.fp},
                               {"fn", t.counts.fn},
                               {"precision", t.counts.precision()},
                               {"recall", t.counts.recall()},
                               {"f1", t.counts.f1()},
                               {"false_positives", examples(t.false_positives, true)},
                               {"misses", examples(t.misses, false)}});
  j["rules"] = json::array();
  for (const auto& rs : r.rules)
    j["rules"].push_back({{"id", rs.id},
                          {"fires", rs.fires},
                          {"tp", rs.tp},
                          {"fp", rs.fires - rs.tp},
                          {"precision", rs.precision()},
                          {"raw_fires", rs.raw_fires},
                          {"raw_tp", rs.raw_tp},
                          {"known_fp", rs.known_fp},
                          {"prior", rs.prior}});
  j["silent_rules"] = r.silent_rules;
  json bands = json::array();
  for (const auto& b : r.bands)
    bands.push_back({{"low", b.low},
                     {"high", b.high},
                     {"tags", b.tags},
                     {"correct", b.correct},
                     {"precision", b.tags ? double(b.correct) / double(b.tags) : 0.0},
                     {"mean_score", b.tags ? b.score_sum / double(b.tags) : 0.0}});
  j["calibration"] = {{"bands", bands}, {"ece", r.ece}};
  j["warnings"] = r.warnings;
  return j;
}

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  return out;
}

std::string td(const std::string& s, bool num = false) {
  return std::string(num ? "<td class=n>" : "<td>") + html_escape(s) + "</td>";
}
std::string td(size_t n) { return td(std::to_string(n), true); }
std::string td(double v) { return td(ratio(v), true); }

}  // namespace

void write_html(const EvalReport& r, std::ostream& out, size_t show) {
  out << "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>ttptag eval</title>\n"
         "<style>body{font:14px "
         "sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;"
         "margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
         "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}"
         ".fp{color:#a00}.miss{color:#05a}li{margin:.3em 0}</style></head><body>\n";
  out << "<h1>ttptag eval</h1>\n<p>gold " << html_escape(r.gold) << ", unit "
      << html_escape(r.level) << ", text " << html_escape(r.text_mode) << ". Units scored "
      << r.units << "; skipped " << r.skipped_empty << " without text, " << r.skipped_unreadable
      << " unreadable, " << r.failed << " failed.</p>\n";
  out << "<table><tr><th></th><th>precision</th><th>recall</th><th>F1</th><th>TP</th><th>FP</th>"
         "<th>FN</th></tr>\n<tr>"
      << td("micro") << td(r.micro.precision()) << td(r.micro.recall()) << td(r.micro.f1())
      << td(r.micro.tp) << td(r.micro.fp) << td(r.micro.fn) << "</tr>\n<tr>" << td("macro")
      << td(r.macro_precision) << td(r.macro_recall) << td(r.macro_f1) << "<td colspan=3>over "
      << r.macro_techniques << " techniques</td></tr></table>\n";
  out << "<h2>Techniques, worst first</h2>\n<table><tr><th>technique</th><th>name</th>"
         "<th>support</th><th>TP</th><th>FP</th><th>FN</th><th>P</th><th>R</th><th>F1</th></tr>\n";
  for (const auto& t : r.techniques)
    out << "<tr>" << td(t.id) << td(t.name) << td(t.support) << td(t.counts.tp) << td(t.counts.fp)
        << td(t.counts.fn) << td(t.counts.precision()) << td(t.counts.recall()) << td(t.counts.f1())
        << "</tr>\n";
  out << "</table>\n<h2>Rules, worst precision first</h2>\n<table><tr><th>rule</th><th>fires</th>"
         "<th>TP</th><th>FP</th><th>precision</th><th>raw fires</th><th>raw TP</th></tr>\n";
  for (const auto& rs : r.rules)
    out << "<tr>" << td(rs.id) << td(rs.fires) << td(rs.tp) << td(rs.fires - rs.tp)
        << td(rs.precision()) << td(rs.raw_fires) << td(rs.raw_tp) << "</tr>\n";
  out << "</table>\n<p>" << r.silent_rules << " rules never matched.</p>\n";
  if (std::any_of(r.rules.begin(), r.rules.end(), [](const auto& rs) { return rs.known_fp; })) {
    out << "<h2>Known false positives (rejected in review), per rule</h2>\n<table><tr><th>rule</th>"
           "<th>known FP</th><th>FP</th><th>fires</th></tr>\n";
    for (const auto& rs : r.rules)
      if (rs.known_fp)
        out << "<tr>" << td(rs.id) << td(rs.known_fp) << td(rs.fires - rs.tp) << td(rs.fires)
            << "</tr>\n";
    out << "</table>\n";
  }
  out << "<h2>Calibration</h2>\n<table><tr><th>score band</th><th>tags</th><th>correct</th>"
         "<th>precision</th><th>mean score</th></tr>\n";
  for (const auto& b : r.bands)
    if (b.tags)
      out << "<tr>" << td(fmt("%.1f", b.low) + "–" + fmt("%.1f", b.high)) << td(b.tags)
          << td(b.correct) << td(double(b.correct) / double(b.tags))
          << td(b.score_sum / double(b.tags)) << "</tr>\n";
  out << "</table>\n<p>Expected calibration error " << ratio(r.ece) << ".</p>\n"
      << "<h2>False positives and misses</h2>\n";
  for (const auto& t : r.techniques) {
    if (t.false_positives.empty() && t.misses.empty()) continue;
    out << "<details><summary>" << html_escape(t.id + " " + t.name) << " — "
        << t.false_positives.size() << " FP, " << t.misses.size() << " missed</summary><ul>\n";
    for (size_t i = 0; i < t.false_positives.size() && i < show; ++i) {
      const auto& e = t.false_positives[i];
      out << "<li class=fp>FP " << html_escape(e.unit) << " [" << html_escape(e.rules) << "] "
          << html_escape(e.text) << "</li>\n";
    }
    for (size_t i = 0; i < t.misses.size() && i < show; ++i)
      out << "<li class=miss>miss " << html_escape(t.misses[i].unit) << ": "
          << html_escape(t.misses[i].text) << "</li>\n";
    out << "</ul></details>\n";
  }
  out << "</body></html>\n";
}

double smoothed_precision(size_t tp, size_t fires, double prior) {
  return (double(tp) + 2 * prior) / (double(fires) + 2);
}

json rule_stats_json(const EvalReport& r) {
  json rules = json::object();
  for (const auto& rs : r.rules)
    if (rs.raw_fires)
      rules[rs.id] = {{"precision", smoothed_precision(rs.raw_tp, rs.raw_fires, rs.prior)},
                      {"fires", rs.raw_fires},
                      {"tp", rs.raw_tp},
                      {"prior", rs.prior}};
  return {{"smoothing",
           "(tp + 2*prior) / (fires + 2); prior = the rule's weight; fires and tp "
           "count units where the rule matched at all"},
          {"gold", r.gold},
          {"unit", r.level},
          {"text", r.text_mode},
          {"rules", rules}};
}

}  // namespace ttptag
