// read.h: get documents into the pipeline.
//
// A reader fills Document::source and Document::text (plus meta,
// page_starts, masked). For .txt and .md files text is the file's bytes
// unchanged, so evidence offsets index the original file; HTML, PDF and JSON
// readers (read_html.h, read_pdf.h, read_json.h) produce a text and offsets
// index that. The furniture filter (furniture.h) only adds Document::masked
// ranges, never changes text. Failures (missing, unreadable, a directory, a
// broken PDF, a bad JSON line) become Document::error, never an exception:
// every input yields a record.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "document.h"

namespace ttptag {

// Largest input read; past it the document is an error record. Files are
// read at most this far even when their size is unknown (a pipe, /dev/zero).
inline constexpr size_t kMaxDocumentBytes = size_t{256} << 20;

// Reads a file's bytes. Besides read errors (each an error naming the path:
// no such file, a folder, permission denied, a symbolic link loop, a broken
// link, over kMaxDocumentBytes), the bytes are checked:
// - a UTF-16 or UTF-32 byte-order mark: the text is decoded to UTF-8
//   (bytes that do not decode become U+FFFD) and the warning "transcoded"
//   says that evidence offsets index the UTF-8 text, not the file;
// - mostly control bytes: the warning "binary-input" (still tagged);
// - NUL bytes in an otherwise textual file: the warning "nul-bytes" (they
//   read as nothing; the text after them is tagged, never cut off).
Document read_file(const std::string& path);
// The same for a stream (standard input); `source_name` names it.
Document read_stream(std::istream& in, const std::string& source_name);

// Why `path` cannot be opened for reading, as "cannot read PATH: REASON",
// or "" if it can. Used for inputs read as streams (JSON Lines).
std::string open_error(const std::string& path);

// Input formats; kAuto picks by extension (.html/.htm, .pdf, .json, .jsonl/.ndjson;
// anything else is text).
enum class InputFormat { kAuto, kText, kHtml, kPdf, kJson, kJsonl };
// Parses "auto", "text", "html", "pdf", "json", "jsonl"; false if unknown.
bool parse_input_format(const std::string& name, InputFormat* out);
InputFormat detect_format(const std::string& path);

struct ReadOptions {
  InputFormat format = InputFormat::kAuto;
  bool drop_furniture = true;  // the scraped-page line filter (furniture.h)
};

// Reads one document of any single-document format (text, html, pdf, json),
// chosen by opts.format (kAuto: by extension, see detect_format), then masks
// furniture lines if opts.drop_furniture. For .txt/.md, Document::text is
// the file's bytes; for other formats it is the text the reader produced,
// and evidence offsets index that text. kJsonl gives an error record (a
// JSONL file holds many documents: use JsonlReader). Thread-safe; never throws.
Document read_document(const std::string& path, const ReadOptions& opts);

// The same for a stream (standard input): kAuto and kText read the bytes as
// text; kHtml, kPdf, kJson parse them; kJsonl is an error record.
Document read_stream(std::istream& in, const std::string& source_name, const ReadOptions& opts);

// Reads a JSON Lines stream one document per line: {"id", "text", ...}
// (the field rules of read_json.h). Document::source is "id", else
// "<source_name>#<line>"; other fields go to Document::meta. A line that does
// not parse, is not an object, lacks a string "text" or is over
// kMaxDocumentBytes yields a Document with source "<source_name>#<line>" and
// `error` "<source_name>:<line>: <problem>" (for JSON syntax: where and what;
// a last line without a line end is called possibly truncated); reading goes
// on with the next line. Lines are read one at a time (never the whole
// stream); a UTF-8 BOM and CR before LF are ignored. A UTF-16 byte-order mark
// gives one error record and ends the stream. Furniture lines in "text" are masked when
// opts.drop_furniture (opts.format is ignored). Not thread-safe (one reader
// per stream); never throws.
class JsonlReader {
 public:
  JsonlReader(std::istream& in, std::string source_name, ReadOptions opts = {})
      : in_(in), source_(std::move(source_name)), opts_(opts) {}
  // False at end of stream. Blank lines are skipped (not documents).
  bool next(Document* doc);
  // Line number of the document last returned (1-based).
  size_t line_number() const { return line_; }
  // The stream failed while reading (an I/O error, not the end).
  bool read_failed() const;

 private:
  // Reads one line into buf_ (without the line end); false at end of stream.
  // *too_long: the line was over kMaxDocumentBytes (buf_ holds only a prefix).
  bool read_line(bool* too_long);

  std::istream& in_;
  std::string source_;
  ReadOptions opts_;
  size_t line_ = 0;
  std::string buf_;
  bool unterminated_ = false;  // the line in buf_ ended at end of stream, without a line end
  bool stopped_ = false;       // nothing more will be read (UTF-16 input)
};

// Paths in order, stored front-coded: each path as the length it shares
// with the one before and the rest, a full path every kBlock. A folder of a
// million files lists sorted paths that share most of their bytes; as
// std::strings they took 60 to 80 bytes each, held for the whole run.
class PathList {
 public:
  class const_iterator {
   public:
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using reference = const std::string&;
    using pointer = const std::string*;
    using iterator_category = std::input_iterator_tag;
    const_iterator(const PathList* list, size_t index);
    reference operator*() const { return current_; }
    pointer operator->() const { return &current_; }
    const_iterator& operator++();
    bool operator==(const const_iterator& other) const { return index_ == other.index_; }
    bool operator!=(const const_iterator& other) const { return index_ != other.index_; }

   private:
    void decode();
    const PathList* list_;
    size_t index_, offset_ = 0;  // offset_: where entry index_ is encoded
    std::string current_;
  };

  void push_back(std::string_view path);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string operator[](size_t i) const;  // decodes from the block start
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }
  size_t memory() const { return bytes_.capacity() + blocks_.capacity() * sizeof(size_t); }
  friend bool operator==(const PathList& a, const std::vector<std::string>& b);
  friend bool operator==(const std::vector<std::string>& b, const PathList& a) { return a == b; }

 private:
  static constexpr size_t kBlock = 16;
  std::string bytes_;            // per path: varint shared, varint rest length, rest
  std::vector<size_t> blocks_;   // offset of every kBlock-th path (stored with shared = 0)
  std::string last_;             // the last path pushed
  size_t size_ = 0;
};

// Expands files and folders (recursively; inside folders only regular files
// with a known extension: .txt .md .markdown .text .html .htm .pdf .json
// .jsonl .ndjson, any case; explicit files are taken whatever their
// extension) into a stable list: the paths in the order given, each folder's
// files sorted by path (byte order). "-" stays "-". A missing explicit path
// stays in `files` and becomes an error record when read.
// Symbolic links are followed, to files and to folders; a folder reached a
// second time (a link back to an ancestor: a loop, or to a folder already
// listed) is skipped with a warning, so a walk always ends and lists each
// file once. Problems that lose documents are error entries {path, message}
// (each becomes an error record): a subfolder that cannot be listed, a link
// with a known extension that is broken or loops. Problems that lose none
// are warnings: a broken or looping link without a known extension, a
// folder skipped as already listed, a FIFO or device with a known extension.
struct InputList {
  PathList files;
  std::vector<std::pair<std::string, std::string>> errors;
  std::vector<std::string> warnings;  // "PATH: what was skipped and why"
};
InputList expand_inputs(const std::vector<std::string>& paths);

}  // namespace ttptag
