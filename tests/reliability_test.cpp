// Hostile inputs and "nothing lost" (issue 10, parts 3 and 4): every input
// yields one record with a clear error or warning naming it, the batch goes
// on, counts add up, and a stopped batch resumes without duplicating or
// skipping a document. The CLI side (signals, FILE.partial, --resume,
// --summary) is in tests/cli/hostile_inputs.sh, resume.sh and interrupt.sh.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "batch.h"
#include "normalize.h"
#include "read.h"
#include "read_html.h"
#include "rules.h"
#include "segment.h"
#include "tagger.h"
#include "test_util.h"
#include "write.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test (CTest runs tests in parallel processes).
fs::path test_dir() {
  fs::path dir = fs::path(::testing::TempDir()) /
                 ("reliability_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

bool has_warning(const Document& doc, const std::string& code, std::string* message = nullptr) {
  for (const auto& w : doc.warnings) {
    if (w.code == code) {
      if (message) *message = w.message;
      return true;
    }
  }
  return false;
}

// UTF-16 code units as little- or big-endian bytes.
std::string utf16(const std::vector<uint16_t>& units, bool big_endian) {
  std::string out;
  for (uint16_t u : units) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  }
  return out;
}

using ReliabilityTest = testing::GoodRulesTest;

// ---- encodings and bytes -------------------------------------------------------

TEST(Hostile, Utf16WithBomIsDecodedWithAWarning) {
  const fs::path dir = test_dir();
  // "Voters " U+1F600 (a surrogate pair) " café"
  const std::vector<uint16_t> units = {0xFEFF, 'V', 'o', 't', 'e', 'r', 's', ' ', 0xD83D, 0xDE00,
                                       ' ',    'c', 'a', 'f', 0x00E9};
  const std::string expected = "Voters \xF0\x9F\x98\x80 caf\xC3\xA9";
  for (bool be : {false, true}) {
    Document doc = read_file(write_file(dir / (be ? "be.txt" : "le.txt"), utf16(units, be)));
    ASSERT_TRUE(doc.error.empty()) << doc.error;
    EXPECT_EQ(doc.text, expected);
    std::string msg;
    ASSERT_TRUE(has_warning(doc, "transcoded", &msg));
    EXPECT_NE(msg.find(be ? "UTF-16BE" : "UTF-16LE"), std::string::npos) << msg;
    EXPECT_NE(msg.find("offsets index the decoded UTF-8 text"), std::string::npos) << msg;
    EXPECT_FALSE(has_warning(doc, "binary-input")) << "decoded text is not binary";
  }
  // HTML and JSON files are decoded before they are parsed.
  std::vector<uint16_t> page = {0xFEFF};
  for (char ch : std::string("<html><body><p>Caf\xE9</p></body></html>")) {
    page.push_back(static_cast<unsigned char>(ch));
  }
  Document html = read_document(write_file(dir / "page.html", utf16(page, false)), ReadOptions{});
  EXPECT_EQ(html.text, "Caf\xC3\xA9");
  EXPECT_TRUE(has_warning(html, "transcoded"));
  std::vector<uint16_t> item = {0xFEFF};
  for (char ch : std::string("{\"id\": \"x\", \"text\": \"hi\"}")) {
    item.push_back(static_cast<unsigned char>(ch));
  }
  Document json = read_document(write_file(dir / "item.json", utf16(item, true)), ReadOptions{});
  EXPECT_EQ(json.source, "x");
  EXPECT_EQ(json.text, "hi");
  EXPECT_TRUE(has_warning(json, "transcoded"));
  // UTF-32LE: its BOM starts like UTF-16LE's.
  std::string u32 = std::string("\xFF\xFE\0\0", 4) + std::string("A\0\0\0", 4);
  Document doc32 = read_file(write_file(dir / "u32.txt", u32));
  EXPECT_EQ(doc32.text, "A");
  std::string msg;
  ASSERT_TRUE(has_warning(doc32, "transcoded", &msg));
  EXPECT_NE(msg.find("UTF-32LE"), std::string::npos) << msg;
}

TEST(Hostile, BrokenUtf16BecomesReplacementCharactersNotAnError) {
  // 'A', a lone high surrogate, 'B', then one odd trailing byte.
  std::string bytes = utf16({0xFEFF, 'A', 0xD800, 'B'}, false) + "x";
  Document doc = read_file(write_file(test_dir() / "broken16.txt", bytes));
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  EXPECT_EQ(doc.text, "A\xEF\xBF\xBD" "B\xEF\xBF\xBD");
  std::string msg;
  ASSERT_TRUE(has_warning(doc, "transcoded", &msg));
  EXPECT_NE(msg.find("2 code units did not decode"), std::string::npos) << msg;
}

TEST_F(ReliabilityTest, NulBytesAreFlaggedAndTheTextAfterThemIsTagged) {
  static const char kBytes[] = "Intro.\0\0 Accounts were posing as U.S. voters.\0";
  const std::string bytes(kBytes, sizeof kBytes - 1);
  Document doc = read_file(write_file(test_dir() / "nul.txt", bytes));
  ASSERT_EQ(doc.text.size(), bytes.size()) << "nothing is cut at a NUL";
  std::string msg;
  ASSERT_TRUE(has_warning(doc, "nul-bytes", &msg));
  EXPECT_NE(msg.find("3 NUL bytes"), std::string::npos) << msg;
  tagger_->run(doc);
  ASSERT_FALSE(doc.tags.empty()) << "the sentence after the NULs is matched";
  const Evidence& ev = doc.tags[0].evidence.at(0);
  EXPECT_EQ(bytes.substr(ev.start, ev.end - ev.start), "posing as U.S. voters");
}

TEST_F(ReliabilityTest, CrlfAndLoneCrKeepOffsetsIntoTheFile) {
  for (const std::string eol : {"\r\n", "\r"}) {
    const std::string bytes = "A heading" + eol + eol + "Accounts were posing as U.S. voters online." + eol +
                              "Then bots amplified the hashtag widely." + eol;
    Document doc = read_file(write_file(test_dir() / "eol.txt", bytes));
    ASSERT_EQ(doc.text, bytes);
    tagger_->run(doc);
    ASSERT_EQ(doc.sentences.size(), 3u) << "line ends split sentences, eol " << eol.size();
    ASSERT_FALSE(doc.tags.empty());
    for (const auto& tag : doc.tags) {
      for (const auto& ev : tag.evidence) {
        EXPECT_EQ(bytes.substr(ev.start, ev.end - ev.start), ev.text);
        EXPECT_EQ(ev.sentence_text.find('\r'), std::string::npos) << ev.sentence_text;
        EXPECT_NE(bytes.find(ev.sentence_text), std::string::npos) << "the context is the file's bytes";
      }
    }
  }
}

TEST(Hostile, EmptyBinaryAndUnboundedInputs) {
  const fs::path dir = test_dir();
  Document empty = read_file(write_file(dir / "empty.txt", ""));
  EXPECT_TRUE(empty.error.empty());
  EXPECT_TRUE(empty.text.empty());

  // A source with no size (a device) is read only up to the document limit.
  Document zero = read_file("/dev/zero");
  EXPECT_NE(zero.error.find("/dev/zero"), std::string::npos);
  EXPECT_NE(zero.error.find("MiB document limit"), std::string::npos) << zero.error;
  EXPECT_TRUE(zero.text.empty());
}

TEST(Hostile, UnreadableFileAndFolderAreErrorsNamingThem) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "running as root, which reads files whatever their mode; "
                    "tests/cli/hostile_inputs.sh checks this as user nobody";
  }
  const fs::path dir = test_dir();
  const std::string locked = write_file(dir / "in" / "locked.txt", "secret");
  write_file(dir / "in" / "closed" / "a.txt", "x");
  fs::permissions(locked, fs::perms::none);
  fs::permissions(dir / "in" / "closed", fs::perms::none);
  Document doc = read_file(locked);
  EXPECT_EQ(doc.error, "cannot read " + locked + ": permission denied");
  InputList list = expand_inputs({(dir / "in").string()});
  fs::permissions(dir / "in" / "closed", fs::perms::owner_all);
  ASSERT_EQ(list.errors.size(), 1u);
  EXPECT_NE(list.errors[0].second.find("closed: permission denied"), std::string::npos) << list.errors[0].second;
}

