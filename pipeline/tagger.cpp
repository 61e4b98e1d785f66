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

Document Tagger::tag_text(std::string source, std::string text) const {
  Document doc;
  doc.source = std::move(source);
  doc.text = std::move(text);
  run(doc);
  return doc;
}

}  // namespace ttptag
