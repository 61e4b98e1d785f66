// write_formats.h: the writers behind make_writer (internal), one source
// file each (write_csv.cpp, write_text.cpp, write_stix.cpp, write_misp.cpp,
// write_navigator.cpp), and the helpers they share (write.cpp).
#pragma once

#include <ctime>
#include <memory>
#include <ostream>
#include <string>

#include "write.h"

namespace ttptag::detail {

std::unique_ptr<ResultWriter> make_csv_writer(std::ostream& out, const WriterOptions& opts);
std::unique_ptr<ResultWriter> make_text_writer(std::ostream& out, const WriterOptions& opts);
std::unique_ptr<ResultWriter> make_stix_writer(std::ostream& out, const WriterOptions& opts);
std::unique_ptr<ResultWriter> make_navigator_writer(std::ostream& out, const WriterOptions& opts);
std::unique_ptr<ResultWriter> make_misp_writer(std::ostream& out, const WriterOptions& opts);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (RFC 3339, UTC, milliseconds) for a time.
std::string format_timestamp(std::time_t t, int millis = 0);
// The current time in that form.
std::string now_timestamp();
// Parses an RFC 3339 / ISO 8601 date or date-time ("2024-03-05",
// "2024-03-05T10:00:00Z", "2024-03-05 10:00:00+02:00", ...) into the STIX
// timestamp form in UTC; "" if it does not parse.
std::string to_stix_timestamp(const std::string& date);
// A score as "0.900".
std::string format_score(double score);
// The document's title (meta "title") or else its source.
std::string document_title(const Document& doc);
// Primary (first) tactic of a technique from the catalogue, or nullptr.
const Tactic* primary_tactic(const Catalog* catalog, const std::string& technique_id);

}  // namespace ttptag::detail
