// Tests for pipeline/normalize: folds, NFKC + case folding, white space, the
// byte map back to the input, and robustness on arbitrary bytes.
#include "normalize.h"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ttptag {
namespace {

// UTF-8 for one code point (keeps tables readable and escapes unambiguous).
std::string U(int32_t cp) {
  uint8_t b[4];
  const auto n = utf8proc_encode_char(cp, b);
  return std::string(reinterpret_cast<const char*>(b), static_cast<size_t>(n));
}

std::string Norm(std::string_view in) { return normalize_text(in).text; }

bool ValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    int32_t cp = 0;
    const auto r = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (r <= 0 || !utf8proc_codepoint_valid(cp)) return false;
    i += static_cast<size_t>(r);
  }
  return true;
}

// Sizes agree, maps are monotone, each range is non-empty and inside the input.
void ExpectMapInvariants(std::string_view in, const NormalizedText& n) {
  ASSERT_EQ(n.orig_begin.size(), n.text.size());
  ASSERT_EQ(n.orig_end.size(), n.text.size());
  ASSERT_EQ(n.flags.size(), n.text.size());
  for (size_t i = 0; i < n.text.size(); ++i) {
    ASSERT_LT(n.orig_begin[i], n.orig_end[i]) << "byte " << i;
    ASSERT_LE(n.orig_end[i], in.size()) << "byte " << i;
    if (i > 0) {
      ASSERT_LE(n.orig_begin[i - 1], n.orig_begin[i]) << "byte " << i;
      ASSERT_LE(n.orig_end[i - 1], n.orig_end[i]) << "byte " << i;
    }
  }
}

// A span may start at byte b when b begins a new source character: its
// range starts where the previous byte's range ended (or later).
bool StartsSource(const NormalizedText& n, size_t b) {
  return b == 0 || n.orig_begin[b] >= n.orig_end[b - 1];
}

bool IsSpace(char c) { return c == ' ' || c == '\n'; }

// The map property the evidence writer relies on: any normalized span that
// starts and ends on whole non-space source characters maps to original
// bytes that normalize to exactly that span.
void ExpectSpansRoundTrip(std::string_view in) {
  const NormalizedText n = normalize_text(in);
  const size_t size = n.text.size();
  for (size_t b = 0; b < size; ++b) {
    if (IsSpace(n.text[b]) || !StartsSource(n, b)) continue;
    for (size_t e = b + 1; e <= size; ++e) {
      if (IsSpace(n.text[e - 1]) || (e < size && !StartsSource(n, e))) continue;
      const auto [ob, oe] = n.to_original(b, e);
      ASSERT_EQ(Norm(in.substr(ob, oe - ob)), n.text.substr(b, e - b))
          << "input '" << in << "' span [" << b << "," << e << ")";
    }
  }
}

struct Case {
  std::string in;
  std::string want;
};

void ExpectTable(const std::vector<Case>& cases) {
  for (const auto& c : cases) EXPECT_EQ(Norm(c.in), c.want) << "input: '" << c.in << "'";
}

// --- folds -----------------------------------------------------------------

TEST(Normalize, FoldsCurlyApostrophe) {
  const std::string in = "don" + U(0x2019) + "t";
  const NormalizedText n = normalize_text(in);
  EXPECT_EQ(n.text, "don't");
  // The ' comes from the 3-byte U+2019 at [3,6).
  EXPECT_EQ(n.orig_begin[3], 3u);
  EXPECT_EQ(n.orig_end[3], 6u);
  EXPECT_EQ(n.orig_begin[4], 6u);
}

TEST(Normalize, FoldsSingleQuoteLikes) {
  for (int32_t cp : {0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x0060, 0x00B4}) {
    EXPECT_EQ(Norm("a" + U(cp) + "b"), "a'b") << std::hex << cp;
    EXPECT_EQ(Norm(U(cp)), "'") << std::hex << cp;  // also with no neighbours
  }
}

TEST(Normalize, FoldsDoubleQuoteLikes) {
  // U+2033 would become two primes under NFKC: the fold must come first.
  for (int32_t cp : {0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB}) {
    EXPECT_EQ(Norm("a" + U(cp) + "b"), "a\"b") << std::hex << cp;
  }
}

TEST(Normalize, FoldsDashes) {
  for (int32_t cp : {0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212}) {
    EXPECT_EQ(Norm("1" + U(cp) + "2"), "1-2") << std::hex << cp;
  }
}

