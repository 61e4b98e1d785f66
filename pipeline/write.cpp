#include "write.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include <utf8proc.h>

#include "write_formats.h"

namespace ttptag {

using nlohmann::json;

namespace {

double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

json warnings_json(const Document& doc) {
  json out = json::array();
  for (const auto& w : doc.warnings) out.push_back({{"code", w.code}, {"message", w.message}});
  return out;
}

}  // namespace

json to_json(const Document& doc) {
  json out;
  out["doc"] = doc.source;
  if (!doc.meta.empty()) out["meta"] = doc.meta;
  if (!doc.error.empty()) {
    out["error"] = doc.error;
    out["warnings"] = warnings_json(doc);
    return out;
  }
  json techniques = json::array();
  for (const auto& tag : doc.tags) {
    json t;
    t["id"] = tag.id;
    t["name"] = tag.name;
    t["score"] = round3(tag.score);
    json evidence = json::array();
    for (const auto& ev : tag.evidence) {
      json e = {{"rule", ev.rule}, {"sentence", ev.sentence}, {"start", ev.start}, {"end", ev.end},
                {"text", ev.text}, {"context", ev.sentence_text}};
      if (ev.page > 0) e["page"] = ev.page;
      evidence.push_back(std::move(e));
    }
    t["evidence"] = std::move(evidence);
    techniques.push_back(std::move(t));
  }
  out["techniques"] = std::move(techniques);
  out["warnings"] = warnings_json(doc);
  return out;
}

namespace {

// Whether s is well-formed UTF-8 (what the json library's serializer
// writes without replacing anything): utf8proc decodes every character,
// as the HTML reader's check does; ASCII needs no decoding.
bool valid_utf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  for (size_t i = 0; i < s.size();) {
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    const utf8proc_ssize_t r = utf8proc_iterate(bytes + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (r <= 0) return false;
    i += static_cast<size_t>(r);
  }
  return true;
}

// s as a JSON string, as the json library writes it (dump() with
// non-ASCII kept and invalid UTF-8 replaced by U+FFFD): strings other than
// well-formed UTF-8 are left to the library.
void append_string(std::string* out, std::string_view s) {
  if (!valid_utf8(s)) {
    *out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  out->push_back('"');
  size_t plain = 0;  // s[plain, i) needs no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        *out += "\\u00";
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

void append_number(std::string* out, size_t n) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out->append(buf, static_cast<size_t>(end - buf));
}

// As the json library writes a double (its own shortest form, "1.0" for
// whole numbers, null if not finite).
void append_double(std::string* out, double x) {
  if (!std::isfinite(x)) {
    *out += "null";
    return;
  }
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, x);
  out->append(buf, static_cast<size_t>(end - buf));
}

void append_warnings(std::string* out, const Document& doc) {
  *out += "\"warnings\":[";
  for (size_t i = 0; i < doc.warnings.size(); ++i) {
    if (i) out->push_back(',');
    *out += "{\"code\":";
    append_string(out, doc.warnings[i].code);
    *out += ",\"message\":";
    append_string(out, doc.warnings[i].message);
    out->push_back('}');
  }
  out->push_back(']');
}

}  // namespace

// The line to_json(doc).dump() gives, byte for byte (tests check), written
// straight: building the JSON tree (a std::map per object) and dumping it
// took as long as normalizing the text.
void write_jsonl(const Document& doc, std::ostream& out) {
  thread_local std::string line;
  line.clear();
  // Keys in the order the tree's std::map keeps them: sorted.
  line += "{\"doc\":";
  append_string(&line, doc.source);
  if (!doc.error.empty()) {
    line += ",\"error\":";
    append_string(&line, doc.error);
  }
  if (!doc.meta.empty()) {
    line += ",\"meta\":";
    line += doc.meta.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (doc.error.empty()) {
    line += ",\"techniques\":[";
    for (size_t t = 0; t < doc.tags.size(); ++t) {
      const Tag& tag = doc.tags[t];
      if (t) line.push_back(',');
      line += "{\"evidence\":[";
      for (size_t k = 0; k < tag.evidence.size(); ++k) {
        const Evidence& ev = tag.evidence[k];
        if (k) line.push_back(',');
        line += "{\"context\":";
        append_string(&line, ev.sentence_text);
        line += ",\"end\":";
        append_number(&line, ev.end);
        if (ev.page > 0) {
          line += ",\"page\":";
          append_number(&line, static_cast<size_t>(ev.page));
        }
        line += ",\"rule\":";
        append_string(&line, ev.rule);
        line += ",\"sentence\":";
        append_number(&line, ev.sentence);
        line += ",\"start\":";
        append_number(&line, ev.start);
        line += ",\"text\":";
        append_string(&line, ev.text);
        line.push_back('}');
      }
      line += "],\"id\":";
      append_string(&line, tag.id);
      line += ",\"name\":";
      append_string(&line, tag.name);
      line += ",\"score\":";
      append_double(&line, round3(tag.score));
      line.push_back('}');
    }
    line.push_back(']');
  }
  line.push_back(',');
  append_warnings(&line, doc);
  line += "}\n";
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
}

bool parse_output_format(const std::string& name, OutputFormat* out) {
  static const std::pair<const char*, OutputFormat> kNames[] = {
      {"jsonl", OutputFormat::kJsonl}, {"csv", OutputFormat::kCsv},
      {"stix", OutputFormat::kStix},   {"misp", OutputFormat::kMisp},
      {"navigator", OutputFormat::kNavigator}, {"text", OutputFormat::kText}};
  for (const auto& [n, f] : kNames) {
    if (name == n) {
      *out = f;
      return true;
    }
  }
  return false;
}

namespace detail {

std::string format_timestamp(std::time_t t, int millis) {
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "1970-01-01T00:00:00.000Z";
  char date[24];
  if (std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) == 0) return "1970-01-01T00:00:00.000Z";
  const int ms = millis < 0 ? 0 : millis > 999 ? 999 : millis;
  std::string out = date;
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
  return out;
}

std::string now_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return format_timestamp(static_cast<std::time_t>(ms / 1000), static_cast<int>(ms % 1000));
}

std::string format_score(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", score);
  return buf;
}

std::string to_stix_timestamp(const std::string& date) {
  // Digits at [pos, pos + n) as a number, or -1.
  auto num = [&](size_t pos, size_t n) -> int {
    if (pos + n > date.size()) return -1;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (date[i] < '0' || date[i] > '9') return -1;
      v = v * 10 + (date[i] - '0');
    }
    return v;
  };
  int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || date[4] != '-' || date[7] != '-')
    return "";
  int hour = 0, minute = 0, second = 0, millis = 0;
  long offset = 0;  // seconds east of UTC
  size_t pos = 10;
  if (pos < date.size() && (date[pos] == 'T' || date[pos] == 't' || date[pos] == ' ')) {
    hour = num(pos + 1, 2);
    minute = num(pos + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || date[pos + 3] != ':') return "";
    pos += 6;
    if (pos < date.size() && date[pos] == ':') {
      second = num(pos + 1, 2);
      if (second < 0 || second > 60) return "";
      pos += 3;
      if (pos < date.size() && date[pos] == '.') {
        ++pos;
        int scale = 100;
        while (pos < date.size() && date[pos] >= '0' && date[pos] <= '9') {
          millis += (date[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
      }
    }
    if (pos < date.size()) {
      if (date[pos] == 'Z' || date[pos] == 'z') {
        ++pos;
      } else if (date[pos] == '+' || date[pos] == '-') {
        int oh = num(pos + 1, 2), om = num(pos + 4, 2);
        if (oh < 0 || om < 0 || date[pos + 3] != ':') return "";
        offset = (date[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
        pos += 6;
      }
    }
  }
  if (pos != date.size()) return "";
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second > 59 ? 59 : second;
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return "";
  return format_timestamp(t - offset, millis);
}

std::string document_title(const Document& doc) {
  auto it = doc.meta.find("title");
  if (it != doc.meta.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
  return doc.source;
}

const Tactic* primary_tactic(const Catalog* catalog, const std::string& technique_id) {
  if (catalog == nullptr) return nullptr;
  const Technique* t = catalog->find(technique_id);
  if (t == nullptr || t->tactics.empty()) return nullptr;
  return catalog->tactic(t->tactics.front());
}

}  // namespace detail

namespace {

class JsonlWriter : public ResultWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}
  void write(const Document& doc) override { write_jsonl(doc, out_); }
  void finish() override { out_.flush(); }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_writer(OutputFormat format, std::ostream& out, const WriterOptions& opts) {
  switch (format) {
    case OutputFormat::kJsonl:
      return std::make_unique<JsonlWriter>(out);
    case OutputFormat::kCsv:
      return detail::make_csv_writer(out, opts);
    case OutputFormat::kText:
      return detail::make_text_writer(out, opts);
    case OutputFormat::kStix:
      return detail::make_stix_writer(out, opts);
    case OutputFormat::kNavigator:
      return detail::make_navigator_writer(out, opts);
    case OutputFormat::kMisp:
      return detail::make_misp_writer(out, opts);
  }
  return std::make_unique<JsonlWriter>(out);
}

}  // namespace ttptag
