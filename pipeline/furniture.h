// furniture.h: the scraped-page line filter (on by default; ReadOptions::
// drop_furniture, `tag --no-furniture-filter` turns it off).
//
// Pages saved from the web carry "furniture": share buttons, cookie notices,
// "Related Articles", comment forms, menus. Their words can fire rules
// ("Share on Facebook" under a paragraph about fake accounts), so whole lines
// that are furniture are masked.
//
// Design, chosen so offsets stay exact: the filter never edits
// Document::text. It appends each furniture line's byte range [begin, end)
// (without its "\n") to Document::masked; normalize() reads masked bytes as
// spaces (same length, newlines kept), so no rule can match them, while
// evidence `start`/`end` still index Document::text and evidence `text` is
// cut from it: for .txt/.md the original file bytes.
//
// Conservative: only a whole line, trimmed, compared case-insensitively
// (ASCII), and only if it is
//   - one of a short list of exact phrases ("Share this article", "Related
//     Posts", "Read more", "Leave a Reply", "Post Comment", "Advertisement",
//     "Subscribe to our newsletter", "Sign up", "Back to top button", ...),
//     with an optional trailing ':';
//   - made only of share-button words ("Share", "Tweet", "Email", "Print",
//     "Facebook", "WhatsApp", "Copy link", ...), e.g. "Share Tweet Email";
//   - a cookie notice: starts with "We use cookies", "This website uses
//     cookies", "By using this site" and the like, and mentions cookies and
//     one of experience / site / browsing / consent / agree / accept /
//     privacy / personalise / analytics / traffic / advertising;
//   - a link to another article: starts with "Read more:", "Related:",
//     "Also read:", "See also:", "You may also like:";
//   - a comment count ("12 Comments", "3 Responses");
//   - a menu or breadcrumb: 3 or more items split by "|", "•", "·", "»", "›"
//     or ">", each 1-4 words, every word starting with a capital letter or a
//     digit ("Home | World | Europe | Fact Check").
// A line over 200 bytes is never furniture. A sentence of the article has
// lower-case words and punctuation, so it matches none of these.
#pragma once

#include <string_view>

#include "document.h"

namespace ttptag {

// True if this one line (no line break) is page furniture.
bool is_furniture_line(std::string_view line);

// Appends the byte range of every furniture line of doc.text to doc.masked.
// Returns the number of lines masked.
size_t mask_furniture(Document& doc);

}  // namespace ttptag
