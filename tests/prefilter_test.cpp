#include "prefilter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include "match.h"
#include "normalize.h"
#include "segment.h"
#include "test_util.h"

namespace ttptag {
namespace {

// Rules of one alternative each, compiled as rules.cpp compiles triggers.
struct Rules {
  // required[i]: rule i's required regexes (its sentence-scope `all`).
  explicit Rules(const std::vector<std::vector<std::string>>& alternatives,
                 const std::vector<std::vector<std::string>>& required = {}) {
    std::vector<Prefilter::Trigger> triggers;
    for (const auto& alts : alternatives) {
      std::string whole;
      for (const auto& a : alts) whole += (whole.empty() ? "(?:" : "|(?:") + a + ")";
      res.push_back(std::make_unique<LazyRE2>(std::make_unique<RE2>(whole)));
      EXPECT_TRUE(res.back()->get().ok()) << whole;
      const size_t i = triggers.size();
      triggers.push_back(Prefilter::Trigger{alts, res.back().get(), i < required.size() ? required[i] : std::vector<std::string>{}});
    }
    pf = Prefilter::build(triggers);
  }
  // rule -> alternatives mask, for `text`.
  std::map<int, uint64_t> candidates(const std::string& text) {
    std::vector<Candidate> out;
    pf->candidates(text, &out, &scratch);
    std::map<int, uint64_t> m;
    for (const auto& c : out) m[c.rule] = c.alternatives;
    return m;
  }
  std::vector<std::unique_ptr<LazyRE2>> res;
  std::unique_ptr<Prefilter> pf;
  PrefilterScratch scratch;
};

TEST(Prefilter, SkipsRulesWhoseLiteralsAreAbsent) {
  Rules r({{"\\bposing\\s+as\\s+(?:voters|residents)\\b"}, {"\\bx\\b"}});
  EXPECT_TRUE(r.candidates("nothing to see here").empty());
  EXPECT_TRUE(r.candidates("posing as a xylophone").empty());  // "voters" missing; x is not the word x
  EXPECT_EQ(r.candidates("they were posing as voters").count(0), 1u);
  EXPECT_EQ(r.candidates("posted on x today").count(1), 1u);
  EXPECT_EQ(r.candidates("x").count(1), 1u);
}

TEST(Prefilter, RequiredRegexesGateARule) {
  // Rule 0's gate is an OR no one else hears (marked, never visited), rule
  // 1's an AND (woken by its least likely part), rule 2's has no literal.
  Rules r({{"\\bclaimed\\b"}, {"\\bclaimed\\b"}, {"\\bclaimed\\b"}},
          {{"\\b(?:bots|trolls)\\b"}, {"\\bbots\\b", "\\bnetwork\\b"}, {"\\w+"}});
  EXPECT_EQ(r.candidates("they claimed it").count(0), 0u);
  EXPECT_EQ(r.candidates("trolls claimed it").count(0), 1u);
  EXPECT_EQ(r.candidates("robots claimed it").count(0), 0u);  // \b: not the word
  EXPECT_EQ(r.candidates("bots claimed it").count(1), 0u);
  EXPECT_EQ(r.candidates("the bots network claimed it").count(1), 1u);
  EXPECT_EQ(r.candidates("the bots network said so").count(1), 0u);  // the trigger is still needed
  EXPECT_EQ(r.candidates("they claimed it").count(2), 1u);
  EXPECT_NE(r.pf->describe(1).find("&& required"), std::string::npos) << r.pf->describe(1);
  EXPECT_EQ(r.pf->describe(2).find("required"), std::string::npos) << r.pf->describe(2);
}

TEST(Prefilter, SaysWhichVetoesMayMatch) {
  LazyRE2 lazy(std::make_unique<RE2>("\\bclaimed\\b"));
  Prefilter::Trigger t{{"\\bclaimed\\b"}, &lazy, {}, "(?:\\bno evidence\\b)|(?:\\bdenied\\b)", "(?:\\bhypothetical\\b)"};
  Prefilter::Trigger no_vetoes{{"\\bclaimed\\b"}, &lazy};
  auto pf = Prefilter::build({t, no_vetoes});
  PrefilterScratch scratch;
  std::vector<Candidate> out;
  pf->candidates("they claimed it", &out, &scratch);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].own_veto);
  EXPECT_FALSE(out[0].pack_veto);
  EXPECT_TRUE(out[1].own_veto && out[1].pack_veto);  // none to rule out: run as before
  pf->candidates("they denied what was claimed", &out, &scratch);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].own_veto);
  EXPECT_FALSE(out[0].pack_veto);
  pf->candidates("a hypothetical claimed case", &out, &scratch);
  EXPECT_FALSE(out[0].own_veto);
  EXPECT_TRUE(out[0].pack_veto);
}