// ---- size and structure -------------------------------------------------------

TEST(Hostile, HugeLineWithoutPunctuationIsCappedAtCharacterBoundaries) {
  // 3 MB of words with no punctuation or line end, then 1 MB of a two-byte
  // letter with no space at all (cut anywhere: only at character starts).
  std::string text;
  while (text.size() < 3'000'000) text += "accounts were posing as voters across many platforms ";
  std::string nospace;
  while (nospace.size() < 1'000'000) nospace += "\xC3\xA9";
  text += nospace;
  const NormalizedText norm = normalize_text(text);
  const auto sentences = segment_text(norm);
  ASSERT_GT(sentences.size(), 900u);
  size_t covered = 0, paragraph_begin = 0, paragraph = 0;
  for (const auto& s : sentences) {
    ASSERT_LE(s.end - s.begin, kMaxSentenceBytes);
    ASSERT_GT(s.end, s.begin);
    ASSERT_NE(static_cast<unsigned char>(norm.text[s.begin]) & 0xC0, 0x80) << "starts inside a character";
    if (s.end < norm.text.size()) {
      ASSERT_NE(static_cast<unsigned char>(norm.text[s.end]) & 0xC0, 0x80) << "ends inside a character";
    }
    if (s.paragraph != paragraph) {
      ASSERT_EQ(s.paragraph, paragraph + 1);
      paragraph = s.paragraph;
      paragraph_begin = s.begin;
    }
    ASSERT_LE(s.end - paragraph_begin, kMaxParagraphBytes);
    covered += s.end - s.begin;
  }
  EXPECT_GT(paragraph, 40u) << "a 4 MB line is split into paragraphs of at most 64 KiB";
  // Only the spaces at the cuts are left out.
  EXPECT_GE(covered + sentences.size(), norm.text.size());
}