TEST(Normalize, FoldsEllipsisToThreeDotsMappedToOneChar) {
  const NormalizedText n = normalize_text("so" + U(0x2026) + "x");
  EXPECT_EQ(n.text, "so...x");
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(n.orig_begin[i], 2u);
    EXPECT_EQ(n.orig_end[i], 5u);
  }
}

TEST(Normalize, FoldsUnicodeSpaces) {
  std::vector<int32_t> spaces = {0x00A0, 0x202F, 0x205F, 0x3000};
  for (int32_t cp = 0x2000; cp <= 0x200A; ++cp) spaces.push_back(cp);
  for (int32_t cp : spaces) {
    EXPECT_EQ(Norm("a" + U(cp) + "b"), "a b") << std::hex << cp;
    EXPECT_EQ(Norm("a " + U(cp) + " b"), "a b") << std::hex << cp;  // collapsed
  }
}

TEST(Normalize, FoldsWhatNfkcProduces) {
  ExpectTable({
      {"a" + U(0xFE58) + "b", "a-b"},   // small em dash -> U+2014 -> '-'
      {"a" + U(0xFF02) + "b", "a\"b"},  // fullwidth quotation mark
      {"a" + U(0xFF40) + "b", "a'b"},   // fullwidth grave accent -> '`' -> '
  });
}

// --- NFKC and case folding -------------------------------------------------

TEST(Normalize, NfkcExpandsLigature) {
  const NormalizedText n = normalize_text(U(0xFB01) + "nd");  // ﬁnd
  EXPECT_EQ(n.text, "find");
  EXPECT_EQ(n.orig_begin[0], 0u);
  EXPECT_EQ(n.orig_end[1], 3u);  // both 'f' and 'i' map to the ligature
  EXPECT_EQ(n.orig_begin[2], 3u);
}

TEST(Normalize, NfkcFoldsFullwidthAndCompatibilityForms) {
  ExpectTable({
      {U(0xFF21) + U(0xFF42) + U(0xFF13), "ab3"},  // Ａｂ３
      {"x" + U(0x00B2), "x2"},                     // superscript two
      {U(0x2460), "1"},                            // circled one
      {U(0x2474), "(1)"},                          // parenthesized one
      {U(0x3392), "mhz"},                          // square MHz
  });
}

TEST(Normalize, CaseFoldsSharpSWithMap) {
  const NormalizedText n = normalize_text("Stra" + U(0x00DF) + "e");
  ASSERT_EQ(n.text, "strasse");
  const std::vector<uint32_t> begin = {0, 1, 2, 3, 4, 4, 6};
  const std::vector<uint32_t> end = {1, 2, 3, 4, 6, 6, 7};
  EXPECT_EQ(n.orig_begin, begin);
  EXPECT_EQ(n.orig_end, end);
  EXPECT_EQ(n.flags[0], NormalizedText::kUpper);
  EXPECT_EQ(n.flags[4], 0);
}

TEST(Normalize, CaseFoldsNonLatinScripts) {
  ExpectTable({
      {"\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90", "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"},  // МОСКВА
      {U(0x03A3) + U(0x03BF) + U(0x03C2), U(0x03C3) + U(0x03BF) + U(0x03C3)},  // Σος -> σοσ
      {"HELLO, World!", "hello, world!"},
  });
}

TEST(Normalize, AsciiKeepsIdentityMap) {
  const std::string in = "Hello, World! 42";
  const NormalizedText n = normalize_text(in);
  EXPECT_EQ(n.text, "hello, world! 42");
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(n.orig_begin[i], i);
    EXPECT_EQ(n.orig_end[i], i + 1);
  }
}

TEST(Normalize, ComposesBaseWithCombiningMark) {
  const NormalizedText n = normalize_text("cafe" + U(0x0301) + "!");
  EXPECT_EQ(n.text, "caf" + U(0x00E9) + "!");
  // Both bytes of é map to "e" + U+0301, bytes [3,6).
  EXPECT_EQ(n.orig_begin[3], 3u);
  EXPECT_EQ(n.orig_end[3], 6u);
  EXPECT_EQ(n.orig_begin[4], 3u);
  EXPECT_EQ(n.orig_end[4], 6u);
  EXPECT_EQ(n.orig_begin[5], 6u);
}

