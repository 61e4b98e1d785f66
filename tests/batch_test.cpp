#include "batch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;

// Records what the batch hands over, as JSON Lines (write_jsonl), and
// checks it is called from one thread at a time.
class RecordingWriter : public ResultWriter {
 public:
  void write(const Document& doc) override {
    EXPECT_FALSE(busy_) << "write() called concurrently";
    busy_ = true;
    write_jsonl(doc, out);
    sources.push_back(doc.source);
    busy_ = false;
  }
  std::ostringstream out;
  std::vector<std::string> sources;

 private:
  bool busy_ = false;
};

class BatchTest : public testing::GoodRulesTest {
 protected:

  // A folder of `n` articles of varied sizes; some fire rules, one is empty.
  std::string make_corpus(size_t n) {
    // One folder per test: CTest runs the tests of this file in parallel.
    fs::path dir = fs::path(::testing::TempDir()) /
                   ("batch_corpus_" + std::to_string(::getpid()) + "_" +
                    std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir);
    fs::create_directories(dir / "sub");
    corpus_dirs_.push_back(dir);
    for (size_t i = 0; i < n; ++i) {
      std::string text;
      for (size_t k = 0; k < 1 + (i * 7) % 40; ++k) {
        text += (k % 5 == 0) ? "Dozens of accounts were posing as U.S. voters online. "
                             : "The committee met on Tuesday to discuss the budget. ";
        if (k % 9 == 0) text += "\n\n";
      }
      if (i == 3) text.clear();
      std::string name = "doc-" + std::to_string(1000 + i).substr(1) + ".txt";
      std::ofstream(i % 4 ? dir / name : dir / "sub" / name, std::ios::binary) << text;
    }
    return dir.string();
  }

  BatchCounts run(const InputList& inputs, size_t jobs, RecordingWriter* w, size_t in_flight = 0,
                  std::istream* in = nullptr, ReadOptions read = {}) {
    BatchOptions bo;
    bo.jobs = jobs;
    bo.max_in_flight = in_flight;
    bo.stdin_stream = in;
    return run_batch(inputs, read, *tagger_, *w, bo);
  }

  void TearDown() override {
    for (const auto& dir : corpus_dirs_) fs::remove_all(dir);
  }

  std::vector<fs::path> corpus_dirs_;  // removed after each test
};

TEST_F(BatchTest, OneAndFourJobsGiveByteIdenticalOutputInInputOrder) {
  InputList inputs = expand_inputs({make_corpus(60), "/nonexistent/ttptag/missing.txt"});
  ASSERT_EQ(inputs.files.size(), 61u);
  RecordingWriter one, four, few_tokens;
  BatchCounts c1 = run(inputs, 1, &one);
  BatchCounts c4 = run(inputs, 4, &four);
  BatchCounts c2 = run(inputs, 2, &few_tokens, /*in_flight=*/2);
  EXPECT_EQ(one.out.str(), four.out.str());
  EXPECT_EQ(one.out.str(), few_tokens.out.str());
  EXPECT_EQ(one.sources, inputs.files);  // input order
  for (const BatchCounts& c : {c1, c4, c2}) {
    EXPECT_EQ(c.inputs, 61u);
    EXPECT_EQ(c.inputs, c.results + c.errors);
    EXPECT_EQ(c.errors, 1u);  // the missing file
  }
  EXPECT_NE(one.out.str().find("demo.impersonation"), std::string::npos);
}

// Documents are tagged in batches of about BatchOptions::batch_bytes:
// however they are cut, each gets what it gets alone.
TEST_F(BatchTest, BatchSizeChangesNothingInTheOutput) {
  InputList inputs = expand_inputs({make_corpus(60)});
  RecordingWriter alone;
  run(inputs, 1, &alone, /*in_flight=*/1);
  for (size_t batch_bytes : {size_t{1}, size_t{700}, size_t{5000}, size_t{1} << 20}) {
    for (size_t jobs : {1, 2}) {
      RecordingWriter w;
      BatchOptions bo;
      bo.jobs = jobs;
      bo.batch_bytes = batch_bytes;
      run_batch(inputs, ReadOptions{}, *tagger_, w, bo);
      EXPECT_EQ(w.out.str(), alone.out.str()) << batch_bytes << " bytes, " << jobs << " jobs";
    }
  }
}