TEST(Hostile, DeeplyNestedHtmlIsFlattenedWithAWarning) {
  std::string deep = "<html><body>";
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "Accounts were posing as voters.";
  for (int i = 0; i < 100000; ++i) deep += "</div>";
  deep += "<p>After the divs.</p></body></html>";
  Document doc = html_to_document(deep, "deep.html");
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  EXPECT_EQ(doc.text, "Accounts were posing as voters.\n\nAfter the divs.");
  std::string msg;
  ASSERT_TRUE(has_warning(doc, "html-too-deep", &msg));
  EXPECT_NE(msg.find("512 levels"), std::string::npos) << msg;

  // Unclosed formatting elements nest too (gumbo keeps them open).
  std::string formatting = "<body>";
  for (int i = 0; i < 50000; ++i) formatting += "<b><i><span>";
  formatting += "text";
  Document f = html_to_document(formatting, "f.html");
  EXPECT_EQ(f.text, "text");
  EXPECT_TRUE(has_warning(f, "html-too-deep"));
}

TEST(Hostile, SloppyButShallowHtmlIsNotFlagged) {
  // Thousands of unclosed <p>, <li> and <td>, spans left open inside closed
  // divs, stray end tags, markup inside script: none of it is deep.
  std::string page = "<html><body><table><tr>";
  for (int i = 0; i < 3000; ++i) page += "<td>cell";
  page += "</table><ul>";
  for (int i = 0; i < 3000; ++i) page += "<li>item <p>para";
  page += "</ul>";
  for (int i = 0; i < 3000; ++i) page += "<div><span>open span</div></b></i>";
  page += "<script>for (i = 0; i < 9; i++) document.write('<div><div><div>');</script>";
  std::string nested;
  for (int i = 0; i < 400; ++i) nested += "<section>";
  page += nested + "deep enough" + "</body></html>";
  Document doc = html_to_document(page, "sloppy.html");
  ASSERT_TRUE(doc.error.empty());
  EXPECT_FALSE(has_warning(doc, "html-too-deep")) << doc.warnings.front().message;
  EXPECT_NE(doc.text.find("deep enough"), std::string::npos);
}

