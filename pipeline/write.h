// write.h: serialise results.
//
// JSONL: one object per document, {"doc", "meta"? (reader fields: title,
// url, date, JSON passthrough), "techniques": [{"id", "name", "score",
// "evidence": [{"rule", "sentence", "start", "end", "text", "context",
// "page"? (PDF)}]}], "warnings": [...]} or, for a failed document,
// {"doc", "meta"?, "error", "warnings"}. Other formats: make_writer below.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "document.h"

namespace ttptag {

nlohmann::json to_json(const Document& doc);
void write_jsonl(const Document& doc, std::ostream& out);

// Output formats (README "Output formats" has an example of each):
enum class OutputFormat {
  kJsonl,      // one to_json() object per line, per document (streaming)
  kCsv,        // RFC 4180, CRLF: a header, then one row per (document, technique) (streaming)
  kStix,       // one STIX 2.1 bundle per run (write_stix.cpp)
  kMisp,       // {"response": [{"Event": ...}, ...]}: one MISP event per document (write_misp.cpp)
  kNavigator,  // one ATT&CK Navigator layer (4.5) per run, or a layer per line (write_navigator.cpp)
  kText,       // a readable summary for a terminal (streaming)
};
// Parses "jsonl", "csv", "stix", "misp", "navigator", "text"; false if unknown.
bool parse_output_format(const std::string& name, OutputFormat* out);

struct WriterOptions {
  // Technique names, tactics, and DISARM's STIX objects and ids (its file is
  // re-read for STIX). Without it: STIX attack-pattern ids are ttptag's own,
  // MISP tags carry IDs, Navigator entries have no tactic (see warnings()).
  const Catalog* catalog = nullptr;
  // Navigator layer "domain": the domain identifier of the Navigator instance
  // loaded with DISARM data (its config.json); "enterprise-attack" is ATT&CK's.
  std::string navigator_domain = "disarm";
  // Navigator: one layer per document, one JSON layer per line, instead of
  // one layer for the run.
  bool navigator_per_document = false;
};

// Receives documents in input order. Streaming formats (jsonl, csv, text)
// write each at once; run-level formats (stix, misp, navigator) keep what
// they need and write in finish(), which must be called once at the end
// (also for an empty run: it writes a valid empty bundle / event list /
// layer). Failed documents (Document::error) are rows/records in jsonl, csv
// and text, and are left out of stix, misp and navigator. Never throws
// (invalid UTF-8 is replaced). Not thread-safe: call from the ordered output
// stage only.
class ResultWriter {
 public:
  virtual ~ResultWriter() = default;
  virtual void write(const Document& doc) = 0;
  virtual void finish() {}
  // Notes for the user about the run as a whole (e.g. "no catalogue: MISP
  // tags use DISARM IDs"), complete after finish(); print them to stderr.
  virtual std::vector<std::string> warnings() const { return {}; }
};

std::unique_ptr<ResultWriter> make_writer(OutputFormat format, std::ostream& out,
                                          const WriterOptions& opts);

}  // namespace ttptag
