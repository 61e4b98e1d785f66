// batch.h: tag many documents, in parallel, with results in input order.
//
// A three-stage oneTBB parallel_pipeline over batches of consecutive
// documents: a serial, in-order input stage takes the next inputs (paths to
// read, or JSON lines already parsed) up to BatchOptions::batch_bytes; a
// parallel stage reads the files (if needed) and runs the Tagger on the
// batch (Tagger::run_batch: faster than one by one, with the same results);
// a serial, in-order output stage hands each result to the ResultWriter.
// At most `jobs` batches exist at once (or `max_in_flight` documents), so
// memory does not grow with the input, and the output is the same byte for
// byte whatever `jobs` is.
//
// Inputs: every path in InputList::files is one document, except "-" with
// ReadOptions::format kJsonl and any path that reads as JSONL (.jsonl, or
// format kJsonl), which yield one document per line. InputList::errors
// become error records first. A document that fails (unreadable, a bad
// JSON line, an exception inside a stage) becomes an error record; the
// batch goes on. ReadOptions apply to every reader, standard input and
// JSON Lines included.
//
// Input order is deterministic: listing errors, then InputList::files in
// order (expand_inputs sorts each folder's files), JSON Lines in line order.
// That is what makes resuming possible (BatchOptions::resumed).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "read.h"
#include "tagger.h"
#include "write.h"

namespace ttptag {

// A record already written by an interrupted run (its JSON `doc`, and
// whether it is an error record).
struct ResumedRecord {
  std::string doc;
  bool error = false;
};

struct BatchOptions {
  size_t jobs = 0;                 // worker threads; 0 = all cores; 1 = no threads
  // Documents in the pipeline at once, each tagged alone; 0 = batches of
  // about batch_bytes of input and at most batch_documents each (`jobs` of
  // them at once), each tagged together (Tagger::run_batch; faster).
  size_t max_in_flight = 0;
  size_t batch_bytes = size_t{256} << 10;
  size_t batch_documents = 256;
  std::istream* stdin_stream = nullptr;  // what "-" reads; nullptr = std::cin
  std::ostream* flush = nullptr;   // flushed after every result (streaming), if set
  std::ostream* progress = nullptr;  // progress bar (a terminal) here, if set
  // Resume: the records an interrupted run wrote, in order. The first
  // resumed->size() inputs are taken from the inputs and checked against
  // them (each input's `doc` must be the record's), then skipped: not
  // tagged, not written again. On a mismatch nothing is written (see
  // BatchCounts::resume_mismatch).
  const std::vector<ResumedRecord>* resumed = nullptr;
  // Called once the resumed records have been checked and before anything
  // is written (to drop a torn last line from the file appended to); false
  // stops the batch as a mismatch does.
  std::function<bool()> on_resume_checked;
  // Set (e.g. by a signal handler) to stop early: no new input is taken;
  // documents already in flight are finished and written, in order.
  const std::atomic<bool>* stop = nullptr;
};

struct BatchCounts {
  size_t inputs = 0;   // documents seen (every one yields a record), resumed ones included
  size_t results = 0;  // tagged
  size_t errors = 0;   // error records
  size_t bytes = 0;    // bytes of document text tagged (in this run)
  size_t resumed = 0;  // of `inputs`: records kept from the interrupted run
  bool stopped = false;  // BatchOptions::stop ended the batch before the inputs ran out
  // Non-empty: the resumed records do not match the inputs (what differs);
  // nothing was tagged or written.
  std::string resume_mismatch;
};

// Runs read -> tag -> write over `inputs`. Calls writer.write() once per
// input document (not resumed), in input order, from one thread at a time;
// does not call writer.finish(). inputs == results + errors.
BatchCounts run_batch(const InputList& inputs, const ReadOptions& read, const Tagger& tagger,
                      ResultWriter& writer, const BatchOptions& opts);

// Worker threads `jobs` = 0 stands for: the machine's cores (at least 1).
size_t default_jobs();

}  // namespace ttptag