TEST(Hostile, SymlinkLoopsInAFolderEndTheWalkWithWarningsAndErrors) {
  const fs::path dir = test_dir() / "corpus";
  write_file(dir / "a.txt", "x");
  write_file(dir / "sub" / "b.txt", "x");
  fs::create_directory_symlink("..", dir / "sub" / "up");   // a loop back to corpus/
  fs::create_directory_symlink(".", dir / "self");          // a loop to itself
  fs::create_directory_symlink("sub", dir / "zz-alias");    // the same folder again
  fs::create_symlink("loop.txt", dir / "loop.txt");          // a link to itself
  fs::create_symlink("nowhere.txt", dir / "dangling.txt");   // broken
  fs::create_symlink("nowhere", dir / "dangling-noext");     // broken, not a document name
  InputList list = expand_inputs({dir.string()});
  ASSERT_EQ(list.files.size(), 2u);
  EXPECT_EQ(list.files[0], (dir / "a.txt").string());
  EXPECT_EQ(list.files[1], (dir / "sub" / "b.txt").string());
  ASSERT_EQ(list.errors.size(), 2u);
  EXPECT_EQ(list.errors[0].first, (dir / "dangling.txt").string());
  EXPECT_NE(list.errors[0].second.find("broken symbolic link"), std::string::npos);
  EXPECT_EQ(list.errors[1].first, (dir / "loop.txt").string());
  EXPECT_NE(list.errors[1].second.find("symbolic link loop"), std::string::npos);
  std::string warnings;
  for (const auto& w : list.warnings) warnings += w + "\n";
  EXPECT_EQ(list.warnings.size(), 4u) << warnings;
  EXPECT_NE(warnings.find("self: skipped: a symbolic link loop back to folder"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("up: skipped: a symbolic link loop back to folder"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("zz-alias: skipped: the same folder as"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("dangling-noext: skipped: broken symbolic link"), std::string::npos) << warnings;
  // A looping link given explicitly is an error record when read.
  Document doc = read_file((dir / "loop.txt").string());
  EXPECT_NE(doc.error.find("symbolic link loop"), std::string::npos) << doc.error;
}

TEST(Hostile, TruncatedJsonlLineIsAnErrorWithItsLineAndReadingGoesOn) {
  std::istringstream in(
      "{\"id\": \"a\", \"text\": \"one\"}\n"
      "{\"id\": \"b\", \"text\": \"cut off in the mid\n"
      "{\"id\": \"c\", \"text\": \"three\"}\n"
      "{\"id\": \"d\", \"text\": \"also cut");
  JsonlReader reader(in, "feed.jsonl");
  std::vector<Document> docs;
  for (Document d; reader.next(&d);) docs.push_back(d);
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0].source, "a");
  EXPECT_EQ(docs[1].source, "feed.jsonl#2");
  EXPECT_NE(docs[1].error.find("feed.jsonl:2: not valid JSON: at byte"), std::string::npos) << docs[1].error;
  EXPECT_EQ(docs[1].error.find("truncated"), std::string::npos) << "a line with a line end is not truncated";
  EXPECT_EQ(docs[2].source, "c");
  EXPECT_TRUE(docs[2].error.empty());
  EXPECT_NE(docs[3].error.find("feed.jsonl:4: not valid JSON"), std::string::npos) << docs[3].error;
  EXPECT_NE(docs[3].error.find("may be truncated"), std::string::npos) << docs[3].error;
}

TEST(Hostile, Utf16JsonlIsOneClearError) {
  std::string bytes = utf16({0xFEFF, '{', '}', '\n', '{', '}', '\n'}, false);
  std::istringstream in(bytes);
  JsonlReader reader(in, "wide.jsonl");
  std::vector<Document> docs;
  for (Document d; reader.next(&d);) docs.push_back(d);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_NE(docs[0].error.find("wide.jsonl:1: JSON Lines in UTF-16"), std::string::npos) << docs[0].error;
  EXPECT_NE(docs[0].error.find("iconv"), std::string::npos);
}

TEST(Hostile, RegexOverRe2MemoryBudgetNamesFileLineRuleAndWhatToDo) {
  const fs::path dir = test_dir();
  // 60000 distinct 12-letter words (pseudo-random: shared prefixes would
  // let RE2 factor the alternation down).
  std::string phrases;
  uint32_t seed = 12345;
  for (int i = 0; i < 60000; ++i) {
    phrases += i ? ", \"" : "\"";
    for (int k = 0; k < 12; ++k) {
      seed = seed * 1103515245u + 12345u;
      phrases += static_cast<char>('a' + (seed >> 16) % 26);
    }
    phrases += '"';
  }
  const std::string pack =
      "{\n"
      "  \"pack\": \"huge\", \"version\": \"1\",\n"
      "  \"rules\": [\n"
      "    {\"id\": \"huge.counted\", \"techniques\": [\"T0049\"], \"note\": \"n\",\n"
      "     \"patterns\": [\"\\\\bbots \\\\pL{1000}\"],\n"
      "     \"examples\": {\"match\": [\"bots\"], \"no_match\": [\"none\"]}},\n"
      "    {\"id\": \"huge.phrases\", \"techniques\": [\"T0049\"], \"note\": \"n\",\n"
      "     \"phrases\": [" + phrases + "],\n"
      "     \"examples\": {\"match\": [\"none\"], \"no_match\": [\"none\"]}}\n"
      "  ]\n"
      "}\n";
  const std::string path = write_file(dir / "huge.json", pack);
  std::vector<Issue> issues;
  auto set = testing::load_or_die(path, nullptr, &issues);
  std::vector<const Issue*> big;
  for (const auto& i : issues) {
    if (i.code == "pattern-too-large") big.push_back(&i);
  }
  ASSERT_EQ(big.size(), 2u);
  EXPECT_TRUE(has_errors(issues)) << "`tag` refuses the pack";
  EXPECT_EQ(big[0]->file, path);
  EXPECT_EQ(big[0]->line, 4);
  EXPECT_EQ(big[0]->rule, "huge.counted");
  const std::string one = big[0]->format();
  EXPECT_NE(one.find(path + ":4: huge.counted: error: pattern \"\\\\bbots \\\\pL{1000}\" compiles to more than the "
                            "8 MiB RE2 memory budget: lower counted repetitions"),
            std::string::npos)
      << one;
  EXPECT_EQ(big[1]->rule, "huge.phrases");
  EXPECT_EQ(big[1]->line, 7);
  EXPECT_NE(big[1]->message.find("split them over several rules"), std::string::npos) << big[1]->message;
}

// ---- batches: nothing lost ------------------------------------------------------

class Recorder : public ResultWriter {
 public:
  void write(const Document& doc) override {
    write_jsonl(doc, out);
    sources.push_back(doc.source);
    errors += doc.error.empty() ? 0 : 1;
    masked.push_back(doc.masked.size());
    texts.push_back(doc.text);
    if (stop_after && sources.size() == stop_after) stop->store(true);
  }
  std::ostringstream out;
  std::vector<std::string> sources, texts;
  std::vector<size_t> masked;
  size_t errors = 0;
  size_t stop_after = 0;
  std::atomic<bool>* stop = nullptr;
};

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Good files and every hostile kind the file system allows, in one folder.
fs::path mixed_folder() {
  const fs::path dir = test_dir() / "mixed";
  for (int i = 0; i < 12; ++i) {
    write_file(dir / ("good-" + std::to_string(10 + i) + ".txt"), "Accounts were posing as U.S. voters. " +
                                                                     std::string(static_cast<size_t>(i) * 50, 'x'));
  }
  write_file(dir / "empty.txt", "");
  std::string binary;
  for (int i = 0; i < 5000; ++i) binary += static_cast<char>((i * 7919) % 256);
  write_file(dir / "binary.txt", binary);
  write_file(dir / "latin1.txt", "caf\xE9 posing as U.S. voters.");
  write_file(dir / "utf16.txt", utf16({0xFEFF, 'h', 'i'}, false));
  write_file(dir / "crlf.txt", "One.\r\nTwo.\rThree.");
  write_file(dir / "nul.txt", std::string("a\0b", 3));
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  write_file(dir / "deep.html", deep + "deep");
  write_file(dir / "feed.jsonl", "{\"id\": \"j1\", \"text\": \"ok\"}\nnot json\n{\"id\": \"j3\", \"text\": \"cut");
  write_file(dir / "broken.json", "{\"text\": ");
  fs::create_directory(dir / "folder.txt");  // a folder with a document's name: walked, not read
  fs::create_symlink("loop.txt", dir / "loop.txt");
  fs::create_symlink("gone.txt", dir / "dangling.txt");
  fs::create_directory_symlink("..", dir / "up");
  return dir;
}

TEST_F(ReliabilityTest, MixedFolderYieldsOneRecordPerInputAndCountsAddUp) {
  const fs::path dir = mixed_folder();
  InputList inputs = expand_inputs({dir.string(), (dir / "missing.txt").string()});
  for (size_t jobs : {1, 3}) {
    Recorder w;
    BatchOptions bo;
    bo.jobs = jobs;
    BatchCounts c = run_batch(inputs, ReadOptions{}, *tagger_, w, bo);
    // 12 good + 8 hostile files + 3 JSONL lines + 2 broken links + the missing file.
    EXPECT_EQ(c.inputs, 26u);
    EXPECT_EQ(c.inputs, c.results + c.errors);
    EXPECT_EQ(c.inputs, w.sources.size()) << "one record per input";
    EXPECT_EQ(c.errors, w.errors);
    EXPECT_EQ(c.errors, 6u) << w.out.str();  // 2 links, 2 JSONL lines, broken.json, missing
    for (const auto& line : lines_of(w.out.str())) {
      auto rec = nlohmann::json::parse(line);
      if (!rec.contains("error")) continue;
      const std::string doc = rec["doc"], error = rec["error"];
      const std::string named = doc.substr(0, doc.find('#'));  // JSONL records name path#line
      EXPECT_NE(error.find(fs::path(named).filename().string()), std::string::npos)
          << "the error names its file: " << line;
    }
  }
}

TEST_F(ReliabilityTest, StopFlagLeavesACleanPrefixAndResumeCompletesIt) {
  const fs::path dir = test_dir() / "corpus";
  for (int i = 0; i < 40; ++i) {
    write_file(dir / ("d" + std::to_string(100 + i) + ".txt"),
               i % 3 ? "Accounts were posing as U.S. voters." : "The committee met on Tuesday.");
  }
  write_file(dir / "feed.jsonl", "{\"id\": \"x\", \"text\": \"ok\"}\n{bad\n{\"id\": \"y\", \"text\": \"posing as voters\"}\n");
  write_file(dir / "z.json", "{\"id\": \"json-id\", \"text\": \"posing as U.S. voters\"}");
  InputList inputs = expand_inputs({dir.string(), "/nonexistent/ttptag/gone.txt"});
  Recorder full;
  BatchOptions plain;
  plain.jobs = 2;
  BatchCounts all = run_batch(inputs, ReadOptions{}, *tagger_, full, plain);
  ASSERT_EQ(all.inputs, 45u);
  const auto full_lines = lines_of(full.out.str());

  for (size_t jobs : {1, 2}) {
    // Stopped after 17 records: the in-flight ones are finished, in order.
    std::atomic<bool> stop{false};
    Recorder first;
    first.stop_after = 17;
    first.stop = &stop;
    BatchOptions bo;
    bo.jobs = jobs;
    bo.max_in_flight = 4;
    bo.stop = &stop;
    BatchCounts c1 = run_batch(inputs, ReadOptions{}, *tagger_, first, bo);
    EXPECT_TRUE(c1.stopped);
    EXPECT_GE(c1.inputs, 17u);
    EXPECT_LE(c1.inputs, 17u + 4u);
    EXPECT_EQ(c1.inputs, c1.results + c1.errors);
    const auto got = lines_of(first.out.str());
    ASSERT_EQ(got.size(), c1.inputs);
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], full_lines[i]) << "a prefix of the full output";

    // Resume from those records: the rest, and nothing twice.
    std::vector<ResumedRecord> resumed;
    for (const auto& l : got) {
      auto rec = nlohmann::json::parse(l);
      resumed.push_back({rec["doc"].get<std::string>(), rec.contains("error")});
    }
    Recorder rest;
    BatchOptions ro;
    ro.jobs = jobs;
    ro.resumed = &resumed;
    BatchCounts c2 = run_batch(inputs, ReadOptions{}, *tagger_, rest, ro);
    EXPECT_TRUE(c2.resume_mismatch.empty()) << c2.resume_mismatch;
    EXPECT_FALSE(c2.stopped);
    EXPECT_EQ(c2.inputs, all.inputs);
    EXPECT_EQ(c2.results, all.results);
    EXPECT_EQ(c2.errors, all.errors);
    EXPECT_EQ(c2.resumed, got.size());
    EXPECT_EQ(first.out.str() + rest.out.str(), full.out.str());
  }

  // Records that are not the inputs' first documents: refused, nothing written.
  std::vector<ResumedRecord> wrong = {{inputs.files[0], false}, {inputs.files[2], false}};
  Recorder none;
  BatchOptions wo;
  wo.resumed = &wrong;
  BatchCounts bad = run_batch(inputs, ReadOptions{}, *tagger_, none, wo);
  EXPECT_NE(bad.resume_mismatch.find("record 2 is for"), std::string::npos) << bad.resume_mismatch;
  EXPECT_TRUE(none.sources.empty());
  std::vector<ResumedRecord> too_many;
  for (const auto& l : full_lines) too_many.push_back({nlohmann::json::parse(l)["doc"].get<std::string>(), false});
  too_many.push_back({"one more", false});
  wo.resumed = &too_many;
  bad = run_batch(inputs, ReadOptions{}, *tagger_, none, wo);
  EXPECT_EQ(bad.resume_mismatch, "it holds 46 records but the inputs give only 45 documents");
  EXPECT_TRUE(none.sources.empty());
}

