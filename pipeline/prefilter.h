// prefilter.h: which rules' triggers can possibly occur in a sentence, and
// which of their alternatives.
//
// The bundled triggers expand to about 2 MB of regex (the gazetteer lists
// are inlined in every rule that uses them). One RE2::Set of them all, what
// match() used before, takes about a second and ~200 MB to compile, and its
// DFA crawls while cold (under 1 MB/s for the first tens of MB). Instead,
// for each alternative of each trigger (a phrase or pattern of the rule)
// the prefilter derives a condition on literal strings any match must
// contain: an AND/OR tree of "atoms", like RE2's FilteredRE2. One
// Aho-Corasick pass over the sentence finds the atoms; the trees are
// decided bottom-up from them.
//
// The condition is necessary, never sufficient: match() still runs the
// trigger, so results are exactly those of the full Set. It runs only the
// alternatives that may occur, each compiled alone (alternative()): an
// alternative that matches nowhere in the sentence changes none of the
// alternation's leftmost-first matches, and a persona rule's one
// alternative is a tenth of its whole program (a whole persona trigger's
// DFA thrashes its cache, and its reverse program alone costs ~10 ms to
// compile). The Differential tests check the results against running
// every rule on every sentence.
//
// The derivation reads RE2 syntax conservatively. A construct it does not
// model exactly (\w, ., classes with ranges or escapes, repeats that may be
// empty) contributes no atom, never a wrong one; atoms too short or too
// common to select count as always present. White space is modeled: the
// atoms are found in the text with each run of white space written as one
// space, so "\s+" is exactly " " and a gazetteer phrase ("posing\s+as") is
// one atom, not its words. An alternative left with no
// condition at all, or using syntax the reader does not know (e.g. (?i)),
// is found by a small RE2::Set of such alternatives instead.
//
// The same atoms decide two more things per rule: whether its
// sentence-scope `all` regexes can all occur (if not, it is no candidate),
// and whether its vetoes can (if not, match() does not run them).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <atomic>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "lazy_re2.h"

namespace ttptag {

class PrefilterBuilder;

// A rule that may fire, with the alternatives of its trigger that may
// occur: bit i for alternative i, bit 63 for alternatives 63 and up.
struct Candidate {
  int rule = 0;
  uint64_t alternatives = 0;
  // Whether the rule's own vetoes, and its pack's, may match in the text
  // (false: their regex need not run).
  bool own_veto = true, pack_veto = true;
};

// Per-thread working memory for Prefilter::candidates, reused across calls.
struct PrefilterScratch {
  uint32_t stamp = 0;                   // this call's; the arrays compare to it
  struct NodeStamps {
    uint32_t found = 0;   // the stamp when it held
    uint32_t queued = 0;  // the stamp when it was woken
  };
  std::vector<NodeStamps> node;         // per node
  std::vector<std::vector<int>> level;  // woken nodes by height
  std::vector<uint32_t> rule_stamp;     // per rule: stamp when `mask` was set
  std::vector<uint64_t> mask;           // per rule: alternatives that may occur
  std::vector<int> rules;               // rules with a mask this call
  std::vector<int> set_hits;            // the fallback Set's matches
  std::string text;                     // the text, white space collapsed
};

class Prefilter {
 public:
  struct Trigger {
    // The alternatives, in order: the rule's trigger is "(?:a0)|(?:a1)|...".
    std::vector<std::string> alternatives;
    const LazyRE2* whole = nullptr;  // that trigger (outlives the Prefilter)
    // Regexes that must each match in the sentence for the rule to fire
    // (its `all` at sentence scope): a rule whose required ones cannot
    // occur is no candidate, whatever its trigger.
    std::vector<std::string> required;
    // Its vetoes, each list as one regex ("" if none): the rule's own
    // `unless` and its pack's.
    std::string own_veto, pack_veto;
  };
  // dense_bytes: the scanner's budget for full transition rows (the
  // shallow states; deeper ones are packed). Tests lower it to exercise
  // the packed states.
  static constexpr size_t kDenseBytes = size_t{4} << 20;
  static std::unique_ptr<Prefilter> build(const std::vector<Trigger>& triggers, size_t dense_bytes = kDenseBytes);
  ~Prefilter();

  // build(), one trigger at a time in rule order: the loader starts on the
  // first rules' conditions while it still reads the later ones.
  class Builder {
   public:
    // expected_bytes: about the triggers' total text (only to size arrays).
    explicit Builder(size_t dense_bytes = kDenseBytes, size_t expected_bytes = 0);
    ~Builder();
    void add(const Trigger& trigger);
    std::unique_ptr<Prefilter> finish();

