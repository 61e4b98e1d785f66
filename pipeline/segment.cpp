// segment.cpp: rule-based sentence splitter for normalized English text.
//
// One left-to-right pass over the bytes. Decisions are made only at two
// kinds of places: a run of stops (. ? !) followed by white space, and a
// line break. Each decision looks at a bounded window (the token before the
// stop, the word after it, the line that just ended), so the whole pass is
// linear in the input size.
//
// Stops (same line):
//   * "?" / "!" (and runs such as "?!", "...?") split when the next token is
//     a plausible sentence start: an upper-case letter (NormalizedText::flags),
//     a digit, an opening quote/bracket before one of those, or a currency
//     sign before a digit. '"Why now?" asked the minister' stays whole.
//   * An ellipsis ("..") splits only before an upper-case start.
//   * A single "." splits before a plausible start unless the token before it
//     is an abbreviation:
//       - titles (Dr. Mr. Sen. Gen. ...) and never-final ones (e.g. i.e. vs.
//         approx. cf.): never split;
//       - number prefixes (No. Art. Fig. p. vol.) before a digit: no split;
//       - abbreviations that can end a sentence (U.S. Inc. Jan. Jr. St. a.m.,
//         any dotted acronym) and capital initials (J. Smith): split only
//         when the next word is a common sentence-initial word (The, It, In,
//         However ...), never before a digit ("Jan. 6"), because after these
//         a capitalized word is far more often a name ("U.S. President");
//       - etc. behaves like an ordinary word;
//       - "1." "a." "iv." opening a line are list markers, not stops.
//   * Closing quotes/brackets after the stops, and footnote markers right
//     after them ("[2]", " [2]", superscript digits), stay in the sentence.
//     A marker before the stop ("election [1].") is inside it anyway.
//   * A stop must be followed by white space or the end of text, so URLs,
//     e-mail addresses, domains and numbers (3.5%, 2.0.1) are never split.
//   * A stop never ends a "sentence" that has no letter or digit yet
//     (a leading "..." attaches to what follows).
//
// Line breaks:
//   * "\n\n" always ends the sentence and the paragraph.
//   * A single "\n" after a line ending in final punctuation ends the
//     sentence, except after an abbreviation, initial or ellipsis that would
//     not split on the same line (the line break is then a hard wrap:
//     "U.S.\nofficials", "Dr.\nSmith").
//   * A single "\n" after a line without final punctuation ends the sentence
//     (heading, list item, short line) unless the line is a hard wrap: the
//     next line continues in lower case or with a number, or the line ends
//     with "," ";" or a function word ("run by\nRussia's"), or the sentence
//     already crossed a hard wrap and this line is at least 40 bytes (a
//     wrapped block: "the U.S.-based Atlantic\nCouncil"), and the line does
//     not look like a heading.
//   * A line starting with a list marker ("- ", "* ", "+ ", "•", "1. ", "2) ",
//     "a) ", "(iv) ") always starts a new sentence.
//
// Paragraph index (Sentence::paragraph), exactly: it starts at 0 and goes up
// by one before the first sentence that follows
//   * a "\n\n", or
//   * a single "\n" that ended a sentence when the line ended with final
//     punctuation, or looked like a heading, or belonged to a list item
//     (the item's first line started with a list marker).
// A hard-wrapped line continues the sentence and the paragraph; a single
// "\n" that ends a sentence for any other reason (e.g. next line starts
// with a capital after an unpunctuated line) keeps the paragraph.
// Indices are dense: no paragraph is left without a sentence.
//
// A line "looks like a heading" when the open sentence began at its start
// and, ignoring "#", "*", "_" and opening quotes at its start, it is at most
// 150 bytes and 12 words, starts with a capital or digit, does not end in
// "," ";" "-" or a function word, and is a markdown heading ("# ..."),
// ALL CAPS, at most 3 words, or Title Case (at most a quarter of its
// non-function words start in lower case).
#include "segment.h"

