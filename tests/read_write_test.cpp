#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "read.h"
#include "test_util.h"
#include "write.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& name, const std::string& bytes) {
  fs::path p = fs::path(::testing::TempDir()) / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

// The front-coded path list gives back exactly the paths pushed, in order,
// by iteration and by index, across block boundaries and for paths that
// share nothing, everything, or are prefixes of each other.
TEST(Read, PathListGivesBackEveryPathInOrder) {
  std::vector<std::string> paths = {"", "a", "a", "ab", "a/b/c.txt", "a/b/c.txt.bak", "a/b", "-", "/x/" + std::string(300, 'y')};
  for (int i = 0; i < 100; ++i) paths.push_back("/data/corpus/" + std::to_string(i / 7) + "/doc-" + std::to_string(i) + ".txt");
  paths.push_back("caf\xc3\xa9/na\xc3\xafve.md");
  PathList list;
  EXPECT_TRUE(list.empty());
  EXPECT_TRUE(list.begin() == list.end());
  for (const auto& p : paths) list.push_back(p);
  ASSERT_EQ(list.size(), paths.size());
  EXPECT_TRUE(list == paths);
  std::vector<std::string> iterated(list.begin(), list.end());
  EXPECT_EQ(iterated, paths);
  for (size_t i = 0; i < paths.size(); ++i) EXPECT_EQ(list[i], paths[i]) << i;
  std::vector<std::string> other = paths;
  other[50] += "x";
  EXPECT_FALSE(list == other);
  // Sorted paths with long shared prefixes take a fraction of their bytes.
  size_t bytes = 0;
  for (const auto& p : paths) bytes += p.size();
  EXPECT_LT(list.memory(), bytes);
}

TEST(Read, KeepsFileBytesUnchanged) {
  const std::string bytes = "Line one.\r\nCaf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D\n";
  Document doc = read_file(write_temp("read/raw.txt", bytes));
  EXPECT_TRUE(doc.error.empty());
  EXPECT_EQ(doc.text, bytes);
  EXPECT_TRUE(doc.warnings.empty());
}

TEST(Read, MissingFileIsAnErrorRecordNotAnException) {
  Document doc = read_file("/nonexistent/ttptag/file.txt");
  EXPECT_EQ(doc.source, "/nonexistent/ttptag/file.txt");
  EXPECT_NE(doc.error.find("no such file"), std::string::npos);
}

TEST(Read, FolderGivenAsFileIsAnError) {
  Document doc = read_file(::testing::TempDir());
  EXPECT_NE(doc.error.find("folder"), std::string::npos);
}

TEST(Read, BinaryInputIsFlagged) {
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) % 256);
  Document doc = read_file(write_temp("read/random.bin", bytes));
  EXPECT_TRUE(doc.error.empty());
  ASSERT_FALSE(doc.warnings.empty());
  EXPECT_EQ(doc.warnings[0].code, "binary-input");
}

TEST(Read, StreamReadsEverything) {
  std::istringstream in(std::string(200000, 'a'));
  Document doc = read_stream(in, "-");
  EXPECT_EQ(doc.text.size(), 200000u);
  EXPECT_EQ(doc.source, "-");
}

TEST(Read, ExpandInputsWalksFoldersSortedAndKeepsExplicitFiles) {
  write_temp("walk/b/2.txt", "x");
  write_temp("walk/a.md", "x");
  write_temp("walk/b/1.txt", "x");
  write_temp("walk/skip.bin", "x");
  std::string root = (fs::path(::testing::TempDir()) / "walk").string();
  InputList list = expand_inputs({root, "-", root + "/skip.bin"});
  ASSERT_EQ(list.files.size(), 5u);
  EXPECT_EQ(fs::path(list.files[0]).filename(), "a.md");
  EXPECT_EQ(fs::path(list.files[1]).filename(), "1.txt");
  EXPECT_EQ(fs::path(list.files[2]).filename(), "2.txt");
  EXPECT_EQ(list.files[3], "-");
  EXPECT_EQ(fs::path(list.files[4]).filename(), "skip.bin");
}

