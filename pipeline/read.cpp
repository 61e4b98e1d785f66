#include "read.h"

#include <fcntl.h>
#include <iconv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "furniture.h"
#include "read_html.h"
#include "read_json.h"
#include "read_pdf.h"

namespace ttptag {

namespace fs = std::filesystem;

namespace {

// Extensions picked up when a folder is walked.
const std::set<std::string> kFolderExtensions = {".txt", ".md",  ".markdown", ".text",  ".html",
                                                 ".htm", ".pdf", ".json",     ".jsonl", ".ndjson"};

std::string lower_extension(const std::string& path) {
  auto ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

std::string limit_mib() { return std::to_string(kMaxDocumentBytes >> 20) + " MiB document limit"; }

// Why a path that stat() refused cannot be read, for analysts.
std::string stat_reason(const std::string& path, int err) {
  struct stat lst {};
  switch (err) {
    case ELOOP:
      return "symbolic link loop (too many levels of symbolic links)";
    case ENOENT:
      if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) return "broken symbolic link";
      return "no such file";
    case ENOTDIR:
      return "no such file (a part of the path is not a folder)";
    case EACCES:
      return "permission denied";
    default:
      return std::strerror(err);
  }
}

std::string open_reason(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
      return "permission denied";
    case ELOOP:
      return "symbolic link loop (too many levels of symbolic links)";
    default:
      return std::strerror(err);
  }
}

// Decodes text that starts with a UTF-16 or UTF-32 byte-order mark to UTF-8
// (glibc iconv). A code unit that does not decode (a lone surrogate, an odd
// trailing byte) becomes U+FFFD. Returns false if there is no such mark.
bool decode_bom(Document& doc) {
  const std::string& t = doc.text;
  auto b = [&](size_t i) { return i < t.size() ? static_cast<unsigned char>(t[i]) : 0x100u; };
  const char* enc = nullptr;
  size_t bom = 0, unit = 0;
  if (b(0) == 0xFF && b(1) == 0xFE && b(2) == 0 && b(3) == 0) {
    enc = "UTF-32LE";  // checked before UTF-16LE: the same first two bytes
    unit = 4;
  } else if (b(0) == 0 && b(1) == 0 && b(2) == 0xFE && b(3) == 0xFF) {
    enc = "UTF-32BE";
    unit = 4;
  } else if (b(0) == 0xFF && b(1) == 0xFE) {
    enc = "UTF-16LE";
    unit = 2;
  } else if (b(0) == 0xFE && b(1) == 0xFF) {
    enc = "UTF-16BE";
    unit = 2;
  } else {
    return false;
  }
  bom = unit;
  iconv_t cd = ::iconv_open("UTF-8", enc);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    doc.text.clear();
    doc.error = "cannot read " + doc.source + ": it is " + enc + " text and this system cannot decode it";
    return true;
  }
  std::string out;
  out.resize(t.size() + t.size() / 2 + 16);  // UTF-16 -> UTF-8 grows at most 3/2
  char* in = const_cast<char*>(t.data()) + bom;
  size_t in_left = t.size() - bom;
  size_t out_pos = 0, bad = 0;
  while (in_left > 0) {
    char* o = out.data() + out_pos;
    size_t o_left = out.size() - out_pos;
    const size_t r = ::iconv(cd, &in, &in_left, &o, &o_left);
    out_pos = static_cast<size_t>(o - out.data());
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ (a unit that does not decode) or EINVAL (cut off at the end).
    if (out.size() - out_pos < 3) out.resize(out.size() * 2);
    out.replace(out_pos, 3, "\xEF\xBF\xBD");
    out_pos += 3;
    ++bad;
    const size_t skip = std::min(unit, in_left);
    in += skip;
    in_left -= skip;
  }
  ::iconv_close(cd);
  out.resize(out_pos);
  doc.text = std::move(out);
  std::string msg = std::string("decoded from ") + enc +
                    " (byte-order mark); evidence offsets index the decoded UTF-8 text, not the file";
  if (bad) msg += "; " + std::to_string(bad) + " code units did not decode and became U+FFFD";
  doc.warnings.push_back({"transcoded", msg});
  return true;
}

