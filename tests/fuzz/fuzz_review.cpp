// Fuzz target: what the review app (`ttptag serve`, `report`, `gold
// from-review`) parses from outside: results files, decision request
// bodies, request targets, Host headers and decision logs (review.h,
// serve.h).
//
// Input: five parts separated by "\n%%\n":
//   0 results JSONL (parse_results)       1 a POST /api/decision body
//   2 the document's bytes (every result's path points to this file)
//   3 a request target, "\n", a Host header value
//   4 a decision log (read_decisions, gold_from_review; the review state)
// Checks: highlight pieces tile the text; snippet pieces are contiguous;
// load_document_text returns the file only if every evidence span matches;
// an accepted decision request names a real document and technique, keeps
// the length limits, takes an added span from the text on character
// boundaries, and survives its JSONL round trip; an accepted target, once
// decoded as cpp-httplib decodes it, has no dot segment, backslash or NUL.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <httplib.h>

#include "fuzz_util.h"
#include "review.h"
#include "serve.h"

using namespace ttptag;
using namespace ttptag::fuzz;
using nlohmann::json;

namespace {

void check_pieces_contiguous(const std::vector<TextPiece>& pieces, size_t techniques) {
  for (size_t i = 0; i < pieces.size(); ++i) {
    FUZZ_CHECK(!pieces[i].text.empty());
    if (i > 0) FUZZ_CHECK(pieces[i].start == pieces[i - 1].start + pieces[i - 1].text.size());
    for (size_t k = 0; k < pieces[i].marks.size(); ++k) {
      FUZZ_CHECK(pieces[i].marks[k] < techniques);
      if (k > 0) FUZZ_CHECK(pieces[i].marks[k - 1] < pieces[i].marks[k]);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ScratchDir scratch;
  const auto parts = split_parts(std::string_view(reinterpret_cast<const char*>(data), size), "\n%%\n", 5);
  const std::string text(parts[2]);
  const std::string text_path = scratch.write("doc.txt", text);

  // Results.
  std::istringstream results_in{std::string(parts[0])};
  ResultsFile results = parse_results(results_in, "results.jsonl");
  for (auto& rd : results.docs) {
    for (const auto& t : rd.techniques) {
      FUZZ_CHECK(!t.id.empty());
      for (const auto& ev : t.evidence) FUZZ_CHECK(ev.start <= ev.end);
    }
    const auto pieces = highlight_pieces(text, rd);
    check_pieces_contiguous(pieces, rd.techniques.size());
    std::string joined;
    for (const auto& p : pieces) joined += p.text;
    FUZZ_CHECK_MSG(joined == text && (pieces.empty() || pieces.front().start == 0), "pieces do not tile the text");
    for (const auto& snippet : context_snippets(rd)) check_pieces_contiguous(snippet.pieces, rd.techniques.size());
    rd.doc = text_path;
    std::string why;
    const auto loaded = load_document_text(rd, size_t{1} << 20, &why);
    if (loaded) {
      FUZZ_CHECK(*loaded == text);
      for (const auto& t : rd.techniques)
        for (const auto& ev : t.evidence)
          FUZZ_CHECK(ev.end <= text.size() && text.compare(ev.start, ev.end - ev.start, ev.text) == 0);
    } else {
      FUZZ_CHECK(!why.empty());
    }
  }

  // The decision log and the state a server resumes from.
  const DecisionFile log = read_decisions(scratch.write("review.jsonl", parts[4]));
  ReviewState state;
  for (const auto& d : log.decisions) {
    FUZZ_CHECK(!d.document.empty() && !d.technique.empty());
    state.apply(d);
  }
  const ReviewGold gold = gold_from_review(log.decisions);
  FUZZ_CHECK(gold.units.size() <= log.decisions.size());
  FUZZ_CHECK(gold.accepted + gold.added + gold.rejected <= state.all().size());
  const auto queue = build_queue(results, QueueOrder::kScore);
  FUZZ_CHECK(first_undecided(queue, results, state) <= queue.size());

  // A decision request.
  const json body = json::parse(parts[1].begin(), parts[1].end(), nullptr, false);
  if (!body.is_discarded()) {
    DecisionRequestContext ctx;
    ctx.results = &results;
    ctx.max_text_bytes = size_t{1} << 20;
    ctx.latest = [&](const std::string& doc, const std::string& tech) -> std::optional<Verdict> {
      const Decision* d = state.latest(doc, tech);
      return d ? std::optional<Verdict>(d->decision) : std::nullopt;
    };
    Decision d;
    const std::string problem = decision_from_request(body, ctx, &d);
    if (problem.empty()) {
      const size_t index = body["doc"].get<size_t>();
      FUZZ_CHECK(index < results.docs.size() && d.document == results.docs[index].doc);
      FUZZ_CHECK(!d.technique.empty() && d.reviewer.size() <= 400 && d.comment.size() <= 8000);
      if (d.decision == Verdict::kAdd && body.contains("start")) {
        const size_t b = d.evidence.start, e = d.evidence.end;
        FUZZ_CHECK(b < e && e <= text.size() && e - b <= 4096);
        FUZZ_CHECK(d.evidence.text == text.substr(b, e - b));
        FUZZ_CHECK((static_cast<unsigned char>(text[b]) & 0xC0) != 0x80);
        FUZZ_CHECK(e == text.size() || (static_cast<unsigned char>(text[e]) & 0xC0) != 0x80);
      }
      d.time = rfc3339_now();
      const std::string line = decision_to_jsonl(d);
      FUZZ_CHECK(line.find('\n') == std::string::npos);  // one decision, one line
      Decision back;
      std::string error;
      FUZZ_CHECK_MSG(decision_from_json(json::parse(line), &back, &error), error);
      FUZZ_CHECK(back.document == d.document && back.technique == d.technique &&
                 back.decision == d.decision && back.rules == d.rules && back.reviewer == d.reviewer &&
                 back.comment == d.comment && back.evidence.start == d.evidence.start &&
                 back.evidence.end == d.evidence.end && back.time == d.time);
    } else {
      FUZZ_CHECK(problem.find('\n') == std::string::npos);
    }
  }

  // Request target and Host header.
  const std::string_view req = parts[3];
  const size_t nl = req.find('\n');
  const std::string target(req.substr(0, nl));
  const std::string host(nl == std::string_view::npos ? std::string_view() : req.substr(nl + 1));
  if (!suspicious_request_target(target)) {
    // cpp-httplib routes on the decoded path (before any '?').
    const std::string path = httplib::detail::decode_url(target.substr(0, target.find('?')), false);
    FUZZ_CHECK(!path.empty() && path.front() == '/');
    FUZZ_CHECK_MSG(path.find("..") == std::string::npos && path.find('\\') == std::string::npos &&
                       path.find('\0') == std::string::npos && path.find("//") == std::string::npos,
                   "accepted target \"" + show(target) + "\" decodes to \"" + show(path) + "\"");
  }
  (void)is_loopback_host(host);
  return 0;
}
