#include "tagger.h"

#include "match.h"
#include "normalize.h"
#include "segment.h"

namespace ttptag {

void Tagger::run(Document& doc) const {
  if (!doc.error.empty()) return;
  normalize(doc);
  segment(doc);
  match(rules_, doc);
  aggregate(rules_, opts_, doc);
}

namespace {

// Runs `stage` on doc; an exception makes doc an error record (the batch
// goes on). Returns whether it ran without one.
template <typename Stage>
bool guarded(Document& doc, Stage stage) {
  try {
    stage();
    return true;
  } catch (const std::exception& e) {
    doc.error = "internal error while tagging: " + std::string(e.what());
    return false;
  }
}

}  // namespace

void Tagger::run_batch(std::span<Document* const> docs) const {
  std::vector<Document*> ready;
  for (Document* doc : docs) {
    if (doc->error.empty() && guarded(*doc, [&] {
          normalize(*doc);
          segment(*doc);
        })) {
      ready.push_back(doc);
    }
  }
  try {
    match(rules_, ready);
  } catch (const std::exception&) {
    // Which document it was is not known: each alone, so only it fails.
    for (Document* doc : ready) guarded(*doc, [&] { match(rules_, *doc); });
  }
  for (Document* doc : ready) {
    if (doc->error.empty()) guarded(*doc, [&] { aggregate(rules_, opts_, *doc); });
  }
}

Document Tagger::tag_text(std::string source, std::string text) const {
  Document doc;
  doc.source = std::move(source);
  doc.text = std::move(text);
  run(doc);
  return doc;
}

}  // namespace ttptag
