// Text output: a readable summary for a terminal. Per document: a "== path
// (title)" line, then per technique its ID, score, name (and tactic with a
// catalogue) and evidence count, then each evidence as rule, byte range,
// page (PDF) and the quoted span; warnings last; a blank line between
// documents. Not meant to be parsed: use jsonl or csv.
#include "write_formats.h"

namespace ttptag::detail {

namespace {

// One line of text for a terminal: control characters become spaces; cut
// at `max` bytes on a UTF-8 boundary.
std::string one_line(const std::string& s, size_t max = 160) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? ' ' : c;
  if (out.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

class TextWriter : public ResultWriter {
 public:
  TextWriter(std::ostream& out, const WriterOptions& opts) : out_(out), opts_(opts) {}

  void write(const Document& doc) override {
    out_ << "== " << one_line(doc.source, 400);
    auto title = doc.meta.find("title");
    if (title != doc.meta.end() && title->is_string()) out_ << "  (" << one_line(title->get<std::string>(), 80) << ")";
    out_ << '\n';
    if (!doc.error.empty()) {
      out_ << "   ERROR: " << one_line(doc.error, 400) << "\n\n";
      return;
    }
    if (doc.tags.empty()) out_ << "   no techniques\n";
    for (const auto& tag : doc.tags) {
      out_ << "   " << tag.id << "  " << format_score(tag.score);
      if (!tag.name.empty()) out_ << "  " << tag.name;
      if (const Tactic* tactic = primary_tactic(opts_.catalog, tag.id)) out_ << "  <" << tactic->name << ">";
      out_ << "  [" << tag.evidence.size() << " evidence]\n";
      for (const auto& ev : tag.evidence) {
        out_ << "      " << ev.rule << " @" << ev.start << "-" << ev.end;
        if (ev.page > 0) out_ << " p." << ev.page;
        out_ << ": \"" << one_line(ev.text) << "\"\n";
      }
    }
    for (const auto& w : doc.warnings) out_ << "   warning " << w.code << ": " << one_line(w.message, 400) << '\n';
    out_ << '\n';
  }

  void finish() override { out_.flush(); }

 private:
  std::ostream& out_;
  WriterOptions opts_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_text_writer(std::ostream& out, const WriterOptions& opts) {
  return std::make_unique<TextWriter>(out, opts);
}

}  // namespace ttptag::detail
