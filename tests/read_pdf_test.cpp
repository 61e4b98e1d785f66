#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "read.h"
#include "read_pdf.h"
#include "tagger.h"
#include "test_util.h"
#include "write.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;

// Writes a minimal valid PDF 1.4 by hand (poppler-cpp has no writer): one
// Helvetica font, one page per entry of `pages`, each line of text drawn
// 16 points below the previous one; the xref offsets are computed here.
// `extra_trailer` is added to the trailer dictionary (e.g. an /Encrypt).
std::string make_pdf(const std::vector<std::vector<std::string>>& pages, const std::string& extra_objects = "",
                     const std::string& extra_trailer = "") {
  auto escape = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '(' || c == ')' || c == '\\') out += '\\';
      out += c;
    }
    return out;
  };
  std::vector<std::string> objects;  // bodies of objects 1..n
  const size_t n_pages = pages.size();
  // 1: catalog, 2: pages, 3: font, then per page: page, content.
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (size_t i = 0; i < n_pages; ++i) kids += std::to_string(4 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n_pages) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  for (size_t i = 0; i < n_pages; ++i) {
    std::string stream = "BT /F1 11 Tf 16 TL 72 720 Td\n";
    for (const auto& line : pages[i]) stream += "(" + escape(line) + ") Tj T*\n";
    stream += "ET\n";
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                      "/Contents " + std::to_string(5 + 2 * i) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "endstream");
  }
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  pdf += extra_objects;  // numbered by the caller after ours, listed in no xref (poppler repairs)
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R " + extra_trailer +
         " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  fs::path p = fs::path(::testing::TempDir()) / "read_pdf" / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

const std::vector<std::vector<std::string>> kTwoPages = {
    {"Election integrity report", "Investigators found accounts posing as U.S. voters.",
     "The operation spread disinfor-", "mation through local groups."},
    {"The clip was AI-generated audio, experts said.", "Bots were used to amplify the posts."}};

TEST(Pdf, TextPerPageWithPageStartsAndHyphenationRepaired) {
  const std::string path = write_temp("two.pdf", make_pdf(kTwoPages));
  Document doc = read_document(path, ReadOptions{});
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  ASSERT_EQ(doc.page_starts.size(), 2u);
  EXPECT_EQ(doc.page_starts[0], 0u);
  const std::string page1 = doc.text.substr(0, doc.page_starts[1]);
  const std::string page2 = doc.text.substr(doc.page_starts[1]);
  EXPECT_NE(page1.find("posing as U.S. voters"), std::string::npos) << doc.text;
  EXPECT_NE(page1.find("spread disinformation through"), std::string::npos) << doc.text;
  EXPECT_EQ(page1.substr(page1.size() - 2), "\n\n");  // a page break is a paragraph break
  EXPECT_EQ(page2.rfind("The clip was AI-generated audio", 0), 0u) << page2;
  EXPECT_NE(page2.find("Bots were used"), std::string::npos);
}

TEST(Pdf, EvidenceCitesPages) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
  ASSERT_TRUE(rules);
  Tagger tagger(*rules, AggregateOptions{});
  Document doc = read_document(write_temp("tag.pdf", make_pdf(kTwoPages)), ReadOptions{});
  tagger.run(doc);
  std::map<std::string, int> page_of;
  for (const auto& t : doc.tags) {
    ASSERT_FALSE(t.evidence.empty());
    for (const auto& ev : t.evidence) EXPECT_EQ(doc.text.substr(ev.start, ev.end - ev.start), ev.text);
    page_of[t.id] = t.evidence.front().page;
  }
  EXPECT_EQ(page_of["T0143.003"], 1);
  EXPECT_EQ(page_of["T0088.001"], 2);
  EXPECT_EQ(page_of["T0049"], 2);
  // The JSONL record says so.
  auto record = to_json(doc);
  for (const auto& t : record["techniques"]) {
    if (t["id"] == "T0088.001") {
      EXPECT_EQ(t["evidence"][0]["page"], 2);
    }
  }
}

