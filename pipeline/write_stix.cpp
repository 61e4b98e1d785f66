// STIX 2.1 output: one bundle per run, written in finish().
//
// Objects:
//  - an `identity` for ttptag (identity_class "system"), the created_by_ref
//    of every object ttptag makes;
//  - per document with techniques, a `report`: name = meta "title" or the
//    path, published = meta "date" (RFC 3339 / ISO date) else the run time,
//    report_types ["threat-report"], description, external_references
//    (source "ttptag" with the path, and meta "url"), object_refs = the
//    attack-patterns and notes below;
//  - the DISARM `attack-pattern` of each technique found. With a catalogue
//    these carry DISARM's own ids (Technique::stix_id) and are copied
//    unchanged from the catalogue's bundle (with the identity and
//    marking-definition they reference), so a platform that imported
//    DISARM merges them; without one (or when the bundle's object lacks
//    timestamps) ttptag writes one: name, external_references
//    [{source_name "mitre-attack", external_id}], kill_chain_phases;
//    without a catalogue its id is UUIDv5 of the DISARM ID;
//  - per (document, technique), a `note` (abstract "<ID> score <s>",
//    content = the score and each evidence sentence with rule, byte range
//    and page; object_refs [report, attack-pattern]).
// Ids of ttptag's objects are UUIDv5 (uuid.h, namespace kTtptagNamespace)
// over stable names: report = the document's source (path or JSONL id),
// note = report id + technique ID, bundle = the report ids; so a rerun gives
// the same ids and a platform updates instead of duplicating. created /
// modified are the run time ("2026-11-22T10:00:00.000Z"). Documents without
// techniques or with an error are left out (a report needs object_refs).
#include <fstream>
#include <map>
#include <set>

#include "uuid.h"
#include "write_formats.h"

namespace ttptag::detail {

namespace {

using nlohmann::json;

struct Kept {
  std::string source, title, date, url;
  std::vector<Tag> tags;
};

std::string our_id(const std::string& type, const std::string& name) {
  return type + "--" + uuid5(kTtptagNamespace, type + ":" + name);
}

// True if `obj` has the common properties STIX 2.1 requires of its type.
bool complete(const json& obj) {
  if (!obj.is_object()) return false;
  for (const char* key : {"type", "spec_version", "id", "created"}) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return false;
  }
  if (obj["spec_version"] != "2.1") return false;
  if (obj["type"] == "marking-definition") return true;  // has no `modified`
  auto modified = obj.find("modified");
  return modified != obj.end() && modified->is_string();
}

class StixWriter : public ResultWriter {
 public:
  StixWriter(std::ostream& out, const WriterOptions& opts)
      : out_(out), opts_(opts), now_(now_timestamp()), identity_id_(our_id("identity", "ttptag")) {}

  void write(const Document& doc) override {
    if (!doc.error.empty() || doc.tags.empty()) return;
    Kept k;
    k.source = doc.source;
    k.title = document_title(doc);
    auto date = doc.meta.find("date");
    if (date != doc.meta.end() && date->is_string()) k.date = to_stix_timestamp(date->get<std::string>());
    auto url = doc.meta.find("url");
    if (url != doc.meta.end() && url->is_string()) k.url = url->get<std::string>();
    k.tags = doc.tags;
    docs_.push_back(std::move(k));
  }

  void finish() override {
    if (opts_.catalog == nullptr) {
      warnings_.push_back("stix: no catalogue: attack-pattern ids are ttptag's own (UUIDv5 of the DISARM ID), "
                          "not DISARM's, and will not merge with an imported DISARM bundle");
    }
    load_disarm_objects();
    json objects = json::array();
    std::set<std::string> seen;  // ids already in the bundle
    std::string report_ids;
    for (const auto& d : docs_) {
      const std::string report_id = our_id("report", d.source);
      if (!seen.insert(report_id).second) continue;  // the same document twice
      report_ids += report_id + "\n";
      json refs = json::array();
      for (const auto& tag : d.tags) {
        const std::string ap_id = attack_pattern(tag, objects, seen);
        const std::string note_id = our_id("note", report_id + "\n" + tag.id);
        refs.push_back(ap_id);
        refs.push_back(note_id);
        objects.push_back(note(note_id, report_id, ap_id, d, tag));
        seen.insert(note_id);
      }
      json report = ours("report", report_id);
      report["name"] = d.title;
      report["description"] = "DISARM techniques found by ttptag in " + d.source + ": " +
                              std::to_string(d.tags.size()) + ".";
      report["published"] = d.date.empty() ? now_ : d.date;
      report["report_types"] = {"threat-report"};
      report["object_refs"] = std::move(refs);
      json ref = {{"source_name", "ttptag"}, {"description", d.source}};
      if (!d.url.empty()) ref["url"] = d.url;
      report["external_references"] = json::array({std::move(ref)});
      objects.push_back(std::move(report));
    }
    if (!objects.empty()) {
      json identity = {{"type", "identity"},       {"spec_version", "2.1"}, {"id", identity_id_},
                       {"created", now_},          {"modified", now_},      {"name", "ttptag"},
                       {"identity_class", "system"}, {"description", "Rule-based DISARM technique tagger"}};
      objects.insert(objects.begin(), std::move(identity));
    }
    json bundle = {{"type", "bundle"}, {"id", "bundle--" + uuid5(kTtptagNamespace, "bundle:" + report_ids)}};
    if (!objects.empty()) bundle["objects"] = std::move(objects);  // STIX: if present, not empty
    out_ << bundle.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    out_.flush();
  }

  std::vector<std::string> warnings() const override { return warnings_; }