#include <utf8proc.h>

#include <algorithm>
#include <iterator>
#include <string_view>

namespace ttptag {

namespace {

using std::string_view;
constexpr size_t kNoPos = static_cast<size_t>(-1);
// Shortest line that counts as part of a hard-wrapped block (PDF columns
// and e-mail wrap at 40-80 columns; captions and short lines are shorter).
constexpr size_t kMinWrappedLine = 40;

// Abbreviations are compared without their final dot, lower case.
constexpr string_view kTitles[] = {
    "mr",   "mrs",  "ms",   "messrs", "mmes", "dr",   "prof", "sen",
    "sens", "rep",  "reps", "gov",    "gen",  "gens", "lt",   "col",
    "capt", "cpt",  "sgt",  "maj",    "adm",  "cmdr", "rev",  "hon",
    "pres", "supt", "insp", "atty",   "amb",  "brig"};
constexpr string_view kNeverFinalWords[] = {
    "e.g", "i.e", "cf", "viz", "approx", "vs", "v", "ca", "incl", "esp", "excl", "resp"};
constexpr string_view kNumberPrefixes[] = {
    "no", "nos", "art", "arts", "fig", "figs", "p", "pp",
    "vol", "vols", "ch", "chap", "sec", "para", "par", "op"};
constexpr string_view kCanEndWords[] = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "inc", "ltd", "corp", "co", "llc", "plc", "bros", "jr",
    "sr",  "st",  "mt",  "ft",  "dept", "govt", "univ", "assn", "est", "ave",
    "blvd", "al", "mln", "bln", "bn", "intl", "natl"};
constexpr string_view kRoman[] = {"i", "ii", "iii", "iv", "v",
                                                "vi", "vii", "viii", "ix", "x"};
// Words that commonly open a sentence; after "U.S." or an initial only
// these count as a new sentence.
constexpr string_view kStarters[] = {
    "a",        "an",       "the",       "this",      "that",     "these",     "those",
    "it",       "its",      "he",        "she",       "they",     "we",        "i",
    "you",      "his",      "her",       "their",     "our",      "my",        "your",
    "there",    "here",     "in",        "on",        "at",       "by",        "for",
    "from",     "with",     "after",     "before",    "during",   "since",     "but",
    "and",      "or",       "so",        "yet",       "however",  "meanwhile", "moreover",
    "furthermore", "nevertheless", "still", "also",    "although", "though",    "while",
    "when",     "where",    "what",      "why",       "how",      "who",       "which",
    "if",       "as",       "according", "despite",   "some",     "many",      "most",
    "several",  "one",      "all",       "both",      "each",     "other",     "such",
    "last",     "earlier",  "later",     "today",     "yesterday", "instead",  "thus",
    "because"};
// Words a line does not end with unless it is hard-wrapped mid-sentence.
constexpr string_view kFunctionWords[] = {
    "a",       "an",     "the",    "of",      "to",      "in",     "on",    "at",
    "by",      "for",    "from",   "with",    "into",    "onto",   "about", "over",
    "under",   "after",  "before", "between", "against", "during", "through",
    "without", "within", "and",    "or",      "but",     "nor",    "as",    "than",
    "that",    "which",  "who",    "whom",    "whose",   "its",    "their", "his",
    "her",     "our",    "is",     "are",     "was",     "were",   "be",    "been",
    "has",     "have"};

template <size_t N>
bool contains(const string_view (&list)[N], string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

bool is_space(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_stop(unsigned char c) { return c == '.' || c == '?' || c == '!'; }
char ascii_lower(unsigned char c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

enum class Abbr { kNone, kTitle, kNeverFinal, kNumberPrefix, kCanEnd, kInitial, kEtc, kListMarker };
enum class Final { kNone, kStrong, kWeak };

class Splitter {
 public:
  explicit Splitter(const NormalizedText& norm)
      : norm_(norm), t_(norm.text), n_(norm.text.size()) {}

  std::vector<Sentence> run() {
    size_t i = 0;
    while (i < n_ && is_space(at(i))) ++i;
    line_start_ = i;
    block_is_list_ = list_item(i);
    while (i < n_) {
      const unsigned char c = at(i);
      if (is_space(c)) {
        size_t k = i;
        int nl = 0;
        while (k < n_ && is_space(at(k))) nl += at(k++) == '\n';
        if (nl > 0 && k < n_) line_break(i, k, nl, Final::kNone);
        i = k;
        continue;
      }
      if (cur_ == kNoPos) {
        cur_ = i;
        cur_alnum_ = false;
      }
      if (is_stop(c)) {
        i = stop(i);
        continue;
      }
      // Non-ASCII counts as content: letters of other scripts, symbols.
      if (c >= 0x80 || is_ascii_alpha(c) || is_digit(c)) cur_alnum_ = true;
      ++i;
    }
    if (cur_ != kNoPos) finish(n_, false);
    return std::move(out_);
  }

 private:
  unsigned char at(size_t i) const { return i < n_ ? static_cast<unsigned char>(t_[i]) : 0; }
  bool flagged(size_t i) const {
    return i < norm_.flags.size() && (norm_.flags[i] & NormalizedText::kUpper) != 0;
  }

  // Unicode general category of the character starting at i (0 if invalid).
  int category(size_t i) const {
    utf8proc_int32_t cp = 0;
    const size_t room = std::min<size_t>(4, n_ - i);
    const auto r = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(t_.data() + i),
                                    static_cast<utf8proc_ssize_t>(room), &cp);
    return r <= 0 ? 0 : static_cast<int>(utf8proc_category(cp));
  }
  // Raw upper case is honoured too, so text that was not folded still works.
  bool upper_letter(size_t i) const {
    if (i >= n_) return false;
    const unsigned char c = at(i);
    if (c < 0x80) return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z' && flagged(i));
    const int cat = category(i);
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) return true;
    return flagged(i) && cat == UTF8PROC_CATEGORY_LL;
  }
  bool lower_letter(size_t i) const {
    if (i >= n_) return false;
    const unsigned char c = at(i);
    if (c < 0x80) return c >= 'a' && c <= 'z' && !flagged(i);
    return !flagged(i) && category(i) == UTF8PROC_CATEGORY_LL;
  }

  // Opening quotes and brackets (the normalizer folds curly quotes and
  // guillemets to ASCII; ¿ ¡ survive).
  size_t skip_openers(size_t i) const {
    for (;;) {
      const unsigned char c = at(i);
      if (c == '"' || c == '\'' || c == '(' || c == '[' || c == '{') {
        ++i;
      } else if (c == 0xC2 && (at(i + 1) == 0xBF || at(i + 1) == 0xA1 || at(i + 1) == 0xAB)) {
        i += 2;
      } else {
        return i;
      }
    }
  }
  size_t skip_closers(size_t i) const {
    for (;;) {
      const unsigned char c = at(i);
      if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}') {
        ++i;
      } else if (c == 0xC2 && at(i + 1) == 0xBB) {
        i += 2;
      } else {
        return i;
      }
    }
  }