   private:
    std::unique_ptr<Prefilter> pf_;
    std::unique_ptr<PrefilterBuilder> conditions_;
    std::unordered_map<std::string, int> veto_nodes_;  // a pack's vetoes, read once
    size_t dense_bytes_;
    size_t alternatives_ = 0;
  };
  // For a Prefilter built from triggers without `whole` (the loader builds
  // it while it reads the rules, before their regexes exist): gives rule
  // r's trigger, once, before any other use.
  void set_whole(size_t rule, const LazyRE2* whole) { triggers_[rule].whole = whole; }

  // Sets *out to the rules whose trigger may occur in `text`, and whose
  // required regexes may too, in rule order, each with the alternatives
  // that may.
  void candidates(std::string_view text, std::vector<Candidate>* out, PrefilterScratch* scratch) const;

  // Rule r's trigger, and its alternative a alone: "(?:a)" compiled with
  // the trigger's options on first use, then kept (thread-safe). For a
  // rule with one alternative, both are the trigger.
  const RE2& whole(size_t rule) const { return *triggers_[rule].whole; }
  const RE2& alternative(size_t rule, size_t a) const;
  size_t alternative_count(size_t rule) const { return triggers_[rule].alternatives.size(); }
  // The mask of every alternative of rule r.
  uint64_t all(size_t rule) const { return all_[rule]; }

  // For tests and tuning: rule r's condition, readable (atoms quoted, & and
  // |, "set" for the fallback Set with "if [bytes]" it needs, then
  // "&& required" and its gate); counts.
  std::string describe(size_t rule) const;
  size_t fallback_alternatives() const { return fallback_.size(); }
  size_t atom_count() const;
  size_t scanner_bytes() const;

 private:
  struct Node {
    enum Kind : uint8_t { kAtom, kAnd, kOr } kind = kAtom;
    std::vector<int> children;  // kAnd: least likely first
    std::vector<int> wakes;     // parents to decide when it holds
    std::vector<int> marks;     // OR parents that hold when it does, with no one to tell
    std::vector<std::pair<int, int>> roots;  // (rule, alternative) whose condition it is
    int height = 0;             // 0 for atoms; above all children
    double p = 1;               // rough share of sentences where it holds
    std::string atom;           // kAtom
    bool left_boundary = false, right_boundary = false;  // \b checked there
  };
  class Automaton;
  friend class PrefilterBuilder;
  static double atom_frequency(const std::string& atom, bool left_boundary, bool right_boundary);
  Prefilter();

  std::vector<Node> nodes_;
  std::vector<Trigger> triggers_;
  std::vector<std::vector<int>> roots_;  // per rule, per alternative: node id, or -1 (fallback Set)
  std::vector<uint64_t> all_;            // per rule: the mask of all its alternatives
  std::vector<int> gates_;               // per rule: the node of its required regexes, or -1 (none)
  std::vector<std::pair<int, int>> vetoes_;  // per rule: nodes of its own and its pack's vetoes, or -1
  int max_height_ = 0;
  std::unique_ptr<Automaton> ac_;
  // The atom nodes of automaton atom a (one per boundary checks) are
  // atom_nodes_[atom_first_[a] .. atom_first_[a + 1]).
  struct AtomNode {
    int node;
    uint32_t length;
    bool left_boundary, right_boundary;
  };
  std::vector<uint32_t> atom_first_;
  std::vector<AtomNode> atom_nodes_;
  // What the scan reports in automaton state s: hits_[hit_first_[s] ..
  // hit_first_[s + 1]), the atom nodes of every atom ending there.
  std::vector<uint32_t> hit_first_;
  std::vector<AtomNode> hits_;
  // nodes_ as candidates() reads them (the vectors of a Node are cleared):
  // node i's AND children are links_[children, marks), the ORs it marks
  // links_[marks, eval_[i + 1].children), the nodes it wakes
  // wakes_[wakes, eval_[i + 1].wakes), the alternatives it is the
  // condition of eval_roots_[roots, eval_[i + 1].roots). One more entry
  // ends the last node's runs.
  struct EvalNode {
    uint32_t children, marks, wakes, roots;
    bool is_and;
  };
  struct Wake {
    int node, height;
  };
  std::vector<EvalNode> eval_;
  std::vector<int> links_;
  std::vector<Wake> wakes_;
  std::vector<std::pair<int, int>> eval_roots_;
  std::unique_ptr<RE2::Set> fallback_set_;         // alternatives without a condition
  std::vector<std::pair<int, int>> fallback_;      // its entry i: (rule, alternative)
  // Per entry: bytes of which every match holds one (none: unknown); and
  // their union, what a sentence must hold one of for any entry to match.
  std::vector<std::bitset<256>> fallback_need_;
  std::array<bool, 256> fallback_bytes_{};

  // alternative()'s regexes, compiled on first use: rule r's alternative a
  // is entry first_alternative_[r] + a.
  std::vector<size_t> first_alternative_;
  mutable std::vector<std::atomic<const RE2*>> alternatives_;
};

}  // namespace ttptag