// Files whose first bytes are mostly NUL or control bytes are binary; they
// are still tagged (normalization makes them safe) but flagged. NUL bytes in
// a text file are flagged too, so nobody wonders whether the text after the
// first NUL was read (it was: normalization drops control bytes).
void flag_binary(Document& doc) {
  const size_t n = std::min<size_t>(doc.text.size(), 8192);
  size_t odd = 0;
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(doc.text[i]);
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) ++odd;
  }
  if (n > 0 && odd * 10 > n) {
    doc.warnings.push_back({"binary-input", "input looks binary (" + std::to_string(odd) + " of the first " +
                                                std::to_string(n) + " bytes are control bytes)"});
    return;
  }
  const size_t nuls = static_cast<size_t>(std::count(doc.text.begin(), doc.text.end(), '\0'));
  if (nuls > 0) {
    doc.warnings.push_back({"nul-bytes", std::to_string(nuls) + " NUL bytes (first at byte " +
                                             std::to_string(doc.text.find('\0')) +
                                             ") were ignored; the text around them is tagged"});
  }
}

// What every byte reader does after reading.
void check_bytes(Document& doc) {
  if (decode_bom(doc) && !doc.error.empty()) return;
  flag_binary(doc);
}

}  // namespace

std::string open_error(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "cannot read " + path + ": " + stat_reason(path, errno);
  if (S_ISDIR(st.st_mode)) return "cannot read " + path + ": it is a folder";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return "cannot read " + path + ": " + open_reason(errno);
  ::close(fd);
  return "";
}

Document read_file(const std::string& path) {
  Document doc;
  doc.source = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    doc.error = "cannot read " + path + ": " + stat_reason(path, errno);
    return doc;
  }
  if (S_ISDIR(st.st_mode)) {
    doc.error = "cannot read " + path + ": it is a folder";
    return doc;
  }
  const bool regular = S_ISREG(st.st_mode);
  if (regular && static_cast<uint64_t>(st.st_size) > kMaxDocumentBytes) {
    doc.error = "cannot read " + path + ": " + std::to_string(st.st_size) + " bytes is over the " + limit_mib();
    return doc;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    doc.error = "cannot read " + path + ": " + open_reason(errno);
    return doc;
  }
  // Read up to one byte past the limit: a pipe or device has no size, and a
  // file may grow while it is read.
  if (regular) doc.text.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      doc.error = "cannot read " + path + ": read error: " + std::strerror(errno);
      break;
    }
    if (n == 0) break;
    doc.text.append(buf, static_cast<size_t>(n));
    if (doc.text.size() > kMaxDocumentBytes) {
      doc.error = "cannot read " + path + ": over the " + limit_mib();
      break;
    }
  }
  ::close(fd);
  if (!doc.error.empty()) {
    doc.text.clear();
    doc.text.shrink_to_fit();
    return doc;
  }
  check_bytes(doc);
  return doc;
}

Document read_stream(std::istream& in, const std::string& source_name) {
  Document doc;
  doc.source = source_name;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    doc.text.append(buf, static_cast<size_t>(in.gcount()));
    if (doc.text.size() > kMaxDocumentBytes) {
      doc.text.clear();
      doc.text.shrink_to_fit();
      doc.error = "cannot read " + source_name + ": over the " + limit_mib();
      return doc;
    }
  }
  check_bytes(doc);
  return doc;
}

bool parse_input_format(const std::string& name, InputFormat* out) {
  static const std::pair<const char*, InputFormat> kNames[] = {
      {"auto", InputFormat::kAuto}, {"text", InputFormat::kText}, {"html", InputFormat::kHtml},
      {"pdf", InputFormat::kPdf},   {"json", InputFormat::kJson}, {"jsonl", InputFormat::kJsonl}};
  for (const auto& [n, f] : kNames) {
    if (name == n) {
      *out = f;
      return true;
    }
  }
  return false;
}

