// Fuzz target: the sentence splitter (pipeline/segment.h).
//
// Input: the first byte picks the mode, the rest is text.
//   even: the text is normalized first (what the pipeline does);
//   odd:  the bytes are used as NormalizedText as they are, with upper-case
//         flags from ASCII capitals and an identity offset map, so the
//         splitter also meets white space, controls and byte sequences the
//         normalizer never produces.
// Checks (fuzz_util.h check_sentences): in bounds, in order, no overlap,
// no white space at either end, every non-space byte in a sentence, at most
// kMaxSentenceBytes each, paragraph indices dense; on normalized text every
// sentence is whole UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "normalize.h"
#include "segment.h"

using namespace ttptag;
using namespace ttptag::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool raw = (data[0] & 1) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  NormalizedText norm;
  if (raw) {
    norm.text = std::string(input);
    for (size_t i = 0; i < input.size(); ++i) {
      norm.orig_begin.push_back(static_cast<uint32_t>(i));
      norm.orig_end.push_back(static_cast<uint32_t>(i + 1));
      norm.flags.push_back(input[i] >= 'A' && input[i] <= 'Z' ? NormalizedText::kUpper : 0);
    }
  } else {
    norm = normalize_text(input);
  }
  const std::vector<Sentence> sentences = segment_text(norm);
  check_sentences(norm, sentences);
  if (!raw) {
    for (const auto& s : sentences) {
      const std::string_view text(norm.text.data() + s.begin, s.end - s.begin);
      FUZZ_CHECK_MSG(valid_utf8(text), "sentence cuts a character: \"" + show(text) + "\"");
    }
  }
  // The Document stage gives the same sentences.
  Document doc;
  doc.norm = norm;
  segment(doc);
  FUZZ_CHECK(doc.sentences.size() == sentences.size());
  return 0;
}