  // "[12]", "[1, 2]", "[3-5]" at i; returns its end or i.
  size_t bracket_marker(size_t i) const {
    if (at(i) != '[') return i;
    size_t k = i + 1;
    bool digit = false;
    while (k < n_ && k - i <= 12) {
      const unsigned char c = at(k);
      if (is_digit(c)) {
        digit = true;
      } else if (c == ']') {
        return digit ? k + 1 : i;
      } else if (c != ',' && c != '-' && c != ' ') {
        return i;
      }
      ++k;
    }
    return i;
  }
  // A digit that NFKC made from a superscript (its source is multi-byte).
  bool superscript_digit(size_t i) const {
    return is_digit(at(i)) && i < norm_.orig_begin.size() && i < norm_.orig_end.size() &&
           norm_.orig_end[i] - norm_.orig_begin[i] > 1;
  }
  // Footnote markers right after a stop, directly or after one space.
  size_t skip_footnotes(size_t i) const {
    for (;;) {
      size_t k = bracket_marker(i);
      if (k == i && at(i) == ' ') {
        k = bracket_marker(i + 1);
        // Only if the marker is followed by white space: "[2] The".
        if (k == i + 1 || !(k >= n_ || is_space(at(k)))) k = i;
      }
      if (k == i) {
        while (superscript_digit(k) && k - i < 4) ++k;
      }
      if (k == i) return i;
      i = k;
    }
  }