 private:
  // Common properties of an object ttptag makes.
  json ours(const std::string& type, const std::string& id) const {
    return {{"type", type}, {"spec_version", "2.1"}, {"id", id}, {"created_by_ref", identity_id_},
            {"created", now_}, {"modified", now_}};
  }

  // Adds the technique's attack-pattern once; returns its id.
  std::string attack_pattern(const Tag& tag, json& objects, std::set<std::string>& seen) {
    const Technique* t = opts_.catalog ? opts_.catalog->find(tag.id) : nullptr;
    const std::string id = t && !t->stix_id.empty() ? t->stix_id : our_id("attack-pattern", tag.id);
    if (seen.count(id)) return id;
    auto original = disarm_.find(id);
    if (original != disarm_.end() && complete(original->second)) {
      add_disarm_object(original->second, objects, seen);
      return id;
    }
    seen.insert(id);
    json ap = ours("attack-pattern", id);
    ap["name"] = t && !t->name.empty() ? t->name : (tag.name.empty() ? tag.id : tag.name);
    if (t != nullptr && !t->description.empty()) ap["description"] = t->description;
    ap["external_references"] = json::array({{{"source_name", "mitre-attack"}, {"external_id", tag.id}}});
    if (t != nullptr) {
      json phases = json::array();
      for (const auto& tactic_id : t->tactics) {
        const Tactic* tactic = opts_.catalog->tactic(tactic_id);
        if (tactic != nullptr && !tactic->shortname.empty())
          phases.push_back({{"kill_chain_name", "mitre-attack"}, {"phase_name", tactic->shortname}});
      }
      if (!phases.empty()) ap["kill_chain_phases"] = std::move(phases);
    }
    objects.push_back(std::move(ap));
    return id;
  }

  // Copies a DISARM object and, first, the objects it references
  // (created_by_ref, object_marking_refs); references that cannot be
  // resolved in DISARM's bundle are dropped so the bundle stays closed.
  void add_disarm_object(const json& original, json& objects, std::set<std::string>& seen, int depth = 0) {
    const std::string id = original["id"].get<std::string>();
    if (!seen.insert(id).second) return;
    json obj = original;
    auto resolve = [&](const json& ref) {
      if (!ref.is_string()) return false;
      const std::string r = ref.get<std::string>();
      if (seen.count(r)) return true;
      auto it = disarm_.find(r);
      if (it == disarm_.end() || !complete(it->second) || depth > 4) return false;
      add_disarm_object(it->second, objects, seen, depth + 1);
      return true;
    };
    if (obj.contains("created_by_ref") && !resolve(obj["created_by_ref"])) obj.erase("created_by_ref");
    if (obj.contains("object_marking_refs") && obj["object_marking_refs"].is_array()) {
      json kept = json::array();
      for (const auto& ref : obj["object_marking_refs"])
        if (resolve(ref)) kept.push_back(ref);
      if (kept.empty()) obj.erase("object_marking_refs");
      else obj["object_marking_refs"] = std::move(kept);
    }
    objects.push_back(std::move(obj));
  }

  json note(const std::string& id, const std::string& report_id, const std::string& ap_id, const Kept& d,
            const Tag& tag) const {
    const std::string score = format_score(tag.score);
    std::string content = "DISARM " + tag.id + (tag.name.empty() ? "" : " (" + tag.name + ")") + " in \"" +
                          d.title + "\", score " + score + ".\n\nEvidence:\n";
    for (const auto& ev : tag.evidence) {
      content += "- [" + ev.rule + ", bytes " + std::to_string(ev.start) + "-" + std::to_string(ev.end);
      if (ev.page > 0) content += ", page " + std::to_string(ev.page);
      content += "] " + (ev.sentence_text.empty() ? ev.text : ev.sentence_text) + "\n";
    }
    json n = ours("note", id);
    n["abstract"] = tag.id + " score " + score;
    n["content"] = content;
    n["authors"] = {"ttptag"};
    n["object_refs"] = {report_id, ap_id};
    return n;
  }

  // The catalogue's bundle, by object id (attack-patterns and what they reference).
  void load_disarm_objects() {
    if (opts_.catalog == nullptr || opts_.catalog->path().empty()) return;
    std::ifstream in(opts_.catalog->path(), std::ios::binary);
    if (!in) {
      warnings_.push_back("stix: cannot re-read " + opts_.catalog->path() + "; attack-patterns are rebuilt");
      return;
    }
    json bundle;
    try {
      bundle = json::parse(in, nullptr, /*allow_exceptions=*/false);
    } catch (const std::exception&) {
      bundle = json();
    }
    if (!bundle.is_object() || !bundle.contains("objects") || !bundle["objects"].is_array()) return;
    for (auto& obj : bundle["objects"]) {
      if (!obj.is_object() || !obj.contains("id") || !obj["id"].is_string() || !obj.contains("type") ||
          !obj["type"].is_string())
        continue;
      const std::string type = obj["type"].get<std::string>();
      if (type != "attack-pattern" && type != "identity" && type != "marking-definition") continue;
      std::string id = obj["id"].get<std::string>();  // before the move (the right side is evaluated first)
      disarm_[std::move(id)] = std::move(obj);
    }
  }

  std::ostream& out_;
  WriterOptions opts_;
  std::string now_;
  std::string identity_id_;
  std::vector<Kept> docs_;
  std::map<std::string, json> disarm_;
  std::vector<std::string> warnings_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_stix_writer(std::ostream& out, const WriterOptions& opts) {
  return std::make_unique<StixWriter>(out, opts);
}

}  // namespace ttptag::detail