TEST(Write, JsonlSchema) {
  Document doc;
  doc.source = "a.txt";
  doc.text = "They were posing as voters.";
  Tag tag{"T0143.003", "Impersonated Persona", 0.87654, {}};
  tag.evidence.push_back(Evidence{"persona.x", 0, 10, 26, "posing as voters", doc.text, 0});
  doc.tags.push_back(tag);
  doc.warnings.push_back({"invalid-utf8", "1 invalid byte"});
  std::ostringstream out;
  write_jsonl(doc, out);
  const std::string line = out.str();
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["doc"], "a.txt");
  EXPECT_EQ(j["techniques"][0]["id"], "T0143.003");
  EXPECT_EQ(j["techniques"][0]["score"], 0.877);
  EXPECT_EQ(j["techniques"][0]["evidence"][0]["start"], 10);
  EXPECT_EQ(j["techniques"][0]["evidence"][0]["text"], "posing as voters");
  EXPECT_EQ(j["warnings"][0]["code"], "invalid-utf8");
}

// write_jsonl writes the line straight; it must be the json library's
// dump of to_json(), byte for byte: escapes, invalid UTF-8 replaced the
// library's way, numbers, key order, optional fields.
TEST(Write, JsonlLineIsTheTreesDump) {
  std::vector<std::string> strings = {"", "plain", "quote \" and \\ back", "\b\f\n\r\t", std::string("nul\0x", 5),
                                      "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d \xf0\x9f\x98\x80",
                                      "stray \x80", "cut \xc3", "cut \xe2\x80", "overlong \xc0\x80 \xe0\x80\x80",
                                      "surrogate \xed\xa0\x80", "past \xf4\x90\x80\x80", "\xff\xfe", "\xf0\x9f\x98",
                                      "ok \xed\x9f\xbf \xf4\x8f\xbf\xbf \xe0\xa0\x80 \xf0\x90\x80\x80"};
  // And bytes drawn at random, mostly from the ranges that make UTF-8.
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  for (int k = 0; k < 2000; ++k) {
    std::string s;
    for (int n = static_cast<int>(next() >> 28); n > 0; --n) {
      static const unsigned char kBytes[] = {'a', ' ', '"', '\\', 0x01, 0x1f, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xc3,
                                             0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xc0, 0x8f, 0x90};
      s.push_back(static_cast<char>(kBytes[(next() >> 16) % sizeof kBytes]));
    }
    strings.push_back(s);
  }
  size_t checked = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    Document doc;
    doc.source = strings[i];
    const std::string& other = strings[(i * 7 + 3) % strings.size()];
    if (i % 5 == 1) doc.error = other;
    if (i % 3 == 0) doc.meta = nlohmann::json{{"title", other}, {"n", 3}, {"x", {1.5, nullptr, true}}};
    if (i % 4 != 3) {
      const double scores[] = {0, 1, 0.6, 0.87654, 0.0004, 0.0005, 0.1 + 0.2, 1e-9};
      Tag tag{strings[(i + 1) % strings.size()], other, scores[i % 8], {}};
      tag.evidence.push_back(Evidence{other, i, i * 3, i * 3 + 9, strings[(i + 2) % strings.size()], doc.source,
                                      static_cast<int>(i % 3)});
      tag.evidence.push_back(Evidence{"r", 0, 0, 0, "", "", 0});
      doc.tags.push_back(tag);
      doc.tags.push_back(Tag{"T0001", "", 0.5, {}});
    }
    if (i % 2 == 0) doc.warnings.push_back({other, strings[(i + 5) % strings.size()]});
    std::ostringstream direct;
    write_jsonl(doc, direct);
    const std::string tree = to_json(doc).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    ASSERT_EQ(direct.str(), tree) << "case " << i;
    ++checked;
  }
  EXPECT_EQ(checked, strings.size());
}

TEST(Write, ErrorRecordAndInvalidUtf8NeverThrow) {
  Document doc;
  doc.source = "bad\xFF.txt";
  doc.error = "cannot read";
  std::ostringstream out;
  EXPECT_NO_THROW(write_jsonl(doc, out));
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["error"], "cannot read");
  EXPECT_FALSE(j.contains("techniques"));
}

}  // namespace
}  // namespace ttptag
