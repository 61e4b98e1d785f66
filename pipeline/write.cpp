#include "write.h"

#include <cmath>

namespace ttptag {

using nlohmann::json;

namespace {

double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

json warnings_json(const Document& doc) {
  json out = json::array();
  for (const auto& w : doc.warnings) out.push_back({{"code", w.code}, {"message", w.message}});
  return out;
}

}  // namespace

json to_json(const Document& doc) {
  json out;
  out["doc"] = doc.source;
  if (!doc.meta.empty()) out["meta"] = doc.meta;
  if (!doc.error.empty()) {
    out["error"] = doc.error;
    out["warnings"] = warnings_json(doc);
    return out;
  }
  json techniques = json::array();
  for (const auto& tag : doc.tags) {
    json t;
    t["id"] = tag.id;
    t["name"] = tag.name;
    t["score"] = round3(tag.score);
    json evidence = json::array();
    for (const auto& ev : tag.evidence) {
      json e = {{"rule", ev.rule}, {"sentence", ev.sentence}, {"start", ev.start}, {"end", ev.end},
                {"text", ev.text}, {"context", ev.sentence_text}};
      if (ev.page > 0) e["page"] = ev.page;
      evidence.push_back(std::move(e));
    }
    t["evidence"] = std::move(evidence);
    techniques.push_back(std::move(t));
  }
  out["techniques"] = std::move(techniques);
  out["warnings"] = warnings_json(doc);
  return out;
}

void write_jsonl(const Document& doc, std::ostream& out) {
  // Invalid UTF-8 in evidence text must not abort the batch: replace it.
  out << to_json(doc).dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace ttptag
