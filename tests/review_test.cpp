// Review: results as suggestions, the decision log, resume, gold from
// review, and the review server's refusals (a real server on an ephemeral
// loopback port, a bounded number of requests).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "gold.h"
#include "review.h"
#include "serve.h"
#include "test_util.h"

namespace ttptag {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A fresh folder per test (CTest runs tests in parallel).
fs::path scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(::testing::TempDir()) /
                 ("ttptag-review-" + std::to_string(getpid()) + "-" + info->test_suite_name() +
                  "-" + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Decision make(const std::string& doc, const std::string& tech, Verdict v,
              const std::string& rule = "r.one") {
  Decision d;
  d.document = doc;
  d.technique = tech;
  d.decision = v;
  if (v != Verdict::kAdd) {
    d.evidence = {rule, 0, 4, "text"};
    d.rules = {rule};
  }
  d.reviewer = "ann";
  d.time = "2026-01-02T03:04:05Z";
  return d;
}

// A document and its results line: T0001 (two rules) and T0002 on "posing as".
struct Fixture {
  fs::path dir;
  std::string doc_path, results_path, log_path;
  std::string text =
      "<script>alert(1)</script> Accounts posing as voters posted fake audio. Second sentence.";
};

Fixture make_fixture() {
  Fixture f;
  f.dir = scratch();
  f.doc_path = write_file(f.dir / "doc.txt", f.text);
  size_t posing = f.text.find("posing as");
  size_t audio = f.text.find("fake audio");
  json ev1 = {{"rule", "persona.posing"}, {"sentence", 0}, {"start", posing},
              {"end", posing + 9},        {"text", "posing as"}, {"context", f.text.substr(0, 70)}};
  json ev2 = {{"rule", "content.audio"}, {"sentence", 0}, {"start", audio},
              {"end", audio + 10},       {"text", "fake audio"}, {"context", f.text.substr(0, 70)}};
  json ev3 = ev1;
  ev3["rule"] = "persona.other";
  json line1 = {{"doc", f.doc_path},
                {"techniques",
                 {{{"id", "T0001"}, {"name", "One"}, {"score", 0.6}, {"evidence", {ev1, ev3}}},
                  {{"id", "T0002"}, {"name", "Two"}, {"score", 0.9}, {"evidence", {ev2}}}}},
                {"warnings", json::array()}};
  json line2 = {{"doc", "missing.txt"}, {"error", "cannot read missing.txt: no such file"},
                {"warnings", json::array()}};
  f.results_path = write_file(f.dir / "results.jsonl", line1.dump() + "\n" + line2.dump() + "\n");
  f.log_path = (f.dir / "review.jsonl").string();
  return f;
}

// ---- results ----

TEST(Results, ParsesAndSkipsMalformedLines) {
  std::istringstream in(
      "{\"doc\":\"a.txt\",\"techniques\":[{\"id\":\"T0001\",\"score\":0.7,\"evidence\":[{\"rule\":"
      "\"r\",\"start\":1,\"end\":3,\"text\":\"ab\",\"context\":\"xab\"}]}]}\n"
      "not json\n"
      "\n"
      "{\"no_doc\":1}\n"
      "{\"doc\":\"b.txt\",\"techniques\":[{\"name\":\"no id\"}]}\n");
  ResultsFile r = parse_results(in, "res.jsonl");
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.docs[0].techniques[0].evidence[0].end, 3u);
  EXPECT_TRUE(r.docs[1].techniques.empty());
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_EQ(r.warnings[0].rfind("res.jsonl:2: ", 0), 0u);
}

TEST(Results, DocumentTextOnlyWhenItMatchesTheEvidence) {
  Fixture f = make_fixture();
  ResultsFile r = read_results(f.results_path);
  ASSERT_EQ(r.docs.size(), 2u);
  std::string why;
  auto text = load_document_text(r.docs[0], 1 << 20, &why);
  ASSERT_TRUE(text) << why;
  EXPECT_EQ(*text, f.text);
  EXPECT_FALSE(load_document_text(r.docs[0], 10, &why));  // over the size limit
  EXPECT_FALSE(load_document_text(r.docs[1], 1 << 20, &why));  // missing
  // Edited since tagging: offsets no longer match.
  write_file(f.doc_path, "X" + f.text);
  EXPECT_FALSE(load_document_text(r.docs[0], 1 << 20, &why));
  EXPECT_NE(why.find("does not match"), std::string::npos);
}

TEST(Results, RelativePathsAreAlsoTriedFromTheBaseFolder) {
  Fixture f = make_fixture();
  ResultsFile r = read_results(f.results_path);
  r.docs[0].doc = "doc.txt";  // relative to the results folder, not to the working directory
  EXPECT_FALSE(load_document_text(r.docs[0], 1 << 20));
  EXPECT_TRUE(load_document_text(r.docs[0], 1 << 20, nullptr, f.dir.string()));
}

TEST(Results, HighlightPiecesCoverTheTextAndMarkOverlaps) {
  ResultDoc d;
  d.techniques = {{"T1", "", 0.5, {{"r1", 0, 2, 6, "cdef", "", 0}}},
                  {"T2", "", 0.5, {{"r2", 0, 4, 8, "efgh", "", 0}, {"r3", 0, 50, 60, "", "", 0}}}};
  auto pieces = highlight_pieces("abcdefghij", d);
  std::string joined;
  for (const auto& p : pieces) joined += p.text;
  EXPECT_EQ(joined, "abcdefghij");
  ASSERT_EQ(pieces.size(), 5u);  // ab | cd | ef | gh | ij
  EXPECT_EQ(pieces[1].marks, std::vector<size_t>{0});
  EXPECT_EQ(pieces[2].marks, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(pieces[2].start, 4u);
  EXPECT_EQ(pieces[3].marks, std::vector<size_t>{1});
  EXPECT_TRUE(pieces[4].marks.empty());
}

TEST(Results, SnippetsMarkTheEvidenceInItsSentence) {
  ResultDoc d;
  d.techniques = {{"T1", "", 0.5, {{"r1", 3, 105, 109, "fake", "a fake post", 2}}}};
  auto s = context_snippets(d);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].sentence, 3u);
  EXPECT_EQ(s[0].page, 2);
  ASSERT_EQ(s[0].pieces.size(), 3u);
  EXPECT_EQ(s[0].pieces[1].text, "fake");
  EXPECT_EQ(s[0].pieces[1].start, 105u);
  EXPECT_EQ(s[0].pieces[0].start, 103u);
}

