#include "read.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace ttptag {

namespace fs = std::filesystem;

namespace {

// Extensions picked up when a folder is walked.
const std::set<std::string> kTextExtensions = {".txt", ".md", ".markdown", ".text"};

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
        auto ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
        if (kTextExtensions.count(ext)) found.push_back(it->path().string());
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