  bool currency_then_digit(size_t i) const {
    const unsigned char c = at(i);
    if (c == '$') return is_digit(at(i + 1));
    if (c == 0xC2 && (at(i + 1) == 0xA3 || at(i + 1) == 0xA5)) return is_digit(at(i + 2));  // £ ¥
    if (c == 0xE2 && at(i + 1) == 0x82 && at(i + 2) == 0xAC) return is_digit(at(i + 3));  // €
    return false;
  }

  bool plausible_start(size_t k) const {
    if (upper_letter(k) || is_digit(at(k)) || currency_then_digit(k)) return true;
    const size_t p = skip_openers(k);
    if (p > k) return upper_letter(p) || is_digit(at(p));
    if (at(k) == '#' || at(k) == '@') return upper_letter(k + 1);
    return false;
  }
  bool upper_start(size_t k) const { return upper_letter(skip_openers(k)); }

  // Next line continues a hard-wrapped sentence: lower case or a number.
  bool continues(size_t k) const {
    const size_t p = skip_openers(k);
    return lower_letter(p) || is_digit(at(p)) || currency_then_digit(p);
  }

  // Capitalized common sentence opener at k ("The", not the initial "A.").
  bool starter_word(size_t k) const {
    const size_t p = skip_openers(k);
    if (!upper_letter(p)) return false;
    char buf[16];
    size_t q = p;
    while (q < n_ && q - p < sizeof buf && is_ascii_alpha(at(q))) {
      buf[q - p] = ascii_lower(at(q));
      ++q;
    }
    if (q == p || at(q) == '.' || is_ascii_alpha(at(q))) return false;
    return contains(kStarters, string_view(buf, q - p));
  }

  // Lower-case copy of the word [b, e) if short and ASCII, else "".
  static string_view lower_word(const std::string& t, size_t b, size_t e, char (&buf)[24]) {
    if (e <= b || e - b > sizeof buf) return {};
    for (size_t k = b; k < e; ++k) {
      const auto c = static_cast<unsigned char>(t[k]);
      if (c >= 0x80) return {};
      buf[k - b] = ascii_lower(c);
    }
    return string_view(buf, e - b);
  }

  static bool dotted_acronym(string_view w) {
    // u.s, e.u, j.r.r, ph.d, a.m: letter groups of 1-2 joined by dots.
    size_t group = 0, groups = 0;
    for (char ch : w) {
      if (ch == '.') {
        if (group == 0) return false;
        group = 0;
        ++groups;
      } else if (is_ascii_alpha(static_cast<unsigned char>(ch))) {
        if (++group > 2) return false;
      } else {
        return false;
      }
    }
    return groups > 0 && group > 0;
  }