// ---- decision log ----

TEST(DecisionLog, AppendsAndReadsBack) {
  fs::path dir = scratch();
  std::string path = (dir / "log.jsonl").string();
  std::string error;
  auto log = DecisionLog::open(path, &error);
  ASSERT_TRUE(log) << error;
  Decision d = make("a.txt", "T0001", Verdict::kAccept);
  d.comment = "quote \" and\nnewline";
  ASSERT_TRUE(log->append(d, &error)) << error;
  // On disk as soon as append returns, while the log is still open.
  DecisionFile f = read_decisions(path);
  ASSERT_EQ(f.decisions.size(), 1u);
  EXPECT_EQ(f.decisions[0].comment, d.comment);
  EXPECT_EQ(f.decisions[0].rules, d.rules);
  EXPECT_EQ(f.decisions[0].evidence.end, 4u);
  json line = json::parse(slurp(path));
  for (const char* key : {"document", "technique", "decision", "evidence", "reviewer", "comment", "time"})
    EXPECT_TRUE(line.contains(key)) << key;
  EXPECT_EQ(line["decision"], "accept");
}

TEST(DecisionLog, ReopenAppendsNeverTruncates) {
  fs::path dir = scratch();
  std::string path = (dir / "log.jsonl").string();
  std::string error;
  for (int i = 0; i < 3; ++i) {
    auto log = DecisionLog::open(path, &error);
    ASSERT_TRUE(log) << error;
    ASSERT_TRUE(log->append(make("a.txt", "T000" + std::to_string(i), Verdict::kReject), &error));
  }
  EXPECT_EQ(read_decisions(path).decisions.size(), 3u);
}

