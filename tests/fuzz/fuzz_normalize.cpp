// Fuzz target: normalize (pipeline/normalize.h) and its offset map.
//
// Input: any bytes, normalized as a document. Checks the NormalizedText
// contract (fuzz_util.h: valid UTF-8 out, every byte maps to a non-empty
// range inside the input, both maps monotone, sizes equal, white space
// collapsed), then the two other entry points on the same bytes: the
// too-large cut (normalize_text_limited with a small limit taken from the
// input) and masked ranges (normalize(Document) with Document::masked).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "normalize.h"

using namespace ttptag;
using namespace ttptag::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::vector<Warning> warnings;
  const NormalizedText norm = normalize_text(input, &warnings);
  check_normalized(input, norm);
  size_t invalid_warnings = 0;
  for (const auto& w : warnings) {
    FUZZ_CHECK_MSG(w.code == "invalid-utf8", "unexpected warning " + w.code);
    ++invalid_warnings;
  }
  FUZZ_CHECK(invalid_warnings <= 1);  // one per document
  FUZZ_CHECK_MSG((invalid_warnings == 1) == !valid_utf8(input), "invalid-utf8 warning disagrees with the input");

  // Deterministic: the same bytes give the same map.
  const NormalizedText again = normalize_text(input);
  FUZZ_CHECK(again.text == norm.text && again.orig_begin == norm.orig_begin &&
             again.orig_end == norm.orig_end && again.flags == norm.flags);

  if (size == 0) return 0;
  // The too-large path: a limit below the input size (first byte picks it).
  const size_t limit = data[0] % size;
  std::vector<Warning> cut_warnings;
  const NormalizedText cut = detail::normalize_text_limited(input, &cut_warnings, limit);
  bool too_large = false;
  for (const auto& w : cut_warnings) too_large = too_large || w.code == "too-large";
  FUZZ_CHECK(too_large);
  for (size_t i = 0; i < cut.text.size(); ++i) FUZZ_CHECK(cut.orig_end[i] <= limit);
  check_normalized(input.substr(0, limit), cut);

  // Masked ranges (any, even reversed or past the end) read as white space.
  Document doc;
  doc.text = std::string(input);
  for (size_t k = 1; k + 1 < size && k < 9; k += 2)
    doc.masked.emplace_back(size_t{data[k]} * size / 256, size_t{data[k + 1]} * size / 256);
  normalize(doc);
  check_normalized(input, doc.norm);
  for (size_t i = 0; i < doc.norm.text.size(); ++i) {
    if (is_ws(doc.norm.text[i])) continue;
    for (const auto& [b, e] : doc.masked) {
      FUZZ_CHECK_MSG(!(b <= doc.norm.orig_begin[i] && doc.norm.orig_end[i] <= e),
                     "normalized byte " + std::to_string(i) + " comes from masked bytes");
    }
  }
  return 0;
}