TEST(Prefilter, ReportsOnlyAlternativesThatMayOccur) {
  Rules r({{"\\balpha\\w+", "\\bbeta gamma\\b", "delta"}});
  EXPECT_EQ(r.candidates("alphas only")[0], 0b001u);
  EXPECT_EQ(r.candidates("beta gamma and delta")[0], 0b110u);
  EXPECT_EQ(r.candidates("alphabet, beta gamma, delta")[0], 0b111u);
  EXPECT_EQ(&r.pf->alternative(0, 1), &r.pf->alternative(0, 1));  // compiled once, kept
  EXPECT_EQ(r.pf->alternative(0, 1).pattern(), "(?:\\bbeta gamma\\b)");
}

TEST(Prefilter, AlternativesWithoutLiteralsGoToTheFallbackSet) {
  Rules r({{"(?i)posing"}, {"\\d+\\.\\d+"}, {"plain words"}});
  EXPECT_EQ(r.pf->fallback_alternatives(), 2u);
  EXPECT_EQ(r.candidates("POSING").count(0), 1u);  // case-insensitive, read by RE2 itself
  EXPECT_EQ(r.candidates("version 2.5").count(1), 1u);
  EXPECT_TRUE(r.candidates("nothing").empty());
}

// The Set is asked only about sentences holding a byte that every match
// of some alternative in it holds: the reader works out those bytes (the
// rarest it can prove), or none for syntax it does not model.
TEST(Prefilter, FallbackSetNeedsOneOfItsBytes) {
  Rules r({{"\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b"},
           {"(?:^| )r/[a-z0-9_]{3,}\\b"},
           {"\\b(?:\\d{1,3}\\[\\.\\]){3}\\d{1,3}\\b"},
           {"(?:x|[A-C]|\\x{e9})[_-]?\\w{2}"}});
  EXPECT_EQ(r.pf->describe(0), "set if [0-9]");
  EXPECT_EQ(r.pf->describe(1), "set if [/]");
  EXPECT_EQ(r.pf->describe(2), "set if [[]");
  EXPECT_EQ(r.pf->describe(3), "set if [A-Cx\\xC3]");  // each branch's rarest byte; 0xC3 leads "é"
  EXPECT_EQ(r.candidates("hosted at 185.22.153.10 since may").count(0), 1u);
  EXPECT_EQ(r.candidates("see r/worldnews").count(1), 1u);
  EXPECT_EQ(r.candidates("at 10[.]0[.]0[.]1").count(2), 1u);
  EXPECT_EQ(r.candidates("\xc3\xa9-ab").count(3), 1u);
  EXPECT_TRUE(r.candidates("no such bytes in this sentence.").empty());
  // Bytes unknown: the Set is asked about every sentence.
  Rules unknown({{"(?i)posing"}, {"\\d+\\.\\d+"}});
  EXPECT_EQ(unknown.pf->describe(0), "set");
  EXPECT_EQ(unknown.candidates("Posing").count(0), 1u);
  EXPECT_TRUE(unknown.candidates("no digits").empty());
}

