// report.h: tag results as one self-contained HTML page for reviewers.
//
// write_report() embeds every document as JSON in a
// <script type="application/json"> block (with <, > and & escaped, so no
// document text can close it) and a small script renders one page of
// documents at a time: the text with evidence spans coloured by tactic, the
// techniques ranked by score with their firing rules, and filters by
// technique, tactic and path. The page loads nothing from the network (its
// Content-Security-Policy forbids it) and builds every element from data
// with textContent, never innerHTML.
//
// The text comes from each result's `doc` file when it is readable and its
// bytes match the evidence offsets (load_document_text); otherwise only the
// evidence sentences are shown. doc_view_json() is the same per-document
// view that `ttptag serve` sends to its page; viewer_js()/viewer_css() are
// the rendering code both pages share.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "review.h"

namespace ttptag {

struct ReportOptions {
  bool text_from_files = true;           // read each `doc` to show the whole text
  size_t max_text_bytes = size_t{4} << 20;  // larger files show evidence sentences only
  size_t page_size = 25;                 // documents per page
  const Catalog* catalog = nullptr;      // tactics (colours, filter) and missing names
  std::string title = "ttptag report";
  std::string source;                    // the results path, shown in the header
  std::string base_dir;                  // relative `doc` paths are also tried from here
};

struct ReportStats {
  size_t documents = 0;
  size_t with_text = 0;      // shown with their whole text
  size_t contexts_only = 0;  // shown with evidence sentences only
  size_t failed = 0;         // error records
  size_t suggestions = 0;    // (document, technique) pairs
};

// Writes the HTML page; the stream's state tells about write errors.
ReportStats write_report(const ResultsFile& results, std::ostream& out, const ReportOptions& opts);

// One document as the pages render it:
//   {"i", "doc", "title"?, "error"?, "warnings": [codes],
//    "techniques": [{"id", "name", "tactic", "score", "rules": [distinct],
//                    "evidence": [{"rule", "start", "end", "text", "page"?}]}],
//    "text": bool, "why"?: reason the text is not shown,
//    "pieces": [[start, text, [technique indexes]]...]        when "text"
//    "snippets": [{"sentence", "page", "pieces": [...]}...]    otherwise}
// `text` is the document text or nullptr.
nlohmann::json doc_view_json(const ResultDoc& doc, size_t index, const std::string* text,
                             const std::string& why, const Catalog* catalog);
// The technique's first tactic in the catalogue, or "".
std::string tactic_of(const Catalog* catalog, const std::string& technique);
// {"TA01": "Plan Strategy", ...} for the tactics in the catalogue.
nlohmann::json tactic_names_json(const Catalog* catalog);

// JSON text safe inside <script type="application/json">: '<', '>', '&'
// and U+2028/U+2029 are written as \u escapes; invalid UTF-8 is replaced.
std::string json_for_script(const nlohmann::json& j);
std::string escape_html(std::string_view s);

// The rendering code shared by the report and the review app (no data in it).
std::string_view viewer_js();
std::string_view viewer_css();

}  // namespace ttptag