// Regression: a crash mid-write leaves a torn last line; the next decision
// must not be glued onto it (it would be lost with the fragment).
TEST(DecisionLog, TornLastLineIsSkippedAndNextDecisionSurvives) {
  fs::path dir = scratch();
  std::string path = (dir / "log.jsonl").string();
  write_file(path, decision_to_jsonl(make("a.txt", "T0001", Verdict::kAccept)) +
                       "\n{\"document\":\"a.txt\",\"techn");
  std::string error;
  auto log = DecisionLog::open(path, &error);
  ASSERT_TRUE(log) << error;
  ASSERT_TRUE(log->append(make("a.txt", "T0002", Verdict::kReject), &error));
  DecisionFile f = read_decisions(path);
  ASSERT_EQ(f.decisions.size(), 2u);
  EXPECT_EQ(f.decisions[1].technique, "T0002");
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find(":2:"), std::string::npos);
}

TEST(DecisionLog, MissingFileIsAnEmptyLog) {
  DecisionFile f = read_decisions("/nonexistent/ttptag/review.jsonl");
  EXPECT_TRUE(f.error.empty());
  EXPECT_TRUE(f.decisions.empty());
  std::string error;
  EXPECT_FALSE(DecisionLog::open("/nonexistent/ttptag/review.jsonl", &error));
  EXPECT_FALSE(error.empty());
}

TEST(DecisionLog, BadLinesAreReportedWithTheirLine) {
  const struct {
    const char* line;
    const char* error;
  } cases[] = {
      {"{\"technique\":\"T1\",\"decision\":\"accept\"}", "document"},
      {"{\"document\":\"a\",\"decision\":\"accept\"}", "technique"},
      {"{\"document\":\"a\",\"technique\":\"T1\",\"decision\":\"maybe\"}", "decision"},
  };
  for (const auto& c : cases) {
    Decision d;
    std::string error;
    EXPECT_FALSE(decision_from_json(json::parse(c.line), &d, &error)) << c.line;
    EXPECT_NE(error.find(c.error), std::string::npos) << error;
  }
}

TEST(ReviewState, LatestDecisionWins) {
  ReviewState s;
  s.apply_all({make("a", "T1", Verdict::kAccept), make("a", "T2", Verdict::kAccept),
               make("a", "T1", Verdict::kReject)});
  ASSERT_TRUE(s.latest("a", "T1"));
  EXPECT_EQ(s.latest("a", "T1")->decision, Verdict::kReject);
  EXPECT_EQ(s.latest("a", "T2")->decision, Verdict::kAccept);
  EXPECT_FALSE(s.latest("b", "T1"));
}

TEST(ReviewQueue, OrdersAndResumesAtFirstUndecided) {
  ResultsFile r;
  r.docs = {{"a", {{"T1", "", 0.5, {}}, {"T2", "", 0.9, {}}}, {}, "", json::object()},
            {"b", {{"T3", "", 0.7, {}}}, {}, "", json::object()}};
  auto by_score = build_queue(r, QueueOrder::kScore);
  ASSERT_EQ(by_score.size(), 3u);
  EXPECT_EQ(r.docs[by_score[0].doc].techniques[by_score[0].technique].id, "T2");
  EXPECT_EQ(r.docs[by_score[1].doc].techniques[by_score[1].technique].id, "T3");
  auto by_doc = build_queue(r, QueueOrder::kDocument);
  EXPECT_EQ(by_doc[2].doc, 1u);
  ReviewState s;
  EXPECT_EQ(first_undecided(by_score, r, s), 0u);
  s.apply(make("a", "T2", Verdict::kAccept));
  s.apply(make("b", "T3", Verdict::kReject));
  EXPECT_EQ(first_undecided(by_score, r, s), 2u);
  EXPECT_EQ(first_undecided(by_doc, r, s), 0u);
  s.apply(make("a", "T1", Verdict::kAccept));
  EXPECT_EQ(first_undecided(by_score, r, s), 3u);  // all decided
}

