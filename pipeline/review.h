// review.h: tag results as suggestions for people to review, the log of
// their decisions, and the gold units those decisions become.
//
// `ttptag tag` writes results (README "Output: JSON Lines"); read_results()
// loads them back as suggestions, one per (document, technique). A reviewer
// accepts or rejects a suggestion, or adds a technique the rules missed; each
// decision is one JSON line appended to a decision log:
//   {"document", "technique", "decision": "accept"|"reject"|"add",
//    "evidence": {"rule", "start", "end", "text"}, "rules": [every rule that
//    fired for the suggestion], "reviewer", "comment", "time": RFC 3339 UTC}
// DecisionLog::append() writes the line with one write(2) on an O_APPEND
// descriptor and fsyncs before returning, so an acknowledged decision
// survives a crash. read_decisions() skips a torn last line with a warning.
// In a log, the latest decision per (document, technique) wins.
// gold_from_review() turns a log into gold units (gold/README.md, "From
// review"). Nothing here throws; problems come back as strings.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "gold.h"

namespace ttptag {

// ---- Results (the output of `ttptag tag`) ----

struct ResultEvidence {
  std::string rule;
  size_t sentence = 0;
  size_t start = 0, end = 0;  // half-open byte offsets into the document
  std::string text;           // document[start:end]
  std::string context;        // the sentence
  int page = 0;               // 1-based, 0 = not paged
};

struct ResultTechnique {
  std::string id, name;
  double score = 0;
  std::vector<ResultEvidence> evidence;
};

struct ResultDoc {
  std::string doc;  // the path as `tag` was given it
  std::vector<ResultTechnique> techniques;  // as in the file: highest score first
  std::vector<std::string> warnings;        // warning codes
  std::string error;                        // the document failed in `tag`
  nlohmann::json meta = nlohmann::json::object();
};

struct ResultsFile {
  std::vector<ResultDoc> docs;        // in file order
  std::vector<std::string> warnings;  // e.g. a malformed line skipped ("file:line: ...")
  std::string error;                  // non-empty: the file could not be opened
};

// Reads a results JSONL file. Lines that are not result objects are skipped
// with a warning; fields of the wrong type are ignored (treated as absent).
ResultsFile read_results(const std::string& path);
ResultsFile parse_results(std::istream& in, const std::string& name);

// The document's text, read from `doc.doc` when it is a readable regular file
// of at most `max_bytes` whose bytes agree with every evidence span
// (text[start:end] == evidence.text); nullopt otherwise (the caller shows
// evidence contexts only). A relative path is tried from the working
// directory, then from `base_dir` (e.g. the results file's folder) if given.
// Sets *why to the reason when nullopt.
std::optional<std::string> load_document_text(const ResultDoc& doc, size_t max_bytes,
                                              std::string* why = nullptr,
                                              const std::string& base_dir = "");

// A piece of displayed text: highlighted when `marks` is not empty; marks
// are indexes into ResultDoc::techniques, in ascending order. `start` is the
// piece's byte offset in the document.
struct TextPiece {
  size_t start = 0;
  std::string text;
  std::vector<size_t> marks;
};
// Cuts the document text at every evidence boundary of `doc` (spans outside
// the text are ignored). The pieces are contiguous and cover the text; where
// spans overlap, a piece is marked by every technique covering it.
std::vector<TextPiece> highlight_pieces(const std::string& text, const ResultDoc& doc);

// One evidence sentence with its spans marked, for when the text is not at hand.
struct Snippet {
  size_t sentence = 0;
  int page = 0;
  std::vector<TextPiece> pieces;  // cover the sentence (`context`)
};
// One snippet per distinct evidence sentence, in sentence order; each
// evidence text is found in its context and marked with its technique.
std::vector<Snippet> context_snippets(const ResultDoc& doc);

// ---- Decisions ----

enum class Verdict {
  kAccept,  // the suggested technique is right
  kReject,  // the suggestion is a false positive
  kAdd,     // a technique the rules missed
};
const char* verdict_name(Verdict v);  // "accept", "reject", "add"
bool parse_verdict(const std::string& name, Verdict* out);

struct DecisionEvidence {
  std::string rule;  // the rule whose firing was judged; "" for an added technique
  size_t start = 0, end = 0;  // byte offsets into the document; 0, 0 when none
  std::string text;
};

struct Decision {
  std::string document;   // ResultDoc::doc
  std::string technique;  // "T0088.001"
  Verdict decision = Verdict::kAccept;
  DecisionEvidence evidence;
  std::vector<std::string> rules;  // every rule that fired for the suggestion ({} for add)
  std::string reviewer;  // may be ""
  std::string comment;   // may be ""
  std::string time;      // RFC 3339 UTC, e.g. "2026-01-02T03:04:05Z"
};

// Now as RFC 3339 UTC with seconds.
std::string rfc3339_now();

// One decision as a JSON line (no trailing newline).
std::string decision_to_jsonl(const Decision& d);
// Parses one decision; false with *error on a missing or bad field.
bool decision_from_json(const nlohmann::json& j, Decision* out, std::string* error);

// ---- Requests to the review app (serve.h) ----

// True for a request target `serve` refuses (400) before routing: not an
// absolute path, or holding "..", "//", a backslash, a control byte, an
// encoded dot, slash, backslash or NUL (%2e %2f %5c %00, any case), or a
// %u escape (cpp-httplib decodes %uXXXX too: %u002e is a dot).
bool suspicious_request_target(const std::string& target);

// What a POST /api/decision body is checked against.
struct DecisionRequestContext {
  const ResultsFile* results = nullptr;
  const Catalog* catalog = nullptr;  // without one, IDs are checked by form
  size_t max_text_bytes = size_t{16} << 20;  // load_document_text limit (added spans)
  std::string base_dir;                      // for load_document_text
  // The current verdict on (document, technique), if any; `serve` reads its
  // state under its lock here.
  std::function<std::optional<Verdict>(const std::string&, const std::string&)> latest;
};
// Validates a decision request body {"doc", "technique"?, "id"?, "decision",
// "start"?, "end"?, "reviewer"?, "comment"?} (serve.h) and fills *out (all
// but `time`); returns "" or what is wrong (the 400 message).
std::string decision_from_request(const nlohmann::json& body, const DecisionRequestContext& ctx,
                                  Decision* out);

// An append-only decision log. Not thread-safe: callers serialise append().
class DecisionLog {
 public:
  // Opens `path` for appending (creating it, and fsyncing its folder when
  // created). If the file ends in a torn line (a crash mid-write), a newline
  // is appended first so the next decision starts a line of its own.
  static std::unique_ptr<DecisionLog> open(const std::string& path, std::string* error);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Appends one line and fsyncs; true once the line is on disk.
  bool append(const Decision& d, std::string* error);
  const std::string& path() const { return path_; }