// A common word crossed with its neighbour still selects: "the" alone is
// no atom, "the network" is one. Without crossing, any sentence with
// "network" (or "platform", ...) would wake the rule.
TEST(Prefilter, CommonWordsAreCrossedWithTheirNeighbours) {
  Rules r({{"\\b(?:the|a|marketing) (?:platform|platforms|network|networks|tool|tools|system|systems)\\b"}});
  EXPECT_TRUE(r.candidates("the rail network was closed").empty());
  EXPECT_EQ(r.candidates("they run a network").count(0), 1u);
  EXPECT_EQ(r.candidates("a marketing platform").count(0), 1u);
  // Only the common words are crossed (all would double the atoms): a rare
  // one stays a condition beside its neighbour.
  EXPECT_EQ(r.candidates("marketing was hard; the rail network was new").count(0), 1u);
  EXPECT_TRUE(r.candidates("marketing was hard").empty());
}

// A run whose strings are all too short to select (".de", ".]ru") is
// crossed with what follows: ".de " selects. Ending the run there left
// " site" as the whole condition, so every sentence with "site" was a
// candidate.
TEST(Prefilter, AllWeakRunIsCrossedOn) {
  Rules r({{"\\b[a-z]+\\[?\\.\\]?(?:com|de|ru|eu|fr) (?:site|website|domain)\\b"}});
  const std::string shown = r.pf->describe(0);
  EXPECT_NE(shown.find("\".de \""), std::string::npos) << shown;
  EXPECT_NE(shown.find("\".]ru \""), std::string::npos) << shown;
  EXPECT_TRUE(r.candidates("the news site was blocked").empty());
  EXPECT_TRUE(r.candidates("the domain was registered in 2019").empty());
  EXPECT_EQ(r.candidates("the example.de site was blocked").count(0), 1u);
  EXPECT_EQ(r.candidates("the example[.]ru domain").count(0), 1u);
}

// Words common in prose but not in most sentences ("new", "just") and
// short strings with a digit ("18-") are atoms: without them the condition
// of these patterns was "accounts" or nothing at all.
TEST(Prefilter, FairlyRareShortAtomsSelect) {
  Rules r({{"\\bnew (?:\\w+ ){0,3}?accounts\\b"}, {"\\btargeting (?:\\w+ ){0,2}(?:18-\\d\\d|aged \\d+)"}});
  EXPECT_EQ(r.pf->describe(0), "(\"accounts\"\\b & \\b\"new \")");
  EXPECT_TRUE(r.candidates("the accounts were closed").empty());
  EXPECT_EQ(r.candidates("new fake accounts").count(0), 1u);
  EXPECT_TRUE(r.candidates("targeting young voters").empty());
  EXPECT_EQ(r.candidates("targeting 18-24 year olds").count(1), 1u);
}

// To the scan, a run of white space is one space: a phrase is one atom
// ("posing as"), not its words, and a line break or double space between
// its words still finds it.
TEST(Prefilter, WhiteSpaceRunsAreOneSpace) {
  Rules r({{"\\bposing\\s+as\\s+(?:voters|residents)\\b"}, {"\\bad[-\\s]?hoc\\b"}});
  EXPECT_EQ(r.pf->describe(0), "(\\b\"posing as residents\"\\b | \\b\"posing as voters\"\\b)");
  EXPECT_TRUE(r.candidates("voters were posing for photos as residents").empty());
  EXPECT_EQ(r.candidates("posing\n as\t\tvoters").count(0), 1u);
  EXPECT_EQ(r.candidates("an ad hoc group").count(1), 1u);
  EXPECT_EQ(r.candidates("an ad-hoc group").count(1), 1u);
  EXPECT_EQ(r.candidates("an adhoc group").count(1), 1u);
  EXPECT_TRUE(r.candidates("an ad for a hoc").empty());
}

// Whether a sentence needs collapsing is decided eight bytes at a time: a
// run of white space must be seen at every offset and across blocks.
TEST(Prefilter, WhiteSpaceRunIsSeenAtAnyOffset) {
  Rules r({{"\\bposing\\s+as\\b"}});
  for (const std::string run : {"  ", "\n", "\t", " \r\n", "\f", "\v", " \n"}) {
    for (size_t lead = 0; lead < 20; ++lead) {
      const std::string text = std::string(lead, 'x') + " posing" + run + "as a voter";
      EXPECT_EQ(r.candidates(text).count(0), 1u) << "lead " << lead << ", run of " << run.size();
    }
  }
  EXPECT_EQ(r.candidates("they were posing as voters").count(0), 1u);
  EXPECT_TRUE(r.candidates("they were posing  at as voters").empty());
}

