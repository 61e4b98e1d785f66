#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "read.h"
#include "tagger.h"
#include "test_util.h"
#include "write.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& name, const std::string& bytes) {
  fs::path p = fs::path(::testing::TempDir()) / "read_json" / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

std::vector<Document> read_all(std::istream& in, const std::string& name) {
  JsonlReader reader(in, name);
  std::vector<Document> docs;
  Document doc;
  while (reader.next(&doc)) docs.push_back(doc);
  return docs;
}

TEST(Jsonl, BadLineInTheMiddleIsAnErrorRecordAndReadingContinues) {
  std::ifstream in(testing::data("io/mixed.jsonl"), std::ios::binary);
  ASSERT_TRUE(in);
  auto docs = read_all(in, "mixed.jsonl");
  ASSERT_EQ(docs.size(), 6u);  // the blank line 2 is skipped

  EXPECT_EQ(docs[0].source, "a1");
  EXPECT_EQ(docs[0].text, "Accounts were posing as U.S. voters.");
  EXPECT_EQ(docs[0].meta["title"], "First");
  EXPECT_EQ(docs[0].meta["date"], "2024-03-05");
  EXPECT_FALSE(docs[0].meta.contains("text"));
  EXPECT_FALSE(docs[0].meta.contains("id"));
  EXPECT_TRUE(docs[0].error.empty());

  EXPECT_EQ(docs[1].error.rfind("mixed.jsonl:3: ", 0), 0u) << docs[1].error;  // truncated JSON
  EXPECT_EQ(docs[1].source, "mixed.jsonl#3");
  EXPECT_TRUE(docs[1].text.empty());

  EXPECT_EQ(docs[2].source, "c3");
  EXPECT_EQ(docs[2].meta["lang"], "en");
  EXPECT_TRUE(docs[2].error.empty());

  EXPECT_EQ(docs[3].error.rfind("mixed.jsonl:5: ", 0), 0u);
  EXPECT_NE(docs[3].error.find("object"), std::string::npos);
  EXPECT_EQ(docs[4].error.rfind("mixed.jsonl:6: ", 0), 0u);
  EXPECT_NE(docs[4].error.find("text"), std::string::npos);

  EXPECT_EQ(docs[5].source, "mixed.jsonl#7");  // no id: source#line
  EXPECT_TRUE(docs[5].error.empty());
}

TEST(Jsonl, NumericIdsCrLfAndNonStringText) {
  std::istringstream in("{\"id\": 7, \"text\": \"x\"}\r\n  \r\n{\"id\": \"b\", \"text\": 3}\n{\"text\": \"tail\"}");
  JsonlReader reader(in, "s");
  Document doc;
  ASSERT_TRUE(reader.next(&doc));
  EXPECT_EQ(doc.source, "7");
  EXPECT_EQ(doc.text, "x");
  ASSERT_TRUE(reader.next(&doc));
  EXPECT_EQ(doc.error, "s:3: \"text\" is not a string");
  EXPECT_EQ(reader.line_number(), 3u);
  ASSERT_TRUE(reader.next(&doc));  // last line without a newline
  EXPECT_EQ(doc.text, "tail");
  EXPECT_TRUE(doc.meta.empty());
  EXPECT_FALSE(reader.next(&doc));
}

TEST(Jsonl, InvalidUtf8LineIsAnErrorNotAnException) {
  std::istringstream in("{\"text\": \"caf\xC3\"}\n{\"text\": \"ok\"}\n");
  auto docs = read_all(in, "u");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_FALSE(docs[0].error.empty());
  EXPECT_EQ(docs[1].text, "ok");
}

