#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include "furniture.h"
#include "read.h"
#include "tagger.h"
#include "test_util.h"

namespace ttptag {
namespace {

struct LineCase {
  const char* line;
  bool furniture;
};

TEST(Furniture, WholeLinesOnly) {
  const LineCase cases[] = {
      {"Share this article", true},
      {"  SHARE THIS ARTICLE:  ", true},
      {"Share on Facebook", true},
      {"Tweet", true},
      {"Email", true},
      {"Print", true},
      {"Share Tweet Email Print", true},
      {"Facebook | Twitter | WhatsApp | Copy link", true},
      {"Related Articles", true},
      {"Related Posts", true},
      {"Read more", true},
      {"Read more: Fake accounts on Facebook are back", true},
      {"You may also like", true},
      {"We use cookies to improve your experience on our site.", true},
      {"This website uses cookies. By continuing you agree.", true},
      {"Accept all cookies", true},
      {"Leave a Reply", true},
      {"Leave a comment", true},
      {"Your email address will not be published. Required fields are marked *", true},
      {"Post Comment", true},
      {"12 Comments", true},
      {"Back to top button", true},
      {"Advertisement", true},
      {"ADVERTISEMENT", true},
      {"Subscribe to our newsletter", true},
      {"Sign up", true},
      {"Home | World | Politics | Fact Check", true},
      {"Home \xC2\xBB Europe \xC2\xBB Elections", true},
      {"News \xE2\x80\xA2 Sport \xE2\x80\xA2 Business & Money \xE2\x80\xA2 Weather", true},
      // Article sentences, never furniture.
      {"Share this article with caution, the ministry warned.", false},
      {"The accounts asked followers to share on Facebook and retweet.", false},
      {"We use cookies as a metaphor in this essay.", false},
      {"Print media ran the fabricated story first.", false},
      {"Email leaks were timed to the debate.", false},
      {"Read more about the campaign in our 2023 report.", false},
      {"Comments under the video praised the fake persona.", false},
      {"Russia | Ukraine", false},                                    // two items: not a menu
      {"Bots | were | used to amplify the posts.", false},            // lower-case words
      {"The campaign | run by the agency | used fake accounts", false},
      {"Sign up forms collected voters' phone numbers.", false},
      {"", false},
      {"   ", false},
  };
  for (const auto& c : cases) EXPECT_EQ(is_furniture_line(c.line), c.furniture) << '"' << c.line << '"';
  EXPECT_FALSE(is_furniture_line(std::string(300, 'a')));
}

TEST(Furniture, MaskRecordsLineRangesAndLeavesTextAlone) {
  Document doc;
  doc.text = "Intro line.\nShare this article\r\nBody text.\nTweet";
  const std::string before = doc.text;
  EXPECT_EQ(mask_furniture(doc), 2u);
  EXPECT_EQ(doc.text, before);
  ASSERT_EQ(doc.masked.size(), 2u);
  EXPECT_EQ(doc.text.substr(doc.masked[0].first, doc.masked[0].second - doc.masked[0].first), "Share this article\r");
  EXPECT_EQ(doc.text.substr(doc.masked[1].first), "Tweet");
  EXPECT_EQ(doc.masked[1].second, doc.text.size());
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::set<std::string> ids(const Document& doc) {
  std::set<std::string> out;
  for (const auto& t : doc.tags) out.insert(t.id);
  return out;
}

// A scraped .txt: "Share on Facebook" under the fake-accounts paragraph
// would satisfy the demo rule's `all: facebook` if it were not masked; the
// evidence that does fire must index the original file.
TEST(Furniture, TxtEvidenceIndexesTheOriginalFile) {
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(testing::data("rules/good"), nullptr, &issues);
  ASSERT_TRUE(rules);
  AggregateOptions ao;
  ao.min_score = 0;  // demo.platform-accounts weighs 0.4
  Tagger tagger(*rules, ao);
  const std::string path = testing::data("io/scraped.txt");
  const std::string bytes = file_bytes(path);

  Document doc = read_document(path, ReadOptions{});
  ASSERT_TRUE(doc.error.empty()) << doc.error;
  EXPECT_EQ(doc.text, bytes);  // the file, unchanged
  EXPECT_EQ(doc.masked.size(), 8u);  // menu, 3 share lines, tweet, read more, 2 comment-form lines
  tagger.run(doc);
  EXPECT_EQ(ids(doc), (std::set<std::string>{"T0143.003"}));
  for (const auto& tag : doc.tags) {
    for (const auto& ev : tag.evidence) {
      EXPECT_EQ(bytes.substr(ev.start, ev.end - ev.start), ev.text);
      EXPECT_EQ(ev.text, "posing as U.S. voters");
      EXPECT_EQ(ev.start, bytes.find("posing as U.S. voters"));
      EXPECT_EQ(ev.sentence_text, "Analysts said the network was posing as U.S. voters before the vote.");
    }
  }

  ReadOptions keep;
  keep.drop_furniture = false;
  Document raw = read_document(path, keep);
  EXPECT_TRUE(raw.masked.empty());
  tagger.run(raw);
  EXPECT_EQ(ids(raw), (std::set<std::string>{"T0143.003", "T0146"}));  // the share line made T0146 fire
}

TEST(Furniture, JsonlTextIsMaskedToo) {
  std::istringstream in(R"({"id": "x", "text": "They ran fake accounts.\nShare on Facebook"})" "\n");
  JsonlReader reader(in, "s.jsonl");
  Document doc;
  ASSERT_TRUE(reader.next(&doc));
  ASSERT_EQ(doc.masked.size(), 1u);
  EXPECT_EQ(doc.masked[0], (std::pair<size_t, size_t>{24, 41}));

  std::istringstream in2(R"({"id": "x", "text": "They ran fake accounts.\nShare on Facebook"})" "\n");
  ReadOptions keep;
  keep.drop_furniture = false;
  JsonlReader raw(in2, "s.jsonl", keep);
  ASSERT_TRUE(raw.next(&doc));
  EXPECT_TRUE(doc.masked.empty());
}

}  // namespace
}  // namespace ttptag
