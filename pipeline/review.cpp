#include "review.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace ttptag {

namespace fs = std::filesystem;
using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

size_t unsigned_or(const json& j, const char* key, size_t fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<size_t>() : fallback;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

// ---- Results ----

ResultsFile parse_results(std::istream& in, const std::string& name) {
  ResultsFile r;
  size_t lineno = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = name + ":" + std::to_string(lineno) + ": ";
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("doc") || !j["doc"].is_string()) {
      r.warnings.push_back(where + "not a result record (skipped)");
      continue;
    }
    ResultDoc d;
    d.doc = j["doc"].get<std::string>();
    d.error = str(j, "error");
    if (auto m = j.find("meta"); m != j.end() && m->is_object()) d.meta = *m;
    if (auto w = j.find("warnings"); w != j.end() && w->is_array())
      for (const auto& x : *w)
        if (x.is_object()) d.warnings.push_back(str(x, "code"));
    if (auto ts = j.find("techniques"); ts != j.end() && ts->is_array()) {
      for (const auto& t : *ts) {
        if (!t.is_object() || str(t, "id").empty()) {
          r.warnings.push_back(where + "a technique without \"id\" (skipped)");
          continue;
        }
        ResultTechnique tech;
        tech.id = str(t, "id");
        tech.name = str(t, "name");
        if (auto s = t.find("score"); s != t.end() && s->is_number()) tech.score = s->get<double>();
        if (auto evs = t.find("evidence"); evs != t.end() && evs->is_array()) {
          for (const auto& e : *evs) {
            if (!e.is_object()) continue;
            ResultEvidence ev;
            ev.rule = str(e, "rule");
            ev.sentence = unsigned_or(e, "sentence", 0);
            ev.start = unsigned_or(e, "start", 0);
            ev.end = unsigned_or(e, "end", 0);
            if (ev.end < ev.start) ev.end = ev.start;
            ev.text = str(e, "text");
            ev.context = str(e, "context");
            ev.page = static_cast<int>(std::min<size_t>(unsigned_or(e, "page", 0), 1u << 30));
            tech.evidence.push_back(std::move(ev));
          }
        }
        d.techniques.push_back(std::move(tech));
      }
    }
    r.docs.push_back(std::move(d));
  }
  return r;
}

ResultsFile read_results(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ResultsFile r;
    r.error = path + ": cannot open";
    return r;
  }
  return parse_results(in, path);
}