TEST_F(ReliabilityTest, ReadOptionsReachJsonlAndStandardInput) {
  const std::string feed = "{\"id\": \"a\", \"text\": \"Share on Facebook\\nAccounts were posing as voters.\"}\n";
  InputList stdin_only;
  stdin_only.files.push_back("-");
  for (bool drop : {true, false}) {
    ReadOptions read;
    read.format = InputFormat::kJsonl;
    read.drop_furniture = drop;
    std::istringstream in(feed);
    Recorder w;
    BatchOptions bo;
    bo.jobs = 1;
    bo.stdin_stream = &in;
    run_batch(stdin_only, read, *tagger_, w, bo);
    ASSERT_EQ(w.masked.size(), 1u);
    EXPECT_EQ(w.masked[0], drop ? 1u : 0u) << "--no-furniture-filter reaches the JSONL reader";
  }
  ReadOptions html;
  html.format = InputFormat::kHtml;
  std::istringstream page("<html><body><p>Posing as voters.</p><script>x()</script></body></html>");
  Recorder w;
  BatchOptions bo;
  bo.jobs = 1;
  bo.stdin_stream = &page;
  run_batch(stdin_only, html, *tagger_, w, bo);
  ASSERT_EQ(w.texts.size(), 1u);
  EXPECT_EQ(w.texts[0], "Posing as voters.") << "--input-format html reaches standard input";
}

}  // namespace
}  // namespace ttptag