TEST(Normalize, ReordersAndComposesMultipleMarks) {
  ExpectTable({
      // circumflex + dot below: reordered, then composed to U+1EAD.
      {"a" + U(0x0302) + U(0x0323), U(0x1EAD)},
      // no precomposed form: canonical order only.
      {"q" + U(0x0307) + U(0x0323), "q" + U(0x0323) + U(0x0307)},
      // uppercase base with mark: fold and compose.
      {"E" + U(0x0301), U(0x00E9)},
      // a mark after white space has no base and stays as it is.
      {"a " + U(0x0301), "a " + U(0x0301)},
  });
}

TEST(Normalize, ComposesHangulJamo) {
  EXPECT_EQ(Norm(U(0x1100) + U(0x1161)), U(0xAC00));
  EXPECT_EQ(Norm(U(0x1100) + U(0x1161) + U(0x11A8)), U(0xAC01));
}

// --- invalid UTF-8 and dropped characters ------------------------------------

TEST(Normalize, ReplacesInvalidUtf8WithOneWarning) {
  std::vector<Warning> w;
  const NormalizedText n = normalize_text(std::string("a\xFF" "b\xC3"), &w);
  EXPECT_EQ(n.text, "a" + U(0xFFFD) + "b" + U(0xFFFD));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "invalid-utf8");
  EXPECT_NE(w[0].message.find('2'), std::string::npos) << w[0].message;  // count
  EXPECT_NE(w[0].message.find("byte 1"), std::string::npos) << w[0].message;  // offset
  // The first U+FFFD maps to the single bad byte.
  EXPECT_EQ(n.orig_begin[1], 1u);
  EXPECT_EQ(n.orig_end[1], 2u);
}

TEST(Normalize, EachInvalidByteIsOneReplacement) {
  const std::string r = U(0xFFFD);
  ExpectTable({
      {"\xC0\xAF", r + r},                  // overlong '/'
      {"\xE0\x80\xAF", r + r + r},          // overlong, 3 bytes
      {"\xED\xA0\x80", r + r + r},          // UTF-16 surrogate D800
      {"\xF5\x80\x80\x80", r + r + r + r},  // beyond U+10FFFF
      {"x\xE2\x82", "x" + r + r},           // truncated at the end
      {"\x80", r},                          // lone continuation byte
  });
}

TEST(Normalize, NoWarningForValidInput) {
  std::vector<Warning> w;
  normalize_text("caf" + U(0x00E9) + " " + U(0x1F600), &w);
  EXPECT_TRUE(w.empty());
}

TEST(Normalize, DropsNulAndControls) {
  const std::string in = std::string("a\0b\x01" "c\x7F" "d", 7) + U(0x0080) + "e" + U(0x009F);
  const NormalizedText n = normalize_text(in);
  EXPECT_EQ(n.text, "abcde");
  EXPECT_EQ(n.orig_begin[1], 2u);  // 'b' after the NUL
}

TEST(Normalize, DropsZeroWidthAndSoftHyphen) {
  for (int32_t cp : {0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060, 0x00AD}) {
    const NormalizedText n = normalize_text("in" + U(cp) + "ter");
    EXPECT_EQ(n.text, "inter") << std::hex << cp;
    // The dropped char belongs to neither neighbour.
    EXPECT_EQ(n.orig_end[1], 2u) << std::hex << cp;
    EXPECT_EQ(n.orig_begin[2], 2u + U(cp).size()) << std::hex << cp;
  }
}

TEST(Normalize, DropsOtherDefaultIgnorables) {
  // Bidi marks and isolates, word joiner family, variation selector.
  for (int32_t cp : {0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069, 0x2061, 0xFE0F}) {
    EXPECT_EQ(Norm("ab" + U(cp) + "c"), "abc") << std::hex << cp;
  }
  // Format characters that are not default-ignorable stay.
  EXPECT_EQ(Norm("a" + U(0x0600) + "b"), "a" + U(0x0600) + "b");
}

TEST(Normalize, DropsLeadingByteOrderMark) {
  const NormalizedText n = normalize_text(U(0xFEFF) + "Title");
  EXPECT_EQ(n.text, "title");
  EXPECT_EQ(n.orig_begin[0], 3u);
}

// --- white space -------------------------------------------------------------

TEST(Normalize, TreatsCrLfAndLoneCrAsLineBreaks) {
  ExpectTable({
      {"a\r\nb", "a\nb"},
      {"a\rb", "a\nb"},
      {"a\r\n\r\nb", "a\n\nb"},
      {"a\r\rb", "a\n\nb"},
      {"a\n\rb", "a\n\nb"},  // LF then lone CR: two breaks
  });
}

