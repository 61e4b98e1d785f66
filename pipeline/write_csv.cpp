// CSV output (RFC 4180: fields with a comma, quote, CR or LF are quoted,
// quotes doubled; lines end in CRLF). A header, then one row per document
// and technique: document, technique, name, tactic (ID of the first tactic,
// from the catalogue), tactic_name, score (0..1, 3 decimals), evidence_count,
// first_evidence (its text), first_page (PDF, else empty), error. A document
// with no techniques, or that failed, is one row with an empty technique
// (and the error). Text fields that a spreadsheet would run as a formula
// (starting with = + - @ or a tab/CR) get a leading ' (OWASP CSV injection).
#include <initializer_list>

#include "write_formats.h"

namespace ttptag::detail {

namespace {

// Scraped text is untrusted: never let a cell start a formula.
std::string defuse(const std::string& s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    return "'" + s;
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

class CsvWriter : public ResultWriter {
 public:
  CsvWriter(std::ostream& out, const WriterOptions& opts) : out_(out), opts_(opts) {
    row({"document", "technique", "name", "tactic", "tactic_name", "score", "evidence_count", "first_evidence",
         "first_page", "error"});
  }

  void write(const Document& doc) override {
    if (!doc.error.empty() || doc.tags.empty()) {
      row({defuse(doc.source), "", "", "", "", "", "", "", "", defuse(doc.error)});
      return;
    }
    for (const auto& tag : doc.tags) {
      const Tactic* tactic = primary_tactic(opts_.catalog, tag.id);
      const Evidence* first = tag.evidence.empty() ? nullptr : &tag.evidence.front();
      row({defuse(doc.source), tag.id, defuse(tag.name), tactic ? tactic->id : "", tactic ? tactic->name : "",
           format_score(tag.score), std::to_string(tag.evidence.size()), first ? defuse(first->text) : "",
           first && first->page > 0 ? std::to_string(first->page) : "", ""});
    }
  }

  void finish() override { out_.flush(); }

 private:
  void row(std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out_ << ',';
      first = false;
      out_ << csv_field(f);
    }
    out_ << "\r\n";
  }

  std::ostream& out_;
  WriterOptions opts_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_csv_writer(std::ostream& out, const WriterOptions& opts) {
  return std::make_unique<CsvWriter>(out, opts);
}

}  // namespace ttptag::detail