// The condition must be necessary: whenever RE2 finds a match, the rule and
// that alternative are candidates. Patterns exercise the syntax the reader
// models (and some it must give up on); texts hit and miss them.
TEST(Prefilter, NeverMissesAMatch) {
  const std::vector<std::string> patterns = {
      "\\bfake (?:news|accounts?)\\b", "[\"'(]?bbc[\"')]?", "[]x]yz", "[^a-z]rt\\b", "a[bc]d[-\\s]?e",
      "co{2,3}l", "\\{literal\\}", "x{1,}y", "\\Qa.b*c\\E", "(?:re)?post(?:ed|ing)?\\b", "(?P<n>tik)tok",
      "\\x{e9}t\\x41", "caf\xc3\xa9", "(?s)a.b", "(?:\\w+ ){0,3}voters", "\\bvk\\b|\\bok\\.ru\\b",
      "(?:^| )r/[a-z0-9_]{3,}\\b", "sock-?puppets?", "\\bai[- ]generated\\b", "(?:a|ab)(?:c|bcd)(?:d*)",
      "\\btwitter\\s+\\(now\\s+x\\)", "(?i)MiXeD", "[[:digit:]]+%", "\\pL+ian\\b", "bots?\\b.{0,20}amplif",
      "(?:(?:deep)?fake|forged)\\s+(?:audio|video)", "n[o0]t? (?:a )?bot", "a\\.b\\*c\\?d", "\\\\back\\\\slash",
      // white space (one space to the scan): runs, optional, literal, in classes
      "\\bposing\\s+as\\b", "two  spaces", "tab\\tbed", "line\\s*break", "x\\s{2,}y", "(?: )+gap", "[\\s,]+and",
      "end\\s$", "^\\s+lead", "wide [\\n ]open",
      // no literal atoms: the fallback Set, asked only where a byte it needs is
      "\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b", "[0-9]{2,}", "\\w+@\\w+", "[A-Z]\\d", "\\d\\s?kg", "(?:\\d|x)y?",
      "[^a]b", "(?:[a-c]|\\d)+z?", "\\x{e9}?\\d"};
  std::vector<std::vector<std::string>> alts;
  for (const auto& p : patterns) alts.push_back({p});
  Rules r(alts);
  const std::vector<std::string> pieces = {
      "fake news",  "fake account", "\"bbc\"",     "(bbc)", "]yz",      "xyz",    " rt",    "abde",     "acd e",
      "cool",       "coool",        "{literal}",   "xxy",   "a.b*c",    "repost", "posting", "tiktok",  "\xc3\xa9tA",
      "caf\xc3\xa9", "a\nb",         "axb",         "three honest voters", "vk",  "ok.ru",   " r/news_room", "sockpuppet",
      "sock-puppets", "ai-generated", "ai generated", "abcd",  "abbcd",    "acd",    "twitter (now x)", "MIXED",
      "50%",        "brazilian",    "bots were used to amplify", "deepfake audio", "forged video", "not a bot",
      "n0 bot",     "a.b*c?d",      "\\back\\slash", "nothing",  "x",      "r/ab",
      "posing as", "posing\n\tas", "posing  as", "two  spaces", "two spaces", "two\n\nspaces", "tab\tbed", "tab bed",
      "linebreak", "line \n break", "x  y", "x\ny", "x \ty", "  gap", "\tgap", ", and", " \n and", "end ", "end\n",
      " lead", "\n\nlead", "wide\nopen", "wide  open", "wide open",
      "1.22.3.44", "10.0.0", "room 42", "a@b", "x7", "R2", "5 kg", "5kg", "y", "cz", "\xc3\xa9" "9", "bb"};
  std::vector<std::string> texts = pieces;
  for (size_t i = 0; i < pieces.size(); ++i) {
    texts.push_back(pieces[i] + " " + pieces[(i * 7 + 3) % pieces.size()]);
    texts.push_back(pieces[i] + pieces[(i * 5 + 1) % pieces.size()]);
  }
  size_t matched = 0;
  for (const auto& t : texts) {
    const auto cands = r.candidates(t);
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (!RE2::PartialMatch(t, *r.res[i])) continue;
      ++matched;
      auto it = cands.find(static_cast<int>(i));
      EXPECT_TRUE(it != cands.end() && (it->second & 1)) << "pattern " << patterns[i] << " matches \"" << t
                                                         << "\" but is not a candidate: " << r.pf->describe(i);
    }
  }
  EXPECT_GT(matched, patterns.size());  // the texts do exercise the patterns
}

