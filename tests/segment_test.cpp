// Sentence segmentation: rules for news/report text, paragraph indices,
// and the structural guarantees (order, trimming, coverage, length cap).
#include "segment.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "normalize.h"

namespace ttptag {
namespace {

using Strings = std::vector<std::string>;

bool space(char c) { return c == ' ' || c == '\n'; }

// Structural guarantees every segmentation must meet.
void expect_invariants(const NormalizedText& n, const std::vector<Sentence>& ss) {
  size_t pos = 0, last_para = 0;
  for (size_t i = 0; i < ss.size(); ++i) {
    const Sentence& s = ss[i];
    ASSERT_LT(s.begin, s.end) << "sentence " << i;
    ASSERT_LE(s.end, n.text.size());
    ASSERT_LE(pos, s.begin) << "overlap at sentence " << i;
    for (size_t k = pos; k < s.begin; ++k) ASSERT_TRUE(space(n.text[k])) << "uncovered byte " << k;
    EXPECT_FALSE(space(n.text[s.begin])) << "leading space in sentence " << i;
    EXPECT_FALSE(space(n.text[s.end - 1])) << "trailing space in sentence " << i;
    EXPECT_LE(s.end - s.begin, kMaxSentenceBytes);
    if (i == 0) {
      EXPECT_EQ(s.paragraph, 0u);
    } else {
      EXPECT_TRUE(s.paragraph == last_para || s.paragraph == last_para + 1) << "paragraph gap at " << i;
    }
    last_para = s.paragraph;
    pos = s.end;
  }
  for (size_t k = pos; k < n.text.size(); ++k) ASSERT_TRUE(space(n.text[k])) << "uncovered tail byte " << k;
}

// Sentences of `in` as normalized strings.
Strings split(std::string_view in) {
  const NormalizedText n = normalize_text(in);
  const auto ss = segment_text(n);
  expect_invariants(n, ss);
  Strings out;
  for (const auto& s : ss) out.push_back(n.text.substr(s.begin, s.end - s.begin));
  return out;
}

std::vector<size_t> paragraphs(std::string_view in) {
  std::vector<size_t> out;
  for (const auto& s : segment_text(normalize_text(in))) out.push_back(s.paragraph);
  return out;
}

// Table rows: input, expected normalized sentences.
struct Case {
  const char* in;
  Strings want;
};

void run_table(const std::vector<Case>& cases) {
  for (const auto& c : cases) EXPECT_EQ(split(c.in), c.want) << "input: " << c.in;
}

// ---- basic stops ----------------------------------------------------------

TEST(Segment, SplitsTwoPlainSentences) {
  EXPECT_EQ(split("The ministry denied the report. Officials declined to comment."),
            (Strings{"the ministry denied the report.", "officials declined to comment."}));
}

TEST(Segment, SplitsAfterQuestionAndExclamation) {
  EXPECT_EQ(split("Who paid for the ads? Nobody knows! The trail ends in Cyprus."),
            (Strings{"who paid for the ads?", "nobody knows!", "the trail ends in cyprus."}));
}

TEST(Segment, KeepsInterrobangRunTogether) {
  EXPECT_EQ(split("They called it a hoax?! Experts disagreed."),
            (Strings{"they called it a hoax?!", "experts disagreed."}));
}

TEST(Segment, ClosingQuoteStaysWithSentence) {
  EXPECT_EQ(split("\"We will not be intimidated,\" he said. \"The vote goes ahead.\" It did."),
            (Strings{"\"we will not be intimidated,\" he said.", "\"the vote goes ahead.\"", "it did."}));
}

TEST(Segment, CurlyQuotesAndInterrobangStayWithSentence) {
  EXPECT_EQ(split("She asked, \u201cWho benefits?!\u201d Nobody answered."),
            (Strings{"she asked, \"who benefits?!\"", "nobody answered."}));
}

TEST(Segment, ClosingBracketStaysWithSentence) {
  EXPECT_EQ(split("The accounts were removed (most within a day.) Others remain online."),
            (Strings{"the accounts were removed (most within a day.)", "others remain online."}));
}

TEST(Segment, QuestionBeforeLowercaseAttributionDoesNotSplit) {
  EXPECT_EQ(split("\"Why now?\" asked the minister. He got no answer."),
            (Strings{"\"why now?\" asked the minister.", "he got no answer."}));
}

TEST(Segment, PeriodBeforeLowercaseDoesNotSplit) {
  EXPECT_EQ(split("Prices rose approx. five percent in incl. taxes terms."),
            (Strings{"prices rose approx. five percent in incl. taxes terms."}));
}

TEST(Segment, SplitsBeforeOpeningQuoteAndBracket) {
  run_table({
      {"It was over. \"Nobody believed it,\" she said.",
       {"it was over.", "\"nobody believed it,\" she said."}},
      {"It was over. (The claim was false.)", {"it was over.", "(the claim was false.)"}},
      {"It was over. 'Fake news' spread anyway.", {"it was over.", "'fake news' spread anyway."}},
  });
}

TEST(Segment, SplitsBeforeDigitAndCurrency) {
  run_table({
      {"The campaign began in 2019. 2020 brought a second wave.",
       {"the campaign began in 2019.", "2020 brought a second wave."}},
      {"The network was paid. $2 million came from shell firms.",
       {"the network was paid.", "$2 million came from shell firms."}},
      {"The network was paid. \u20ac5 million came from shell firms.",
       {"the network was paid.", "\u20ac5 million came from shell firms."}},
  });
}

TEST(Segment, StopWithoutFollowingSpaceDoesNotSplit) {
  EXPECT_EQ(split("The post said hello.World in every language."),
            (Strings{"the post said hello.world in every language."}));
}

// ---- abbreviations and initials --------------------------------------------

TEST(Segment, KeepsUSAbbreviation) {
  EXPECT_EQ(split("U.S. officials said the network was run from St. Petersburg."),
            (Strings{"u.s. officials said the network was run from st. petersburg."}));
}

TEST(Segment, KeepsAbbreviationsBeforeNames) {
  run_table({
      {"The U.S. President spoke on Monday.", {"the u.s. president spoke on monday."}},
      {"The U.K. Foreign Office issued a statement.", {"the u.k. foreign office issued a statement."}},
      {"The U.N. Security Council met.", {"the u.n. security council met."}},
      {"E.U. sanctions followed.", {"e.u. sanctions followed."}},
      {"Dr. Anna Kowalska led the study.", {"dr. anna kowalska led the study."}},
      {"Mr. Petrov and Mrs. Petrova left.", {"mr. petrov and mrs. petrova left."}},
      {"Ms. Lee met Prof. Weber.", {"ms. lee met prof. weber."}},
      {"Sen. Warner and Rep. Schiff wrote to Gov. Newsom.",
       {"sen. warner and rep. schiff wrote to gov. newsom."}},
      {"Gen. Milley briefed Lt. Col. Smith.", {"gen. milley briefed lt. col. smith."}},
      {"Martin Luther King Jr. Day fell on a Monday.", {"martin luther king jr. day fell on a monday."}},
      {"Robert F. Kennedy Jr. Campaign ads ran online.", {"robert f. kennedy jr. campaign ads ran online."}},
      {"Acme Inc. Chief Executive Jane Roe resigned.", {"acme inc. chief executive jane roe resigned."}},
      {"Doe Ltd. Spokesman Ivan Ivanov denied it.", {"doe ltd. spokesman ivan ivanov denied it."}},
      {"Globex Corp. Chairman Hank Scorpio declined.", {"globex corp. chairman hank scorpio declined."}},
      {"Smith & Co. Lawyers filed the suit.", {"smith & co. lawyers filed the suit."}},
  });
}

TEST(Segment, KeepsMonthAbbreviationsBeforeDates) {
  run_table({
      {"The riot on Jan. 6 was planned online.", {"the riot on jan. 6 was planned online."}},
      {"Posts peaked on Feb. 24 and Mar. 3.", {"posts peaked on feb. 24 and mar. 3."}},
      {"Between Apr. 1 and Aug. 15 traffic doubled.", {"between apr. 1 and aug. 15 traffic doubled."}},
      {"On Sept. 11 and Sep. 12 the site was down.", {"on sept. 11 and sep. 12 the site was down."}},
      {"Oct. 7, Nov. 5 and Dec. 1 were key dates.", {"oct. 7, nov. 5 and dec. 1 were key dates."}},
  });
}

TEST(Segment, KeepsNeverFinalAbbreviations) {
  run_table({
      {"Some outlets, e.g. RT and Sputnik, amplified it.",
       {"some outlets, e.g. rt and sputnik, amplified it."}},
      {"The main actor, i.e. The Internet Research Agency, paid for it.",
       {"the main actor, i.e. the internet research agency, paid for it."}},
      {"It was Russia vs. Ukraine online.", {"it was russia vs. ukraine online."}},
      {"The case Roe v. Wade was cited.", {"the case roe v. wade was cited."}},
      {"It reached approx. 40,000 users.", {"it reached approx. 40,000 users."}},
      {"See No. 5 in the list and Fig. 3 below.", {"see no. 5 in the list and fig. 3 below."}},
  });
}

TEST(Segment, KeepsInitials) {
  run_table({
      {"The report by J. Smith was published.", {"the report by j. smith was published."}},
      {"George W. Bush was mentioned.", {"george w. bush was mentioned."}},
      {"Quotes from J. R. R. Tolkien circulated.", {"quotes from j. r. r. tolkien circulated."}},
      {"Quotes from J.R.R. Tolkien circulated.", {"quotes from j.r.r. tolkien circulated."}},
  });
}

TEST(Segment, SplitsAbbreviationBeforeCommonSentenceStarter) {
  run_table({
      {"The servers were in the U.S. The report did not say where.",
       {"the servers were in the u.s.", "the report did not say where."}},
      {"The ads were bought by Acme Inc. It denied wrongdoing.",
       {"the ads were bought by acme inc.", "it denied wrongdoing."}},
      {"The account was created in Jan. However, it stayed dormant.",
       {"the account was created in jan.", "however, it stayed dormant."}},
      {"The meeting ended at 10 a.m. They left separately.",
       {"the meeting ended at 10 a.m.", "they left separately."}},
      {"The meeting ended at 10 a.m. Moscow time.", {"the meeting ended at 10 a.m. moscow time."}},
  });
}

TEST(Segment, InitialBeforeArticleInitialDoesNotSplit) {
  // "A." is another initial, not the article.
  EXPECT_EQ(split("The letter was signed by J. A. Smith."),
            (Strings{"the letter was signed by j. a. smith."}));
}

TEST(Segment, EtcSplitsBeforeCapitalButNotLowercase) {
  run_table({
      {"They used bots, trolls, etc. Russia denied it.",
       {"they used bots, trolls, etc.", "russia denied it."}},
      {"They used bots, trolls, etc. and paid ads.", {"they used bots, trolls, etc. and paid ads."}},
  });
}

TEST(Segment, PlainWordBeforeCapitalSplits) {
  // Unknown short words are not abbreviations.
  EXPECT_EQ(split("The site moved to Gaz. Then it vanished."),
            (Strings{"the site moved to gaz.", "then it vanished."}));
}

// ---- numbers ----------------------------------------------------------------

TEST(Segment, NoSplitInsideNumbersAndMoney) {
  run_table({
      {"Turnout fell by 3.5% in the region.", {"turnout fell by 3.5% in the region."}},
      {"The fine was \u20ac133.903 in total.", {"the fine was \u20ac133.903 in total."}},
      {"The network spent $1.2 million on ads.", {"the network spent $1.2 million on ads."}},
      {"The bot ran version 2.0.1 of the script.", {"the bot ran version 2.0.1 of the script."}},
      {"Posting started at 10.30 each morning.", {"posting started at 10.30 each morning."}},
  });
}

TEST(Segment, SentenceEndingInVersionNumberSplits) {
  EXPECT_EQ(split("The bot ran version 2.0.1. The next release fixed it."),
            (Strings{"the bot ran version 2.0.1.", "the next release fixed it."}));
}

// ---- ellipses -------------------------------------------------------------

TEST(Segment, EllipsisBeforeLowercaseDoesNotSplit) {
  EXPECT_EQ(split("The post read: the election was stolen... and shared widely."),
            (Strings{"the post read: the election was stolen... and shared widely."}));
}

TEST(Segment, EllipsisBeforeUppercaseSplits) {
  EXPECT_EQ(split("The numbers kept growing... Then the accounts vanished."),
            (Strings{"the numbers kept growing...", "then the accounts vanished."}));
}

TEST(Segment, UnicodeEllipsisBehavesLikeDots) {
  EXPECT_EQ(split("The numbers kept growing\u2026 Then the accounts vanished."),
            (Strings{"the numbers kept growing...", "then the accounts vanished."}));
}

TEST(Segment, LeadingEllipsisAttachesToSentence) {
  EXPECT_EQ(split("... The claim resurfaced in May."), (Strings{"... the claim resurfaced in may."}));
}

// ---- URLs and e-mail ------------------------------------------------------

TEST(Segment, NeverSplitsInsideUrlsAndEmail) {
  run_table({
      {"The video at https://www.example.com/news/2024/03/item.html?id=5 was removed.",
       {"the video at https://www.example.com/news/2024/03/item.html?id=5 was removed."}},
      {"Visit www.Example.org/Path.Page for details.", {"visit www.example.org/path.page for details."}},
      {"Write to Press.Office@Example.org for comment.",
       {"write to press.office@example.org for comment."}},
      {"The domain Example.com hosted the fakes.", {"the domain example.com hosted the fakes."}},
      {"The site http://fake-news.ru/A.B?x=1! Was it real?",
       {"the site http://fake-news.ru/a.b?x=1!", "was it real?"}},
  });
}

TEST(Segment, UrlAtSentenceEndSplitsAfterItsPeriod) {
  EXPECT_EQ(split("The story first appeared on example.com. The outlet later deleted it."),
            (Strings{"the story first appeared on example.com.", "the outlet later deleted it."}));
}

// ---- footnotes --------------------------------------------------------------

TEST(Segment, FootnoteBeforeStopStaysWithSentence) {
  EXPECT_EQ(split("The campaign targeted the election [1]. The next wave came in 2022."),
            (Strings{"the campaign targeted the election [1].", "the next wave came in 2022."}));
}

TEST(Segment, FootnoteAfterStopJoinsPreviousSentence) {
  run_table({
      {"Similar approaches were seen in Moldova.[2] The next wave came later.",
       {"similar approaches were seen in moldova.[2]", "the next wave came later."}},
      {"Similar approaches were seen in Moldova. [2] The next wave came later.",
       {"similar approaches were seen in moldova. [2]", "the next wave came later."}},
      {"Similar approaches were seen in Moldova.[3, 4] The next wave came later.",
       {"similar approaches were seen in moldova.[3, 4]", "the next wave came later."}},
  });
}

TEST(Segment, SuperscriptFootnoteJoinsPreviousSentence) {
  EXPECT_EQ(split("The claims spread quickly.\u00b9 Fact-checkers responded.\u00b2\u00b3 It was too late."),
            (Strings{"the claims spread quickly.1", "fact-checkers responded.23", "it was too late."}));
}

// ---- line breaks --------------------------------------------------------------

TEST(Segment, HeadingLineEndsSentence) {
  EXPECT_EQ(split("Key Findings\nThe network used 300 fake accounts."),
            (Strings{"key findings", "the network used 300 fake accounts."}));
}

TEST(Segment, HeadingBeforeLowercaseLineStillEnds) {
  run_table({
      {"Background\nthe campaign began in 2019.", {"background", "the campaign began in 2019."}},
      {"RUSSIAN INFLUENCE IN THE SAHEL\nthe campaign began in 2019.",
       {"russian influence in the sahel", "the campaign began in 2019."}},
      {"# Methodology\nwe collected 2,000 posts.", {"# methodology", "we collected 2,000 posts."}},
  });
}

TEST(Segment, HardWrapJoinsLowercaseContinuation) {
  EXPECT_EQ(split("The ministry said the campaign targeted voters in several\nregions during the "
                  "election. It gave no details."),
            (Strings{"the ministry said the campaign targeted voters in several\nregions during the "
                     "election.",
                     "it gave no details."}));
}

TEST(Segment, HardWrapJoinsNumberContinuation) {
  EXPECT_EQ(split("The pages gained followers at a rate of roughly\n5,000 a day."),
            (Strings{"the pages gained followers at a rate of roughly\n5,000 a day."}));
}

TEST(Segment, HardWrapAfterFunctionWordOrCommaJoinsCapitalizedLine) {
  run_table({
      {"The operation was run by\nRussia's Internet Research Agency.",
       {"the operation was run by\nrussia's internet research agency."}},
      {"The posts targeted voters in Georgia,\nArmenia and Moldova.",
       {"the posts targeted voters in georgia,\narmenia and moldova."}},
  });
}

TEST(Segment, WrappedBlockContinuesBeforeCapitalizedLine) {
  EXPECT_EQ(split("A network of more than 300 fake accounts pushed claims\nthat the vote was rigged, "
                  "according to the U.S.-based Atlantic\nCouncil's research lab. It was large."),
            (Strings{"a network of more than 300 fake accounts pushed claims\nthat the vote was rigged, "
                     "according to the u.s.-based atlantic\ncouncil's research lab.",
                     "it was large."}));
}

TEST(Segment, ShortWrappedLineBeforeCapitalEnds) {
  // A short last line is not evidence of wrapping.
  EXPECT_EQ(split("The accounts were created in\nlate spring\nMoscow denied it."),
            (Strings{"the accounts were created in\nlate spring", "moscow denied it."}));
}

TEST(Segment, UnpunctuatedLineBeforeCapitalEnds) {
  EXPECT_EQ(split("Officials met the delegation in private talks\nPutin was not present."),
            (Strings{"officials met the delegation in private talks", "putin was not present."}));
}

TEST(Segment, LineWithFinalPunctuationEndsEvenBeforeLowercase) {
  EXPECT_EQ(split("The accounts were suspended.\nthe operators created new ones."),
            (Strings{"the accounts were suspended.", "the operators created new ones."}));
}

TEST(Segment, AbbreviationAtLineEndIsHardWrap) {
  run_table({
      {"The ads were bought by the U.S.\nsubsidiary of the firm.",
       {"the ads were bought by the u.s.\nsubsidiary of the firm."}},
      {"The study was led by Dr.\nAnna Kowalska.", {"the study was led by dr.\nanna kowalska."}},
      {"The numbers kept growing...\nand growing.", {"the numbers kept growing...\nand growing."}},
  });
}

TEST(Segment, ParagraphBreakAlwaysEndsSentence) {
  EXPECT_EQ(split("The campaign used fake accounts\n\nand paid influencers."),
            (Strings{"the campaign used fake accounts", "and paid influencers."}));
}

// ---- lists ------------------------------------------------------------------

TEST(Segment, BulletItemsAreSentences) {
  run_table({
      {"The network used:\n- fake accounts\n- paid ads\n- cloned news sites",
       {"the network used:", "- fake accounts", "- paid ads", "- cloned news sites"}},
      {"Tactics:\n* Fake accounts\n* Paid ads", {"tactics:", "* fake accounts", "* paid ads"}},
      {"Tactics:\n\u2022 fake accounts\n\u2022 paid ads",
       {"tactics:", "\u2022 fake accounts", "\u2022 paid ads"}},
      {"Tactics:\n\u2014 fake accounts\n\u2013 paid ads", {"tactics:", "- fake accounts", "- paid ads"}},
  });
}

TEST(Segment, NumberedItemsAreSentences) {
  run_table({
      {"1. The network created fake accounts\n2. It bought ads\n3. It cloned news sites",
       {"1. the network created fake accounts", "2. it bought ads", "3. it cloned news sites"}},
      {"a) fake accounts\nb) paid ads", {"a) fake accounts", "b) paid ads"}},
      {"(i) fake accounts\n(ii) paid ads", {"(i) fake accounts", "(ii) paid ads"}},
  });
}

TEST(Segment, ListMarkerPeriodIsNotAStop) {
  run_table({
      {"1. The network created fake accounts.", {"1. the network created fake accounts."}},
      {"IV. The Findings", {"iv. the findings"}},
  });
}

TEST(Segment, WrappedBulletItemContinues) {
  EXPECT_EQ(split("- fake accounts that posted in\nseveral languages\n- paid ads"),
            (Strings{"- fake accounts that posted in\nseveral languages", "- paid ads"}));
}

// ---- paragraphs -------------------------------------------------------------

TEST(Segment, ParagraphIncrementsAtBlankLine) {
  EXPECT_EQ(paragraphs("First one. Second one.\n\nThird one.\n\nFourth one."),
            (std::vector<size_t>{0, 0, 1, 2}));
}

TEST(Segment, ParagraphIncrementsAtPunctuatedSingleNewline) {
  EXPECT_EQ(paragraphs("The first paragraph ends here.\nThe second starts here. It goes on."),
            (std::vector<size_t>{0, 1, 1}));
}

TEST(Segment, HeadingIsItsOwnParagraph) {
  EXPECT_EQ(paragraphs("Key Findings\nThe network was large. It was old.\n\nMethods\nWe read posts."),
            (std::vector<size_t>{0, 1, 1, 2, 3}));
}

TEST(Segment, HardWrapKeepsParagraph) {
  EXPECT_EQ(paragraphs("The ministry said the campaign targeted voters in\nseveral regions. It gave\n"
                       "no details.\nA new paragraph."),
            (std::vector<size_t>{0, 0, 1}));
}

TEST(Segment, UnpunctuatedBreakKeepsParagraph) {
  EXPECT_EQ(paragraphs("Officials met the delegation in private talks\nPutin was not present."),
            (std::vector<size_t>{0, 0}));
}

TEST(Segment, ListItemsAreParagraphs) {
  // The intro line is not a heading, so the first item shares its paragraph.
  EXPECT_EQ(paragraphs("The network relied on three main tools\n- fake accounts\n- paid ads\nIt was large."),
            (std::vector<size_t>{0, 0, 1, 2}));
}

TEST(Segment, ParagraphIndicesAreDenseForHandBuiltText) {
  NormalizedText n;
  n.text = "\n\nOne.\n\n\n\nTwo.\n \n";
  n.flags.assign(n.text.size(), 0);
  const auto ss = segment_text(n);
  ASSERT_EQ(ss.size(), 2u);
  EXPECT_EQ(ss[0].paragraph, 0u);
  EXPECT_EQ(ss[1].paragraph, 1u);
  expect_invariants(n, ss);
}

// ---- edge cases and robustness ---------------------------------------------

TEST(Segment, EmptyAndBlankInputGiveNoSentences) {
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("   \n\n \t ").empty());
}

TEST(Segment, OnlyPunctuationIsOneSentence) {
  EXPECT_EQ(split("?!... !!! ..."), (Strings{"?!... !!! ..."}));
}

TEST(Segment, SingleWordWithoutStop) {
  EXPECT_EQ(split("Disinformation"), (Strings{"disinformation"}));
}

TEST(Segment, RawUppercaseWithoutFlagsIsHonoured) {
  NormalizedText n;
  n.text = "It was late. The end";  // not folded, no flags
  const auto ss = segment_text(n);
  ASSERT_EQ(ss.size(), 2u);
  EXPECT_EQ(n.text.substr(ss[1].begin, ss[1].end - ss[1].begin), "The end");
}

TEST(Segment, NonLatinCapitalStartsSentence) {
  EXPECT_EQ(split("The slogan was repeated. \u00c9lections truqu\u00e9es, it read."),
            (Strings{"the slogan was repeated.", "\u00e9lections truqu\u00e9es, it read."}));
}

TEST(Segment, LongTextWithoutPunctuationIsCappedAtSpaces) {
  std::string in;
  while (in.size() < 5 * kMaxSentenceBytes) in += "propaganda network ";
  const NormalizedText n = normalize_text(in);
  const auto ss = segment_text(n);
  expect_invariants(n, ss);
  ASSERT_GE(ss.size(), 5u);
  for (const auto& s : ss) {
    // Cut at spaces: every piece starts and ends at a word boundary.
    EXPECT_TRUE(s.begin == 0 || n.text[s.begin - 1] == ' ');
    EXPECT_TRUE(s.end == n.text.size() || n.text[s.end] == ' ');
    if (&s != &ss.back()) {
      EXPECT_GT(s.end - s.begin, kMaxSentenceBytes - 32);  // not cut needlessly early
    }
  }
}

TEST(Segment, LongRunWithoutSpacesIsCutOnCharacterBoundaries) {
  std::string in = "x";  // puts the limit on a continuation byte
  for (size_t i = 0; i < 3 * kMaxSentenceBytes; ++i) in += "\u00e9";  // 2 bytes each
  const NormalizedText n = normalize_text(in);
  const auto ss = segment_text(n);
  expect_invariants(n, ss);
  ASSERT_GE(ss.size(), 6u);
  for (const auto& s : ss) {
    EXPECT_NE(static_cast<unsigned char>(n.text[s.begin]) & 0xC0, 0x80u) << "starts mid-character";
  }
}

TEST(Segment, HugeInputWithoutPunctuationStaysLinear) {
  // 50 MB built directly (no normalizer) to keep the test quick.
  NormalizedText n;
  const std::string word = "disinformation campaign ";
  n.text.reserve(50u << 20);
  while (n.text.size() < (50u << 20)) n.text += word;
  n.text.pop_back();
  n.flags.assign(n.text.size(), 0);
  const auto ss = segment_text(n);
  ASSERT_FALSE(ss.empty());
  EXPECT_GE(ss.size(), n.text.size() / kMaxSentenceBytes);
  EXPECT_EQ(ss.back().end, n.text.size());
  for (const auto& s : ss) ASSERT_LE(s.end - s.begin, kMaxSentenceBytes);
}

TEST(Segment, PathologicalRunsFinish) {
  // Would be quadratic if any step rescanned: all dots, "a. " chains,
  // short lines, brackets.
  for (const std::string unit : {".", "a. ", "A.\n", "[1", "?! ", "x\n\n", "((\"", "\u00e9"}) {
    NormalizedText n;
    while (n.text.size() < (2u << 20)) n.text += unit;
    n.flags.assign(n.text.size(), NormalizedText::kUpper);
    const auto ss = segment_text(n);
    expect_invariants(n, ss);
  }
}

TEST(Segment, ShortFlagsVectorDoesNotCrash) {
  NormalizedText n;
  n.text = "one. two. three.";
  n.flags = {1};  // shorter than text
  EXPECT_EQ(segment_text(n).size(), 1u);
}

// Random word/punctuation/newline soup: the structural guarantees hold.
TEST(Segment, RandomTextKeepsInvariants) {
  const std::vector<std::string> pieces = {
      "The",  "report", "u.s.", "U.S.", "Dr.",  "J.",   "etc.", "e.g.", "3.5%", "$1.2", "...",
      "?!",   "!",      "?",    ".",    "\"",   "'",    "(",    ")",    "[1]",  "- ",   "* ",
      "1. ",  "\n",     "\n",   "\n\n", " ",    "  ",   "www.example.com",  "It",   "the",
      "\u00c9lan", "\u2026", "\u201c", "\u201d", "\u2014", "\u00b9", "In",  "by",   ",",    "a)"};
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> len(0, 80);
  for (int round = 0; round < 2000; ++round) {
    std::string in;
    const int n_pieces = len(rng);
    for (int k = 0; k < n_pieces; ++k) {
      in += pieces[pick(rng)];
      if (rng() % 3 != 0) in += ' ';
    }
    const NormalizedText n = normalize_text(in);
    const auto ss = segment_text(n);
    expect_invariants(n, ss);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "input: " << in;
      return;
    }
  }
}

TEST(Segment, StageFillsDocumentSentences) {
  Document doc;
  doc.text = "U.S. officials said the campaign was large. It began in Jan. 2020.";
  doc.norm = normalize_text(doc.text);
  segment(doc);
  ASSERT_EQ(doc.sentences.size(), 2u);
  auto [b, e] = doc.norm.to_original(doc.sentences[1].begin, doc.sentences[1].end);
  EXPECT_EQ(doc.text.substr(b, e - b), "It began in Jan. 2020.");
}

}  // namespace
}  // namespace ttptag
