// normalize.h: turn reader text into the canonical form rules are written
// against, keeping a byte-exact map back to the reader's text.
//
// Steps, in order, per character: invalid UTF-8 bytes become U+FFFD (one
// warning per document, with a count); control characters other than line
// breaks and tabs are dropped; NFKC and Unicode case folding (utf8proc);
// curly quotes and apostrophes -> ' and ", dashes -> '-', ellipsis -> "...",
// non-breaking and other Unicode spaces -> ' '. White space is collapsed:
// a run with no line break becomes one ' ', a run holding one line break
// becomes "\n", a run holding two or more becomes "\n\n" (paragraph break).
// Leading and trailing white space is dropped.
//
// Details the list above leaves open:
// - Each invalid byte is its own U+FFFD (so a substring re-normalizes alike).
// - A base character and its following combining marks are normalized as
//   one cluster (so "e" + U+0301 composes to "é"); every output byte of a
//   cluster maps to the whole cluster, every byte of a collapsed white-space
//   run maps to the whole run.
// - Dropped: control characters, and default-ignorable code points
//   (U+200B..U+200F, U+00AD, U+2060..U+206F, U+FEFF, bidi controls,
//   variation selectors, ...).
// - White space: ' ', \t, \v, \f and Unicode space separators (Zs) are
//   spaces; \n, \r\n, lone \r, NEL (U+0085) and U+2028 are one line break;
//   U+2029 (paragraph separator) counts as two.
// - The offset map is uint32: input beyond 2^31-1 bytes is not normalized
//   (cut back to a character boundary) and a "too-large" warning is added.
#pragma once

#include <string_view>
#include <vector>

#include "document.h"

namespace ttptag {

// Normalizes `input` (any bytes). Never throws; appends to `warnings`.
NormalizedText normalize_text(std::string_view input,
                              std::vector<Warning>* warnings = nullptr);

// Stage: reads doc.text, fills doc.norm, may append doc.warnings.
void normalize(Document& doc);

namespace detail {
// normalize_text with `max_bytes` in place of the 2^31-1 input limit, so
// tests can reach the too-large path without a 2 GiB string.
NormalizedText normalize_text_limited(std::string_view input,
                                      std::vector<Warning>* warnings,
                                      size_t max_bytes);
}  // namespace detail

}  // namespace ttptag
