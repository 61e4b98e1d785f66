// Fuzz target: JSON Lines (JsonlReader, pipeline/read.h).
//
// Input: a JSON Lines stream. The expected records are computed here from
// the bytes (split at "\n", BOM dropped from line 1, CR before LF dropped,
// blank lines skipped, a UTF-16 byte-order mark one error record and the
// end) and each line is parsed independently; the reader
// must return exactly one record per non-blank line, in order, with the
// right line number: that line's text and id, or an error
// "<source>:<line>: ..." with source "<source>#<line>".
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "read.h"

using namespace ttptag;
using namespace ttptag::fuzz;
using nlohmann::json;

namespace {

bool blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);

  struct Expected {
    size_t line;
    std::string_view text;
    bool utf16 = false;  // a UTF-16 byte-order mark: one error record, then the end
  };
  std::vector<Expected> expected;
  size_t lineno = 0;
  for (size_t pos = 0; pos < bytes.size();) {
    size_t nl = bytes.find('\n', pos);
    const bool last = nl == std::string::npos;
    std::string_view line(bytes.data() + pos, (last ? bytes.size() : nl) - pos);
    ++lineno;
    if (lineno == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (lineno == 1 && (line.substr(0, 2) == "\xFF\xFE" || line.substr(0, 2) == "\xFE\xFF")) {
      expected.push_back({1, line, true});
      break;
    }
    if (!blank(line)) {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      expected.push_back({lineno, line});
    }
    if (last) break;
    pos = nl + 1;
  }

  std::istringstream in(bytes);
  ReadOptions opts;  // furniture filter on
  JsonlReader reader(in, "in.jsonl", opts);
  Document doc;
  size_t k = 0;
  while (reader.next(&doc)) {
    FUZZ_CHECK_MSG(k < expected.size(), "more records than non-blank lines");
    const Expected& e = expected[k++];
    const std::string n = std::to_string(e.line);
    FUZZ_CHECK_MSG(reader.line_number() == e.line, "line " + std::to_string(reader.line_number()) + " for " + n);
    const json j = json::parse(e.text.begin(), e.text.end(), nullptr, false);
    const bool good = !e.utf16 && !j.is_discarded() && j.is_object() && j.contains("text") && j["text"].is_string();
    if (!good) {
      FUZZ_CHECK_MSG(doc.error.rfind("in.jsonl:" + n + ": ", 0) == 0, doc.error);
      FUZZ_CHECK(doc.source == "in.jsonl#" + n);
      FUZZ_CHECK(doc.text.empty());
      continue;
    }
    FUZZ_CHECK_MSG(doc.error.empty(), doc.error);
    FUZZ_CHECK(doc.text == j["text"].get<std::string>());
    FUZZ_CHECK(!doc.source.empty());
    check_json_utf8(doc.meta);
    check_masked(doc);
  }
  FUZZ_CHECK_MSG(k == expected.size(), std::to_string(k) + " records for " + std::to_string(expected.size()) + " lines");
  return 0;
}
