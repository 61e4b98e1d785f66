// Fuzz target: plain-text input (read.h read_stream / read_document with
// --input-format text), then normalize and segment as the pipeline does.
// Seeds carry invalid UTF-8, BOMs (UTF-8, UTF-16), NULs, CR line ends and
// page furniture.
//
// Checks: the text is the input bytes unchanged (offsets index the file),
// or, after a UTF-16/32 byte-order mark, valid UTF-8 with the warning
// "transcoded"; reading the same bytes from a file gives the same document;
// masked ranges are whole lines; "binary-input" exactly as read.cpp defines
// it; no U+FEFF survives normalization; then the normalize and segment
// contracts.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_util.h"
#include "normalize.h"
#include "read.h"
#include "segment.h"

using namespace ttptag;
using namespace ttptag::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ScratchDir scratch;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::istringstream in(bytes);
  ReadOptions opts;
  opts.format = InputFormat::kText;
  Document doc = read_stream(in, "-", opts);
  FUZZ_CHECK_MSG(doc.error.empty(), doc.error);
  bool transcoded = false;
  for (const auto& w : doc.warnings) transcoded = transcoded || w.code == "transcoded";
  // read.h: a UTF-16 or UTF-32 byte-order mark means the text is decoded
  // to UTF-8; any other bytes are the text unchanged.
  const bool wide_bom = (size >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) ||
                        (size >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0xFE && data[3] == 0xFF);
  FUZZ_CHECK(transcoded == wide_bom);
  if (transcoded) {
    FUZZ_CHECK_MSG(valid_utf8(doc.text), "transcoded text \"" + show(doc.text) + "\"");
  } else {
    FUZZ_CHECK(doc.text == bytes);
  }
  check_masked(doc);

  // Same bytes from a file (a .txt path: auto picks text).
  const Document from_file = read_document(scratch.write("in.txt", bytes), ReadOptions{});
  FUZZ_CHECK_MSG(from_file.error.empty(), from_file.error);
  FUZZ_CHECK(from_file.text == doc.text && from_file.masked == doc.masked);
  FUZZ_CHECK(from_file.warnings.size() == doc.warnings.size());

  // read.cpp: binary if over a tenth of the first 8 KiB of the (decoded)
  // text are NUL or C0 controls other than \n \r \t \f.
  const size_t head = std::min<size_t>(doc.text.size(), 8192);
  size_t odd = 0;
  for (size_t i = 0; i < head; ++i) {
    const auto c = static_cast<unsigned char>(doc.text[i]);
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) ++odd;
  }
  bool binary = false;
  for (const auto& w : doc.warnings) binary = binary || w.code == "binary-input";
  FUZZ_CHECK(binary == (head > 0 && odd * 10 > head));

  normalize(doc);
  check_normalized(doc.text, doc.norm);  // offsets index the (decoded) text
  FUZZ_CHECK_MSG(doc.norm.text.find("\xEF\xBB\xBF") == std::string::npos, "a BOM survived normalization");
  bool empty = false;
  for (const auto& w : doc.warnings) empty = empty || w.code == "empty-input";
  FUZZ_CHECK(empty == doc.norm.text.empty());
  segment(doc);
  check_sentences(doc.norm, doc.sentences);
  return 0;
}