InputFormat detect_format(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".html" || ext == ".htm") return InputFormat::kHtml;
  if (ext == ".pdf") return InputFormat::kPdf;
  if (ext == ".json") return InputFormat::kJson;
  if (ext == ".jsonl" || ext == ".ndjson") return InputFormat::kJsonl;
  return InputFormat::kText;
}

namespace {

Document jsonl_is_many(const std::string& source) {
  Document doc;
  doc.source = source;
  doc.error = source + ": JSON Lines holds many documents; read it with JsonlReader";
  return doc;
}

void finish_read(Document& doc, const ReadOptions& opts) {
  if (opts.drop_furniture && doc.error.empty()) mask_furniture(doc);
}

}  // namespace

Document read_document(const std::string& path, const ReadOptions& opts) {
  const InputFormat format = opts.format == InputFormat::kAuto ? detect_format(path) : opts.format;
  Document doc;
  switch (format) {
    case InputFormat::kAuto:
    case InputFormat::kText:
      doc = read_file(path);
      break;
    case InputFormat::kHtml:
      doc = read_html(path);
      break;
    case InputFormat::kPdf:
      doc = read_pdf(path);
      break;
    case InputFormat::kJson:
      doc = read_json(path);
      break;
    case InputFormat::kJsonl:
      return jsonl_is_many(path);
  }
  finish_read(doc, opts);
  return doc;
}

Document read_stream(std::istream& in, const std::string& source_name, const ReadOptions& opts) {
  if (opts.format == InputFormat::kJsonl) return jsonl_is_many(source_name);
  Document doc = read_stream(in, source_name);
  if (doc.error.empty()) {
    switch (opts.format) {
      case InputFormat::kAuto:
      case InputFormat::kText:
      case InputFormat::kJsonl:
        break;
      case InputFormat::kHtml:
      case InputFormat::kJson: {
        // What reading found in the bytes (binary-input, transcoded, nul-bytes) stays.
        std::vector<Warning> found = std::move(doc.warnings);
        doc = opts.format == InputFormat::kHtml ? html_to_document(doc.text, source_name)
                                                : json_to_document(doc.text, source_name);
        doc.warnings.insert(doc.warnings.begin(), found.begin(), found.end());
        break;
      }
      case InputFormat::kPdf:  // PDF is binary: the text checks do not apply
        doc = pdf_to_document(doc.text, source_name);
        break;
    }
  }
  finish_read(doc, opts);
  return doc;
}

namespace {

// Walks one folder given on the command line (see expand_inputs).
class FolderWalk {
 public:
  FolderWalk(const std::string& root, InputList& out) : out_(out) {
    struct stat st {};
    if (::stat(root.c_str(), &st) == 0) seen_[{st.st_dev, st.st_ino}] = root;
    pending_.push_back(root);
  }

  void run() {
    while (!pending_.empty()) {
      const std::string dir = std::move(pending_.back());
      pending_.pop_back();
      list(dir);
    }
    std::sort(found_.begin(), found_.end());
    std::sort(errors_.begin(), errors_.end());
    std::sort(warnings_.begin(), warnings_.end());
    out_.errors.insert(out_.errors.end(), errors_.begin(), errors_.end());
    out_.warnings.insert(out_.warnings.end(), warnings_.begin(), warnings_.end());
    for (const auto& f : found_) out_.files.push_back(f);
  }

 private:
  // Lists `dir` in sorted order and queues its subfolders so that they too
  // are visited in sorted order: which of two paths to one folder is kept
  // must not depend on the file system's listing order.
  void list(const std::string& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    if (ec) {
      errors_.emplace_back(dir, "cannot list folder " + dir + ": " + open_reason(ec.value()));
      return;
    }
    std::vector<std::string> names;
    for (; it != end; it.increment(ec)) {
      if (ec) {
        errors_.emplace_back(dir, "error while listing folder " + dir + ": " + open_reason(ec.value()));
        break;
      }
      names.push_back(it->path().string());
    }
    std::sort(names.begin(), names.end());
    std::vector<std::string> subfolders;
    for (const auto& path : names) {
      if (entry(path)) subfolders.push_back(path);
    }
    pending_.insert(pending_.end(), subfolders.rbegin(), subfolders.rend());
  }

