// segment.h: split normalized text into sentences.
//
// Rules written for English news and report text: abbreviations and
// initials (U.S., Dr., Jan., Inc., e.g., J. Smith), numbers and money (3.5%,
// €133.903), ellipses, closing quotes and brackets after the stop, "?!",
// URLs and e-mail addresses, footnote markers ([1]) and line breaks (a
// heading, list item or paragraph line without final punctuation ends its
// sentence, unless the next line continues it in lower case: a hard wrap).
// Because normalized text is case folded, capitalisation is read from
// NormalizedText::flags.
#pragma once

#include <vector>

#include "document.h"

namespace ttptag {

// Sentences cover the non-space text in order, never overlap, and never
// begin or end with white space. Sentences longer than kMaxSentenceBytes are
// cut at a space (or anywhere, if none, but never inside a UTF-8 character)
// so one huge line stays tractable. A paragraph ends before the sentence that
// would take it past kMaxParagraphBytes (paragraph-scope rules search the
// whole paragraph for each sentence, so its size bounds their cost).
inline constexpr size_t kMaxSentenceBytes = 4096;
inline constexpr size_t kMaxParagraphBytes = 64 * 1024;

std::vector<Sentence> segment_text(const NormalizedText& norm);

// Stage: reads doc.norm, fills doc.sentences.
void segment(Document& doc);

}  // namespace ttptag
