// read_html.h: HTML input, parsed with gumbo (an HTML5-conformant parser).
//
// Reads: HTML bytes (assumed UTF-8; gumbo replaces invalid bytes with
// U+FFFD, and the reader any invalid bytes gumbo itself emits). Writes:
// Document::text = the page's main text, Document::meta "title" and "url".
// Offsets of evidence then index this extracted text, not the HTML file.
//
// Main text: the <article> with the most text, else the <main> with the most
// text, else <body>. Dropped with everything inside: head, script, style,
// noscript, template, nav, header, footer, aside, form, button, select,
// iframe, svg, math, object, canvas, elements with the `hidden` attribute or
// role navigation / banner / contentinfo / complementary / search, and the
// reader-comment blocks id="comments" / id="respond"; HTML comments are never
// text. Block elements (p, div, section, h1-h6, ul, ol, table, blockquote,
// pre, figure, ...) end a paragraph ("\n\n"); br, li, tr, dt, dd end a line
// ("\n"); table cells are separated by a space; other white space collapses
// to one space, except inside <pre>/<textarea>. Entities are decoded.
// title: og:title, else <title>. url: <link rel="canonical">, else og:url.
// Never throws; a page gumbo cannot parse is Document::error.
#pragma once

#include <string>
#include <string_view>

#include "document.h"

namespace ttptag {

// Parses an HTML page held in memory; `source` names it in the Document.
Document html_to_document(std::string_view html, const std::string& source);
// Reads and parses an HTML file (read errors as in read_file).
Document read_html(const std::string& path);

}  // namespace ttptag