  // Classifies the token ending at the "." at i.
  Abbr abbreviation(size_t i, size_t next) const {
    size_t b = i;
    while (b > 0 && i - b < 40 && !is_space(at(b - 1))) --b;
    if (b > 0 && !is_space(at(b - 1))) return Abbr::kNone;  // long token: a URL or word
    const size_t token_begin = b;
    b = skip_openers(b);
    if (b >= i) return Abbr::kNone;
    // "anti-U.S." and "and/or e.g.": look at the last part.
    for (size_t k = i; k > b; --k) {
      if (at(k - 1) == '-' || at(k - 1) == '/') {
        b = k;
        break;
      }
    }
    char buf[24];
    const string_view w = lower_word(t_, b, i, buf);
    if (w.empty()) return Abbr::kNone;
    if (token_begin == line_start_ &&
        (contains(kRoman, w) || w.size() == 1 ||
         (w.size() <= 3 && std::all_of(w.begin(), w.end(),
                                       [](char ch) { return is_digit(static_cast<unsigned char>(ch)); }))))
      return Abbr::kListMarker;
    if (contains(kTitles, w)) return Abbr::kTitle;
    if (contains(kNeverFinalWords, w)) return Abbr::kNeverFinal;
    if (contains(kNumberPrefixes, w) && is_digit(at(next))) return Abbr::kNumberPrefix;
    if (w == "etc") return Abbr::kEtc;
    if (contains(kCanEndWords, w) || dotted_acronym(w)) return Abbr::kCanEnd;
    if (w.size() == 1 && upper_letter(b)) return Abbr::kInitial;
    return Abbr::kNone;
  }

  struct Decision {
    bool split = false;
    bool weak = false;  // no split because of an abbreviation/initial/ellipsis
  };

  // Decides on the stop run ending at run_end when the next token begins at k.
  Decision decide(size_t run_end, bool question, size_t dots, size_t k) const {
    if (question) return {plausible_start(k), false};
    if (dots >= 2) {
      const bool split = upper_start(k);
      return {split, !split};
    }
    const size_t dot = run_end - 1;
    const Abbr a = abbreviation(dot, k);
    switch (a) {
      case Abbr::kNone:
        return {plausible_start(k), false};
      case Abbr::kEtc: {
        const bool split = plausible_start(k);
        return {split, !split};
      }
      case Abbr::kTitle:
      case Abbr::kNeverFinal:
      case Abbr::kNumberPrefix:
      case Abbr::kListMarker:
        return {false, true};
      case Abbr::kCanEnd:
      case Abbr::kInitial: {
        const bool split = !is_digit(at(k)) && starter_word(k);
        return {split, !split};
      }
    }
    return {};
  }

  // Handles the stop run starting at i; returns where scanning resumes.
  size_t stop(size_t i) {
    size_t j = i;
    bool question = false;
    size_t dots = 0;
    while (j < n_ && is_stop(at(j))) {
      if (at(j) == '.') {
        ++dots;
      } else {
        question = true;
      }
      ++j;
    }
    const size_t run_end = j;
    j = skip_footnotes(skip_closers(j));
    if (j >= n_) return n_;
    if (!is_space(at(j))) return run_end;  // "3.5", "example.com", "?!x"
    size_t k = j;
    int nl = 0;
    while (k < n_ && is_space(at(k))) nl += at(k++) == '\n';
    if (k >= n_) return k;
    if (!cur_alnum_) {  // bare punctuation cannot end a sentence
      if (nl > 0) line_break(j, k, nl, Final::kNone);
      return k;
    }
    const Decision d = decide(run_end, question, dots, k);
    if (nl == 0) {
      if (d.split) finish(j, false);
      return k;
    }
    line_break(j, k, nl, d.split || !d.weak ? Final::kStrong : Final::kWeak);
    return k;
  }