// Past the dense rows (a budget the bundled rules overrun), states are
// packed differently: with no dense rows but the root's, every text must
// give the same candidates.
TEST(Prefilter, PackedStatesScanAsDenseRows) {
  std::vector<Prefilter::Trigger> triggers;
  std::vector<std::unique_ptr<LazyRE2>> res;
  for (const std::string p : {"\\bposing as (?:voters|residents|local journalists)\\b", "disinformat(?:ion|ive)",
                              "\\binformation operations?\\b", "formation", "\\bai[- ]generated\\b", "generat(?:ed|ing) audio",
                              "\\bnew (?:\\w+ ){0,2}accounts\\b", "sock ?puppets?", "puppet show"}) {
    res.push_back(std::make_unique<LazyRE2>(std::make_unique<RE2>(p)));
    triggers.push_back(Prefilter::Trigger{{p}, res.back().get(), {}});
  }
  auto dense = Prefilter::build(triggers);
  auto packed = Prefilter::build(triggers, 0);
  PrefilterScratch s1, s2;
  std::vector<Candidate> c1, c2;
  size_t found = 0;
  for (const std::string text :
       {"posing as local journalists, they spread disinformation", "an information operation with ai-generated audio",
        "the formation of new sock puppet accounts", "a puppet show posing as voters", "disinformative generating audio",
        "posing as local journalist", "sockpuppets and a new batch of accounts", "nothing here", ""}) {
    dense->candidates(text, &c1, &s1);
    packed->candidates(text, &c2, &s2);
    ASSERT_EQ(c1.size(), c2.size()) << text;
    for (size_t i = 0; i < c1.size(); ++i) {
      EXPECT_EQ(c1[i].rule, c2[i].rule) << text;
      EXPECT_EQ(c1[i].alternatives, c2[i].alternatives) << text;
    }
    found += c1.size();
  }
  EXPECT_GE(found, 10u);  // the texts hit the rules
  EXPECT_GT(dense->scanner_bytes(), packed->scanner_bytes());
}

// match() runs only the alternatives that may occur and merges their
// matches; the spans must be those of the whole trigger (match_naive).
TEST(Prefilter, MergedAlternativesGiveTheWholeTriggersSpans) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ttptag_prefilter_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "p.json") << R"json({"pack": "p", "version": "1", "rules": [
    {"id": "p.overlap", "techniques": ["T0001"], "note": "n",
     "patterns": ["\\bzebra\\w*", "\\bzeb\\w+", "\\bquokka", "\\bzebras? (?:herd|crossing)", "ebu\\b"],
     "examples": {"match": ["zebras"], "no_match": ["horses"]}},
    {"id": "p.phrases", "techniques": ["T0002"], "note": "n",
     "phrases": ["fake news", "fake news site", "news site", "site"],
     "examples": {"match": ["a fake news site"], "no_match": ["a real paper"]}}]})json";
  std::vector<Issue> issues;
  auto rules = testing::load_or_die(dir.string(), nullptr, &issues);
  fs::remove_all(dir);
  ASSERT_FALSE(has_errors(issues));
  for (const std::string text :
       {"Zebras zebu zebra crossing and a quokka.", "The zebu herd. Zebras herd zebras, zebu.",
        "A fake news site, a news site, and the site.", "zebras crossing zebra zebus quokka",
        "site fake news site news"}) {
    EXPECT_FALSE(testing::expect_matches_as_naive(*rules, text).matches.empty()) << text;
  }
}

}  // namespace
}  // namespace ttptag