TEST(Normalize, CollapsesWhiteSpaceRuns) {
  ExpectTable({
      {"a  b", "a b"},
      {"a\t \tb", "a b"},
      {"a  \n  b", "a\nb"},
      {"a\n\n\nb", "a\n\nb"},
      {"a \n \t\n b", "a\n\nb"},
      {"a\vb\fc", "a b c"},
  });
}

TEST(Normalize, TrimsLeadingAndTrailingWhiteSpace) {
  const NormalizedText n = normalize_text("  \n\t Hi there \n\n ");
  EXPECT_EQ(n.text, "hi there");
  EXPECT_EQ(n.orig_begin[0], 5u);
}

TEST(Normalize, WhiteSpaceRunMapsToWholeRun) {
  const NormalizedText n = normalize_text("ab \n\n  cd");
  ASSERT_EQ(n.text, "ab\n\ncd");
  for (size_t i : {2u, 3u}) {
    EXPECT_EQ(n.orig_begin[i], 2u);
    EXPECT_EQ(n.orig_end[i], 7u);
  }
}

TEST(Normalize, UnicodeLineAndParagraphSeparators) {
  ExpectTable({
      {"a" + U(0x2028) + "b", "a\nb"},
      {"a" + U(0x2029) + "b", "a\n\nb"},
      {"a" + U(0x0085) + "b", "a\nb"},
      {"a" + U(0x00A0) + "\n" + U(0x3000) + "b", "a\nb"},
  });
}

TEST(Normalize, SpacesFromNfkcJoinTheRun) {
  // U+00A8 is NFKC " " + U+0308: the space merges with the real one.
  const NormalizedText n = normalize_text("a " + U(0x00A8));
  EXPECT_EQ(n.text, "a " + U(0x0308));
  ExpectMapInvariants("a " + U(0x00A8), n);
}

// --- flags -------------------------------------------------------------------

TEST(Normalize, FlagsUpperAndTitlecaseSources) {
  const std::string in = "Ab " + U(0x00C9) + "t" + U(0x01C5) + U(0x00DF) + U(0x1E9E);  // É, ǅ, ß, ẞ
  const NormalizedText n = normalize_text(in);
  // NFKC splits the titlecase ǅ into "d" + "ž"; all three bytes keep the flag.
  ASSERT_EQ(n.text, "ab " + U(0x00E9) + "td" + U(0x017E) + "ssss");
  const uint8_t U1 = NormalizedText::kUpper;
  const std::vector<uint8_t> want = {U1, 0, 0, U1, U1, 0, U1, U1, U1, 0, 0, U1, U1};
  EXPECT_EQ(n.flags, want);
}

// --- the map -----------------------------------------------------------------

const std::vector<std::string>& Samples() {
  static const std::vector<std::string> s = {
      "Hello, World!",
      "The  \"quick\"\tbrown \r\n\r\n fox\xE2\x80\xA6 jumps",
      "Stra" + U(0x00DF) + "e und " + U(0xFB01) + "nale",
      "cafe" + U(0x0301) + " " + U(0x201C) + "quoted" + U(0x201D) + " " + U(0x2014) + " end",
      std::string("bad\xFF" "bytes\xC3(x)\xE2\x82"),
      "in" + U(0x00AD) + "ter" + U(0x200B) + "national\x01 co" + U(0x200D) + U(0x0301) + "op",
      "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 " + U(0xFF21) + U(0xFF22) + " x" + U(0x00B2),
      U(0x00A8) + "a" + U(0x00A0) + U(0x00A0) + "b" + U(0xFDFA) + "c",
      "q" + U(0x0307) + U(0x0323) + "r " + U(0x1100) + U(0x1161) + U(0x11A8) + "!",
      "a\rb\nc\r\nd" + U(0x2029) + "e" + U(0x2028) + "f",
      std::string("nul\0inside", 10),
  };
  return s;
}

TEST(Normalize, SampleMapsAreMonotoneAndInBounds) {
  for (const auto& in : Samples()) ExpectMapInvariants(in, normalize_text(in));
}

TEST(Normalize, SpansRoundTripThroughTheMap) {
  for (const auto& in : Samples()) ExpectSpansRoundTrip(in);
}

TEST(Normalize, IsIdempotentOnSamples) {
  for (const auto& in : Samples()) {
    const std::string once = Norm(in);
    EXPECT_EQ(Norm(once), once) << in;
  }
}

