#include "match.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "prefilter.h"

namespace ttptag {

namespace {

using re2::StringPiece;

// All non-overlapping spans of `re` in `text`, offsets relative to text.
std::vector<std::pair<size_t, size_t>> find_all(const RE2& re, std::string_view text) {
  std::vector<std::pair<size_t, size_t>> spans;
  StringPiece input(text.data(), text.size());
  StringPiece m;
  size_t pos = 0;
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    size_t b = static_cast<size_t>(m.data() - text.data());
    size_t e = b + m.size();
    spans.emplace_back(b, e);
    pos = e > b ? e : e + 1;  // patterns never match empty (lint), but stay safe
  }
  return spans;
}

// The spans find_all(whole trigger) gives, when only the alternatives in
// c.alternatives can match in `text` (prefilter.h): the alternation's
// leftmost-first matches. Each step takes the leftmost start among the
// alternatives' next matches, the first alternative in order on a tie, and
// that alternative's match there (its preferred one, as inside the whole).
std::vector<std::pair<size_t, size_t>> trigger_spans(const Prefilter& pf, const Candidate& c, std::string_view text) {
  const auto rule = static_cast<size_t>(c.rule);
  if (c.alternatives == pf.all(rule)) return find_all(pf.whole(rule), text);
  struct Alt {
    const RE2* re;
    size_t begin = 0, end = 0;  // its next match, valid if searched and found
    bool searched = false, done = false;
  };
  std::vector<Alt> alts;
  for (size_t a = 0; a < pf.alternative_count(rule); ++a) {
    if (c.alternatives >> std::min<size_t>(a, 63) & 1) alts.push_back(Alt{&pf.alternative(rule, a)});
  }
  if (alts.size() == 1) return find_all(*alts[0].re, text);
  std::vector<std::pair<size_t, size_t>> spans;
  StringPiece input(text.data(), text.size());
  size_t pos = 0;
  while (pos <= text.size()) {
    Alt* best = nullptr;
    for (auto& a : alts) {
      if (a.done) continue;
      // A match found from an earlier position that starts at or after pos
      // is still the leftmost from pos (RE2 sees the same text around it).
      if (!a.searched || a.begin < pos) {
        StringPiece m;
        a.searched = true;
        if (!a.re->Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
          a.done = true;  // none from pos, so none from any later position
          continue;
        }
        a.begin = static_cast<size_t>(m.data() - text.data());
        a.end = a.begin + m.size();
      }
      if (!best || a.begin < best->begin) best = &a;
    }
    if (!best) break;
    spans.emplace_back(best->begin, best->end);
    pos = best->end > best->begin ? best->end : best->end + 1;  // as find_all
  }
  return spans;
}

// The first pair of a/b spans (in the order find_all gives them, a first)
// within `words` words of each other; returns false if none. Word counts
// come from one sweep over the text, and for each a only the b spans that
// can be near it are tried: with every pair counted from the text, a document-scope
// `near` over a long document was cubic (a 1 MB document took 34 s).
// `a_spans`, if given, are find_all(*n.a, scope_text), already found.
bool near_holds(const Near& n, std::string_view scope_text, std::pair<size_t, size_t>* span,
                const std::vector<std::pair<size_t, size_t>>* a_spans = nullptr) {
  auto as = a_spans ? *a_spans : find_all(*n.a, scope_text);
  if (as.empty()) return false;
  auto bs = find_all(*n.b, scope_text);
  if (bs.empty()) return false;
  auto is_space = [&](size_t i) { return scope_text[i] == ' ' || scope_text[i] == '\n'; };
  // The words that begin before each span end point, in one sweep (a table
  // for every offset would take 4 bytes per byte of a long document).
  std::vector<size_t> points;
  points.reserve(2 * (as.size() + bs.size()));
  for (const auto* spans : {&as, &bs}) {
    for (const auto& [b, e] : *spans) {
      points.push_back(b);
      points.push_back(e);
    }
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::vector<uint32_t> words_before(points.size());
  uint32_t count = 0;
  for (size_t i = 0, k = 0; k < points.size(); ++i) {
    while (k < points.size() && points[k] == i) words_before[k++] = count;
    if (i < scope_text.size() && !is_space(i) && (i == 0 || is_space(i - 1))) ++count;
  }
  auto starts = [&](size_t offset) {
    return words_before[static_cast<size_t>(std::lower_bound(points.begin(), points.end(), offset) - points.begin())];
  };
  // Words between two spans (in either order); a word x ends inside counts.
  auto between = [&](std::pair<size_t, size_t> x, std::pair<size_t, size_t> y) -> size_t {
    if (x.first > y.first) std::swap(x, y);
    if (y.first <= x.second) return 0;
    const bool split = x.second > 0 && !is_space(x.second) && !is_space(x.second - 1);
    return starts(y.first) - starts(x.second) + (split ? 1 : 0);
  };
  const auto limit = static_cast<size_t>(n.words);
  for (const auto& a : as) {
    // b spans ending more than `limit` + 1 words before a cannot be near it
    // (b is sorted and non-overlapping, so their ends increase).
    const uint32_t before_a = starts(a.first);
    const uint32_t floor = before_a > limit + 1 ? static_cast<uint32_t>(before_a - limit - 1) : 0;
    auto b = std::lower_bound(bs.begin(), bs.end(), floor,
                              [&](const std::pair<size_t, size_t>& x, uint32_t w) { return starts(x.second) < w; });
    for (; b != bs.end(); ++b) {
      const size_t w = between(a, *b);
      if (w <= limit) {
        *span = {std::min(a.first, b->first), std::max(a.second, b->second)};
        return true;
      }
      if (b->first > a.second) break;  // later b spans are further away still
    }
  }
  return false;
}

class DocMatcher {
 public:
  DocMatcher(const RuleSet& rules, Document& doc) : rules_(rules), doc_(doc) {
    // Paragraph ranges over the normalized text, from the sentences.
    for (const auto& s : doc.sentences) {
      if (paragraphs_.size() <= s.paragraph) paragraphs_.resize(s.paragraph + 1, {s.begin, s.end});
      paragraphs_[s.paragraph].first = std::min(paragraphs_[s.paragraph].first, s.begin);
      paragraphs_[s.paragraph].second = std::max(paragraphs_[s.paragraph].second, s.end);
    }
  }

  std::string_view scope_text(const Rule& rule, const Sentence& s) const {
    std::string_view all(doc_.norm.text);
    switch (rule.scope) {
      case Scope::kSentence: return all.substr(s.begin, s.end - s.begin);
      case Scope::kParagraph: {
        auto [b, e] = paragraphs_[s.paragraph];
        return all.substr(b, e - b);
      }
      case Scope::kDocument: return all;
    }
    return all;
  }

  // Runs one rule on one sentence, appending matches or a suppression;
  // `spans` are its trigger's matches in the sentence; `c` says which of its
  // vetoes may match there (Candidate).
  void run_rule(const Candidate& c, size_t sentence_index, std::vector<std::pair<size_t, size_t>> spans) {
    const auto rule_index = static_cast<size_t>(c.rule);
    const Rule& rule = rules_.rules()[rule_index];
    const Sentence& s = doc_.sentences[sentence_index];
    std::string_view sentence(doc_.norm.text.data() + s.begin, s.end - s.begin);
    if (spans.empty()) return;
    std::string_view scope = scope_text(rule, s);
    auto all_hold = [&] {
      for (const auto& re : rule.all) {
        auto holds = [&] { return RE2::PartialMatch(StringPiece(scope.data(), scope.size()), *re); };
        if (!in_scope(rule, re.get(), scope, holds)) return false;
      }
      return true;
    };
    // A sentence-scope `all` is checked before the vetoes: the prefilter
    // drops a rule whose such `all` cannot hold in the sentence before its
    // trigger runs (Prefilter::Trigger::required), and that must change
    // nothing. Wider `all`s come after, so `explain` on a lone sentence
    // still shows the veto of a rule that needs more context.
    const bool sentence_scope = rule.scope == Scope::kSentence;
    if (sentence_scope && !all_hold()) return;
    if (rule.unless || rule.pack_unless) {
      // As one alternation "own|pack" would: the leftmost veto, the rule's own on a tie.
      StringPiece own, pack;
      const bool by_own = rule.unless && c.own_veto && unless_match(*rule.unless, sentence_index, sentence, &own);
      const bool by_pack =
          rule.pack_unless && c.pack_veto && unless_match(*rule.pack_unless, sentence_index, sentence, &pack);
      if (by_own || by_pack) {
        const StringPiece* veto = by_own && !(by_pack && pack.data() < own.data()) ? &own : &pack;
        doc_.suppressed.push_back(Suppression{rule_index, sentence_index, s.begin + spans[0].first,
                                              s.begin + spans[0].second, std::string(veto->data(), veto->size())});
        return;
      }
    }
    if (!sentence_scope && !all_hold()) return;
    const bool near_only = rule.trigger_sources.empty();
    std::pair<size_t, size_t> near_span{0, 0};
    for (size_t k = 0; k < rule.near.size(); ++k) {
      std::pair<size_t, size_t> found;
      // Evidence for a near-only rule is its first pair, if inside this
      // sentence; if not, the sentence that holds it reports it (so its
      // wider scope need not be searched here). Its trigger is that near's
      // `a`: the trigger's spans are a's spans.
      if (near_only && k == 0) {
        if (!near_holds(rule.near[k], sentence, &found, &spans)) return;
        near_span = found;
        continue;
      }
      auto holds = [&] { return near_holds(rule.near[k], scope, &found); };
      if (!in_scope(rule, &rule.near[k], scope, holds)) return;
    }
    if (near_only) spans = {near_span};
    for (const auto& [b, e] : spans) {
      doc_.matches.push_back(Match{rule_index, sentence_index, s.begin + b, s.begin + e});
    }
  }

  // An `all` or `near` condition over a paragraph or the document has the
  // same answer for every sentence in it: computed once per scope. Without
  // this, a huge document with a trigger in every sentence costs time
  // quadratic in its size.
  template <typename Check>
  bool in_scope(const Rule& rule, const void* condition, std::string_view scope, Check check) {
    if (rule.scope == Scope::kSentence) return check();
    auto [it, inserted] = scope_cache_.try_emplace({condition, scope.data(), scope.size()}, false);
    if (inserted) it->second = check();
    return it->second;
  }

  // The first match of `unless` in the sentence, if any. Rules share
  // their pack's vetoes and equal vetoes of their own (rules.cpp), so each
  // distinct one runs once per sentence.
  bool unless_match(const RE2& unless, size_t sentence_index, std::string_view sentence, StringPiece* first) {
    auto [it, inserted] = unless_cache_.try_emplace({sentence_index, &unless});
    UnlessResult& result = it->second;
    if (inserted) {
      result.found = unless.Match(StringPiece(sentence.data(), sentence.size()), 0, sentence.size(),
                                  RE2::UNANCHORED, &result.veto, 1);
    }
    *first = result.veto;
    return result.found;
  }

  // Runs candidate `c` on sentence `sentence_index`: its trigger, then
  // its conditions (run_rule).
  void verify(const Prefilter* prefilter, const Candidate& c, size_t sentence_index) {
    const Sentence& s = doc_.sentences[sentence_index];
    std::string_view sentence(doc_.norm.text.data() + s.begin, s.end - s.begin);
    run_rule(c, sentence_index, prefilter ? trigger_spans(*prefilter, c, sentence)
                                          : find_all(*rules_.rules()[static_cast<size_t>(c.rule)].trigger, sentence));
  }

  // Drops the vetoes' results found so far (their sentences are done).
  void forget_vetoes() { unless_cache_.clear(); }

  // Matches by sentence, then position, then rule; suppressions by
  // sentence, then rule: the order of running each sentence's candidates
  // (in rule order) and sorting its matches by position. Every key is
  // distinct (a rule has one suppression per sentence, and its spans there
  // do not overlap), so the order does not depend on the order of verify().
  void sort_results() {
    std::sort(doc_.matches.begin(), doc_.matches.end(), [](const Match& a, const Match& b) {
      return std::tie(a.sentence, a.begin, a.end, a.rule) < std::tie(b.sentence, b.begin, b.end, b.rule);
    });
    std::sort(doc_.suppressed.begin(), doc_.suppressed.end(), [](const Suppression& a, const Suppression& b) {
      return std::tie(a.sentence, a.rule) < std::tie(b.sentence, b.rule);
    });
  }

 private:
  const RuleSet& rules_;
  Document& doc_;
  std::vector<std::pair<size_t, size_t>> paragraphs_;
  struct UnlessResult {
    bool found = false;
    StringPiece veto;
  };
  std::map<std::pair<size_t, const RE2*>, UnlessResult> unless_cache_;  // (sentence, veto) -> its first match
  std::map<std::tuple<const void*, const char*, size_t>, bool> scope_cache_;  // in_scope()
};

// One rule's candidate in one sentence of one document of the batch.
struct Pending {
  uint32_t doc, sentence;
  Candidate candidate;
};

// The candidates of every sentence of every document first, then rule by
// rule: a rule's regexes then run on all its sentences in a row, their DFA
// states still in the cache, instead of once per sentence among every
// other candidate's (each RE2 search then cost dozens of cache misses;
// on 128 documents of the generated corpus this halved matching).
void run_batch(const RuleSet& rules, std::span<Document* const> docs, bool use_prefilter) {
  // Reused by every batch this thread matches (the scratch's arrays are as
  // big as the prefilter; stamps make clearing them unnecessary).
  thread_local PrefilterScratch scratch;
  thread_local std::vector<Candidate> candidates;
  thread_local std::vector<Pending> pending;
  pending.clear();
  std::vector<DocMatcher> matchers;
  matchers.reserve(docs.size());
  for (Document* doc : docs) {
    doc->matches.clear();
    doc->suppressed.clear();
    matchers.emplace_back(rules, *doc);
  }
  const Prefilter* prefilter = use_prefilter ? &rules.prefilter() : nullptr;
  if (!use_prefilter) {
    candidates.clear();
    for (size_t r = 0; r < rules.rules().size(); ++r) candidates.push_back(Candidate{static_cast<int>(r), ~uint64_t{0}});
  }
  // Sentences are taken in windows of about kWindowBytes: a huge document
  // is matched in parts, so what is held for its candidates and vetoes
  // stays bounded.
  constexpr size_t kWindowBytes = size_t{512} << 10;
  size_t window_bytes = 0;
  auto verify_window = [&] {
    std::stable_sort(pending.begin(), pending.end(),
                     [](const Pending& a, const Pending& b) { return a.candidate.rule < b.candidate.rule; });
    for (const Pending& p : pending) matchers[p.doc].verify(prefilter, p.candidate, p.sentence);
    pending.clear();
    for (auto& m : matchers) m.forget_vetoes();  // their sentences are done
    window_bytes = 0;
  };
  for (size_t d = 0; d < docs.size(); ++d) {
    const Document& doc = *docs[d];
    for (size_t si = 0; si < doc.sentences.size(); ++si) {
      const Sentence& s = doc.sentences[si];
      if (use_prefilter) {
        prefilter->candidates(std::string_view(doc.norm.text).substr(s.begin, s.end - s.begin), &candidates, &scratch);
      }
      for (const Candidate& c : candidates) pending.push_back(Pending{static_cast<uint32_t>(d), static_cast<uint32_t>(si), c});
      window_bytes += s.end - s.begin;
      if (window_bytes >= kWindowBytes) verify_window();
    }
  }
  verify_window();
  for (auto& m : matchers) m.sort_results();
}

}  // namespace

void match(const RuleSet& rules, Document& doc) {
  Document* one[] = {&doc};
  run_batch(rules, one, /*use_prefilter=*/true);
}

void match(const RuleSet& rules, std::span<Document* const> docs) { run_batch(rules, docs, /*use_prefilter=*/true); }

void match_naive(const RuleSet& rules, Document& doc) {
  Document* one[] = {&doc};
  run_batch(rules, one, /*use_prefilter=*/false);
}

}  // namespace ttptag