// A stream's next line, if not there yet, is waited for only once the
// record of the line before is written: a map step's caller may wait for
// each result before it writes more. (Lines already there are tagged
// together: JsonlStreamWithABadLineInTheMiddle.)
TEST_F(BatchTest, StreamLineIsReadAfterTheRecordBeforeItIsWritten) {
  // Hands out one line per read, noting how many records were written by then.
  class LineByLine : public std::streambuf {
   public:
    LineByLine(std::vector<std::string> lines, const RecordingWriter& w) : lines_(std::move(lines)), w_(w) {}
    std::vector<size_t> written_before;  // per line served
   protected:
    int_type underflow() override {
      if (next_ == lines_.size()) return traits_type::eof();
      written_before.push_back(w_.sources.size());
      current_ = lines_[next_++];
      setg(current_.data(), current_.data(), current_.data() + current_.size());
      return traits_type::to_int_type(current_[0]);
    }
   private:
    std::vector<std::string> lines_;
    const RecordingWriter& w_;
    std::string current_;
    size_t next_ = 0;
  };
  InputList inputs;
  inputs.files.push_back("-");
  ReadOptions read;
  read.format = InputFormat::kJsonl;
  RecordingWriter w;
  std::vector<std::string> lines;
  for (int i = 0; i < 5; ++i) {
    lines.push_back("{\"id\": \"" + std::to_string(i) + "\", \"text\": \"Accounts were posing as U.S. voters.\"}\n");
  }
  LineByLine buf(lines, w);
  std::istream in(&buf);
  BatchCounts c = run(inputs, 1, &w, 0, &in, read);
  EXPECT_EQ(c.results, 5u);
  ASSERT_GE(buf.written_before.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(buf.written_before[i], i) << "line " << i;
}

TEST_F(BatchTest, ListingErrorsComeFirstAndCount) {
  InputList inputs;
  inputs.errors.push_back({"/nope", "cannot list folder: gone"});
  inputs.files.push_back(make_corpus(2) + "/sub/doc-000.txt");
  RecordingWriter w;
  BatchCounts c = run(inputs, 4, &w);
  EXPECT_EQ(c.inputs, 2u);
  EXPECT_EQ(c.errors, 1u);
  ASSERT_EQ(w.sources.size(), 2u);
  EXPECT_EQ(w.sources[0], "/nope");
}

// The streaming contract (RDD.pipe, Hadoop Streaming): one record per input
// line, in order, carrying the line's id; a bad line in the middle is an
// error record with its line number, and the lines after it are tagged.
TEST_F(BatchTest, JsonlStreamWithABadLineInTheMiddle) {
  std::string stream =
      "{\"id\": \"a\", \"text\": \"Dozens of accounts were posing as U.S. voters.\"}\n"
      "{\"id\": \"b\", \"text\": \"The budget passed.\"}\n"
      "{\"id\": \"c\", \"text\": \"unterminated\n"
      "\n"
      "{\"id\": \"d\", \"text\": \"Accounts posing as U.S. voters again.\", \"lang\": \"en\"}\n";
  InputList inputs;
  inputs.files.push_back("-");
  ReadOptions read;
  read.format = InputFormat::kJsonl;
  for (size_t jobs : {1, 4}) {
    std::istringstream in(stream);
    RecordingWriter w;
    BatchCounts c = run(inputs, jobs, &w, 0, &in, read);
    EXPECT_EQ(c.inputs, 4u);
    EXPECT_EQ(c.results, 3u);
    EXPECT_EQ(c.errors, 1u);
    std::istringstream lines(w.out.str());
    std::vector<nlohmann::json> recs;
    for (std::string line; std::getline(lines, line);) recs.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(recs.size(), 4u);
    EXPECT_EQ(recs[0]["doc"], "a");
    EXPECT_EQ(recs[1]["doc"], "b");
    EXPECT_TRUE(recs[2].contains("error"));
    EXPECT_NE(recs[2].dump().find('3'), std::string::npos) << "error names line 3: " << recs[2];
    EXPECT_EQ(recs[3]["doc"], "d");
    EXPECT_FALSE(recs[0]["techniques"].empty());
    EXPECT_FALSE(recs[3]["techniques"].empty());
  }
}

}  // namespace
}  // namespace ttptag