 private:
  DecisionLog(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

struct DecisionFile {
  std::vector<Decision> decisions;    // in file order
  std::vector<std::string> warnings;  // malformed lines skipped ("file:line: ...")
  std::string error;                  // the file exists but cannot be read
};
// Reads a decision log. A missing file is an empty log, not an error.
DecisionFile read_decisions(const std::string& path);

// The latest decision per (document, technique).
class ReviewState {
 public:
  void apply(const Decision& d);
  void apply_all(const std::vector<Decision>& ds) {
    for (const auto& d : ds) apply(d);
  }
  const Decision* latest(const std::string& document, const std::string& technique) const;
  // Every current decision, ordered by (document, technique).
  const std::map<std::pair<std::string, std::string>, Decision>& all() const { return latest_; }

 private:
  std::map<std::pair<std::string, std::string>, Decision> latest_;
};

// ---- The review queue ----

// One suggestion: technique `technique` of document `doc` (indexes into
// ResultsFile::docs and ResultDoc::techniques).
struct QueueItem {
  size_t doc = 0, technique = 0;
};
enum class QueueOrder {
  kScore,     // highest score first; ties in document order
  kDocument,  // document order, then as in the document (highest score first)
};
std::vector<QueueItem> build_queue(const ResultsFile& results, QueueOrder order);
// Index of the first item without a decision; queue.size() when all are decided.
size_t first_undecided(const std::vector<QueueItem>& queue, const ResultsFile& results,
                       const ReviewState& state);

// ---- Decisions -> gold ----

struct FromReviewOptions {
  std::string id_prefix = "review/";  // unit id = prefix + document path
};

struct ReviewGold {
  std::vector<GoldUnit> units;  // one per document with a current decision, in first-decision order
  size_t accepted = 0, added = 0, rejected = 0;
};
// Latest decision per (document, technique): accept and add become tags
// (evidence = the decision's evidence text, note = the comment), reject
// becomes one GoldUnit::rejected entry per rule that fired for the
// suggestion: the known false positives `eval` reports per rule (a reject
// without rules withdraws an addition and lists nothing). Units: level
// "document", source "review", path = the document, no text (read_gold
// reads the file). Write them with write_gold().
ReviewGold gold_from_review(const std::vector<Decision>& decisions,
                            const FromReviewOptions& opts = {});

}  // namespace ttptag
