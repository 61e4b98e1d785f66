// MISP output: {"response": [{"Event": {...}}, ...]}, one event per document
// with techniques, written in finish(). This is the shape of MISP's own JSON
// export, which MISP's "Import from MISP JSON" (events/add_misp_export)
// reads back; each element of "response" is also what the REST call
// POST /events/add takes.
//
// Event: uuid (UUIDv5 of the document's source, so a rerun updates the same
// event), info = meta "title" or the path, date = meta "date" (YYYY-MM-DD)
// else today, threat_level_id "4" (undefined), analysis "0" (initial),
// distribution "0" (your organisation only), published false. Tag: one
// DISARM galaxy tag per technique, misp-galaxy:disarm-techniques="<technique
// name>" (the cluster value MISP's DISARM galaxy uses; the name comes from
// the catalogue, else the DISARM ID, which the galaxy will not match: a
// warning says so). Attribute: one "text" attribute (category "Other",
// to_ids false, correlation off) per evidence sentence, its comment
// "<ID> <rule> <score>" (joined with "; " when a sentence supports several
// techniques); a "link" attribute for meta "url". Documents without
// techniques or with an error are left out.
#include <chrono>
#include <map>
#include <set>

#include "uuid.h"
#include "write_formats.h"

namespace ttptag::detail {

namespace {

using nlohmann::json;

class MispWriter : public ResultWriter {
 public:
  MispWriter(std::ostream& out, const WriterOptions& opts) : out_(out), opts_(opts) {
    today_ = now_timestamp().substr(0, 10);
  }

  void write(const Document& doc) override {
    if (!doc.error.empty() || doc.tags.empty()) return;
    const std::string event_uuid = uuid5(kTtptagNamespace, "misp-event:" + doc.source);
    std::string date = today_;
    auto d = doc.meta.find("date");
    if (d != doc.meta.end() && d->is_string()) {
      const std::string ts = to_stix_timestamp(d->get<std::string>());
      if (!ts.empty()) date = ts.substr(0, 10);
    }
    json tags = json::array();
    std::set<std::string> tag_names;
    json attributes = json::array();
    std::map<std::string, size_t> by_value;  // sentence -> attribute index
    for (const auto& tag : doc.tags) {
      std::string name = tag.name;
      if (name.empty() && opts_.catalog != nullptr) {
        if (const Technique* t = opts_.catalog->find(tag.id)) name = t->name;
      }
      if (name.empty()) {
        name = tag.id;
        unnamed_.insert(tag.id);
      }
      const std::string tag_name = "misp-galaxy:disarm-techniques=\"" + name + "\"";
      if (tag_names.insert(tag_name).second) tags.push_back({{"name", tag_name}});
      const std::string score = format_score(tag.score);
      for (const auto& ev : tag.evidence) {
        const std::string value = ev.sentence_text.empty() ? ev.text : ev.sentence_text;
        const std::string comment = tag.id + " " + ev.rule + " " + score;
        auto it = by_value.find(value);
        if (it != by_value.end()) {
          json& a = attributes[it->second];
          a["comment"] = a["comment"].get<std::string>() + "; " + comment;
          continue;
        }
        by_value[value] = attributes.size();
        attributes.push_back({{"type", "text"},
                              {"category", "Other"},
                              {"to_ids", false},
                              {"disable_correlation", true},
                              {"distribution", "5"},
                              {"uuid", uuid5(kTtptagNamespace, "misp-attribute:" + event_uuid + "\n" + value)},
                              {"value", value},
                              {"comment", comment}});
      }
    }
    auto url = doc.meta.find("url");
    if (url != doc.meta.end() && url->is_string() && !url->get<std::string>().empty()) {
      const std::string value = url->get<std::string>();
      attributes.push_back({{"type", "link"},
                            {"category", "External analysis"},
                            {"to_ids", false},
                            {"distribution", "5"},
                            {"uuid", uuid5(kTtptagNamespace, "misp-attribute:" + event_uuid + "\nurl:" + value)},
                            {"value", value},
                            {"comment", "the tagged document"}});
    }
    json event = {{"uuid", event_uuid},           {"info", document_title(doc)}, {"date", date},
                  {"threat_level_id", "4"},       {"analysis", "0"},             {"distribution", "0"},
                  {"published", false},           {"Tag", std::move(tags)},      {"Attribute", std::move(attributes)}};
    events_.push_back({{"Event", std::move(event)}});
  }

  void finish() override {
    out_ << json{{"response", events_}}.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    out_.flush();
  }

  std::vector<std::string> warnings() const override {
    if (unnamed_.empty()) return {};
    std::string ids;
    for (const auto& id : unnamed_) ids += (ids.empty() ? "" : ", ") + id;
    return {"misp: no technique names (no catalogue?): galaxy tags carry DISARM IDs, which MISP's "
            "disarm-techniques galaxy does not match: " + ids};
  }

 private:
  std::ostream& out_;
  WriterOptions opts_;
  std::string today_;
  json events_ = json::array();
  std::set<std::string> unnamed_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_misp_writer(std::ostream& out, const WriterOptions& opts) {
  return std::make_unique<MispWriter>(out, opts);
}

}  // namespace ttptag::detail