TEST(ReadDocument, JsonFile) {
  auto path = write_temp("one.json", R"({"id": "x1", "text": "Hello there.", "title": "T", "url": "https://e.org/a"})");
  Document doc = read_document(path, ReadOptions{});
  EXPECT_TRUE(doc.error.empty()) << doc.error;
  EXPECT_EQ(doc.source, "x1");
  EXPECT_EQ(doc.text, "Hello there.");
  EXPECT_EQ(doc.meta["title"], "T");
  EXPECT_FALSE(doc.meta.contains("id"));
  const std::string no_id_path = write_temp("noid.json", "\xEF\xBB\xBF{\"text\": \"x\"}");
  Document no_id = read_document(no_id_path, ReadOptions{});
  EXPECT_TRUE(no_id.error.empty()) << no_id.error;  // a BOM is fine
  EXPECT_EQ(no_id.source, no_id_path);                // no "id": the path

  Document bad = read_document(write_temp("bad.json", "{\"text\": "), ReadOptions{});
  EXPECT_NE(bad.error.find("not valid JSON"), std::string::npos);
  Document missing = read_document(write_temp("notext.json", "{\"body\": \"x\"}"), ReadOptions{});
  EXPECT_NE(missing.error.find("\"text\""), std::string::npos);
  Document gone = read_document("/nonexistent/x.json", ReadOptions{});
  EXPECT_NE(gone.error.find("no such file"), std::string::npos);
}

TEST(ReadDocument, TextIsTheFileBytesAndFormatCanBeForced) {
  const std::string bytes = "{\"text\": \"not parsed\"}\n";
  auto path = write_temp("forced.json", bytes);
  ReadOptions opts;
  opts.format = InputFormat::kText;
  Document doc = read_document(path, opts);
  EXPECT_EQ(doc.text, bytes);
  opts.format = InputFormat::kJsonl;
  EXPECT_FALSE(read_document(path, opts).error.empty());  // many documents: use JsonlReader
}

TEST(ReadDocument, JsonFixtureMetaIsCarriedIntoTheRecord) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
  ASSERT_TRUE(rules);
  Tagger tagger(*rules, AggregateOptions{});
  Document doc = read_document(testing::data("io/report.json"), ReadOptions{});
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  EXPECT_EQ(doc.source, "ledger-2024-0311");
  ASSERT_EQ(doc.masked.size(), 1u);  // "Share this article"
  tagger.run(doc);
  auto record = to_json(doc);
  EXPECT_EQ(record["doc"], "ledger-2024-0311");
  EXPECT_EQ(record["meta"]["title"], "Cloned voices in the swing states");
  EXPECT_EQ(record["meta"]["url"], "https://ledger.example/2024/03/cloned-voices");
  EXPECT_EQ(record["meta"]["date"], "2024-03-11T08:30:00Z");
  EXPECT_EQ(record["meta"]["tags"], nlohmann::json::array({"elections", "audio"}));
  EXPECT_FALSE(record["meta"].contains("text"));
  ASSERT_EQ(record["techniques"].size(), 2u);
  for (const auto& t : record["techniques"]) {
    for (const auto& ev : t["evidence"]) {
      const size_t start = ev["start"], end = ev["end"];
      EXPECT_EQ(doc.text.substr(start, end - start), ev["text"]);  // offsets index the "text" string
    }
  }
}

TEST(Jsonl, LongLinesAreReadWhole) {
  const std::string text(200000, 'x');  // longer than the reader's 64 KiB chunk
  std::istringstream in("{\"text\": \"" + text + "\"}\n{\"text\": \"" + text + "y\"}");
  JsonlReader reader(in, "long");
  Document doc;
  ASSERT_TRUE(reader.next(&doc));
  EXPECT_EQ(doc.text, text);
  ASSERT_TRUE(reader.next(&doc));
  EXPECT_EQ(doc.text, text + "y");
  EXPECT_EQ(doc.source, "long#2");
  EXPECT_FALSE(reader.next(&doc));
}

TEST(ReadDocument, StreamWithInputFormat) {
  std::istringstream in("{\"id\": \"s1\", \"text\": \"piped\"}");
  ReadOptions opts;
  opts.format = InputFormat::kJson;
  Document doc = read_stream(in, "-", opts);
  EXPECT_EQ(doc.source, "s1");
  EXPECT_EQ(doc.text, "piped");
  std::istringstream lines("{}");
  opts.format = InputFormat::kJsonl;
  EXPECT_FALSE(read_stream(lines, "-", opts).error.empty());  // use JsonlReader
}

TEST(InputFormats, ParseAndDetect) {
  InputFormat f = InputFormat::kText;
  EXPECT_TRUE(parse_input_format("auto", &f));
  EXPECT_EQ(f, InputFormat::kAuto);
  EXPECT_TRUE(parse_input_format("jsonl", &f));
  EXPECT_EQ(f, InputFormat::kJsonl);
  EXPECT_TRUE(parse_input_format("html", &f));
  EXPECT_EQ(f, InputFormat::kHtml);
  EXPECT_FALSE(parse_input_format("docx", &f));
  EXPECT_EQ(detect_format("a/b.HTML"), InputFormat::kHtml);
  EXPECT_EQ(detect_format("b.htm"), InputFormat::kHtml);
  EXPECT_EQ(detect_format("b.pdf"), InputFormat::kPdf);
  EXPECT_EQ(detect_format("b.json"), InputFormat::kJson);
  EXPECT_EQ(detect_format("b.jsonl"), InputFormat::kJsonl);
  EXPECT_EQ(detect_format("b.md"), InputFormat::kText);
  EXPECT_EQ(detect_format("README"), InputFormat::kText);
}

TEST(InputFormats, FoldersPickUpEveryKnownExtension) {
  fs::path dir = fs::path(::testing::TempDir()) / "read_json" / "folder";
  fs::remove_all(dir);
  for (const char* name : {"a.txt", "b.html", "c.HTM", "d.pdf", "e.json", "f.jsonl", "g.png", "h.md", "sub/i.PDF"})
    write_temp(std::string("folder/") + name, "x");
  InputList list = expand_inputs({dir.string()});
  std::vector<std::string> names;
  for (const auto& f : list.files) names.push_back(fs::relative(f, dir).string());
  EXPECT_EQ(names, (std::vector<std::string>{"a.txt", "b.html", "c.HTM", "d.pdf", "e.json", "f.jsonl", "h.md",
                                             "sub/i.PDF"}));
}

}  // namespace
}  // namespace ttptag