// ---- gold ----

TEST(FromReview, AcceptedAndAddedBecomeTagsRejectedKnownFalsePositives) {
  Decision added = make("docs/a.txt", "T0009", Verdict::kAdd);
  added.evidence = {"", 5, 9, "span"};
  added.comment = "missed";
  Decision rejected = make("docs/a.txt", "T0002", Verdict::kReject, "r.two");
  rejected.rules = {"r.two", "r.three", "r.two"};
  Decision withdrawn = make("docs/b.txt", "T0005", Verdict::kReject);
  withdrawn.rules.clear();
  withdrawn.evidence = {};
  std::vector<Decision> log = {
      make("docs/a.txt", "T0001", Verdict::kReject),  // changed mind: accepted below
      rejected,
      added,
      make("docs/b.txt", "T0005", Verdict::kAdd),
      withdrawn,
      make("docs/a.txt", "T0001", Verdict::kAccept),
  };
  ReviewGold g = gold_from_review(log);
  ASSERT_EQ(g.units.size(), 2u);
  const GoldUnit& a = g.units[0];
  EXPECT_EQ(a.id, "review/docs/a.txt");
  EXPECT_EQ(a.level, "document");
  EXPECT_EQ(a.source, "review");
  EXPECT_EQ(a.path, "docs/a.txt");
  EXPECT_TRUE(a.text.empty());
  ASSERT_EQ(a.tags.size(), 2u);
  EXPECT_EQ(a.tags[0].id, "T0001");
  EXPECT_EQ(a.tags[1].id, "T0009");
  EXPECT_EQ(a.tags[1].evidence, "span");
  EXPECT_EQ(a.tags[1].note, "missed");
  ASSERT_EQ(a.rejected.size(), 2u);  // one per distinct rule of the rejected suggestion
  EXPECT_EQ(a.rejected[0].id, "T0002");
  EXPECT_EQ(a.rejected[0].rule, "r.two");
  EXPECT_EQ(a.rejected[1].rule, "r.three");
  EXPECT_TRUE(g.units[1].tags.empty());
  EXPECT_TRUE(g.units[1].rejected.empty());  // a withdrawn addition blames no rule
  EXPECT_EQ(g.accepted, 1u);
  EXPECT_EQ(g.added, 1u);
  EXPECT_EQ(g.rejected, 1u);

  json line = json::parse(gold_to_jsonl(a));
  EXPECT_EQ(line["rejected"][1], (json{{"id", "T0002"}, {"rule", "r.three"}}));
  EXPECT_FALSE(json::parse(gold_to_jsonl(g.units[1])).contains("rejected"));
}

TEST(FromReview, UnitsAreReadableGold) {
  fs::path dir = scratch();
  std::string doc = write_file(dir / "a.txt", "Some article text.");
  ReviewGold g = gold_from_review({make(doc, "T0001", Verdict::kAccept),
                                   make(doc, "T0002", Verdict::kReject)});
  std::string gold_path = (dir / "gold.jsonl").string();
  {
    std::ofstream out(gold_path);
    write_gold(g.units, out);
  }
  GoldFile gf = read_gold(gold_path);
  ASSERT_TRUE(gf.error.empty()) << gf.error;
  ASSERT_EQ(gf.units.size(), 1u);
  EXPECT_EQ(gf.units[0].text, "Some article text.");
  ASSERT_EQ(gf.units[0].tags.size(), 1u);
  EXPECT_EQ(gf.units[0].tags[0].id, "T0001");
  ASSERT_EQ(gf.units[0].rejected.size(), 1u);  // read back for eval
  EXPECT_EQ(gf.units[0].rejected[0].id, "T0002");
  EXPECT_EQ(gf.units[0].rejected[0].rule, "r.one");
}