TEST(Normalize, RandomBytesKeepInvariants) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> len(0, 40);
  // Bias towards bytes that matter: ASCII, white space, UTF-8 lead and
  // continuation bytes.
  const std::string alphabet = std::string("aZ \n\r\t\0`", 8) +
                               "\x80\x8F\xA0\xBF\xC2\xC3\xCC\xE2\xED\xEF\xF0\xF4\xF5\xFF";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> any(0, 255);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string in;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) {
      in.push_back(iter % 2 ? alphabet[pick(rng)] : static_cast<char>(any(rng)));
    }
    std::vector<Warning> w;
    const NormalizedText out = normalize_text(in, &w);
    ASSERT_TRUE(ValidUtf8(out.text)) << "iteration " << iter;
    ExpectMapInvariants(in, out);
    ASSERT_LE(w.size(), 1u);
    if (HasFatalFailure()) return;
  }
}

TEST(Normalize, RandomUnicodePiecesRoundTripSpans) {
  // Pieces that interact: marks after bases, after spaces and after
  // dropped characters; folds; expansions; invalid bytes.
  const std::vector<std::string> pieces = {
      "a", "Z", "e", " ", "\n", "\r", "\t", "`", "'", U(0x0301), U(0x0323), U(0x00DF),
      U(0x00C9), U(0xFB01), U(0x2019), U(0x2033), U(0x00B4), U(0x2026), U(0x00A0),
      U(0x200B), U(0x200D), U(0x00AD), U(0x2014), U(0x00A8), U(0x1100), U(0x1161),
      U(0x0130), U(0x01C5), U(0xFF21), "\xFF", "\xC3", "\x80", U(0x2029), U(0xFE0F),
  };
  std::mt19937 rng(777);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> len(1, 10);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string in;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) in += pieces[pick(rng)];
    const NormalizedText out = normalize_text(in);
    ASSERT_TRUE(ValidUtf8(out.text));
    ExpectMapInvariants(in, out);
    ExpectSpansRoundTrip(in);
    if (HasFatalFailure()) return;
  }
}

TEST(Normalize, AllTwoByteInputsAreSafe) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const char in[2] = {static_cast<char>(a), static_cast<char>(b)};
      const NormalizedText out = normalize_text(std::string_view(in, 2));
      ASSERT_TRUE(ValidUtf8(out.text)) << a << " " << b;
      ExpectMapInvariants(std::string_view(in, 2), out);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(Normalize, LongMarkRunsStayBoundedAndValid) {
  std::string in = "a";
  for (int k = 0; k < 5000; ++k) in += U(k % 2 ? 0x0301 : 0x0323);
  in += " end";
  const NormalizedText out = normalize_text(in);
  ASSERT_TRUE(ValidUtf8(out.text));
  ExpectMapInvariants(in, out);
  EXPECT_EQ(out.text.substr(out.text.size() - 4), " end");
}

// --- the Document stage ---------------------------------------------------------

TEST(Normalize, DocumentStageFillsNorm) {
  Document doc;
  doc.text = "Hello\xE2\x80\x94World";
  normalize(doc);
  EXPECT_EQ(doc.norm.text, "hello-world");
  EXPECT_TRUE(doc.warnings.empty());
}

TEST(Normalize, WarnsOnEmptyInput) {
  for (const std::string& text : {std::string(), std::string(" \n\t\r\n"), U(0x200B) + U(0x00A0),
                                  std::string("\0\0", 2)}) {
    Document doc;
    doc.text = text;
    normalize(doc);
    EXPECT_TRUE(doc.norm.text.empty());
    ASSERT_EQ(doc.warnings.size(), 1u);
    EXPECT_EQ(doc.warnings[0].code, "empty-input");
  }
}

TEST(Normalize, TooLargeInputIsCutAtCharacterBoundary) {
  std::vector<Warning> w;
  // The limit falls inside the 2-byte é: the whole é is left out.
  const std::string in = "abc" + U(0x00E9) + "def";
  const NormalizedText n = detail::normalize_text_limited(in, &w, 4);
  EXPECT_EQ(n.text, "abc");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "too-large");
  // Under the limit: no warning.
  w.clear();
  EXPECT_EQ(detail::normalize_text_limited(in, &w, in.size()).text, "abc" + U(0x00E9) + "def");
  EXPECT_TRUE(w.empty());
}

}  // namespace
}  // namespace ttptag
