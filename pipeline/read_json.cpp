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

// Parses without exceptions: a discarded value means "not JSON" (including
// invalid UTF-8 inside strings).
json parse_quietly(std::string_view bytes) {
  try {
    return json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  } catch (const std::exception&) {  // not expected with allow_exceptions=false; never let one out
    return json(json::value_t::discarded);
  }
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
  json obj = parse_quietly(strip_bom(bytes));
  if (obj.is_discarded()) {
    doc.error = source + ": not valid JSON";
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
  return json_to_document(file.text, path);
}

bool JsonlReader::read_line(bool* too_long) {
  buf_.clear();
  *too_long = false;
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
      return got;
    }
    if (in_.eof()) {  // the last line, without a line end (or nothing at all)
      append(n);
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
  while (read_line(&too_long)) {
    ++line_;
    std::string_view line = buf_;
    if (line_ == 1) line = strip_bom(line);
    if (!too_long && blank(line)) continue;
    *doc = Document();
    const std::string at = source_ + ":" + std::to_string(line_);
    doc->source = source_ + "#" + std::to_string(line_);
    if (too_long) {
      doc->error = at + ": line is over the " + std::to_string(kMaxDocumentBytes >> 20) + " MiB document limit";
      buf_.clear();
      return true;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    json obj = parse_quietly(line);
    if (obj.is_discarded()) {
      doc->error = at + ": not valid JSON";
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

}  // namespace ttptag
