// read.h: get documents into the pipeline.
//
// A reader fills Document::source and Document::text (plus meta). For .txt
// and .md files text is the file's bytes unchanged, so evidence offsets
// index the original file. Failures (missing, unreadable, a directory)
// become Document::error, never an exception: every input yields a record.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "document.h"

namespace ttptag {

// Largest input read; past it the document is an error record.
inline constexpr size_t kMaxDocumentBytes = size_t{256} << 20;

Document read_file(const std::string& path);
Document read_stream(std::istream& in, const std::string& source_name);

// Expands files and folders (recursively; only regular files with a known
// extension inside folders; explicit files are taken whatever their
// extension) into a stable, sorted list. "-" stays "-". Problems (missing
// path) are returned as error entries: {path, message}.
struct InputList {
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::string>> errors;
};
InputList expand_inputs(const std::vector<std::string>& paths);

}  // namespace ttptag
