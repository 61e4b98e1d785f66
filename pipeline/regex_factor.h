// regex_factor.h: rewrite phrase alternations as tries before RE2 compiles
// them.
//
// A list expands to "(?:\bposing\s+as\b|\bposing\s+online\s+as\b|...)".
// RE2 factors the literal beginning an alternation's neighbours share, but
// stops at the first \s+ or \b, so a persona alternative with its lists
// compiles to some 29 000 instructions; its forward and reverse programs
// and their DFA state caches are most of the memory matching holds.
// factor_alternations() factors whole tokens instead:
// "(?:\bposing\s+(?:as\b|online\s+as\b)|...)". The bundled rules' regexes
// come out about a third smaller.
//
// Only groups "(?:a|b|...)" whose branches are plain token sequences are
// rewritten: literal characters (UTF-8 characters whole), escaped
// punctuation, \b, \s+ followed by a token that cannot match white space,
// and [-\s]? followed by a letter or digit. Each such token has at most one
// way to match where the rest of its branch can go on, so merging adjacent
// branches that begin with the same token keeps every match and the order
// RE2 prefers them in (leftmost-first): the rewritten regex matches the same
// spans. Any other group (quantifiers, classes, nested groups, other
// escapes) is left as it is; groups nested inside are still rewritten.
//
// The prefilter reads the patterns as written (its literal atoms come from
// whole phrases); only the RE2 that matches gets the factored form.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ttptag {

std::string factor_alternations(std::string_view pattern);

// The offset of the ']' closing the character class that opens at s[open]
// (escapes, a leading ']' and [:name:] inside it skipped), or s.size().
size_t class_end(std::string_view s, size_t open);

}  // namespace ttptag
