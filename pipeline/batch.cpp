#include "batch.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <poll.h>
#include <unistd.h>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

namespace ttptag {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One document on its way through the pipeline.
struct Item {
  Document doc;
  std::string path;       // to read in the parallel stage, if need_read
  bool need_read = false;
  size_t input_bytes = 0;  // bytes of input consumed, for progress
};

// What the pipeline passes between its stages: consecutive documents,
// tagged together (Tagger::run_batch).
struct Unit {
  std::vector<std::unique_ptr<Item>> items;
};

bool is_jsonl(const std::string& path, const ReadOptions& read) {
  if (read.format == InputFormat::kJsonl) return true;
  return read.format == InputFormat::kAuto && path != "-" && detect_format(path) == InputFormat::kJsonl;
}

// Yields the inputs in order, one Item per document. Not thread-safe: the
// serial input stage owns it.
class InputSource {
 public:
  InputSource(const InputList& inputs, const ReadOptions& read, std::istream& in)
      : inputs_(inputs), read_(read), stdin_(in), next_file_(inputs.files.begin()) {}

  std::unique_ptr<Item> next() {
    if (error_ < inputs_.errors.size()) {
      auto u = std::make_unique<Item>();
      u->doc.source = inputs_.errors[error_].first;
      u->doc.error = inputs_.errors[error_].second;
      ++error_;
      return u;
    }
    while (true) {
      if (jsonl_) {
        auto u = std::make_unique<Item>();
        if (jsonl_->next(&u->doc)) {
          u->input_bytes = jsonl_bytes(u->doc);
          return u;
        }
        const bool failed = jsonl_->read_failed();
        const size_t line = jsonl_->line_number();
        jsonl_.reset();
        file_.reset();
        if (failed) {  // an I/O error is not the end of the file: say so
          u->doc = Document();
          u->doc.source = jsonl_path_;
          u->doc.error = "cannot read " + jsonl_path_ + ": read error after line " + std::to_string(line) +
                         "; the lines after it were not read";
          return u;
        }
      }
      if (next_file_ == inputs_.files.end()) return nullptr;
      const std::string path = *next_file_;
      ++next_file_;
      if (is_jsonl(path, read_)) {
        jsonl_path_ = path;
        if (path == "-") {
          jsonl_ = std::make_unique<JsonlReader>(stdin_, "-", read_);
        } else {
          std::string problem = open_error(path);
          if (problem.empty()) {
            file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
            if (!*file_) problem = "cannot read " + path + ": cannot open";
          }
          if (!problem.empty()) {
            auto u = std::make_unique<Item>();
            u->doc.source = path;
            u->doc.error = problem;
            file_.reset();
            return u;
          }
          jsonl_ = std::make_unique<JsonlReader>(*file_, path, read_);
          last_pos_ = 0;
        }
        continue;
      }
      auto u = std::make_unique<Item>();
      if (path == "-") {
        u->doc = read_stream(stdin_, "-", read_);  // a stream is read here, in order
        u->input_bytes = u->doc.text.size();
      } else {
        u->path = path;
        u->need_read = true;
      }
      return u;
    }
  }

  // Whether taking the next document may wait for standard input's writer:
  // it comes from there, and no byte of it is there yet (buffered, or in the
  // pipe). A map step's caller (Spark, Hadoop) may wait for each result
  // before it writes the next line.
  bool may_wait() const {
    if (error_ < inputs_.errors.size()) return false;
    const bool from_stdin = jsonl_ ? jsonl_path_ == "-" : next_file_ != inputs_.files.end() && *next_file_ == "-";
    if (!from_stdin || stdin_.rdbuf()->in_avail() > 0) return false;
    if (&stdin_ != &std::cin) return true;
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    return ::poll(&fd, 1, 0) <= 0;
  }

 private:
  // Bytes of the JSONL stream consumed by the last document: the file
  // position where it can be had, else the text size.
  size_t jsonl_bytes(const Document& doc) {
    if (file_) {
      auto pos = file_->tellg();
      if (pos >= 0) {
        size_t p = static_cast<size_t>(pos), d = p - std::min(p, last_pos_);
        last_pos_ = p;
        return d;
      }
    }
    return doc.text.size();
  }

