// JSON inputs: single-document .json files and JSON Lines (JsonlReader).
#include "read_json.h"

#include <istream>

#include "furniture.h"
#include "read.h"

namespace ttptag {

using nlohmann::json;

namespace {

bool blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view strip_bom(std::string_view s) {
  if (s.substr(0, kBom.size()) == kBom) s.remove_prefix(kBom.size());
  return s;
}

// Parses; a discarded value means "not JSON" (including invalid UTF-8
// inside strings), and *why then says where and what, for analysts:
// "at line 3, column 7: syntax error ... unexpected end of input".
json parse_quietly(std::string_view bytes, std::string* why) {
  try {
    return json::parse(bytes.begin(), bytes.end());
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    const std::string marker = "parse error ";
    if (auto at = what.find(marker); at != std::string::npos) what = what.substr(at + marker.size());
    // nlohmann quotes the token it was reading, which can be a whole line.
    if (what.size() > 200) what = what.substr(0, 197) + "...";
    *why = what;
  } catch (const std::exception& e) {  // never let one out
    *why = e.what();
  }
  return json(json::value_t::discarded);
}

}  // namespace

namespace detail {

std::string document_from_object(const json& obj, Document& doc) {
  if (!obj.is_object()) return "not a JSON object";
  auto text = obj.find("text");
  if (text == obj.end()) return "no \"text\" field";
  if (!text->is_string()) return "\"text\" is not a string";
  doc.text = text->get<std::string>();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it.key() == "text") continue;
    if (it.key() == "id" && (it->is_string() || it->is_number())) {
      std::string id = it->is_string() ? it->get<std::string>() : it->dump();
      if (!id.empty()) {
        doc.source = std::move(id);
        continue;
      }
    }
    doc.meta[it.key()] = *it;
  }
  return "";
}

}  // namespace detail

Document json_to_document(std::string_view bytes, const std::string& source) {
  Document doc;
  doc.source = source;
  std::string why;
  json obj = parse_quietly(strip_bom(bytes), &why);
  if (obj.is_discarded()) {
    doc.error = source + ": not valid JSON: " + why;
    return doc;
  }
  std::string problem = detail::document_from_object(obj, doc);
  if (!problem.empty()) {
    doc = Document();
    doc.source = source;
    doc.error = source + ": " + problem;
  }
  return doc;
}

Document read_json(const std::string& path) {
  Document file = read_file(path);  // same errors as text: missing, folder, too large
  if (!file.error.empty()) return file;
  Document doc = json_to_document(file.text, path);
  // What reading found in the bytes (binary-input, transcoded, nul-bytes) comes first.
  doc.warnings.insert(doc.warnings.begin(), file.warnings.begin(), file.warnings.end());
  return doc;
}

bool JsonlReader::read_line(bool* too_long) {
  buf_.clear();
  *too_long = false;
  unterminated_ = false;
  if (!in_.good()) return false;
  char chunk[1 << 16];
  bool got = false;
  auto append = [&](std::streamsize n) {
    if (n <= 0) return;
    got = true;
    if (*too_long) return;
    if (buf_.size() + static_cast<size_t>(n) > kMaxDocumentBytes) {
      *too_long = true;
      return;
    }
    buf_.append(chunk, static_cast<size_t>(n));
  };
  for (;;) {
    in_.getline(chunk, sizeof chunk);
    const std::streamsize n = in_.gcount();
    if (in_.bad()) {
      append(n);
      unterminated_ = got;
      return got;
    }
    if (in_.eof()) {  // the last line, without a line end (or nothing at all)
      append(n);
      unterminated_ = got;
      return got;
    }
    if (in_.fail()) {  // the chunk is full and the line goes on
      append(n);
      in_.clear();
      continue;
    }
    append(n - 1);  // the line end was read (and counted) but not stored
    return true;
  }
}

bool JsonlReader::next(Document* doc) {
  bool too_long = false;
  while (!stopped_ && read_line(&too_long)) {
    ++line_;
    std::string_view line = buf_;
    const std::string at = source_ + ":" + std::to_string(line_);
    if (line_ == 1) {
      line = strip_bom(line);
      // UTF-16 would give one "not valid JSON" per line: say it once, and stop.
      if (line.size() >= 2 && ((line[0] == '\xFF' && line[1] == '\xFE') || (line[0] == '\xFE' && line[1] == '\xFF'))) {
        *doc = Document();
        doc->source = source_ + "#1";
        doc->error = at + ": JSON Lines in UTF-16 (byte-order mark) are not read; convert the file to UTF-8, "
                          "e.g. iconv -f UTF-16 -t UTF-8";
        stopped_ = true;
        return true;
      }
    }
    if (!too_long && blank(line)) continue;
    *doc = Document();
    doc->source = source_ + "#" + std::to_string(line_);
    if (too_long) {
      doc->error = at + ": line is over the " + std::to_string(kMaxDocumentBytes >> 20) + " MiB document limit";
      buf_.clear();
      return true;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string why;
    json obj = parse_quietly(line, &why);
    if (obj.is_discarded()) {
      const std::string one_line = "at line 1, column ";  // the position inside the line: a byte
      if (why.compare(0, one_line.size(), one_line) == 0) why = "at byte " + why.substr(one_line.size());
      doc->error = at + ": not valid JSON: " + why;
      if (unterminated_) doc->error += " (the last line has no line end: the file may be truncated)";
      return true;
    }
    std::string problem = detail::document_from_object(obj, *doc);
    if (!problem.empty()) {
      *doc = Document();
      doc->source = source_ + "#" + std::to_string(line_);
      doc->error = at + ": " + problem;
      return true;
    }
    if (opts_.drop_furniture) mask_furniture(*doc);
    return true;
  }
  return false;
}

bool JsonlReader::read_failed() const { return in_.bad(); }

}  // namespace ttptag
