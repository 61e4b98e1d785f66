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