  const InputList& inputs_;
  const ReadOptions& read_;
  std::istream& stdin_;
  size_t error_ = 0;
  PathList::const_iterator next_file_;  // decodes each path once, in order
  std::unique_ptr<std::ifstream> file_;
  std::unique_ptr<JsonlReader> jsonl_;
  std::string jsonl_path_;
  size_t last_pos_ = 0;
};

// The `doc` a unit's record will carry, without tagging it: the path, except
// for JSON files, whose "id" becomes the doc (so they are read).
std::string record_doc(const Item& u, const ReadOptions& read) {
  if (!u.need_read) return u.doc.source;
  const InputFormat f = read.format == InputFormat::kAuto ? detect_format(u.path) : read.format;
  if (f != InputFormat::kJson) return u.path;
  return read_document(u.path, read).source;
}

// A string as JSON output writes it (invalid UTF-8 replaced), for comparing
// a record's `doc` with an input's.
std::string as_written(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Takes the first resumed->size() inputs and checks that each is the
// document of the record at its position; counts them. Returns what differs,
// or "".
std::string skip_resumed(InputSource& source, const std::vector<ResumedRecord>& resumed,
                         const ReadOptions& read, BatchCounts& counts) {
  for (size_t i = 0; i < resumed.size(); ++i) {
    auto u = source.next();
    if (!u) {
      return "it holds " + std::to_string(resumed.size()) + " records but the inputs give only " +
             std::to_string(i) + " documents";
    }
    const std::string expected = record_doc(*u, read);
    if (as_written(expected) != as_written(resumed[i].doc)) {
      return "record " + std::to_string(i + 1) + " is for " + as_written(resumed[i].doc) + " but input " +
             std::to_string(i + 1) + " is " + as_written(expected);
    }
    ++counts.inputs;
    ++counts.resumed;
    ++(resumed[i].error ? counts.errors : counts.results);
  }
  return "";
}

// The next documents, up to `max_bytes` of input (by file size) and
// `max_documents`; one only if max_bytes is 0. A batch also ends where
// taking one more would wait for standard input (InputSource::may_wait).
std::unique_ptr<Unit> next_batch(InputSource& source, size_t max_bytes, size_t max_documents) {
  auto unit = std::make_unique<Unit>();
  size_t bytes = 0;
  while (unit->items.size() < std::max<size_t>(max_documents, 1)) {
    if (!unit->items.empty() && source.may_wait()) break;
    auto item = source.next();
    if (!item) break;
    if (item->need_read) {
      std::error_code ec;
      const auto size = fs::file_size(item->path, ec);
      item->input_bytes = ec ? 0 : static_cast<size_t>(size);
    }
    bytes += item->input_bytes;
    unit->items.push_back(std::move(item));
    if (bytes >= max_bytes) break;
  }
  if (unit->items.empty()) return nullptr;
  return unit;
}

// Reads a document if need be. Never throws.
void read_item(Item& u, const ReadOptions& read) {
  if (!u.need_read) return;
  try {
    u.doc = read_document(u.path, read);
    if (u.input_bytes == 0) u.input_bytes = u.doc.text.size();
  } catch (const std::exception& e) {
    u.doc.source = u.path;
    u.doc.error = "internal error while reading: " + std::string(e.what());
  }
}

// The parallel stage: read (if needed) and tag. Never throws.
void process(Unit& unit, const ReadOptions& read, const Tagger& tagger) {
  std::vector<Document*> docs;
  for (auto& item : unit.items) {
    read_item(*item, read);
    docs.push_back(&item->doc);
  }
  tagger.run_batch(docs);
}

// "12.3 MB/s", ETA and counts on one terminal line, redrawn at most 5 times
// a second; finish() ends the line.
class Progress {
 public:
  Progress(std::ostream* out, const InputList& inputs, const ReadOptions& read) : out_(out) {
    if (!out_) return;
    start_ = last_ = Clock::now();
    bool sizes_known = true;
    for (const auto& f : inputs.files) {
      std::error_code ec;
      if (f == "-") {
        sizes_known = false;
        docs_known_ = false;
        continue;
      }
      if (is_jsonl(f, read)) docs_known_ = false;
      auto s = fs::file_size(f, ec);
      if (!ec) total_bytes_ += static_cast<size_t>(s);
    }
    if (!sizes_known) total_bytes_ = 0;
    total_docs_ = inputs.files.size() + inputs.errors.size();
  }

  void update(size_t docs, size_t bytes, bool force = false) {
    if (!out_) return;
    auto now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double mb = static_cast<double>(bytes) / 1e6;
    double rate = secs > 0 ? mb / secs : 0;
    char line[160];
    int n = std::snprintf(line, sizeof line, "\rttptag: %zu", docs);
    if (docs_known_) n += std::snprintf(line + n, sizeof line - static_cast<size_t>(n), "/%zu", total_docs_);
    n += std::snprintf(line + n, sizeof line - static_cast<size_t>(n), " docs  %.1f", mb);
    if (total_bytes_) {
      n += std::snprintf(line + n, sizeof line - static_cast<size_t>(n), "/%.1f", static_cast<double>(total_bytes_) / 1e6);
    }
    n += std::snprintf(line + n, sizeof line - static_cast<size_t>(n), " MB  %.1f MB/s", rate);
    if (total_bytes_ && rate > 0 && bytes <= total_bytes_) {
      auto eta = static_cast<long>(static_cast<double>(total_bytes_ - bytes) / 1e6 / rate);
      n += std::snprintf(line + n, sizeof line - static_cast<size_t>(n), "  ETA %ld:%02ld", eta / 60, eta % 60);
    }
    std::snprintf(line + n, sizeof line - static_cast<size_t>(n), "   ");
    *out_ << line << std::flush;
  }

  void finish(size_t docs, size_t bytes) {
    if (!out_) return;
    update(docs, bytes, true);
    *out_ << '\n' << std::flush;
  }

 private:
  std::ostream* out_;
  Clock::time_point start_, last_;
  size_t total_bytes_ = 0, total_docs_ = 0;
  bool docs_known_ = true;
};

}  // namespace

size_t default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

BatchCounts run_batch(const InputList& inputs, const ReadOptions& read, const Tagger& tagger,
                      ResultWriter& writer, const BatchOptions& opts) {
  const size_t jobs = opts.jobs ? opts.jobs : default_jobs();
  // Batches of documents in flight: by default one per worker (they are
  // read in the parallel stage, so the serial ones need none to work on),
  // each about opts.batch_bytes of input. max_in_flight counts documents:
  // then each batch is one.
  const size_t batch_bytes = opts.max_in_flight ? 0 : opts.batch_bytes;
  const size_t tokens = opts.max_in_flight ? opts.max_in_flight : jobs;
  std::istream& in = opts.stdin_stream ? *opts.stdin_stream : std::cin;
  // std::cin is tied to std::cout: every read would flush std::cout from the
  // input thread while the output stage writes it (a data race that can
  // duplicate output). Results are flushed by the output stage instead.
  struct Untie {
    std::istream& in;
    std::ostream* tie = in.tie(nullptr);
    ~Untie() { in.tie(tie); }
  } untie{in};
  InputSource source(inputs, read, in);
  BatchCounts counts;
  if (opts.resumed) {
    counts.resume_mismatch = skip_resumed(source, *opts.resumed, read, counts);
    if (!counts.resume_mismatch.empty()) return counts;
    if (opts.on_resume_checked && !opts.on_resume_checked()) {
      counts.resume_mismatch = "the output file could not be prepared for appending";
      return counts;
    }
  }
  Progress progress(opts.progress, inputs, read);
  size_t input_bytes = 0;
  auto stop_requested = [&] { return opts.stop && opts.stop->load(); };

  auto emit_item = [&](Item& u) {
    writer.write(u.doc);
    if (opts.flush) opts.flush->flush();
    ++counts.inputs;
    if (u.doc.error.empty()) {
      ++counts.results;
      counts.bytes += u.doc.text.size();
    } else {
      ++counts.errors;
    }
    input_bytes += u.input_bytes;
    progress.update(counts.inputs, input_bytes);
  };
  auto emit = [&](Unit& unit) {
    for (auto& item : unit.items) emit_item(*item);
  };

  if (jobs == 1) {
    // One thread: the same stages, in a plain loop.
    while (true) {
      if (stop_requested()) {
        counts.stopped = true;
        break;
      }
      auto u = next_batch(source, batch_bytes, opts.batch_documents);
      if (!u) break;
      process(*u, read, tagger);
      emit(*u);
    }
  } else {
    // More jobs than cores is allowed (oneTBB caps its workers at the core
    // count unless told otherwise).
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism, jobs);
    tbb::task_arena arena(static_cast<int>(jobs));
    arena.execute([&] {
      tbb::parallel_pipeline(
          tokens,
          tbb::make_filter<void, Unit*>(tbb::filter_mode::serial_in_order,
                                        [&](tbb::flow_control& fc) -> Unit* {
                                          // Stopping here lets the units in flight finish and be
                                          // written in order: the output stays a clean prefix.
                                          if (stop_requested()) {
                                            counts.stopped = true;
                                            fc.stop();
                                            return nullptr;
                                          }
                                          auto u = next_batch(source, batch_bytes, opts.batch_documents);
                                          if (!u) fc.stop();
                                          return u.release();
                                        }) &
              tbb::make_filter<Unit*, Unit*>(tbb::filter_mode::parallel,
                                             [&](Unit* u) {
                                               process(*u, read, tagger);
                                               return u;
                                             }) &
              tbb::make_filter<Unit*, void>(tbb::filter_mode::serial_in_order, [&](Unit* u) {
                std::unique_ptr<Unit> owned(u);
                emit(*owned);
              }));
    });
  }
  progress.finish(counts.inputs, input_bytes);
  return counts;
}

}  // namespace ttptag