std::optional<std::string> load_document_text(const ResultDoc& doc, size_t max_bytes,
                                              std::string* why, const std::string& base_dir) {
  auto fail = [&](const std::string& reason) -> std::optional<std::string> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (doc.doc.empty() || doc.doc == "-") return fail("no file (standard input)");
  std::error_code ec;
  fs::path path(doc.doc);
  if (!fs::is_regular_file(path, ec) && path.is_relative() && !base_dir.empty())
    path = fs::path(base_dir) / path;
  if (!fs::is_regular_file(path, ec)) return fail("not a readable file");
  auto size = fs::file_size(path, ec);
  if (ec) return fail("not a readable file");
  if (size > max_bytes) return fail("over the size limit for showing text");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("not a readable file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail("read error");
  for (const auto& t : doc.techniques)
    for (const auto& ev : t.evidence)
      if (ev.end > text.size() || text.compare(ev.start, ev.end - ev.start, ev.text) != 0)
        return fail("the file does not match the evidence offsets (changed since tagging, or a "
                    "converted format)");
  return text;
}

namespace {

struct Span {
  size_t begin, end, technique;
};

// Cuts `text` at every span boundary; `base` is the text's offset in the document.
std::vector<TextPiece> cut(const std::string& text, const std::vector<Span>& spans, size_t base) {
  std::vector<size_t> cuts = {0, text.size()};
  for (const auto& s : spans) {
    cuts.push_back(s.begin);
    cuts.push_back(s.end);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<TextPiece> out;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    TextPiece p;
    p.start = base + cuts[i];
    p.text = text.substr(cuts[i], cuts[i + 1] - cuts[i]);
    for (const auto& s : spans)
      if (s.begin <= cuts[i] && cuts[i + 1] <= s.end) p.marks.push_back(s.technique);
    std::sort(p.marks.begin(), p.marks.end());
    p.marks.erase(std::unique(p.marks.begin(), p.marks.end()), p.marks.end());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::vector<TextPiece> highlight_pieces(const std::string& text, const ResultDoc& doc) {
  std::vector<Span> spans;
  for (size_t t = 0; t < doc.techniques.size(); ++t)
    for (const auto& ev : doc.techniques[t].evidence)
      if (ev.start < ev.end && ev.end <= text.size()) spans.push_back({ev.start, ev.end, t});
  return cut(text, spans, 0);
}

std::vector<Snippet> context_snippets(const ResultDoc& doc) {
  struct Group {
    std::string context;
    int page = 0;
    size_t base = 0;
    bool based = false;
    std::vector<Span> spans;
  };
  std::map<std::pair<size_t, std::string>, Group> groups;  // by (sentence, context)
  for (size_t t = 0; t < doc.techniques.size(); ++t)
    for (const auto& ev : doc.techniques[t].evidence) {
      Group& g = groups[{ev.sentence, ev.context}];
      g.page = ev.page;
      if (g.context.empty()) g.context = ev.context.empty() ? ev.text : ev.context;
      size_t pos = ev.text.empty() ? std::string::npos : g.context.find(ev.text);
      if (pos == std::string::npos) continue;  // the span is not in its sentence: left unmarked
      if (!g.based && ev.start >= pos) g.base = ev.start - pos, g.based = true;
      g.spans.push_back({pos, pos + ev.text.size(), t});
    }
  std::vector<Snippet> out;
  for (auto& [key, g] : groups) out.push_back({key.first, g.page, cut(g.context, g.spans, g.base)});
  return out;
}

// ---- Decisions ----

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kAccept:
      return "accept";
    case Verdict::kReject:
      return "reject";
    case Verdict::kAdd:
      return "add";
  }
  return "accept";
}

bool parse_verdict(const std::string& name, Verdict* out) {
  for (Verdict v : {Verdict::kAccept, Verdict::kReject, Verdict::kAdd})
    if (name == verdict_name(v)) {
      *out = v;
      return true;
    }
  return false;
}

std::string rfc3339_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string decision_to_jsonl(const Decision& d) {
  ojson j;
  j["document"] = d.document;
  j["technique"] = d.technique;
  j["decision"] = verdict_name(d.decision);
  j["evidence"] = {{"rule", d.evidence.rule},
                   {"start", d.evidence.start},
                   {"end", d.evidence.end},
                   {"text", d.evidence.text}};
  j["rules"] = d.rules;
  j["reviewer"] = d.reviewer;
  j["comment"] = d.comment;
  j["time"] = d.time;
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

bool decision_from_json(const json& j, Decision* out, std::string* error) {
  if (!j.is_object()) return (*error = "not a JSON object"), false;
  Decision d;
  d.document = str(j, "document");
  d.technique = str(j, "technique");
  if (d.document.empty()) return (*error = "missing \"document\""), false;
  if (d.technique.empty()) return (*error = "missing \"technique\""), false;
  if (!parse_verdict(str(j, "decision"), &d.decision))
    return (*error = "\"decision\" must be accept, reject or add"), false;
  if (auto e = j.find("evidence"); e != j.end() && e->is_object()) {
    d.evidence.rule = str(*e, "rule");
    d.evidence.start = unsigned_or(*e, "start", 0);
    d.evidence.end = unsigned_or(*e, "end", 0);
    d.evidence.text = str(*e, "text");
  }
  if (auto r = j.find("rules"); r != j.end() && r->is_array())
    for (const auto& x : *r)
      if (x.is_string()) d.rules.push_back(x.get<std::string>());
  d.reviewer = str(j, "reviewer");
  d.comment = str(j, "comment");
  d.time = str(j, "time");
  *out = std::move(d);
  return true;
}

// ---- Requests to the review app ----

namespace {

constexpr size_t kMaxReviewer = 400;   // bytes
constexpr size_t kMaxComment = 8000;   // bytes
constexpr size_t kMaxAddedSpan = 4096; // bytes of evidence for an added technique

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool utf8_boundary(const std::string& text, size_t pos) {
  return pos >= text.size() || (static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80;
}

}  // namespace

bool suspicious_request_target(const std::string& target) {
  if (target.empty() || target.front() != '/') return true;
  std::string t = lower(target);
  // "%u": cpp-httplib also decodes %uXXXX, so "%u002e" is a dot too.
  for (const char* bad : {"..", "%2e", "%2f", "%5c", "%00", "%u", "\\", "//"})
    if (t.find(bad) != std::string::npos) return true;
  for (char c : target)
    if (static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

std::string decision_from_request(const json& body, const DecisionRequestContext& ctx, Decision* out) {
  const ResultsFile& results = *ctx.results;
  if (!body.is_object()) return "the body must be a JSON object";
  auto doc = body.find("doc");
  if (doc == body.end() || !doc->is_number_unsigned() || doc->get<size_t>() >= results.docs.size())
    return "\"doc\" must be the index of a document in the results";
  const ResultDoc& rd = results.docs[doc->get<size_t>()];
  if (!rd.error.empty()) return "that document failed in tagging; there is nothing to review";
  auto verdict = body.find("decision");
  Decision& d = *out;
  d = Decision{};
  if (verdict == body.end() || !verdict->is_string() ||
      !parse_verdict(verdict->get<std::string>(), &d.decision))
    return "\"decision\" must be accept, reject or add";
  for (const char* key : {"reviewer", "comment"}) {
    auto v = body.find(key);
    if (v == body.end() || v->is_null()) continue;
    if (!v->is_string()) return std::string("\"") + key + "\" must be a string";
    std::string s = v->get<std::string>();
    if (s.size() > (std::string(key) == "reviewer" ? kMaxReviewer : kMaxComment))
      return std::string("\"") + key + "\" is too long";
    (std::string(key) == "reviewer" ? d.reviewer : d.comment) = std::move(s);
  }
  d.document = rd.doc;
  auto tech = body.find("technique");
  auto id = body.find("id");
  if (d.decision != Verdict::kAdd && tech != body.end()) {
    if (!tech->is_number_unsigned() || tech->get<size_t>() >= rd.techniques.size())
      return "\"technique\" must be the index of a suggestion of that document";
    const ResultTechnique& rt = rd.techniques[tech->get<size_t>()];
    d.technique = rt.id;
    if (!rt.evidence.empty()) {
      const ResultEvidence& ev = rt.evidence.front();
      d.evidence = {ev.rule, ev.start, ev.end, ev.text};
    }
    for (const auto& ev : rt.evidence)
      if (std::find(d.rules.begin(), d.rules.end(), ev.rule) == d.rules.end())
        d.rules.push_back(ev.rule);
    return "";
  }
  if (id == body.end() || !id->is_string()) return "give \"technique\" (a suggestion) or \"id\"";
  d.technique = id->get<std::string>();
  bool known = ctx.catalog ? ctx.catalog->find(d.technique) != nullptr
                           : looks_like_technique_id(d.technique);
  if (!known) return "unknown technique " + d.technique.substr(0, 40);
  bool suggested = std::any_of(rd.techniques.begin(), rd.techniques.end(),
                               [&](const ResultTechnique& t) { return t.id == d.technique; });
  if (d.decision == Verdict::kAdd) {
    if (suggested) return d.technique + " is already suggested for that document: accept it";
    auto start = body.find("start"), end = body.find("end");
    if (start != body.end() || end != body.end()) {
      if (start == body.end() || end == body.end() || !start->is_number_unsigned() ||
          !end->is_number_unsigned())
        return "\"start\" and \"end\" must be byte offsets";
      size_t b = start->get<size_t>(), e = end->get<size_t>();
      std::string why;
      auto text = load_document_text(rd, ctx.max_text_bytes, &why, ctx.base_dir);
      if (!text) return "the document text is not available (" + why + ")";
      if (b >= e || e > text->size() || e - b > kMaxAddedSpan || !utf8_boundary(*text, b) ||
          !utf8_boundary(*text, e))
        return "the evidence span is not a span of the document";
      d.evidence = {"", b, e, text->substr(b, e - b)};
    }
    return "";
  }
  // accept / reject by id: only for a technique currently added (reject withdraws it).
  const std::optional<Verdict> prev = ctx.latest ? ctx.latest(rd.doc, d.technique) : std::nullopt;
  if (suggested || !prev || *prev != Verdict::kAdd)
    return "\"id\" names no added technique of that document; use \"technique\"";
  if (d.decision == Verdict::kAccept) return "an added technique is accepted already";
  return "";
}

namespace {

// Writes all of `data`, retrying short writes and EINTR.
bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Makes a new directory entry durable.
void fsync_parent(const std::string& path) {
  fs::path parent = fs::absolute(fs::path(path)).parent_path();
  int dfd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;
  ::fsync(dfd);
  ::close(dfd);
}

}  // namespace

std::unique_ptr<DecisionLog> DecisionLog::open(const std::string& path, std::string* error) {
  bool created = false;
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    created = fd >= 0;
  }
  if (fd < 0) {
    *error = path + ": cannot open for appending: " + errno_text();
    return nullptr;
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    *error = path + ": not a regular file";
    return nullptr;
  }
  if (created) fsync_parent(path);
  if (st.st_size > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
      if (!write_all(fd, "\n") || ::fsync(fd) != 0) {
        ::close(fd);
        *error = path + ": cannot write: " + errno_text();
        return nullptr;
      }
    }
  }
  return std::unique_ptr<DecisionLog>(new DecisionLog(fd, path));
}

DecisionLog::~DecisionLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool DecisionLog::append(const Decision& d, std::string* error) {
  std::string line = decision_to_jsonl(d);
  line += '\n';
  // One write(2) for the line: with O_APPEND it lands whole at the end.
  if (!write_all(fd_, line)) {
    *error = path_ + ": cannot write: " + errno_text();
    write_all(fd_, "\n");  // best effort: end a torn line so the next one stands alone
    return false;
  }
  if (::fsync(fd_) != 0) {
    *error = path_ + ": cannot sync to disk: " + errno_text();
    return false;
  }
  return true;
}

DecisionFile read_decisions(const std::string& path) {
  DecisionFile r;
  std::error_code ec;
  if (!fs::exists(path, ec)) return r;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.error = path + ": cannot open";
    return r;
  }
  size_t lineno = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    Decision d;
    std::string err = "not JSON (a torn line?)";
    if (!j.is_discarded() && decision_from_json(j, &d, &err)) {
      r.decisions.push_back(std::move(d));
    } else {
      r.warnings.push_back(path + ":" + std::to_string(lineno) + ": " + err + " (skipped)");
    }
  }
  return r;
}

void ReviewState::apply(const Decision& d) { latest_[{d.document, d.technique}] = d; }

const Decision* ReviewState::latest(const std::string& document,
                                    const std::string& technique) const {
  auto it = latest_.find({document, technique});
  return it == latest_.end() ? nullptr : &it->second;
}

// ---- Queue ----

std::vector<QueueItem> build_queue(const ResultsFile& results, QueueOrder order) {
  std::vector<QueueItem> q;
  for (size_t d = 0; d < results.docs.size(); ++d)
    for (size_t t = 0; t < results.docs[d].techniques.size(); ++t) q.push_back({d, t});
  if (order == QueueOrder::kScore)
    std::stable_sort(q.begin(), q.end(), [&](const QueueItem& a, const QueueItem& b) {
      return results.docs[a.doc].techniques[a.technique].score >
             results.docs[b.doc].techniques[b.technique].score;
    });
  return q;
}

size_t first_undecided(const std::vector<QueueItem>& queue, const ResultsFile& results,
                       const ReviewState& state) {
  for (size_t i = 0; i < queue.size(); ++i) {
    const ResultDoc& d = results.docs[queue[i].doc];
    if (!state.latest(d.doc, d.techniques[queue[i].technique].id)) return i;
  }
  return queue.size();
}

// ---- Gold ----

ReviewGold gold_from_review(const std::vector<Decision>& decisions, const FromReviewOptions& opts) {
  ReviewState state;
  state.apply_all(decisions);
  // Documents and, per document, techniques in order of first decision.
  std::vector<std::string> doc_order;
  std::map<std::string, std::vector<std::string>> tech_order;
  for (const auto& d : decisions) {
    auto [it, fresh] = tech_order.try_emplace(d.document);
    if (fresh) doc_order.push_back(d.document);
    if (std::find(it->second.begin(), it->second.end(), d.technique) == it->second.end())
      it->second.push_back(d.technique);
  }
  ReviewGold out;
  for (const auto& doc : doc_order) {
    GoldUnit u;
    u.id = opts.id_prefix + doc;
    u.level = "document";
    u.source = "review";
    u.path = doc;
    for (const auto& tech : tech_order[doc]) {
      const Decision* d = state.latest(doc, tech);
      if (d->decision == Verdict::kReject) {
        std::vector<std::string> rules = d->rules;
        if (rules.empty() && !d->evidence.rule.empty()) rules.push_back(d->evidence.rule);
        // No rule: a withdrawn addition, not a false positive of any rule.
        std::set<std::string> seen;
        for (const auto& rule : rules)
          if (seen.insert(rule).second) u.rejected.push_back({tech, rule});
        if (!rules.empty()) ++out.rejected;
      } else {
        u.tags.push_back({tech, d->evidence.text, d->comment});
        ++(d->decision == Verdict::kAdd ? out.added : out.accepted);
      }
    }
    out.units.push_back(std::move(u));
  }
  return out;
}

}  // namespace ttptag