  // A list marker at line start p.
  bool list_item(size_t p) const {
    const unsigned char c = at(p);
    if ((c == '-' || c == '*' || c == '+') && at(p + 1) == ' ') return true;
    if (c == 0xE2) {  // • ‣ ▪ ■ ► ● ◦
      const unsigned char c1 = at(p + 1), c2 = at(p + 2);
      const bool bullet = (c1 == 0x80 && (c2 == 0xA2 || c2 == 0xA3)) ||
                          (c1 == 0x96 && (c2 == 0xAA || c2 == 0xA0 || c2 == 0xBA)) ||
                          (c1 == 0x97 && (c2 == 0x8F || c2 == 0xA6));
      return bullet && at(p + 3) == ' ';
    }
    if (c == 0xC2 && at(p + 1) == 0xB7) return at(p + 2) == ' ';  // ·
    size_t q = p;
    while (q < n_ && q - p < 4 && is_digit(at(q))) ++q;
    if (q > p && q - p <= 3 && (at(q) == '.' || at(q) == ')') && at(q + 1) == ' ') return true;
    if (is_ascii_alpha(c) && at(p + 1) == ')' && at(p + 2) == ' ') return true;
    if (c == '(') {
      q = p + 1;
      while (q < n_ && q - p <= 4 && (is_ascii_alpha(at(q)) || is_digit(at(q)))) ++q;
      if (q > p + 1 && at(q) == ')' && at(q + 1) == ' ') return true;
    }
    return false;
  }

  // Last word of [b, e) is a function word, or the line ends in "," ";".
  bool dangling(size_t b, size_t e) const {
    if (e <= b) return false;
    if (at(e - 1) == ',' || at(e - 1) == ';') return true;
    size_t s = e;
    while (s > b && e - s < 16 && is_ascii_alpha(at(s - 1))) --s;
    if (s > b && !is_space(at(s - 1))) return false;
    char buf[24];
    const string_view w = lower_word(t_, s, e, buf);
    return !w.empty() && contains(kFunctionWords, w);
  }

  // The open sentence already crossed a hard wrap and this line is long: the
  // text is wrapped, so a capital on the next line is a name, not a start.
  bool wrapped_block(size_t end) const {
    return cur_ < line_start_ && end - line_start_ >= kMinWrappedLine;
  }

  // The line part [b, e) (no final punctuation) looks like a heading.
  bool heading_like(size_t b, size_t e) const {
    while (e > b && is_space(at(e - 1))) --e;
    if (e <= b || e - b > 150) return false;
    const unsigned char last = at(e - 1);
    if (last == ',' || last == ';' || last == '-') return false;
    size_t p = b;
    if (at(p) == '#') {
      while (p < e && at(p) == '#') ++p;
      return p < e && at(p) == ' ';
    }
    while (p < e && (at(p) == '*' || at(p) == '_')) ++p;
    p = skip_openers(p);
    if (p >= e || !(upper_letter(p) || is_digit(at(p)))) return false;
    if (dangling(b, e)) return false;
    size_t words = 0, content = 0, lower_content = 0, letters = 0, upper_letters = 0;
    size_t k = p;
    while (k < e) {
      while (k < e && is_space(at(k))) ++k;
      if (k >= e) break;
      const size_t ws = k;
      while (k < e && !is_space(at(k))) {
        if (is_ascii_alpha(at(k))) {
          ++letters;
          upper_letters += upper_letter(k);
        }
        ++k;
      }
      if (++words > 12) return false;
      char buf[24];
      size_t fl = ws;  // first letter or digit of the word
      while (fl < k && !(is_ascii_alpha(at(fl)) || is_digit(at(fl)) || at(fl) >= 0x80)) ++fl;
      size_t we = fl;
      while (we < k && is_ascii_alpha(at(we))) ++we;
      const string_view w = lower_word(t_, fl, we, buf);
      if (!w.empty() && contains(kFunctionWords, w)) continue;
      ++content;
      if (fl < k && lower_letter(fl)) ++lower_content;
    }
    if (letters >= 2 && upper_letters == letters) return true;  // ALL CAPS
    if (words <= 3) return true;
    return lower_content * 4 <= content;
  }

