// read_pdf.h: PDF input through poppler-cpp.
//
// Reads: PDF bytes. Writes: Document::text = the text of every page in
// reading order (poppler's non-raw, non-physical layout: columns are read one
// after the other, lines end in "\n"), pages separated by a paragraph break
// ("\n\n"); Document::page_starts[i] = offset in `text` where page i+1
// begins, so aggregate() gives each evidence its 1-based page; meta "title"
// and "date" (RFC 3339, UTC) from the PDF's Info dictionary when set.
// Words hyphenated across a line end are joined ("disinfor-\nmation" ->
// "disinformation", when the next line starts with a lower-case letter; a
// soft hyphen U+00AD at a line end always joins). Evidence offsets index
// this text.
// Failures are Document::error naming the file: not a PDF or damaged beyond
// repair ("pdf-unreadable"), password protected ("pdf-encrypted"). A PDF
// with no extractable text (a scan) gets the warning "pdf-no-text".
// Never throws; poppler's own error printing is silenced.
#pragma once

#include <string>
#include <string_view>

#include "document.h"

namespace ttptag {

// Extracts text from a PDF held in memory; `source` names it in errors.
Document pdf_to_document(std::string_view bytes, const std::string& source);
// Reads a PDF file (read errors as in read_file).
Document read_pdf(const std::string& path);

// The hyphenation repair applied to each page's text (exposed for tests).
std::string join_hyphenated_lines(std::string_view text);

}  // namespace ttptag
