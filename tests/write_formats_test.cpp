#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "catalog.h"
#include "tagger.h"
#include "test_util.h"
#include "uuid.h"
#include "write.h"
#include "write_formats.h"

namespace ttptag {
namespace {

using nlohmann::json;

// Tagged documents from the demo rule pack: two with techniques, one with
// none, one failed.
struct Fixture {
  Catalog catalog;
  std::unique_ptr<RuleSet> rules;
  std::vector<Document> docs;
};

std::unique_ptr<Fixture> make_fixture(const std::string& catalog_path) {
  auto f = std::make_unique<Fixture>();
  std::string error;
  auto cat = Catalog::load(catalog_path, &error);
  if (!cat) {
    ADD_FAILURE() << error;
    return nullptr;
  }
  f->catalog = std::move(*cat);
  std::vector<Issue> issues;
  f->rules = testing::load_or_die(testing::data("rules/good"), &f->catalog, &issues);
  if (!f->rules) {
    ADD_FAILURE() << "rules did not load";
    return nullptr;
  }
  AggregateOptions ao;
  ao.catalog = &f->catalog;
  Tagger tagger(*f->rules, ao);
  Document a = tagger.tag_text("a.txt", "Accounts were posing as U.S. voters. The clip was AI-generated audio.");
  a.meta["title"] = "Voters, \"deepfakes\"";
  a.meta["date"] = "2024-03-05T10:00:00+02:00";
  Document b = tagger.tag_text("b.txt", "Bots were used to amplify the posts. The clip was AI-generated audio.");
  Document none = tagger.tag_text("none.txt", "Nothing here.");
  Document failed;
  failed.source = "gone.txt";
  failed.error = "cannot read gone.txt: no such file";
  f->docs = {a, b, none, failed};
  EXPECT_FALSE(f->docs[0].tags.empty());
  EXPECT_FALSE(f->docs[1].tags.empty());
  return f;
}

std::string run(OutputFormat format, const std::vector<Document>& docs, const WriterOptions& opts) {
  std::ostringstream out;
  auto writer = make_writer(format, out, opts);
  for (const auto& d : docs) writer->write(d);
  writer->finish();
  return out.str();
}

TEST(Uuid, Sha1KnownVectors) {
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(sha1_hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Uuid, Version5KnownVector) {
  EXPECT_EQ(uuid5(kNamespaceDns, "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_EQ(uuid5("not-a-uuid", "x"), "");
}

TEST(Timestamps, Rfc3339ToStix) {
  EXPECT_EQ(detail::to_stix_timestamp("2024-03-05"), "2024-03-05T00:00:00.000Z");
  EXPECT_EQ(detail::to_stix_timestamp("2024-03-05T10:00:00+02:00"), "2024-03-05T08:00:00.000Z");
  EXPECT_EQ(detail::to_stix_timestamp("2024-03-05T10:00:00.25Z"), "2024-03-05T10:00:00.250Z");
  EXPECT_EQ(detail::to_stix_timestamp("March 5"), "");
  EXPECT_EQ(detail::to_stix_timestamp("2024-13-05"), "");
}

TEST(Formats, ParseOutputFormat) {
  OutputFormat f = OutputFormat::kJsonl;
  for (const char* name : {"jsonl", "csv", "stix", "misp", "navigator", "text"}) EXPECT_TRUE(parse_output_format(name, &f));
  EXPECT_EQ(f, OutputFormat::kText);
  EXPECT_FALSE(parse_output_format("xml", &f));
}

TEST(Csv, QuotingAndRows) {
  Document d;
  d.source = "dir/a, \"b\".txt";
  Tag t;
  t.id = "T0088.001";
  t.name = "Develop AI-Generated Audio (Deepfakes)";
  t.score = 0.9;
  Evidence ev;
  ev.rule = "r";
  ev.text = "said \"hi\",\nthen left";
  ev.page = 3;
  Evidence formula = ev;
  formula.text = "=HYPERLINK(\"http://x\")";
  t.evidence = {ev, formula};
  Tag t2 = t;
  t2.id = "T0049";
  t2.name = "";
  t2.evidence = {formula};
  d.tags = {t, t2};
  Document none;
  none.source = "none.txt";
  Document failed;
  failed.source = "x.txt";
  failed.error = "cannot read x.txt: no such file";
  std::string csv = run(OutputFormat::kCsv, {d, none, failed}, WriterOptions{});
  EXPECT_EQ(csv,
            "document,technique,name,tactic,tactic_name,score,evidence_count,first_evidence,first_page,error\r\n"
            "\"dir/a, \"\"b\"\".txt\",T0088.001,Develop AI-Generated Audio (Deepfakes),,,0.900,2,"
            "\"said \"\"hi\"\",\nthen left\",3,\r\n"
            "\"dir/a, \"\"b\"\".txt\",T0049,,,,0.900,1,\"'=HYPERLINK(\"\"http://x\"\")\",3,\r\n"
            "none.txt,,,,,,,,,\r\n"
            "x.txt,,,,,,,,,cannot read x.txt: no such file\r\n");

  // With a catalogue: the tactic's ID and name.
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  WriterOptions opts;
  opts.catalog = &f->catalog;
  std::string with = run(OutputFormat::kCsv, {d}, opts);
  EXPECT_NE(with.find(",T0088.001,Develop AI-Generated Audio (Deepfakes),TA06,Develop Content,0.900,"),
            std::string::npos)
      << with;
}

TEST(Text, ReadableSummary) {
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  std::string text = run(OutputFormat::kText, f->docs, WriterOptions{});
  EXPECT_NE(text.find("== a.txt"), std::string::npos);
  EXPECT_NE(text.find("T0088.001"), std::string::npos);
  EXPECT_NE(text.find("no techniques"), std::string::npos);
  EXPECT_NE(text.find("ERROR: cannot read gone.txt"), std::string::npos);
}

TEST(Jsonl, WriterMatchesWriteJsonl) {
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  std::ostringstream direct;
  for (const auto& d : f->docs) write_jsonl(d, direct);
  EXPECT_EQ(run(OutputFormat::kJsonl, f->docs, WriterOptions{}), direct.str());
}

const std::regex kOurTimestamp(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
const std::regex kAnyTimestamp(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)");

// Checks STIX structure; returns the ids of the bundle's objects.
std::set<std::string> check_stix(const json& bundle, const std::set<std::string>& foreign_ids = {}) {
  std::set<std::string> ids;
  EXPECT_EQ(bundle["type"], "bundle");
  EXPECT_TRUE(std::regex_match(bundle["id"].get<std::string>(),
                               std::regex(R"(^bundle--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)")));
  EXPECT_TRUE(bundle["objects"].is_array());
  EXPECT_FALSE(bundle["objects"].empty());  // if present, not empty
  for (const auto& o : bundle["objects"]) {
    const std::string type = o.at("type");
    const std::string id = o.at("id");
    EXPECT_EQ(o.at("spec_version"), "2.1") << id;
    EXPECT_TRUE(std::regex_match(id, std::regex("^" + type + R"(--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)")))
        << id;
    // DISARM's own objects keep DISARM's timestamps (microseconds).
    const auto& re = foreign_ids.count(id) ? kAnyTimestamp : kOurTimestamp;
    EXPECT_TRUE(std::regex_match(o.at("created").get<std::string>(), re)) << id << " " << o["created"];
    if (type != "marking-definition") {
      EXPECT_TRUE(std::regex_match(o.at("modified").get<std::string>(), re)) << id;
    }
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    // Required properties per type.
    if (type == "report") {
      for (const char* k : {"name", "published", "report_types", "object_refs"}) EXPECT_TRUE(o.contains(k)) << k;
    } else if (type == "note") {
      for (const char* k : {"content", "object_refs"}) EXPECT_TRUE(o.contains(k)) << k;
    } else if (type == "attack-pattern" || type == "identity") {
      EXPECT_TRUE(o["name"].is_string()) << id;
    } else if (type != "marking-definition") {
      ADD_FAILURE() << "unexpected type " << type;
    }
  }
  // Every reference resolves inside the bundle.
  for (const auto& o : bundle["objects"]) {
    if (o.contains("created_by_ref")) {
      EXPECT_TRUE(ids.count(o["created_by_ref"].get<std::string>())) << o["id"];
    }
    for (const char* key : {"object_refs", "object_marking_refs"}) {
      if (!o.contains(key)) continue;
      EXPECT_FALSE(o[key].empty());
      for (const auto& ref : o[key]) EXPECT_TRUE(ids.count(ref.get<std::string>())) << ref;
    }
  }
  return ids;
}

TEST(Stix, StructureAndStableIds) {
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  WriterOptions opts;
  opts.catalog = &f->catalog;
  json bundle = json::parse(run(OutputFormat::kStix, f->docs, opts));
  auto ids = check_stix(bundle);
  size_t reports = 0, notes = 0, patterns = 0;
  for (const auto& o : bundle["objects"]) {
    if (o["type"] == "report") {
      ++reports;
      EXPECT_EQ(o["report_types"], json::array({"threat-report"}));
      EXPECT_TRUE(std::regex_match(o["published"].get<std::string>(), kOurTimestamp));
      if (o["name"] == "Voters, \"deepfakes\"") {
        EXPECT_EQ(o["published"], "2024-03-05T08:00:00.000Z");
      }
    } else if (o["type"] == "note") {
      ++notes;
      EXPECT_EQ(o["object_refs"].size(), 2u);
      EXPECT_NE(o["content"].get<std::string>().find("score"), std::string::npos);
    } else if (o["type"] == "attack-pattern") {
      ++patterns;
      const std::string disarm_id = o["external_references"][0]["external_id"];
      EXPECT_EQ(o["external_references"][0]["source_name"], "mitre-attack");
      EXPECT_EQ(o["id"], f->catalog.find(disarm_id)->stix_id);
      EXPECT_EQ(o["kill_chain_phases"][0]["kill_chain_name"], "mitre-attack");
      EXPECT_FALSE(o["name"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(reports, 2u);  // none.txt and gone.txt are left out
  EXPECT_EQ(notes, f->docs[0].tags.size() + f->docs[1].tags.size());
  EXPECT_GE(patterns, 2u);
  EXPECT_EQ(bundle["objects"][0]["type"], "identity");

  // Same input, same ids.
  json again = json::parse(run(OutputFormat::kStix, f->docs, opts));
  EXPECT_EQ(check_stix(again), ids);
  EXPECT_EQ(again["id"], bundle["id"]);
}

TEST(Stix, EmptyRunIsAValidBundle) {
  json bundle = json::parse(run(OutputFormat::kStix, {}, WriterOptions{}));
  EXPECT_EQ(bundle["type"], "bundle");
  EXPECT_FALSE(bundle.contains("objects"));
}

TEST(Stix, WithoutCatalogueAttackPatternIdsAreUuid5OfTheDisarmId) {
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  std::ostringstream out;
  auto writer = make_writer(OutputFormat::kStix, out, WriterOptions{});
  for (const auto& d : f->docs) writer->write(d);
  writer->finish();
  ASSERT_EQ(writer->warnings().size(), 1u);
  EXPECT_NE(writer->warnings()[0].find("no catalogue"), std::string::npos);
  json bundle = json::parse(out.str());
  check_stix(bundle);
  for (const auto& o : bundle["objects"]) {
    if (o["type"] != "attack-pattern") continue;
    const std::string disarm_id = o["external_references"][0]["external_id"];
    EXPECT_EQ(o["id"], "attack-pattern--" + uuid5(kTtptagNamespace, "attack-pattern:" + disarm_id));
  }
}

TEST(Stix, AttackPatternIdsAreDisarms) {
  if (!testing::has_shared("disarm/DISARM.json")) GTEST_SKIP() << "../shared/disarm/DISARM.json is not present";
  auto f = make_fixture(testing::shared("disarm/DISARM.json"));
  ASSERT_TRUE(f);
  WriterOptions opts;
  opts.catalog = &f->catalog;
  json bundle = json::parse(run(OutputFormat::kStix, f->docs, opts));
  // DISARM.json's objects by id, read independently of the catalogue code.
  std::ifstream in(testing::shared("disarm/DISARM.json"));
  json disarm = json::parse(in);
  std::map<std::string, json> by_id;
  for (const auto& o : disarm["objects"]) by_id[o["id"].get<std::string>()] = o;
  std::set<std::string> foreign;
  for (const auto& [id, o] : by_id) foreign.insert(id);
  check_stix(bundle, foreign);
  size_t patterns = 0;
  for (const auto& o : bundle["objects"]) {
    if (o["type"] != "attack-pattern") continue;
    ++patterns;
    const std::string id = o["id"];
    ASSERT_TRUE(by_id.count(id)) << id << " is not in DISARM.json";
    EXPECT_EQ(o, by_id[id]);  // DISARM's object, unchanged
    const Technique* t = f->catalog.find(o["external_references"][0]["external_id"]);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(id, t->stix_id);
  }
  EXPECT_GE(patterns, 2u);
}

TEST(Navigator, RequiredFields) {
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  WriterOptions opts;
  opts.catalog = &f->catalog;
  opts.navigator_domain = "disarm-red";
  json layer = json::parse(run(OutputFormat::kNavigator, f->docs, opts));
  EXPECT_EQ(layer["name"], "ttptag");
  EXPECT_EQ(layer["domain"], "disarm-red");
  EXPECT_EQ(layer["versions"]["layer"], "4.5");
  EXPECT_TRUE(layer["description"].is_string());
  EXPECT_EQ(layer["gradient"]["minValue"], 0);
  EXPECT_EQ(layer["gradient"]["maxValue"], 100);
  EXPECT_FALSE(layer["gradient"]["colors"].empty());
  EXPECT_FALSE(layer["legendItems"].empty());
  ASSERT_FALSE(layer["techniques"].empty());
  bool saw_audio = false, saw_parent = false;
  for (const auto& t : layer["techniques"]) {
    EXPECT_TRUE(t["techniqueID"].is_string());
    EXPECT_TRUE(t["tactic"].is_string());
    if (t["techniqueID"] == "T0088") {  // parent of a found sub-technique: expanded, not scored
      saw_parent = true;
      EXPECT_EQ(t["showSubtechniques"], true);
      EXPECT_FALSE(t.contains("score"));
      continue;
    }
    EXPECT_TRUE(t["score"].is_number_integer());
    EXPECT_GE(t["score"].get<int>(), 0);
    EXPECT_LE(t["score"].get<int>(), 100);
    EXPECT_TRUE(std::regex_match(t["color"].get<std::string>(), std::regex("^#[0-9a-f]{6}$")));
    EXPECT_EQ(t["enabled"], true);
    EXPECT_TRUE(t["metadata"].is_array());
    for (const auto& m : t["metadata"]) EXPECT_TRUE(m["name"].is_string() && m["value"].is_string());
    if (t["techniqueID"] == "T0088.001") {
      saw_audio = true;
      EXPECT_EQ(t["tactic"], "develop-content");
      EXPECT_EQ(t["comment"].get<std::string>().rfind("2 documents, ", 0), 0u);
    }
  }
  EXPECT_TRUE(saw_audio);
  EXPECT_TRUE(saw_parent);
}

TEST(Navigator, PerDocumentLayersAndNoCatalogue) {
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  WriterOptions opts;
  opts.navigator_per_document = true;
  std::ostringstream out;
  auto writer = make_writer(OutputFormat::kNavigator, out, opts);
  for (const auto& d : f->docs) writer->write(d);
  writer->finish();
  EXPECT_FALSE(writer->warnings().empty());  // no catalogue: no tactics
  std::istringstream lines(out.str());
  std::vector<json> layers;
  for (std::string line; std::getline(lines, line);) layers.push_back(json::parse(line));
  ASSERT_EQ(layers.size(), 3u);  // gone.txt failed
  EXPECT_EQ(layers[0]["name"], "Voters, \"deepfakes\"");
  EXPECT_EQ(layers[0]["domain"], "disarm");
  EXPECT_EQ(layers[0]["versions"]["layer"], "4.5");
  EXPECT_FALSE(layers[0]["techniques"].empty());
  for (const auto& t : layers[0]["techniques"]) EXPECT_FALSE(t.contains("tactic"));
  EXPECT_TRUE(layers[2]["techniques"].empty());  // none.txt
}

TEST(Formats, EveryWriterHandlesAnEmptyRun) {
  for (auto format : {OutputFormat::kJsonl, OutputFormat::kCsv, OutputFormat::kStix, OutputFormat::kMisp,
                      OutputFormat::kNavigator, OutputFormat::kText}) {
    std::string out = run(format, {}, WriterOptions{});
    if (format == OutputFormat::kStix || format == OutputFormat::kMisp || format == OutputFormat::kNavigator) {
      EXPECT_TRUE(json::accept(out)) << out;
    }
  }
  json misp = json::parse(run(OutputFormat::kMisp, {}, WriterOptions{}));
  EXPECT_EQ(misp, json({{"response", json::array()}}));
}

TEST(Misp, EventAndTagFields) {
  auto f = make_fixture(testing::data("catalog/mini-disarm.json"));
  ASSERT_TRUE(f);
  WriterOptions opts;
  opts.catalog = &f->catalog;
  f->docs[0].meta["url"] = "https://e.org/a";
  json out = json::parse(run(OutputFormat::kMisp, f->docs, opts));
  ASSERT_TRUE(out["response"].is_array());
  const json& events = out["response"];
  ASSERT_EQ(events.size(), 2u);  // none.txt (no techniques) and gone.txt (failed) are left out
  const json& e = events[0]["Event"];
  EXPECT_TRUE(std::regex_match(e["uuid"].get<std::string>(),
                               std::regex(R"(^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$)")));
  EXPECT_EQ(e["published"], false);
  EXPECT_EQ(e["info"], "Voters, \"deepfakes\"");
  EXPECT_EQ(e["date"], "2024-03-05");
  EXPECT_EQ(e["threat_level_id"], "4");
  EXPECT_EQ(e["analysis"], "0");
  EXPECT_EQ(e["distribution"], "0");
  std::set<std::string> tags;
  for (const auto& t : e["Tag"]) tags.insert(t["name"].get<std::string>());
  EXPECT_TRUE(tags.count("misp-galaxy:disarm-techniques=\"Develop AI-Generated Audio (Deepfakes)\""));
  ASSERT_FALSE(e["Attribute"].empty());
  size_t links = 0;
  for (const auto& a : e["Attribute"]) {
    EXPECT_FALSE(a["value"].get<std::string>().empty());
    EXPECT_EQ(a["to_ids"], false);
    if (a["type"] == "link") {
      ++links;
      EXPECT_EQ(a["value"], "https://e.org/a");
      continue;
    }
    EXPECT_EQ(a["type"], "text");
    EXPECT_EQ(a["category"], "Other");
    EXPECT_FALSE(a["comment"].get<std::string>().empty());
  }
  EXPECT_EQ(links, 1u);
  bool found = false;
  for (const auto& a : e["Attribute"]) {
    if (a["value"] == "The clip was AI-generated audio.") {
      found = true;
      EXPECT_EQ(a["comment"].get<std::string>().rfind("T0088.001 demo.ai-audio 0.", 0), 0u) << a["comment"];
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(events[1]["Event"]["info"], "b.txt");
  EXPECT_TRUE(std::regex_match(events[1]["Event"]["date"].get<std::string>(), std::regex(R"(^\d{4}-\d{2}-\d{2}$)")));

  // Same input, same event uuid.
  json again = json::parse(run(OutputFormat::kMisp, f->docs, opts));
  EXPECT_EQ(again["response"][0]["Event"]["uuid"], e["uuid"]);

  // Without catalogue names the tag value is the ID, and a warning says so.
  auto docs = f->docs;
  for (auto& d : docs)
    for (auto& t : d.tags) t.name.clear();
  std::ostringstream bare_out;
  auto writer = make_writer(OutputFormat::kMisp, bare_out, WriterOptions{});
  for (const auto& d : docs) writer->write(d);
  writer->finish();
  json bare = json::parse(bare_out.str());
  std::set<std::string> bare_tags;
  for (const auto& t : bare["response"][0]["Event"]["Tag"]) bare_tags.insert(t["name"].get<std::string>());
  EXPECT_TRUE(bare_tags.count("misp-galaxy:disarm-techniques=\"T0088.001\""));
  ASSERT_EQ(writer->warnings().size(), 1u);
  EXPECT_NE(writer->warnings()[0].find("T0088.001"), std::string::npos);
}

}  // namespace
}  // namespace ttptag