TEST(Pdf, BrokenEncryptedAndEmptyPdfs) {
  Document garbage = read_document(write_temp("garbage.pdf", "%PDF-1.4\nthis is not a pdf\n"), ReadOptions{});
  EXPECT_NE(garbage.error.find("garbage.pdf"), std::string::npos);
  EXPECT_NE(garbage.error.find("pdf-unreadable"), std::string::npos) << garbage.error;

  // A Standard security handler whose /U does not match the empty password.
  const std::string encrypt =
      "9 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + std::string(64, 'a') + "> /U <" +
      std::string(64, 'b') + "> >>\nendobj\n";
  const std::string locked_path =
      write_temp("locked.pdf", make_pdf({{"secret"}}, encrypt, "/Encrypt 9 0 R /ID [<00112233445566778899aabbccddeeff> "
                                                               "<00112233445566778899aabbccddeeff>]"));
  Document locked = read_document(locked_path, ReadOptions{});
  EXPECT_NE(locked.error.find("locked.pdf"), std::string::npos);
  EXPECT_FALSE(locked.error.empty());
  EXPECT_NE(locked.error.find("pdf-encrypted"), std::string::npos) << locked.error;

  Document blank = read_document(write_temp("blank.pdf", make_pdf({{}, {}})), ReadOptions{});
  EXPECT_TRUE(blank.error.empty()) << blank.error;
  EXPECT_TRUE(blank.text.empty());
  EXPECT_EQ(blank.page_starts, (std::vector<size_t>{0, 0}));
  ASSERT_FALSE(blank.warnings.empty());
  EXPECT_EQ(blank.warnings[0].code, "pdf-no-text");

  Document missing = read_document("/nonexistent/x.pdf", ReadOptions{});
  EXPECT_NE(missing.error.find("no such file"), std::string::npos);
}

// poppler sizes its cross-reference table by the largest object number a
// file declares, before reading anything: a small file declaring a huge one
// (found by fuzz_pdf: 1.3 GB for 270 bytes) is an error record instead.
TEST(Pdf, HugeObjectNumberIsAnErrorNotAnAllocation) {
  std::string huge = make_pdf({{"hello"}}, "11111111111112 0 obj\n<< >>\nendobj\n");
  Document doc = pdf_to_document(huge, "huge.pdf");
  EXPECT_NE(doc.error.find("object number 11111111111112"), std::string::npos) << doc.error;
  EXPECT_NE(doc.error.find("pdf-unreadable"), std::string::npos) << doc.error;
  std::string size = make_pdf({{"hello"}}, "", "/Size 900000000");  // a second /Size in the trailer
  EXPECT_NE(pdf_to_document(size, "size.pdf").error.find("object number 900000000"), std::string::npos);
  // poppler's repair scan reads "N G obj" with anything after "obj" (the
  // fuzzer's second finding), and an xref subsection or /Index sizes the
  // table by first + count.
  std::string run_on = make_pdf({{"hello"}}, "11111111111112 0 obj00000 0 n\n");
  EXPECT_NE(pdf_to_document(run_on, "run-on.pdf").error.find("object number 11111111111112"), std::string::npos);
  std::string subsection = make_pdf({{"hello"}}, "xref\n5 900000000\n0000000000 65535 f \n");
  EXPECT_NE(pdf_to_document(subsection, "xref.pdf").error.find("object number 900000005"), std::string::npos);
  std::string index = make_pdf({{"hello"}}, "9 0 obj\n<< /Type /XRef /Index [7 900000000] >>\nendobj\n");
  EXPECT_NE(pdf_to_document(index, "index.pdf").error.find("object number 900000007"), std::string::npos);
  // Object numbers a real file uses are fine.
  Document ok = pdf_to_document(make_pdf({{"hello"}}, "99999 0 obj\n<< >>\nendobj\n"), "ok.pdf");
  EXPECT_TRUE(ok.error.empty()) << ok.error;
  EXPECT_NE(ok.text.find("hello"), std::string::npos);
}

TEST(Pdf, EmptyPageKeepsLaterPagesNumbered) {
  Document doc = pdf_to_document(make_pdf({{"first"}, {}, {"third"}}), "m.pdf");
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  ASSERT_EQ(doc.page_starts.size(), 3u);
  EXPECT_EQ(doc.text, "first\n\nthird");
  EXPECT_EQ(doc.page_starts, (std::vector<size_t>{0, 5, 7}));
}

TEST(Pdf, HyphenationRepair) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"disinfor-\nmation", "disinformation"},
      {"well-\nKnown", "well-\nKnown"},          // a capital: a real hyphen or a name
      {"U.S.-\nbased", "U.S.-\nbased"},          // not a letter before the hyphen
      {"pre-\n\nnext", "pre-\n\nnext"},          // a paragraph break is not a line end
      {"soft\xC2\xAD\nware", "software"},
      {"a -\nb", "a -\nb"},
      {"end-", "end-"},
  };
  for (const auto& c : cases) EXPECT_EQ(join_hyphenated_lines(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace ttptag