  // A line break: the line (or the stop run) ended at `end`, the next line
  // starts at k after `nl` line breaks; `fin` says how the line ended.
  void line_break(size_t end, size_t k, int nl, Final fin) {
    const bool next_list = list_item(k);
    bool split = false, para = false;
    if (cur_ == kNoPos) {
      para = nl >= 2;
    } else if (nl >= 2) {
      split = para = true;
    } else {
      const size_t seg = std::max(cur_, line_start_);
      // Only a whole line can be a heading, not the tail after a stop
      // ("...regions. It gave\n") nor a wrapped continuation.
      const bool heading = fin == Final::kNone && cur_ == line_start_ && heading_like(seg, end);
      if (next_list) {
        split = true;
        para = fin != Final::kNone || heading || block_is_list_;
      } else if (fin == Final::kStrong) {
        split = para = true;
      } else if (fin == Final::kWeak) {
        split = false;  // hard wrap after "U.S." or "..."
      } else if (!heading && (continues(k) || dangling(seg, end) || wrapped_block(end))) {
        split = false;  // hard wrap
      } else {
        split = true;
        para = heading || block_is_list_;
      }
    }
    if (split) finish(end, para);
    if (cur_ == kNoPos) {
      if (para) pending_para_ = true;
      block_is_list_ = next_list;
    }
    line_start_ = k;
  }

  // Ends the current sentence at `end`; `para` ends its paragraph too.
  void finish(size_t end, bool para) {
    while (end > cur_ && is_space(at(end - 1))) --end;
    if (pending_para_ && !out_.empty()) ++paragraph_;
    pending_para_ = false;
    size_t b = cur_;
    // Over-long sentences: cut at the last space within the limit, else at
    // the limit, backing off at most 3 bytes to a UTF-8 lead byte.
    while (end - b > kMaxSentenceBytes) {
      const size_t lim = b + kMaxSentenceBytes;
      size_t s = lim;
      while (s > b && !is_space(at(s))) --s;
      size_t piece_end, next;
      if (s > b) {
        piece_end = s;
        while (piece_end > b && is_space(at(piece_end - 1))) --piece_end;
        next = s;
        while (next < end && is_space(at(next))) ++next;
      } else {
        piece_end = lim;
        for (int r = 0; r < 3 && (at(piece_end) & 0xC0) == 0x80; ++r) --piece_end;
        next = piece_end;
      }
      push(b, piece_end);
      b = next;
    }
    if (end > b) push(b, end);
    cur_ = kNoPos;
    if (para) pending_para_ = true;
  }

  // Appends a sentence. A paragraph that would grow past kMaxParagraphBytes
  // ends before it: paragraph-scope rules search the whole paragraph for
  // every sentence that triggers them, so one huge paragraph (a 50 MB line)
  // would cost time quadratic in its size.
  void push(size_t b, size_t e) {
    if (!out_.empty() && out_.back().paragraph == paragraph_ && e - paragraph_begin_ > kMaxParagraphBytes) {
      ++paragraph_;
    }
    if (out_.empty() || out_.back().paragraph != paragraph_) paragraph_begin_ = b;
    out_.push_back(Sentence{b, e, paragraph_});
  }

  const NormalizedText& norm_;
  const std::string& t_;
  const size_t n_;
  std::vector<Sentence> out_;
  size_t cur_ = kNoPos;         // begin of the open sentence
  bool cur_alnum_ = false;     // it has a letter or digit so far
  size_t line_start_ = 0;      // first byte of the current line
  bool block_is_list_ = false; // the open sentence's block began with a list marker
  size_t paragraph_ = 0;
  size_t paragraph_begin_ = 0;  // begin of the first sentence of paragraph_
  bool pending_para_ = false;  // next sentence starts a new paragraph
};

}  // namespace

std::vector<Sentence> segment_text(const NormalizedText& norm) { return Splitter(norm).run(); }

void segment(Document& doc) { doc.sentences = segment_text(doc.norm); }

}  // namespace ttptag