TEST(FromReview, MalformedRejectedListIsAGoldError) {
  fs::path dir = scratch();
  for (const char* bad : {R"("rejected": "T0001")", R"("rejected": ["T0001"])",
                          R"("rejected": [{"rule": "r"}])"}) {
    std::string path = write_file(dir / "gold.jsonl", std::string(R"({"id": "u", "level": "document", "text": "x", )") +
                                                          bad + "}\n");
    EXPECT_NE(read_gold(path).error.find("rejected"), std::string::npos) << bad;
  }
}

// ---- server ----

class ServerTest : public ::testing::Test {
 protected:
  void start() {
    ServeOptions so;
    so.results = f.results_path;
    so.decisions = f.log_path;
    so.port = 0;
    std::string error;
    server = ReviewServer::create(so, &error);
    ASSERT_TRUE(server) << error;
    port = server->bind(&error);
    ASSERT_GT(port, 0) << error;
    thread = std::thread([this] { server->run(); });
    server->wait_until_ready();
  }
  void stop() {
    if (!server) return;
    server->stop();
    thread.join();
    server.reset();
  }
  void SetUp() override {
    f = make_fixture();
    start();
  }
  void TearDown() override { stop(); }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(2);
    c.set_read_timeout(5);
    c.set_write_timeout(5);
    return c;
  }
  int get_status(const std::string& path) {
    auto c = client();
    c.set_url_encode(false);
    auto r = c.Get(path);
    return r ? r->status : -1;
  }
  httplib::Result post(const std::string& body, const httplib::Headers& headers = {}) {
    auto c = client();
    return c.Post("/api/decision", headers, body, "application/json");
  }

  Fixture f;
  std::unique_ptr<ReviewServer> server;
  std::thread thread;
  int port = 0;
};

TEST_F(ServerTest, ServesTheAppAndTheResults) {
  EXPECT_EQ(get_status("/"), 200);
  EXPECT_EQ(get_status("/app.js"), 200);
  EXPECT_EQ(get_status("/app.css"), 200);
  auto c = client();
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  auto state = c.Get("/api/state");
  ASSERT_TRUE(state);
  json s = json::parse(state->body);
  EXPECT_EQ(s["items"].size(), 2u);
  EXPECT_EQ(s["docs"].size(), 2u);
  EXPECT_EQ(s["items"][0]["rules"], (json{"persona.posing", "persona.other"}));
  auto doc = c.Get("/api/doc/0");
  ASSERT_TRUE(doc);
  json v = json::parse(doc->body);
  EXPECT_TRUE(v["text"].get<bool>());
  std::string joined;
  for (const auto& p : v["pieces"]) joined += p[1].get<std::string>();
  EXPECT_EQ(joined, f.text);  // the script tag is data, rendered as text by the page
}

TEST_F(ServerTest, RefusesPathTricksAndUnknownRoutes) {
  const struct {
    const char* path;
    int status;
  } cases[] = {
      {"/../etc/passwd", 400},
      {"/%2e%2e/%2e%2e/etc/passwd", 400},
      {"/%2E%2E/etc/passwd", 400},
      {"/api/doc/..%2f..%2fetc%2fpasswd", 400},
      {"/api/doc/0/../1", 400},
      {"//etc/passwd", 400},
      {"/api/doc/%5c..%5cetc", 400},
      {"/etc/passwd", 404},
      {"/api/doc/2", 404},          // past the results
      {"/api/doc/-1", 404},
      {"/api/doc/doc.txt", 404},    // documents by index only, never by path
      {"/api/file?path=/etc/passwd", 404},
      {"/results.jsonl", 404},
      {"/review.jsonl", 404},
  };
  for (const auto& c : cases) EXPECT_EQ(get_status(c.path), c.status) << c.path;
}

