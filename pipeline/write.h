// write.h: serialise results.
//
// JSONL: one object per document, {"doc", "techniques": [{"id", "name",
// "score", "evidence": [{"rule", "sentence", "start", "end", "text"}]}],
// "warnings": [...]} or, for a failed document, {"doc", "error"}.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "document.h"

namespace ttptag {

nlohmann::json to_json(const Document& doc);
void write_jsonl(const Document& doc, std::ostream& out);

}  // namespace ttptag
