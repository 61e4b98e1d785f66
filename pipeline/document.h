// document.h: the record every pipeline stage reads and fills.
//
// A Document travels read -> normalize -> segment -> match -> aggregate ->
// write. Each stage owns the fields listed beside it and only reads the
// others, so stages can be tested and replaced one at a time.
// All offsets are half-open byte ranges [begin, end).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ttptag {

// A non-fatal problem with one document (the document still gets a result).
struct Warning {
  std::string code;     // stable, e.g. "invalid-utf8", "empty-input"
  std::string message;  // for people; wording may change
};

// Normalized text plus a map back to the reader's text.
// orig_begin[i] / orig_end[i] give the byte range of Document::text that
// produced normalized byte i. Both vectors have text.size() entries and are
// monotone non-decreasing.
struct NormalizedText {
  std::string text;
  std::vector<uint32_t> orig_begin;
  std::vector<uint32_t> orig_end;
  // Per normalized byte: kUpper if the source character was upper or title
  // case before case folding (the segmenter needs capitalisation).
  std::vector<uint8_t> flags;
  static constexpr uint8_t kUpper = 1;

  // Original byte range of the normalized range [begin, end); end > begin.
  std::pair<size_t, size_t> to_original(size_t begin, size_t end) const {
    return {orig_begin[begin], orig_end[end - 1]};
  }
};

// One sentence of the normalized text.
struct Sentence {
  size_t begin = 0;      // byte offsets into NormalizedText::text
  size_t end = 0;
  size_t paragraph = 0;  // index of the paragraph holding it
};

// One rule firing: a span of normalized text inside one sentence.
struct Match {
  size_t rule = 0;      // index into RuleSet::rules()
  size_t sentence = 0;  // index into Document::sentences
  size_t begin = 0;     // normalized byte offsets
  size_t end = 0;
};

// A rule whose trigger fired but an `unless` pattern vetoed it.
struct Suppression {
  size_t rule = 0;
  size_t sentence = 0;
  size_t begin = 0, end = 0;  // the trigger span (normalized)
  std::string reason;         // the `unless` text that matched
};

struct Evidence {
  std::string rule;       // rule id
  size_t sentence = 0;    // sentence index
  size_t start = 0;       // byte offsets into Document::text (the original)
  size_t end = 0;
  std::string text;       // Document::text.substr(start, end - start)
  std::string sentence_text;  // the whole sentence, original bytes
  int page = 0;           // 1-based page for paged inputs (PDF), else 0
};

struct Tag {
  std::string id;    // DISARM technique ID, e.g. "T0088.001"
  std::string name;  // from the catalogue when loaded, else ""
  double score = 0;  // 0..1
  std::vector<Evidence> evidence;
};

struct Document {
  // read: identity and content
  std::string source;        // path, "-" for standard input, or JSONL id
  std::string text;          // text as produced by the reader; for .txt/.md the file's bytes
  nlohmann::json meta = nlohmann::json::object();  // title, url, date, passthrough fields
  std::vector<size_t> page_starts;  // byte offset in `text` where each page begins (PDF)
  // Byte ranges [first, second) of `text` that normalize() treats as white
  // space (e.g. scraped page furniture, furniture.h); `text` itself is unchanged.
  std::vector<std::pair<size_t, size_t>> masked;
  // normalize
  NormalizedText norm;
  // segment
  std::vector<Sentence> sentences;
  // match
  std::vector<Match> matches;
  std::vector<Suppression> suppressed;
  // aggregate
  std::vector<Tag> tags;
  // any stage
  std::vector<Warning> warnings;
  std::string error;  // non-empty: the document failed; an error record is written
};

}  // namespace ttptag