TEST_F(ServerTest, RefusesForeignHostsOriginsAndBigBodies) {
  auto c = client();
  auto r = c.Get("/api/state", {{"Host", "attacker.example:" + std::to_string(port)}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);  // DNS rebinding
  std::string ok = R"({"doc":0,"technique":0,"decision":"accept"})";
  r = post(ok, {{"Origin", "http://attacker.example"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = c.Post("/api/decision", ok, "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  r = post(std::string(70 * 1024, ' ') + ok);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(read_decisions(f.log_path).decisions.empty());
}

TEST_F(ServerTest, ValidatesDecisions) {
  const char* bad[] = {
      "not json",
      "[]",
      R"({"doc":5,"technique":0,"decision":"accept"})",
      R"({"doc":1,"technique":0,"decision":"accept"})",   // a failed document
      R"({"doc":0,"technique":7,"decision":"accept"})",
      R"({"doc":0,"technique":0,"decision":"maybe"})",
      R"({"doc":0,"id":"../../etc","decision":"add"})",
      R"({"doc":0,"id":"T0001","decision":"add"})",       // already suggested
      R"({"doc":0,"id":"T0099","decision":"add","start":3,"end":2})",
      R"({"doc":0,"id":"T0099","decision":"add","start":0,"end":999})",
      R"({"doc":0,"id":"T0099","decision":"accept"})",    // not an added technique
      R"({"doc":0,"technique":0,"decision":"accept","comment":7})",
      R"({"doc":"doc.txt","technique":0,"decision":"accept"})",
  };
  for (const char* body : bad) {
    auto r = post(body);
    ASSERT_TRUE(r) << body;
    EXPECT_EQ(r->status, 400) << body << " -> " << r->body;
  }
  EXPECT_TRUE(read_decisions(f.log_path).decisions.empty());
}

TEST_F(ServerTest, DecisionsAreLoggedAtOnceAndAResumedServerKeepsThem) {
  auto r = post(R"({"doc":0,"technique":1,"decision":"accept","reviewer":"ann","comment":"ok"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  // In the log before the answer came back.
  DecisionFile log = read_decisions(f.log_path);
  ASSERT_EQ(log.decisions.size(), 1u);
  EXPECT_EQ(log.decisions[0].technique, "T0002");
  EXPECT_EQ(log.decisions[0].evidence.rule, "content.audio");
  EXPECT_EQ(log.decisions[0].evidence.text, "fake audio");
  EXPECT_EQ(log.decisions[0].reviewer, "ann");
  EXPECT_EQ(log.decisions[0].time.size(), 20u);  // 2026-01-02T03:04:05Z
  r = post(R"({"doc":0,"technique":0,"decision":"reject"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  size_t second = f.text.find("Second");
  r = post(R"({"doc":0,"id":"T0099","decision":"add","start":)" + std::to_string(second) +
           R"(,"end":)" + std::to_string(second + 6) + "}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(read_decisions(f.log_path).decisions.back().evidence.text, "Second");

  stop();  // a restart reads the log back
  start();
  EXPECT_EQ(server->decided(), 2u);
  auto c = client();
  auto state = c.Get("/api/state");
  ASSERT_TRUE(state);
  json s = json::parse(state->body);
  EXPECT_EQ(s["items"][0]["decision"], "reject");
  EXPECT_EQ(s["items"][1]["decision"], "accept");
  ASSERT_EQ(s["added"].size(), 1u);
  EXPECT_EQ(s["added"][0]["id"], "T0099");
  EXPECT_EQ(s["added"][0]["text"], "Second");
  // Withdrawing the addition.
  r = post(R"({"doc":0,"id":"T0099","decision":"reject"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(json::parse(c.Get("/api/state")->body)["added"].empty());
}

TEST(Serve, LoopbackHosts) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"})
    EXPECT_TRUE(is_loopback_host(h)) << h;
  for (const char* h : {"0.0.0.0", "192.168.1.2", "::", "example.com", "128.0.0.1", ""})
    EXPECT_FALSE(is_loopback_host(h)) << h;
}

}  // namespace
}  // namespace ttptag
