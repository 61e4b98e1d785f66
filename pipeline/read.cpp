#include "read.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// Files whose first bytes are mostly NUL or control bytes are binary; they
// are still tagged (normalization makes them safe) but flagged.
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
  }
}

}  // namespace

Document read_file(const std::string& path) {
  Document doc;
  doc.source = path;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    doc.error = "cannot read " + path + ": no such file";
    return doc;
  }
  if (fs::is_directory(status)) {
    doc.error = "cannot read " + path + ": it is a folder";
    return doc;
  }
  auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxDocumentBytes) {
    doc.error = "cannot read " + path + ": " + std::to_string(size) + " bytes is over the " +
                std::to_string(kMaxDocumentBytes >> 20) + " MiB document limit";
    return doc;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    doc.error = "cannot read " + path + ": permission denied or unreadable";
    return doc;
  }
  if (!ec) doc.text.reserve(size);
  doc.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    doc.error = "cannot read " + path + ": read error";
    return doc;
  }
  flag_binary(doc);
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
      doc.error = "cannot read " + source_name + ": over the " + std::to_string(kMaxDocumentBytes >> 20) +
                  " MiB document limit";
      return doc;
    }
  }
  flag_binary(doc);
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
        doc = html_to_document(doc.text, source_name);
        break;
      case InputFormat::kPdf:
        doc = pdf_to_document(doc.text, source_name);
        break;
      case InputFormat::kJson:
        doc = json_to_document(doc.text, source_name);
        break;
    }
  }
  finish_read(doc, opts);
  return doc;
}

InputList expand_inputs(const std::vector<std::string>& paths) {
  InputList out;
  for (const auto& p : paths) {
    if (p == "-") {
      out.files.push_back(p);
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        out.errors.emplace_back(p, "cannot list folder: " + ec.message());
        continue;
      }
      for (; it != end; it.increment(ec)) {
        if (ec) {
          out.errors.emplace_back(p, "error while listing folder: " + ec.message());
          break;
        }
        std::error_code fec;
        if (!it->is_regular_file(fec)) continue;
        if (kFolderExtensions.count(lower_extension(it->path().string()))) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.files.insert(out.files.end(), found.begin(), found.end());
    } else {
      out.files.push_back(p);  // a missing file becomes an error record when read
    }
  }
  return out;
}

}  // namespace ttptag