  // Takes one listed path; true if it is a folder to list.
  bool entry(const std::string& path) {
    const bool known = kFolderExtensions.count(lower_extension(path)) > 0;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {  // follows links: a broken or looping link fails here
      const std::string why = stat_reason(path, errno);
      if (known) {
        errors_.emplace_back(path, "cannot read " + path + ": " + why);
      } else {
        warnings_.push_back(path + ": skipped: " + why);
      }
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      auto [at, inserted] = seen_.emplace(std::make_pair(st.st_dev, st.st_ino), path);
      if (inserted) return true;
      const std::string& first = at->second;
      const bool ancestor = path.compare(0, first.size(), first) == 0 &&
                            (path.size() == first.size() || first.back() == '/' || path[first.size()] == '/');
      warnings_.push_back(path + ": skipped: " +
                          (ancestor ? "a symbolic link loop back to folder " + first
                                    : "the same folder as " + first + ", already listed"));
      return false;
    }
    if (!known) return false;
    if (S_ISREG(st.st_mode)) {
      found_.push_back(path);
    } else {
      // Reading a FIFO would wait for a writer: only explicit paths are read so.
      warnings_.push_back(path + ": skipped: not a regular file (a FIFO, socket or device); "
                                 "give it as an explicit path to read it");
    }
    return false;
  }

  InputList& out_;
  std::map<std::pair<dev_t, ino_t>, std::string> seen_;  // folders listed (or queued), by identity
  std::vector<std::string> pending_;
  std::vector<std::string> found_;
  std::vector<std::pair<std::string, std::string>> errors_;
  std::vector<std::string> warnings_;
};

void put_varint(std::string* out, size_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t get_varint(const std::string& in, size_t* offset) {
  size_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(in[(*offset)++]);
    v |= static_cast<size_t>(byte & 0x7F) << shift;
    if (byte < 0x80) return v;
  }
}

}  // namespace

void PathList::push_back(std::string_view path) {
  size_t shared = 0;
  if (size_ % kBlock == 0) {
    blocks_.push_back(bytes_.size());
  } else {
    const size_t limit = std::min(path.size(), last_.size());
    while (shared < limit && path[shared] == last_[shared]) ++shared;
  }
  put_varint(&bytes_, shared);
  put_varint(&bytes_, path.size() - shared);
  bytes_.append(path.substr(shared));
  last_.assign(path);
  ++size_;
}

std::string PathList::operator[](size_t i) const { return *const_iterator(this, i); }

PathList::const_iterator::const_iterator(const PathList* list, size_t index) : list_(list), index_(index) {
  if (index_ >= list_->size_) return;
  offset_ = list_->blocks_[index_ / kBlock];
  const size_t target = index_;
  index_ -= index_ % kBlock;
  decode();
  while (index_ < target) ++*this;
}

PathList::const_iterator& PathList::const_iterator::operator++() {
  ++index_;
  if (index_ < list_->size_) decode();
  return *this;
}

// Reads the path at offset_ (its shared prefix is current_'s) and moves
// offset_ past it.
void PathList::const_iterator::decode() {
  const size_t shared = get_varint(list_->bytes_, &offset_);
  const size_t rest = get_varint(list_->bytes_, &offset_);
  current_.resize(shared);
  current_.append(list_->bytes_, offset_, rest);
  offset_ += rest;
}

bool operator==(const PathList& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (const auto& p : a) {
    if (p != b[i++]) return false;
  }
  return true;
}

InputList expand_inputs(const std::vector<std::string>& paths) {
  InputList out;
  for (const auto& p : paths) {
    struct stat st {};
    if (p != "-" && ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      FolderWalk(p, out).run();
    } else {
      out.files.push_back(p);  // "-", a file, or a missing path (an error record when read)
    }
  }
  return out;
}

}  // namespace ttptag
