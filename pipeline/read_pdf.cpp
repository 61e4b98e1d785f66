// PDF input through poppler-cpp (the rules are in read_pdf.h).
#include "read_pdf.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>
#include <re2/re2.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>

#include "read.h"

namespace ttptag {

namespace {

// poppler prints parse errors to stderr by default; a batch should not.
void quiet(const std::string&, void*) {}

void silence_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(quiet, nullptr); });
}

std::string utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

bool is_lower_ascii(char c) { return c >= 'a' && c <= 'z'; }
bool is_letter_ascii(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// CR LF and lone CR become LF; form feeds go; trailing white space of each
// line and of the page goes.
std::string clean_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\f') continue;
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      c = '\n';
    }
    if (c == '\n') {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    }
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\n')) out.pop_back();
  size_t lead = 0;
  while (lead < out.size() && out[lead] == '\n') ++lead;
  out.erase(0, lead);
  return out;
}

std::string iso_date(std::time_t t) {
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "";
  char buf[32];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return "";
  return buf;
}

}  // namespace

std::string join_hyphenated_lines(std::string_view text) {
  constexpr std::string_view kSoftHyphen = "\xC2\xAD";
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    std::string_view line = text.substr(i, nl - i);
    const char next = nl + 1 < text.size() ? text[nl + 1] : '\0';
    if (line.size() >= kSoftHyphen.size() + 1 && line.substr(line.size() - kSoftHyphen.size()) == kSoftHyphen &&
        next != '\0' && next != '\n' && next != ' ') {
      out.append(line.substr(0, line.size() - kSoftHyphen.size()));  // "disinfor\u00AD" + "mation"
    } else if (line.size() >= 2 && line.back() == '-' && is_letter_ascii(line[line.size() - 2]) &&
               is_lower_ascii(next)) {
      out.append(line.substr(0, line.size() - 1));  // "disinfor-" + "mation"
    } else {
      out.append(line);
      out += '\n';
    }
    i = nl + 1;
  }
  return out;
}

// The largest object number the file declares, where poppler sizes its
// cross-reference table by one before reading anything: "N G obj" (its
// repair scan needs no break after "obj"), a /Size, and the "first count"
// of an xref subsection or /Index. A 270-byte file declaring object
// 11111111111112 made it allocate 1.3 GB (found by fuzz_pdf, twice: the
// second time with "obj" run into the next bytes).
namespace {
uint64_t largest_object_number(std::string_view bytes) {
  static const RE2 declared = [] {
    RE2::Options o;
    o.set_encoding(RE2::Options::EncodingLatin1);  // any bytes
    // PDF white space (poppler's isspace, plus NUL).
    const std::string ws = "[\\x00\\t\\n\\v\\f\\r ]";
    return RE2("(?:(\\d{1,20})" + ws + "+\\d{1,20}" + ws + "+obj" +                  // N G obj
                   "|/Size" + ws + "*(\\d{1,20})" +                                   // /Size N
                   "|(\\d{1,20})" + ws + "+(\\d{1,20})" + ws + "*[\\r\\n]+\\d{10}" + ws +  // xref: first count,
                   "|/Index" + ws + "*\\[" + ws + "*(\\d{1,20})" + ws + "+(\\d{1,20}))",  // then an entry
               o);
  }();
  auto number = [](const re2::StringPiece& digits) {
    uint64_t n = 0;
    for (char c : digits) n = n > UINT64_MAX / 10 - 10 ? UINT64_MAX : n * 10 + static_cast<uint64_t>(c - '0');
    return n;
  };
  auto sum = [](uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; };
  uint64_t largest = 0;
  re2::StringPiece input(bytes.data(), bytes.size());
  re2::StringPiece object, size, first, count, index_first, index_count;
  while (RE2::FindAndConsume(&input, declared, &object, &size, &first, &count, &index_first, &index_count)) {
    largest = std::max({largest, number(object), number(size), sum(number(first), number(count)),
                        sum(number(index_first), number(index_count))});
  }
  return largest;
}
}  // namespace

Document pdf_to_document(std::string_view bytes, const std::string& source) {
  silence_poppler();
  Document doc;
  doc.source = source;
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    doc.error = source + ": PDF too large to read";
    return doc;
  }
  // Real PDFs number their objects about densely: a file has far fewer
  // objects than bytes. 100 000 entries cost poppler a few MB.
  const uint64_t objects = largest_object_number(bytes);
  if (objects > std::max<uint64_t>(100000, bytes.size() / 4)) {
    doc.error = source + ": cannot read PDF: it declares object number " + std::to_string(objects) +
                ", far more than a file of " + std::to_string(bytes.size()) +
                " bytes holds: damaged or hostile (pdf-unreadable)";
    return doc;
  }
  try {
    std::unique_ptr<poppler::document> pdf(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (!pdf) {
      doc.error = source + ": cannot read PDF: not a PDF, or damaged (pdf-unreadable)";
      return doc;
    }
    if (pdf->is_locked()) {
      doc.error = source + ": cannot read PDF: it is password protected (pdf-encrypted)";
      return doc;
    }
    const int pages = pdf->pages();
    for (int i = 0; i < pages; ++i) {
      std::string text;
      std::unique_ptr<poppler::page> page(pdf->create_page(i));
      if (page) {
        text = join_hyphenated_lines(
            clean_lines(utf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout))));
      }
      if (!doc.text.empty() && !text.empty()) doc.text += "\n\n";
      doc.page_starts.push_back(doc.text.size());
      doc.text += text;
    }
    const std::string title = utf8(pdf->info_key("Title"));
    if (!title.empty()) doc.meta["title"] = title;
    const std::time_t created = pdf->info_date_t("CreationDate");
    if (created > 0) {
      const std::string date = iso_date(created);
      if (!date.empty()) doc.meta["date"] = date;
    }
  } catch (const std::exception& e) {
    doc = Document();
    doc.source = source;
    doc.error = source + ": cannot read PDF: " + e.what();
    return doc;
  }
  if (doc.text.empty()) {
    doc.warnings.push_back({"pdf-no-text", "the PDF has no extractable text (" + std::to_string(doc.page_starts.size()) +
                                               " pages; a scan needs OCR first)"});
  }
  return doc;
}

Document read_pdf(const std::string& path) {
  Document file = read_file(path);
  if (!file.error.empty()) return file;
  return pdf_to_document(file.text, path);
}

}  // namespace ttptag
