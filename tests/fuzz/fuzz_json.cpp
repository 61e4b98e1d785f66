// Fuzz target: the JSON document reader (pipeline/read_json.h), through
// read_stream with --input-format json (furniture filter on).
//
// Checks against an independent parse of the same bytes (nlohmann, after a
// UTF-8 BOM): an object with a string "text" gives exactly that text, its
// "id" (non-empty string or number) as the source, every other field in
// meta; anything else is an error record naming the source, with no text.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_util.h"
#include "read.h"
#include "read_json.h"

using namespace ttptag;
using namespace ttptag::fuzz;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::istringstream in(bytes);
  ReadOptions opts;
  opts.format = InputFormat::kJson;
  const Document doc = read_stream(in, "in.json", opts);

  std::string_view body = bytes;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  const json expect = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  const bool good = !expect.is_discarded() && expect.is_object() && expect.contains("text") &&
                    expect["text"].is_string();
  if (!good) {
    FUZZ_CHECK_MSG(!doc.error.empty(), "accepted: " + show(bytes));
    FUZZ_CHECK_MSG(doc.error.rfind("in.json: ", 0) == 0, doc.error);
    FUZZ_CHECK(doc.text.empty() && doc.source == "in.json");
    return 0;
  }
  FUZZ_CHECK_MSG(doc.error.empty(), doc.error);
  FUZZ_CHECK(doc.text == expect["text"].get<std::string>());
  FUZZ_CHECK(!doc.meta.contains("text"));
  for (const auto& [key, value] : expect.items()) {
    if (key == "text") continue;
    const bool id_used = key == "id" && (value.is_string() || value.is_number()) &&
                         !(value.is_string() && value.get<std::string>().empty());
    if (id_used) {
      FUZZ_CHECK(doc.source == (value.is_string() ? value.get<std::string>() : value.dump()));
      FUZZ_CHECK(!doc.meta.contains("id"));
    } else {
      FUZZ_CHECK_MSG(doc.meta.contains(key) && doc.meta[key] == value, "meta lost \"" + show(key) + "\"");
    }
  }
  FUZZ_CHECK(!doc.source.empty());
  check_json_utf8(doc.meta);  // the writers dump meta
  check_masked(doc);
  return 0;
}
