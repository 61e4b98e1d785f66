// read_json.h: JSON document input (.json: one object per file).
//
// Reads: one JSON object {"text": "...", "id"?, "title"?, "url"?, "date"?,
// ...}. Writes: Document::text = the "text" string exactly (offsets index
// it); Document::source = "id" (a string, or a number written as JSON) or,
// without one, the file path; every other field goes to Document::meta and is
// carried into the result record. JSON Lines files (many documents) are read
// by JsonlReader (read.h) with the same field rules, one line at a time.
// A file that is not JSON, not an object, or has no string "text" is a
// Document::error naming the file. Never throws.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "document.h"

namespace ttptag {

// Parses one JSON document held in memory; `source` is used when there is no "id".
Document json_to_document(std::string_view bytes, const std::string& source);
// Reads a .json file (read errors as in read_file).
Document read_json(const std::string& path);

namespace detail {
// Fills doc (text, source from id, meta) from one parsed object; returns ""
// or what is wrong with it (doc is then unchanged apart from meta).
std::string document_from_object(const nlohmann::json& obj, Document& doc);
}  // namespace detail

}  // namespace ttptag
