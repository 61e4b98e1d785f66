// Fuzz target: the HTML reader (gumbo; pipeline/read_html.h), through
// read_stream with --input-format html, so the furniture filter runs too.
//
// Checks: never an error below the size limit; the text is valid UTF-8
// (gumbo replaces invalid bytes); meta holds only non-empty strings (title,
// url), valid UTF-8; masked ranges are whole lines; "empty-html" exactly
// when there is no text; html_to_document agrees.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_util.h"
#include "read.h"
#include "read_html.h"

using namespace ttptag;
using namespace ttptag::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string html(reinterpret_cast<const char*>(data), size);
  std::istringstream in(html);
  ReadOptions opts;
  opts.format = InputFormat::kHtml;
  const Document doc = read_stream(in, "fuzz.html", opts);
  FUZZ_CHECK_MSG(doc.error.empty(), doc.error);
  FUZZ_CHECK(doc.source == "fuzz.html");
  const std::string& t = doc.text;
  FUZZ_CHECK_MSG(valid_utf8(t), "text \"" + show(t) + "\"");
  FUZZ_CHECK(doc.meta.is_object());
  for (const auto& [key, value] : doc.meta.items()) {
    FUZZ_CHECK_MSG(key == "title" || key == "url", key);
    FUZZ_CHECK(value.is_string() && !value.get<std::string>().empty());
  }
  check_json_utf8(doc.meta);
  check_masked(doc);
  bool empty_warning = false;
  for (const auto& w : doc.warnings) empty_warning = empty_warning || w.code == "empty-html";
  FUZZ_CHECK(empty_warning == t.empty());

  // The in-memory entry point agrees (without the furniture filter), unless
  // reading transcoded the bytes (a UTF-16/32 byte-order mark): it takes
  // UTF-8 as it is.
  bool transcoded = false;
  for (const auto& w : doc.warnings) transcoded = transcoded || w.code == "transcoded";
  if (transcoded) return 0;
  const Document direct = html_to_document(html, "fuzz.html");
  FUZZ_CHECK(direct.text == doc.text && direct.meta == doc.meta);
  return 0;
}
