#include "explain.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace ttptag {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string explain(const Document& doc, const RuleSet& rules) {
  std::ostringstream out;
  out << "== " << doc.source << '\n';
  if (!doc.error.empty()) {
    out << "error: " << doc.error << '\n';
    return out.str();
  }
  for (const auto& w : doc.warnings) out << "warning: " << w.message << " [" << w.code << "]\n";
  out << "sentences (normalized):\n";
  for (size_t i = 0; i < doc.sentences.size(); ++i) {
    const auto& s = doc.sentences[i];
    out << "  [" << i << "] " << doc.norm.text.substr(s.begin, s.end - s.begin) << '\n';
  }
  out << "fired:\n";
  if (doc.matches.empty()) out << "  (none)\n";
  for (const auto& m : doc.matches) {
    const Rule& r = rules.rules()[m.rule];
    out << "  [" << m.sentence << "] " << r.id << " -> " << join(r.techniques) << "  \""
        << doc.norm.text.substr(m.begin, m.end - m.begin) << "\"  (" << r.file << ':' << r.line << ")\n";
  }
  out << "suppressed:\n";
  if (doc.suppressed.empty()) out << "  (none)\n";
  for (const auto& s : doc.suppressed) {
    const Rule& r = rules.rules()[s.rule];
    out << "  [" << s.sentence << "] " << r.id << " -> " << join(r.techniques) << "  \""
        << doc.norm.text.substr(s.begin, s.end - s.begin) << "\" vetoed by unless \"" << s.reason << "\"\n";
  }
  out << "tags:\n";
  if (doc.tags.empty()) out << "  (none)\n";
  for (const auto& t : doc.tags) {
    out << "  " << t.id;
    if (!t.name.empty()) out << ' ' << t.name;
    out << "  score " << std::fixed << std::setprecision(2) << t.score << "  rules:";
    std::vector<std::string> seen;
    for (const auto& e : t.evidence) {
      if (std::find(seen.begin(), seen.end(), e.rule) == seen.end()) seen.push_back(e.rule);
    }
    out << ' ' << join(seen) << '\n';
  }
  return out.str();
}

}  // namespace ttptag
