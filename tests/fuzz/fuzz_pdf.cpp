// Fuzz target: the PDF reader (poppler-cpp; pipeline/read_pdf.h), in process.
//
// poppler is a large, uninstrumented system library: coverage feedback
// comes from our code only, and an execution costs milliseconds, so this
// target runs far fewer executions than the others (run it with a memory
// limit: -rss_limit_mb, set in fuzz_pdf.options).
//
// Checks: an error names the source and leaves no text; otherwise the text
// is valid UTF-8 (poppler's UTF-16 converted), page_starts are in order and
// inside the text, one per page, and "pdf-no-text" comes exactly with an
// empty text; meta title and date are valid UTF-8 strings (the writers dump
// them). Then join_hyphenated_lines on the raw bytes: it only removes bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "read_pdf.h"

using namespace ttptag;
using namespace ttptag::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Document doc = pdf_to_document(bytes, "in.pdf");
  if (!doc.error.empty()) {
    FUZZ_CHECK_MSG(doc.error.rfind("in.pdf: ", 0) == 0, doc.error);
    FUZZ_CHECK(doc.text.empty() && doc.page_starts.empty());
  } else {
    FUZZ_CHECK_MSG(valid_utf8(doc.text), "text \"" + show(doc.text) + "\"");
    size_t prev = 0;
    for (size_t p : doc.page_starts) {
      FUZZ_CHECK(p >= prev && p <= doc.text.size());
      prev = p;
    }
    bool no_text = false;
    for (const auto& w : doc.warnings) no_text = no_text || w.code == "pdf-no-text";
    FUZZ_CHECK(no_text == doc.text.empty());
    for (const auto& [key, value] : doc.meta.items()) {
      FUZZ_CHECK_MSG(key == "title" || key == "date", key);
      FUZZ_CHECK(value.is_string());
    }
    check_json_utf8(doc.meta);
  }

  const std::string joined = join_hyphenated_lines(bytes);
  size_t j = 0;  // `joined` is a subsequence of the bytes
  for (size_t i = 0; i < bytes.size() && j < joined.size(); ++i)
    if (bytes[i] == joined[j]) ++j;
  FUZZ_CHECK(j == joined.size());
  return 0;
}
