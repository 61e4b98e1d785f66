// fuzz_util.h: invariant checks shared by the fuzz targets (tests/fuzz/fuzz_*.cpp).
//
// A violated invariant prints what and where, then abort()s: libFuzzer and
// the replay runner (replay_main.cpp) both report an abort as a crash, and
// unlike assert() it is not compiled out by NDEBUG.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "document.h"
#include "segment.h"

namespace ttptag::fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line, const std::string& detail) {
  std::fprintf(stderr, "\n*** fuzz invariant violated: %s\n    at %s:%d\n", what, file, line);
  if (!detail.empty()) std::fprintf(stderr, "    %s\n", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace ttptag::fuzz

#define FUZZ_CHECK(cond) \
  do { if (!(cond)) ::ttptag::fuzz::fail(#cond, __FILE__, __LINE__, ""); } while (0)
#define FUZZ_CHECK_MSG(cond, detail) \
  do { if (!(cond)) ::ttptag::fuzz::fail(#cond, __FILE__, __LINE__, (detail)); } while (0)

namespace ttptag::fuzz {

// Strict UTF-8 (RFC 3629): no overlong forms, surrogates or code points past
// U+10FFFF. Written here, not taken from the library, so it checks it.
inline bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    i += len;
  }
  return true;
}

inline bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

inline std::string show(std::string_view s, size_t max = 80) {
  std::string out;
  for (char ch : s.substr(0, max)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += ch;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

// normalize.h and document.h (NormalizedText) contracts, for the output of
// normalizing `input`.
inline void check_normalized(std::string_view input, const NormalizedText& norm) {
  const std::string& t = norm.text;
  FUZZ_CHECK(norm.orig_begin.size() == t.size());
  FUZZ_CHECK(norm.orig_end.size() == t.size());
  FUZZ_CHECK(norm.flags.size() == t.size());
  FUZZ_CHECK_MSG(valid_utf8(t), "normalized: \"" + show(t) + "\"");
  for (size_t i = 0; i < t.size(); ++i) {
    // Messages are built only on failure: this runs per byte.
    const auto at = [&] { return "byte " + std::to_string(i) + " of \"" + show(t) + "\""; };
    FUZZ_CHECK_MSG(norm.orig_begin[i] < norm.orig_end[i], at());  // every byte comes from some input
    FUZZ_CHECK_MSG(norm.orig_end[i] <= input.size(), at());
    if (i > 0) {
      FUZZ_CHECK_MSG(norm.orig_begin[i - 1] <= norm.orig_begin[i], at());
      FUZZ_CHECK_MSG(norm.orig_end[i - 1] <= norm.orig_end[i], at());
    }
    FUZZ_CHECK_MSG((norm.flags[i] & ~NormalizedText::kUpper) == 0, at());
    const auto c = static_cast<unsigned char>(t[i]);
    // Only ' ' and '\n' survive as white space, and no other C0 control or DEL.
    FUZZ_CHECK_MSG(c == '\n' || (c >= 0x20 && c != 0x7F), at());
    if (c == ' ' || c == '\n') {
      FUZZ_CHECK_MSG(i > 0 && i + 1 < t.size(), at() + ": leading or trailing white space");
      FUZZ_CHECK_MSG(t[i - 1] != ' ' && !(c == ' ' && t[i - 1] == '\n'), at() + ": white space not collapsed");
      FUZZ_CHECK_MSG(!(i >= 2 && c == '\n' && t[i - 1] == '\n' && t[i - 2] == '\n'), at() + ": three line breaks");
    }
  }
}

// segment.h contract over `norm`.
inline void check_sentences(const NormalizedText& norm, const std::vector<Sentence>& ss) {
  const std::string& t = norm.text;
  size_t prev_end = 0, prev_para = 0;
  for (size_t k = 0; k < ss.size(); ++k) {
    const Sentence& s = ss[k];
    const auto at = [&] {
      return "sentence " + std::to_string(k) + " [" + std::to_string(s.begin) + ", " + std::to_string(s.end) +
             ") of " + std::to_string(t.size()) + " bytes";
    };
    FUZZ_CHECK_MSG(s.begin < s.end && s.end <= t.size(), at());
    FUZZ_CHECK_MSG(s.end - s.begin <= kMaxSentenceBytes, at());
    FUZZ_CHECK_MSG(s.begin >= prev_end, at() + ": overlaps or out of order");
    FUZZ_CHECK_MSG(!is_ws(t[s.begin]) && !is_ws(t[s.end - 1]), at() + ": begins or ends with white space");
    // Everything between sentences is white space: the sentences cover the text.
    for (size_t i = prev_end; i < s.begin; ++i)
      FUZZ_CHECK_MSG(is_ws(t[i]), at() + ": byte " + std::to_string(i) + " is in no sentence");
    // Paragraph indices start at 0, never go down, and skip none.
    if (k == 0) {
      FUZZ_CHECK_MSG(s.paragraph == 0, at());
    } else {
      FUZZ_CHECK_MSG(s.paragraph == prev_para || s.paragraph == prev_para + 1, at());
    }
    prev_end = s.end;
    prev_para = s.paragraph;
  }
  for (size_t i = prev_end; i < t.size(); ++i)
    FUZZ_CHECK_MSG(is_ws(t[i]), "byte " + std::to_string(i) + " after the last sentence is in no sentence");
}

// Document::masked (furniture.h): whole lines of text, in order, no line break inside.
inline void check_masked(const Document& doc) {
  size_t prev = 0;
  for (const auto& range : doc.masked) {
    const size_t b = range.first, e = range.second;
    const auto at = [&] { return "masked [" + std::to_string(b) + ", " + std::to_string(e) + ")"; };
    FUZZ_CHECK_MSG(b < e && e <= doc.text.size(), at());
    FUZZ_CHECK_MSG(b >= prev, at() + ": out of order");
    FUZZ_CHECK_MSG(b == 0 || doc.text[b - 1] == '\n', at() + ": not at a line start");
    FUZZ_CHECK_MSG(e == doc.text.size() || doc.text[e] == '\n', at() + ": not at a line end");
    FUZZ_CHECK_MSG(doc.text.find('\n', b) >= e, at() + ": spans a line break");
    prev = e;
  }
}

// Strings a writer serialises must be valid UTF-8 where the reader promises it.
inline void check_json_utf8(const nlohmann::json& j) {
  if (j.is_string()) {
    FUZZ_CHECK_MSG(valid_utf8(j.get_ref<const std::string&>()), "JSON string \"" + show(j.get_ref<const std::string&>()) + "\"");
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      FUZZ_CHECK_MSG(valid_utf8(k), "JSON key \"" + show(k) + "\"");
      check_json_utf8(v);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) check_json_utf8(v);
  }
}

// A private scratch folder for targets that need files (removed at exit).
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ttptag-fuzz-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, std::string_view bytes) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p;
  }

 private:
  std::filesystem::path path_;
};

// Splits `data` at each occurrence of `sep` into at most `max` parts.
inline std::vector<std::string_view> split_parts(std::string_view data, std::string_view sep, size_t max) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max) {
    const size_t p = data.find(sep);
    if (p == std::string_view::npos) break;
    parts.push_back(data.substr(0, p));
    data.remove_prefix(p + sep.size());
  }
  parts.push_back(data);
  while (parts.size() < max) parts.emplace_back();
  return parts;
}

}  // namespace ttptag::fuzz
