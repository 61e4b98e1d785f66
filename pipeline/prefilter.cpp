// prefilter.cpp: literal conditions of triggers, and their scan (see prefilter.h).
#include "prefilter.h"

#include <algorithm>
#include <array>
#include <bit>
#include <bitset>
#include <cmath>
#include <cctype>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <unordered_map>

#include <oneapi/tbb/task_group.h>

#include "regex_factor.h"

namespace ttptag {

namespace {

// \b inside exact strings: an atom that starts or ends with it is checked
// for a word boundary where it is found ("\bx\b" is the word "x", not
// every x). 0xFF never occurs in valid UTF-8, so no pattern literal is it.
constexpr char kBoundary = '\xFF';
// Atoms with fewer letters and digits than this, unless bounded on both
// sides, and common words (kCommonWords) are in most sentences: they count
// as always present. That only weakens conditions (never wrong) and keeps
// common atoms from waking hundreds of nodes per sentence.
constexpr size_t kMinAtom = 3;
constexpr double kCommon = 0.5;  // atom_frequency() of common atoms
// An exact set grows by cross products ("cop" x {"y", "ies"}); past this
// many strings it becomes a condition instead.
constexpr size_t kMaxExact = 256;
// A run of exact items is crossed only up to this many strings: longer
// strings select a little better but multiply the atoms.
constexpr size_t kMaxCross = 16;
// Classes with more members than this are not expanded.
constexpr size_t kMaxClassChars = 8;
constexpr int kTrue = -1;  // the node "always true" (no condition)

struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A set of bytes: every match of a regex holds at least one of them
// (none: nothing known). It lets the fallback Set skip sentences with none
// of its alternatives' bytes (a digit for an IP address pattern).
using ByteSet = std::bitset<256>;

// What is known about the strings a regex node matches: exactly one of
// `strs`, or (not exact) strings satisfying the condition `tree`; and
// (not exact) bytes every match holds one of (exact: see needed_bytes()).
struct Info {
  bool exact = false;
  std::vector<std::string> strs;
  int tree = kTrue;
  ByteSet need;

  static Info any() { return {}; }
  static Info literal(std::string s) {
    Info i;
    i.exact = true;
    i.strs.push_back(std::move(s));
    return i;
  }
  static Info empty() { return literal(""); }
};

void sort_unique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

std::vector<std::string> cross(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  out.reserve(a.size() * b.size());
  for (const auto& x : a) {
    for (const auto& y : b) {
      out.emplace_back();
      out.back().reserve(x.size() + y.size());
      out.back().append(x).append(y);
    }
  }
  // One prefix keeps b's order: if b is sorted and distinct, so is out (the
  // common case, a literal before a list; sorting was a tenth of the build).
  const bool in_order = a.size() == 1 && std::adjacent_find(b.begin(), b.end(), std::greater_equal<>()) == b.end();
  if (!in_order) sort_unique(&out);
  return out;
}

void append_utf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// RE2's \b is ASCII: word characters are [0-9A-Za-z_].
bool is_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// White space as the scan sees it: the atoms are found in the text with
// every run of these bytes written as one ' ' (Prefilter::candidates()), so "\s+" and a
// list phrase's "posing\s+as" are exact strings ("posing as"), not two
// words. Collapsing only joins non-word bytes, so \b checks are unchanged,
// and a string collapsed lies in the text collapsed wherever it lies in the
// text: atoms stay necessary.
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// *out = s with each run of white space written as one ' '.
void collapse_space(std::string_view s, std::string* out) {
  // Written through a pointer into a buffer sized for the worst case: it
  // runs on every sentence, and appending byte by byte cost a fifth of the
  // prefilter's time.
  out->resize(s.size());
  char* begin = out->data();
  char* w = begin;
  for (char c : s) {
    if (!is_space(c)) {
      *w++ = c;
    } else if (w == begin || w[-1] != ' ') {
      *w++ = ' ';
    }
  }
  out->resize(static_cast<size_t>(w - begin));
}

// Whether collapse_space() would leave s as it is, byte by byte.
bool is_collapsed_bytewise(std::string_view s) {
  bool after_space = false;
  for (char c : s) {
    if ((is_space(c) && c != ' ') || (c == ' ' && after_space)) return false;
    after_space = c == ' ';
  }
  return true;
}

// The same, eight bytes at a time: it runs on every sentence, and the byte
// loop was a tenth of the prefilter's time. A block with a byte under 0x0E
// (\t..\r, or a rare control byte) or two spaces in a row is left to the
// byte loop.
bool is_collapsed(std::string_view s) {
  if constexpr (std::endian::native != std::endian::little) return is_collapsed_bytewise(s);
  constexpr uint64_t kOnes = 0x0101010101010101, kLow7 = 0x7F7F7F7F7F7F7F7F, kHigh = 0x8080808080808080;
  uint64_t space_before = 0;  // bit 63: the byte before this block is ' '
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    const uint64_t controls = (x - kOnes * 0x0E) & ~x & kHigh;  // nonzero iff a byte < 0x0E
    const uint64_t y = x ^ (kOnes * ' ');
    const uint64_t spaces = ~(((y & kLow7) + kLow7) | y) & kHigh;  // bit 7 of each ' ' byte
    if (controls | (spaces & ((spaces << 8) | (space_before >> 56)))) return is_collapsed_bytewise(s);
    space_before = spaces;
  }
  // The rest, from the last byte checked (a ' ' there and one after is a run).
  return is_collapsed_bytewise(s.substr(i > 0 ? i - 1 : 0));
}

// s as collapse_space() writes it: s itself when it has no white space
// other than single ' ' (most normalized sentences), else a copy in *buffer.
std::string_view collapsed(std::string_view s, std::string* buffer) {
  if (is_collapsed(s)) return s;
  collapse_space(s, buffer);
  return *buffer;
}

// A rough share of English sentences holding byte c, to choose which of a
// regex's necessary bytes to test (only the fallback's speed depends on it).
double byte_share(unsigned char c) {
  if (c >= '0' && c <= '9') return 0.05;
  if (c >= 'A' && c <= 'Z') return 0.2;
  if (c >= 'a' && c <= 'z') return std::string_view("etaoinsrhldcu").find(static_cast<char>(c)) != std::string_view::npos ? 0.8 : 0.3;
  if (c == '.') return 0.95;
  if (c == ',') return 0.5;
  if (c == '-' || c == '\'' || c == '"' || c == '(' || c == ')') return 0.1;
  if (c >= 0x80) return 0.05;
  return 0.02;
}

double share(const ByteSet& bytes) {
  double sum = 0;
  for (size_t c = 0; c < 256; ++c) {
    if (bytes[c]) sum += byte_share(static_cast<unsigned char>(c));
  }
  return sum;
}

// The bytes one of which each string holds: each string's rarest byte
// (white space, which the scan folds, and \b marks aside); none if a
// string has no such byte.
ByteSet needed_bytes(const std::vector<std::string>& strs) {
  ByteSet out;
  for (const auto& s : strs) {
    int best = -1;
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (ch == kBoundary || is_space(ch)) continue;
      if (best < 0 || byte_share(c) < byte_share(static_cast<unsigned char>(best))) best = c;
    }
    if (best < 0) return {};
    out.set(static_cast<size_t>(best));
  }
  return out;
}

ByteSet needed_bytes(const Info& i) { return i.exact ? needed_bytes(i.strs) : i.need; }

bool all_space(const std::vector<std::string>& strs) {
  return std::all_of(strs.begin(), strs.end(), [](const std::string& x) { return x == " "; });
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Common words: an atom that is one of them (spaces and punctuation
// aside) is in so many sentences that it would cost the scan more than it
// selects. Words in a few sentences in a hundred ("new", "only", "just")
// select well and stay atoms. Only the prefilter's speed depends on this
// list, never its results.
constexpr std::string_view kCommonWords[] = {
    "the", "and", "for", "from", "with", "that", "this", "was", "were", "are", "has", "have", "had",
    "its", "his", "her", "their", "our", "who", "which", "not", "but", "said", "also", "been",
    "than", "they", "will", "would", "into", "about", "other", "there", "these", "those", "them",
    "then", "you", "she", "him", "a", "i", "of", "to", "in", "on", "by", "at", "is", "it", "be", "or",
    "an", "as", "we", "he", "if", "so", "no", "up", "do", "us", "my", "me"};
constexpr size_t kLongestCommonWord = [] {
  size_t longest = 0;
  for (auto w : kCommonWords) longest = std::max(longest, w.size());
  return longest;
}();

}  // namespace

// Aho-Corasick automaton over the atoms, over byte classes (bytes that
// occur in no atom share one class). States are numbered breadth first; the
// first ones, where the scan spends most of its time, are full DFA rows (up
// to Prefilter::kDenseBytes); deeper states keep only their trie edges and a failure
// link. A full table for every state took 21 MB for the bundled rules'
// 28 000 atoms; this takes a fifth of that.
//
// The scan is bound by memory, not instructions: each byte's step reads a
// state the last step chose. So a deep state is one 16-byte record, with
// its edge inline when it has one (most have: the inside of a phrase);
// and the scan reports a state, whose atom nodes are one run of an array
// (Prefilter::hits_), not a chain of them.
class Prefilter::Automaton {
 public:
  // atoms: distinct strings (for_each_report() gives their indices).
  // dense_bytes: the budget of the dense rows.
  Automaton(const std::vector<std::string>& atoms, size_t dense_bytes) {
    std::array<bool, 256> used{};
    for (const auto& s : atoms) {
      for (unsigned char c : s) used[c] = true;
    }
    classes_ = 1;
    for (int b = 0; b < 256; ++b) cls_[static_cast<size_t>(b)] = used[static_cast<size_t>(b)] ? classes_++ : 0;
    // The trie, with sorted child lists while building.
    struct TrieNode {
      std::vector<std::pair<uint16_t, uint32_t>> kids;  // (class, node)
      int out = -1;
    };
    std::vector<TrieNode> trie(1);
    for (size_t id = 0; id < atoms.size(); ++id) {
      uint32_t st = 0;
      for (unsigned char byte : atoms[id]) {
        const auto c = static_cast<uint16_t>(cls_[byte]);
        auto& kids = trie[st].kids;
        auto it = std::lower_bound(kids.begin(), kids.end(), std::make_pair(c, uint32_t{0}));
        if (it != kids.end() && it->first == c) {
          st = it->second;
        } else {
          const auto n = static_cast<uint32_t>(trie.size());
          kids.insert(it, {c, n});
          trie.emplace_back();
          st = n;
        }
      }
      trie[st].out = static_cast<int>(id);
    }
    // Breadth-first numbering: a state's failure target (shallower) and its
    // parent come before it.
    std::vector<uint32_t> order{0}, number(trie.size(), 0);
    for (size_t k = 0; k < order.size(); ++k) {
      for (const auto& [c, t] : trie[order[k]].kids) order.push_back(t);
    }
    for (size_t k = 0; k < order.size(); ++k) number[order[k]] = static_cast<uint32_t>(k);
    const size_t n = order.size();
    dense_ = static_cast<uint32_t>(std::min(n, std::max<size_t>(1, dense_bytes / (classes_ * sizeof(uint32_t)))));
    out_.resize(n);
    edge_begin_.resize(n + 1);
    for (size_t k = 0; k < n; ++k) {
      const TrieNode& node = trie[order[k]];
      out_[k] = node.out;
      edge_begin_[k] = static_cast<uint32_t>(edge_class_.size());
      for (const auto& [c, t] : node.kids) {
        edge_class_.push_back(c);
        edge_target_.push_back(number[t]);
      }
    }
    edge_begin_[n] = static_cast<uint32_t>(edge_class_.size());
    trie = {};
    // Failure links and dense rows, in that order; report_[s] is the first
    // state on s's failure chain (s included) that ends an atom.
    fail_.assign(n, 0);
    delta_.assign(static_cast<size_t>(dense_) * classes_, 0);
    report_.assign(n, -1);
    next_report_.assign(n, -1);
    for (uint32_t s = 0; s < n; ++s) {
      if (s > 0) {
        const uint32_t f = fail_[s];
        const int via_fail = out_[f] >= 0 ? static_cast<int>(f) : report_[f];
        report_[s] = out_[s] >= 0 ? static_cast<int>(s) : via_fail;
        next_report_[s] = via_fail;
      }
      if (s < dense_) {
        for (uint32_t c = 0; c < classes_; ++c) delta_[s * classes_ + c] = s == 0 ? 0 : next(fail_[s], c);
        for (uint32_t e = edge_begin_[s]; e < edge_begin_[s + 1]; ++e) delta_[s * classes_ + edge_class_[e]] = edge_target_[e];
      }
      for (uint32_t e = edge_begin_[s]; e < edge_begin_[s + 1]; ++e) {
        fail_[edge_target_[e]] = s == 0 ? 0 : next(fail_[s], edge_class_[e]);
      }
    }
    // From here on, transitions give codes, not states: state << 1, plus 1
    // if an atom ends there. The scan then reads report_ only where one
    // does, not at every byte.
    auto code = [&](uint32_t t) { return t << 1 | (report_[t] >= 0 ? 1u : 0u); };
    for (auto& t : delta_) t = code(t);
    for (auto& t : edge_target_) t = code(t);
    // The deep states, packed for the scan.
    deep_.resize(n - dense_);
    for (uint32_t st = dense_; st < n; ++st) {
      Deep& d = deep_[st - dense_];
      d.fail = fail_[st];
      d.count = static_cast<uint16_t>(edge_begin_[st + 1] - edge_begin_[st]);  // at most one per class (<= 257)
      if (d.count == 1) {
        d.cls = edge_class_[edge_begin_[st]];
        d.target = edge_target_[edge_begin_[st]];
        continue;
      }
      d.target = static_cast<uint32_t>(edges_.size());
      for (uint32_t e = edge_begin_[st]; e < edge_begin_[st + 1]; ++e) edges_.push_back(Edge{edge_target_[e], edge_class_[e]});
    }
    edge_begin_ = {};
    edge_class_ = {};
    edge_target_ = {};
    fail_ = {};
  }

  size_t memory() const {
    return delta_.size() * sizeof(uint32_t) + deep_.size() * sizeof(Deep) + edges_.size() * sizeof(Edge) +
           (out_.size() + report_.size() + next_report_.size()) * sizeof(int);
  }
  size_t state_count() const { return out_.size(); }

  // Calls f(atom index) for each atom that ends in state st (longest first).
  template <typename F>
  void for_each_report(uint32_t st, F&& f) const {
    for (int r = report_[st]; r >= 0; r = next_report_[static_cast<size_t>(r)]) f(out_[static_cast<size_t>(r)]);
  }

  // Calls found(state, end offset) wherever the scan enters a state in
  // which atoms end (for_each_report() gives them).
  template <typename F>
  void scan(std::string_view text, F&& found) const {
    uint32_t code = 0;
    const size_t n = text.size();
    for (size_t i = 0; i < n; ++i) {
      code = step(code >> 1, cls_[static_cast<unsigned char>(text[i])]);
      if (code & 1) found(code >> 1, i + 1);
    }
  }

 private:
  struct Deep {       // a state past the dense rows
    uint32_t fail;    // its failure state
    uint32_t target;  // one edge: its next code; more: where in edges_ they start
    uint16_t cls;     // one edge: its class
    uint16_t count;   // edges
  };
  struct Edge {
    uint32_t target;  // code
    uint16_t cls;
  };

  // next() as the scan takes it, from the packed states.
  uint32_t step(uint32_t st, uint32_t c) const {
    while (st >= dense_) {
      const Deep& d = deep_[st - dense_];
      if (d.count == 1) {
        if (d.cls == c) return d.target;
      } else {
        for (uint32_t e = d.target; e < d.target + d.count; ++e) {
          if (edges_[e].cls == c) return edges_[e].target;
        }
      }
      st = d.fail;
    }
    return delta_[static_cast<size_t>(st) * classes_ + c];
  }

  // The state after st on class c: a dense row, or st's trie edge, or the
  // same from its failure state (shallower, so the chain ends in a row).
  // Once built, what it gives is a code (the constructor's end).
  uint32_t next(uint32_t st, uint32_t c) const {
    while (st >= dense_) {
      for (uint32_t e = edge_begin_[st]; e < edge_begin_[st + 1]; ++e) {
        if (edge_class_[e] == c) return edge_target_[e];
      }
      st = fail_[st];
    }
    return delta_[static_cast<size_t>(st) * classes_ + c];
  }

  std::array<uint32_t, 256> cls_{};
  uint32_t classes_ = 1;
  uint32_t dense_ = 1;                // states [0, dense_) have rows in delta_
  std::vector<uint32_t> delta_;       // state * classes_ + class -> code of the next state, dense states
  std::vector<uint32_t> edge_begin_;  // per state: its trie edges, sorted by class
  std::vector<uint16_t> edge_class_;
  std::vector<uint32_t> edge_target_;  // code of the next state
  std::vector<uint32_t> fail_;        // per state: its failure state
  std::vector<Deep> deep_;            // states [dense_, n): what the scan reads of them
  std::vector<Edge> edges_;           // their edges, where more than one
  std::vector<int> out_;              // atom (node id) ending at the state, or -1
  std::vector<int> report_;           // first state with an atom on the failure chain, or -1
  std::vector<int> next_report_;      // the next one after that, or -1
};

// Builds a Prefilter's nodes from regexes: a reader of RE2 syntax yielding
// Info, and hash-consed AND/OR nodes (lists shared by many rules become
// shared nodes).
class PrefilterBuilder {
 public:
  explicit PrefilterBuilder(Prefilter& pf) : pf_(pf) {}

  // The condition that every one of `regexes` occurs; kTrue if none.
  int all_of(const std::vector<std::string>& regexes) {
    std::vector<int> kids;
    for (const auto& rx : regexes) kids.push_back(condition(rx));
    return make(Node::kAnd, std::move(kids));
  }

  // The condition node of one regex; kTrue if none.
  int condition(std::string_view regex) {
    p_ = regex;
    pos_ = 0;
    try {
      Info i = alternation();
      if (pos_ != p_.size()) throw Unsupported("unbalanced )");
      return tree(i);
    } catch (const Unsupported&) {
      return kTrue;
    }
  }

  // Bytes one of which every match of `regex` holds; none if unknown. Read
  // only for the few regexes without a condition: it is a second pass.
  ByteSet needed_bytes_of(std::string_view regex) {
    p_ = regex;
    pos_ = 0;
    want_need_ = true;
    ByteSet need;
    try {
      Info i = alternation();
      if (pos_ == p_.size()) need = needed_bytes(i);
    } catch (const Unsupported&) {
    }
    want_need_ = false;
    return need;
  }

 private:
  using Node = Prefilter::Node;

  // An exact string's atom text: word-boundary marks dropped (those at its
  // ends kept as checks), white space collapsed as the scan sees it.
  struct AtomText {
    std::string text;
    bool left_boundary, right_boundary;
  };
  static AtomText atom_text(const std::string& s) {
    std::string bare;
    for (char c : s) {
      if (c != kBoundary) bare += c;
    }
    AtomText a{"", !s.empty() && s.front() == kBoundary, !s.empty() && s.back() == kBoundary};
    collapse_space(bare, &a.text);
    return a;
  }
  static bool weak(const std::string& text, bool left_boundary, bool right_boundary) {
    return text.empty() || Prefilter::atom_frequency(text, left_boundary, right_boundary) >= kCommon;
  }

  // The atom of an exact string (word-boundary marks at its ends kept as
  // checks, inside it dropped), or kTrue if it is too short to select.
  int atom(const std::string& s) {
    auto [text, lb, rb] = atom_text(s);
    // Too short or too common to select: "always present" (a weaker
    // condition, so still a necessary one).
    if (weak(text, lb, rb)) return kTrue;
    std::string key = text;
    key += '\0';
    key += static_cast<char>('0' + lb + 2 * rb);
    auto [it, added] = atoms_.emplace(key, static_cast<int>(pf_.nodes_.size()));
    if (added) {
      Node n;
      n.kind = Node::kAtom;
      n.atom = std::move(text);
      n.left_boundary = lb;
      n.right_boundary = rb;
      pf_.nodes_.push_back(std::move(n));
    }
    return it->second;
  }

  // Wherever atom b occurs, atom a occurs too.
  bool covers(const Node& a, const Node& b) const {
    if (a.atom.size() > b.atom.size()) return false;
    if (a.left_boundary && a.right_boundary) return a.atom == b.atom && b.left_boundary && b.right_boundary;
    if (a.left_boundary) return b.left_boundary && b.atom.compare(0, a.atom.size(), a.atom) == 0;
    if (a.right_boundary) {
      return b.right_boundary && b.atom.compare(b.atom.size() - a.atom.size(), a.atom.size(), a.atom) == 0;
    }
    return b.atom.find(a.atom) != std::string::npos;
  }

  int make(Node::Kind kind, std::vector<int> kids) {
    std::vector<int> flat;
    for (int k : kids) {
      if (k == kTrue) {
        if (kind == Node::kOr) return kTrue;  // one branch with no condition
        continue;                             // AND: drop
      }
      const Node& n = pf_.nodes_[static_cast<size_t>(k)];
      if (n.kind == kind) {
        flat.insert(flat.end(), n.children.begin(), n.children.end());
      } else {
        flat.push_back(k);
      }
    }
    std::sort(flat.begin(), flat.end());
    flat.erase(std::unique(flat.begin(), flat.end()), flat.end());
    if (flat.empty()) return kTrue;
    if (flat.size() == 1) return flat[0];
    if (kind == Node::kOr) {
      // A list inlined in many rules gives the same OR each time: its
      // covered atoms (quadratic to find) are dropped once.
      std::string key = node_key(kind, flat);
      if (auto seen = or_before_drop_.find(key); seen != or_before_drop_.end()) return seen->second;
      const int id = make_node(kind, drop_covered_atoms(flat));
      or_before_drop_.emplace(std::move(key), id);
      return id;
    }
    return make_node(kind, std::move(flat));
  }

  // The children's ids as raw bytes: a key for identity only, and decimal
  // text cost a temporary string per child.
  static std::string node_key(Node::Kind kind, const std::vector<int>& children) {
    std::string key(1 + children.size() * sizeof(int), kind == Node::kAnd ? 'A' : 'O');
    if (!children.empty()) std::memcpy(key.data() + 1, children.data(), children.size() * sizeof(int));
    return key;
  }

  // The node of these children (sorted, distinct, no kTrue), shared.
  int make_node(Node::Kind kind, std::vector<int> flat) {
    if (flat.size() == 1) return flat[0];
    auto [it, added] = cons_.emplace(node_key(kind, flat), static_cast<int>(pf_.nodes_.size()));
    if (added) {
      Node n;
      n.kind = kind;
      n.children = flat;
      pf_.nodes_.push_back(std::move(n));
    }
    return it->second;
  }

  // In an OR, an atom containing another atom of it adds nothing
  // ("fake" | "fakes" is "fake").
  std::vector<int> drop_covered_atoms(const std::vector<int>& kids) {
    std::vector<int> atoms, others;
    for (int k : kids) (pf_.nodes_[static_cast<size_t>(k)].kind == Node::kAtom ? atoms : others).push_back(k);
    if (atoms.size() < 2) return kids;
    std::sort(atoms.begin(), atoms.end(), [&](int a, int b) {
      return pf_.nodes_[static_cast<size_t>(a)].atom.size() < pf_.nodes_[static_cast<size_t>(b)].atom.size();
    });
    // An atom bounded on both sides covers only itself, and the atoms are
    // distinct: only the others can cover (gazetteer lists give mostly
    // words bounded on both sides, so this is far from quadratic).
    std::vector<int> kept, coverers;
    for (int a : atoms) {
      const Node& n = pf_.nodes_[static_cast<size_t>(a)];
      bool covered = false;
      for (int k : coverers) {
        if (covers(pf_.nodes_[static_cast<size_t>(k)], n)) {
          covered = true;
          break;
        }
      }
      if (covered) continue;
      kept.push_back(a);
      if (!(n.left_boundary && n.right_boundary)) coverers.push_back(a);
    }
    kept.insert(kept.end(), others.begin(), others.end());
    std::sort(kept.begin(), kept.end());
    return kept;
  }

  int tree(const Info& i) {
    if (!i.exact) return i.tree;
    // The same list, inlined in many rules, comes here many times.
    std::string key;
    for (const auto& s : i.strs) (key += s) += '\0';
    if (auto seen = exact_trees_.find(key); seen != exact_trees_.end()) return seen->second;
    std::vector<int> kids;
    int id = kTrue;
    for (const auto& s : i.strs) {
      const int a = atom(s);
      if (a == kTrue) {
        kids.clear();
        break;
      }
      kids.push_back(a);
    }
    if (!kids.empty()) id = make(Node::kOr, kids);
    exact_trees_.emplace(std::move(key), id);
    return id;
  }

  // Whether an exact string is too short or common to be an atom (atom()
  // gives kTrue).
  static bool weak(const std::string& s) {
    auto [text, lb, rb] = atom_text(s);
    return weak(text, lb, rb);
  }
  // Whether tree() of these exact strings would be no condition.
  static bool weak(const std::vector<std::string>& strs) {
    return std::any_of(strs.begin(), strs.end(), [](const std::string& s) { return weak(s); });
  }

  static bool all_weak(const std::vector<std::string>& strs) {
    return std::all_of(strs.begin(), strs.end(), [](const std::string& s) { return weak(s); });
  }

  int exact_tree(std::vector<std::string> strs) {
    Info i;
    i.exact = true;
    i.strs = std::move(strs);
    return tree(i);
  }

  // The condition of a then b, where one side has a weak string and would
  // add no condition alone ("ad" in "(?:ad|ads) (?:network|platform)"):
  // that side's weak strings are crossed with the other side ("ad network"),
  // its other strings stay a condition beside the other side's. Crossing
  // every string instead doubles the bundled rules' atoms.
  int cross_weak(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    const bool split_a = weak(a);
    const auto& split = split_a ? a : b;
    std::vector<std::string> weak_strs, strong_strs;
    for (const auto& s : split) (weak(s) ? weak_strs : strong_strs).push_back(s);
    std::vector<int> kids;
    kids.push_back(exact_tree(split_a ? cross(weak_strs, b) : cross(a, weak_strs)));
    if (!strong_strs.empty()) {
      kids.push_back(split_a ? make(Node::kAnd, {exact_tree(strong_strs), exact_tree(b)})
                             : make(Node::kAnd, {exact_tree(a), exact_tree(strong_strs)}));
    }
    return make(Node::kOr, kids);
  }

  Info from_tree(int t) {
    Info i;
    i.tree = t;
    return i;
  }

  Info concat(std::vector<Info>& items) {
    // Every match holds each item's bytes: the rarest set is kept.
    ByteSet need;
    for (size_t k = 0; want_need_ && k < items.size(); ++k) {
      const ByteSet b = needed_bytes(items[k]);
      if (b.any() && (need.none() || share(b) < share(need))) need = b;
    }
    std::vector<std::string> run{""};  // exact strings of the current run of exact items
    std::vector<int> kids;
    bool all_exact = true;
    auto flush = [&] {
      Info r;
      r.exact = true;
      r.strs = std::move(run);
      kids.push_back(tree(r));
    };
    for (auto& it : items) {
      if (it.exact) {
        const size_t product = run.size() * it.strs.size();
        // Crossing with one string (a literal, a \b) never multiplies.
        if (product <= kMaxCross || (product <= kMaxExact && (run.size() == 1 || it.strs.size() == 1))) {
          run = cross(run, it.strs);
        } else if (product <= kMaxExact && (all_weak(run) || all_weak(it.strs))) {
          // One side has only weak strings: cross_weak() would cross all of
          // them, then end the run. Going on lets the items after select
          // too ("\.(?:com|de) site": ".de" alone is weak, ".de site" is not).
          run = cross(run, it.strs);
        } else if (product <= kMaxExact && (weak(run) || weak(it.strs))) {
          all_exact = false;
          kids.push_back(cross_weak(run, it.strs));
          run = {""};
        } else {
          all_exact = false;
          flush();
          run = std::move(it.strs);
        }
        continue;
      }
      all_exact = false;
      flush();
      run = {""};
      kids.push_back(it.tree);
    }
    if (all_exact) {
      Info out;
      out.exact = true;
      out.strs = std::move(run);
      return out;
    }
    flush();
    Info out = from_tree(make(Node::kAnd, kids));
    out.need = need;
    return out;
  }

  Info alternate(std::vector<Info>& branches) {
    if (branches.size() == 1) return std::move(branches[0]);
    bool all_exact = true;
    size_t total = 0;
    for (const auto& b : branches) {
      all_exact = all_exact && b.exact;
      total += b.strs.size();
    }
    if (all_exact && total <= kMaxExact) {
      Info out;
      out.exact = true;
      for (auto& b : branches) out.strs.insert(out.strs.end(), b.strs.begin(), b.strs.end());
      sort_unique(&out.strs);
      return out;
    }
    std::vector<int> kids;
    ByteSet need;
    bool need_known = want_need_;
    for (const auto& b : branches) {
      kids.push_back(tree(b));
      if (!need_known) continue;
      const ByteSet bytes = needed_bytes(b);
      need_known = bytes.any();
      need |= bytes;
    }
    Info out = from_tree(make(Node::kOr, kids));
    if (need_known) out.need = need;
    return out;
  }

  Info repeat(Info x, int min, int max) {  // max < 0: unbounded
    if (x.exact && all_space(x.strs)) {  // a run of white space is one ' ' to the scan
      if (min == 0) x.strs = {"", " "};
      return x;
    }
    if (min == 0) {
      if (x.exact && max == 1 && x.strs.size() + 1 <= kMaxExact) {
        x.strs.push_back("");
        sort_unique(&x.strs);
        return x;
      }
      return Info::any();
    }
    if (min == 1 && max == 1) return x;
    Info out = from_tree(tree(x));  // one or more copies: one copy occurs
    if (want_need_) out.need = needed_bytes(x);
    return out;
  }

  // --- reader of RE2 syntax ---

  bool more() const { return pos_ < p_.size(); }
  char peek(size_t k = 0) const { return pos_ + k < p_.size() ? p_[pos_ + k] : '\0'; }

  Info alternation() {
    std::vector<Info> branches;
    branches.push_back(concatenation());
    while (more() && peek() == '|') {
      ++pos_;
      branches.push_back(concatenation());
    }
    return alternate(branches);
  }

  Info concatenation() {
    std::vector<Info> items;
    while (more() && peek() != '|' && peek() != ')') items.push_back(repetition());
    if (items.empty()) return Info::empty();
    if (items.size() == 1) return std::move(items[0]);
    return concat(items);
  }

  // Parses {n}, {n,} or {n,m} at pos_; false (pos_ unchanged) if it is not
  // one (RE2 then reads the '{' as a literal).
  bool counted(int* min, int* max) {
    size_t k = pos_ + 1;
    auto number = [&](int* v) {
      const size_t start = k;
      long n = 0;
      while (k < p_.size() && p_[k] >= '0' && p_[k] <= '9' && k - start < 6) {
        n = n * 10 + (p_[k] - '0');
        ++k;
      }
      *v = static_cast<int>(n);
      return k > start;
    };
    if (!number(min)) return false;
    if (k < p_.size() && p_[k] == '}') {
      *max = *min;
    } else if (k < p_.size() && p_[k] == ',') {
      ++k;
      if (k < p_.size() && p_[k] == '}') {
        *max = -1;
      } else if (!number(max) || k >= p_.size() || p_[k] != '}') {
        return false;
      }
    } else {
      return false;
    }
    pos_ = k + 1;
    return true;
  }

  Info repetition() {
    Info x = atom_expr();
    while (more()) {
      int min = 0, max = 0;
      const char c = peek();
      if (c == '*') {
        max = -1;
        ++pos_;
      } else if (c == '+') {
        min = 1, max = -1;
        ++pos_;
      } else if (c == '?') {
        max = 1;
        ++pos_;
      } else if (c == '{' && counted(&min, &max)) {
        // pos_ advanced past it
      } else {
        break;
      }
      if (more() && peek() == '?') ++pos_;  // non-greedy: the same strings
      x = repeat(std::move(x), min, max);
    }
    return x;
  }

  // Flags: only case-insensitivity changes which strings match.
  static void flags(std::string_view f) {
    bool negated = false;
    for (char c : f) {
      if (c == '-') {
        negated = true;
      } else if (c == 'i') {
        if (!negated) throw Unsupported("(?i)");
      } else if (c != 's' && c != 'm' && c != 'U') {
        throw Unsupported("flag");
      }
    }
  }

  // Where the group opening at `open` ends (after its ')'), or npos.
  size_t group_end(size_t open) const {
    int depth = 0;
    for (size_t i = open; i < p_.size(); ++i) {
      const char c = p_[i];
      if (c == '\\') {
        ++i;
      } else if (c == '[') {  // a class: ']' right after '[' or '[^' is a member
        ++i;
        if (i < p_.size() && p_[i] == '^') ++i;
        if (i < p_.size() && p_[i] == ']') ++i;
        while (i < p_.size() && p_[i] != ']') i += p_[i] == '\\' ? 2 : 1;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        return i + 1;
      }
    }
    return std::string_view::npos;
  }

  // A group's Info; long groups are read once per distinct text (a list
  // is inlined in every rule and pattern that uses it).
  Info group() {  // at '('
    const size_t start = pos_, end = group_end(pos_);
    std::string key;
    if (end != std::string_view::npos && end - start >= 64 && !want_need_) {
      key = std::string(p_.substr(start, end - start));
      if (auto it = groups_.find(key); it != groups_.end()) {
        pos_ = end;
        return it->second;
      }
    }
    Info i = group_uncached();
    if (!key.empty() && pos_ == end) groups_.emplace(std::move(key), i);
    return i;
  }

  Info group_uncached() {  // at '('
    ++pos_;
    if (peek() == '?') {
      ++pos_;
      if (peek() == ':') {
        ++pos_;
      } else if (peek() == 'P' || peek() == '<') {  // (?P<name>...) or (?<name>...)
        const size_t close = p_.find('>', pos_);
        if (close == std::string_view::npos) throw Unsupported("group name");
        pos_ = close + 1;
      } else {
        size_t end = pos_;
        while (end < p_.size() && p_[end] != ')' && p_[end] != ':') ++end;
        if (end >= p_.size()) throw Unsupported("flags");
        flags(p_.substr(pos_, end - pos_));
        pos_ = end + 1;
        // (?flags) alone applies to the rest of the group: only (?-i)-like
        // flags get here, which change nothing we model.
        if (p_[end] == ')') return Info::empty();
      }
    }
    Info inner = alternation();
    if (!more() || peek() != ')') throw Unsupported("missing )");
    ++pos_;
    return inner;
  }

  // One UTF-8 character at pos_, bytes as they are.
  std::string rune() {
    const auto lead = static_cast<unsigned char>(peek());
    size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    len = std::min(len, p_.size() - pos_);
    std::string s(p_.substr(pos_, len));
    pos_ += len;
    return s;
  }

  uint32_t hex_escape() {  // after "\x": HH or {H...}
    std::string digits;
    if (peek() == '{') {
      const size_t close = p_.find('}', pos_);
      if (close == std::string_view::npos) throw Unsupported("\\x{");
      digits = std::string(p_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
    } else {
      digits = std::string(p_.substr(pos_, 2));
      pos_ += 2;
    }
    if (digits.empty() || digits.size() > 6 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      throw Unsupported("\\x");
    }
    return static_cast<uint32_t>(std::stoul(digits, nullptr, 16));
  }

  // The literal of a one-character escape (after the '\'), if it is one.
  bool escaped_literal(std::string* out) {
    const char c = peek();
    char lit = 0;
    switch (c) {
      case 'n': lit = '\n'; break;
      case 't': lit = '\t'; break;
      case 'r': lit = '\r'; break;
      case 'f': lit = '\f'; break;
      case 'v': lit = '\v'; break;
      case 'a': lit = '\a'; break;
      case 'x':
        ++pos_;
        out->clear();
        append_utf8(out, hex_escape());
        return true;
      default:
        // Escaped punctuation is itself.
        if (c != '\0' && !is_alnum(c) && c != '_' && static_cast<unsigned char>(c) < 0x80) lit = c;
        break;
    }
    if (lit == 0) return false;
    out->assign(1, lit);
    ++pos_;
    return true;
  }

  // The bytes of \d or \w (ASCII in RE2) into *bytes; false for another
  // escape letter.
  static bool add_class_bytes(char letter, ByteSet* bytes) {
    if (letter != 'd' && letter != 'w') return false;
    for (int c = '0'; c <= '9'; ++c) bytes->set(static_cast<size_t>(c));
    if (letter == 'w') {
      for (int c = 'a'; c <= 'z'; ++c) bytes->set(static_cast<size_t>(c));
      for (int c = 'A'; c <= 'Z'; ++c) bytes->set(static_cast<size_t>(c));
      bytes->set('_');
    }
    return true;
  }

  void skip_property() {  // after \p or \P
    if (peek() == '{') {
      const size_t close = p_.find('}', pos_);
      if (close == std::string_view::npos) throw Unsupported("\\p{");
      pos_ = close + 1;
    } else {
      rune();
    }
  }

  Info escape() {  // at '\'
    ++pos_;
    if (!more()) throw Unsupported("trailing \\");
    const char c = peek();
    switch (c) {
      case 'b':
        ++pos_;
        return Info::literal(std::string(1, kBoundary));
      case 'B': case 'A': case 'z':
        ++pos_;
        return Info::empty();  // zero width
      case 's':
        ++pos_;
        return Info::literal(" ");
      case 'd': case 'w': {
        ++pos_;
        Info i = Info::any();
        add_class_bytes(c, &i.need);
        return i;
      }
      case 'D': case 'S': case 'W': case 'C':
        ++pos_;
        return Info::any();
      case 'p': case 'P':
        ++pos_;
        skip_property();
        return Info::any();
      case 'Q': {
        ++pos_;
        const size_t end = p_.find("\\E", pos_);
        std::string lit(p_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_));
        pos_ = end == std::string_view::npos ? p_.size() : end + 2;
        return Info::literal(lit);
      }
      default:
        break;
    }
    std::string lit;
    if (escaped_literal(&lit)) return Info::literal(lit.size() == 1 && is_space(lit[0]) ? " " : lit);
    throw Unsupported(std::string("escape \\") + c);
  }

  // [...]: exact only when it plainly lists a few characters.
  Info char_class() {  // at '['
    ++pos_;
    bool negated = false, complex = false;
    if (peek() == '^') {
      negated = true;
      ++pos_;
    }
    std::vector<std::string> members;
    ByteSet bytes;  // of every member, while they are plain (else `complex`)
    bool bytes_known = true;
    bool first = true;
    while (true) {
      if (!more()) throw Unsupported("unterminated [");
      if (peek() == ']' && !first) {
        ++pos_;
        break;
      }
      first = false;
      if (peek() == '[' && peek(1) == ':') {
        const size_t close = p_.find(":]", pos_ + 2);
        if (close == std::string_view::npos) throw Unsupported("[:");
        pos_ = close + 2;
        complex = true;
        bytes_known = false;
        continue;
      }
      std::string lo;
      if (peek() == '\\') {
        ++pos_;
        const char e = peek();
        if (e == 'p' || e == 'P') {
          ++pos_;
          skip_property();
          complex = true;
          bytes_known = false;
          continue;
        }
        if (peek() == 's') {  // white space: one ' ' to the scan
          ++pos_;
          members.push_back(" ");
          bytes_known = false;  // folded by the scan, not a byte to test
          continue;
        }
        if (!escaped_literal(&lo)) {  // \d \w ... inside the class
          if (!more()) throw Unsupported("trailing \\");
          bytes_known = add_class_bytes(peek(), &bytes) && bytes_known;
          ++pos_;
          complex = true;
          continue;
        }
      } else {
        lo = rune();
      }
      // A range lo-hi (a '-' right before ']' is literal).
      if (peek() == '-' && peek(1) != ']' && peek(1) != '\0') {
        ++pos_;
        std::string hi;
        if (peek() == '\\') {
          ++pos_;
          if (!escaped_literal(&hi)) throw Unsupported("class range escape");
        } else {
          hi = rune();
        }
        const bool ascii = lo.size() == 1 && hi.size() == 1 && static_cast<unsigned char>(lo[0]) < 0x80 &&
                           static_cast<unsigned char>(hi[0]) < 0x80 && hi[0] >= lo[0];
        if (ascii && static_cast<size_t>(hi[0] - lo[0]) < kMaxClassChars) {
          for (char ch = lo[0]; ch <= hi[0]; ++ch) members.push_back(std::string(1, ch));
        } else {
          complex = true;
        }
        if (ascii) {
          for (int ch = lo[0]; ch <= hi[0]; ++ch) bytes.set(static_cast<size_t>(ch));
        } else {
          bytes_known = false;
        }
        continue;
      }
      members.push_back(lo);
    }
    for (const auto& m : members) {
      if (m.empty() || is_space(m[0])) {
        bytes_known = false;
      } else {
        bytes.set(static_cast<unsigned char>(m[0]));  // a rune's first byte
      }
    }
    if (negated || complex || members.empty() || members.size() > kMaxClassChars) {
      Info i = Info::any();
      // Case folding and (?i) are not read here (Unsupported), so a class
      // matches only its members' bytes.
      if (!negated && bytes_known && want_need_) i.need = bytes;
      return i;
    }
    Info i;
    i.exact = true;
    for (auto& m : members) {
      if (m.size() == 1 && is_space(m[0])) m = " ";
    }
    i.strs = std::move(members);
    sort_unique(&i.strs);
    return i;
  }

  Info atom_expr() {
    switch (peek()) {
      case '(': return group();
      case '[': return char_class();
      case '\\': return escape();
      case '.':
        ++pos_;
        return Info::any();
      case '^': case '$':
        ++pos_;
        return Info::empty();
      case '*': case '+': case '?':
        throw Unsupported("repeat without operand");
      default: {
        std::string r = rune();
        return Info::literal(r.size() == 1 && is_space(r[0]) ? " " : r);
      }
    }
  }

  Prefilter& pf_;
  bool want_need_ = false;  // also work out Info::need (needed_bytes())
  std::unordered_map<std::string, int> atoms_;
  std::unordered_map<std::string, int> cons_;
  std::unordered_map<std::string, int> exact_trees_;     // tree() of exact strings, by the strings
  std::unordered_map<std::string, int> or_before_drop_;  // make(): an OR's children before drop_covered_atoms
  std::unordered_map<std::string, Info> groups_;  // group(): text -> Info
  std::string_view p_;
  size_t pos_ = 0;
};

// A guess of the share of sentences holding the atom, to order AND
// children and pick the atoms that start an evaluation.
double Prefilter::atom_frequency(const std::string& atom, bool left_boundary, bool right_boundary) {
  // Its letters and digits (and non-ASCII bytes) are counted, and copied
  // only when they may be a common word: this runs for every string the
  // builder weighs.
  const auto in_core = [](char c) { return is_word(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80; };
  const auto core_size = static_cast<size_t>(std::count_if(atom.begin(), atom.end(), in_core));
  // A white space or punctuation end bounds the word as \b does ("\bx " is
  // the word x).
  left_boundary = left_boundary || (!atom.empty() && !is_word(static_cast<unsigned char>(atom.front())) &&
                                    static_cast<unsigned char>(atom.front()) < 0x80);
  right_boundary = right_boundary || (!atom.empty() && !is_word(static_cast<unsigned char>(atom.back())) &&
                                      static_cast<unsigned char>(atom.back()) < 0x80);
  // Digits are rare in prose: "18-" selects as well as a word does.
  const bool digit = std::any_of(atom.begin(), atom.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (core_size < kMinAtom && !(left_boundary && right_boundary && core_size > 0) && !(digit && atom.size() >= kMinAtom)) {
    return kCommon;
  }
  if (core_size <= kLongestCommonWord) {
    std::array<char, kLongestCommonWord> core{};
    size_t n = 0;
    for (char c : atom) {
      if (in_core(c)) core[n++] = c;
    }
    for (auto w : kCommonWords) {
      if (std::string_view(core.data(), n) == w) return kCommon;
    }
  }
  // 0.25^(size + bounded/2 - 2), written as the power of two it is (pow()
  // was a fortieth of the build). Past 4096 bytes both are 0.
  const int bounded = (left_boundary ? 1 : 0) + (right_boundary ? 1 : 0);
  const int size = static_cast<int>(std::min<size_t>(atom.size(), 4096));
  return std::min(0.3, std::ldexp(1.0, 4 - 2 * size - bounded));
}

Prefilter::Prefilter() = default;

std::unique_ptr<Prefilter> Prefilter::build(const std::vector<Trigger>& triggers, size_t dense_bytes) {
  size_t trigger_bytes = 0;
  for (const auto& t : triggers) {
    for (const auto& a : t.alternatives) trigger_bytes += a.size();
  }
  Builder builder(dense_bytes, trigger_bytes);
  for (const auto& t : triggers) builder.add(t);
  return builder.finish();
}

Prefilter::Builder::Builder(size_t dense_bytes, size_t expected_bytes)
    : pf_(new Prefilter()), dense_bytes_(dense_bytes) {
  // Room for every node up front (the bundled rules make one per 56 bytes
  // of trigger text, a pack 16 times as large one per 36): each doubling of
  // the vector moved every node. Pages never written are never mapped.
  pf_->nodes_.reserve(expected_bytes / 24 + 1024);
  conditions_ = std::make_unique<PrefilterBuilder>(*pf_);
}

Prefilter::Builder::~Builder() = default;

void Prefilter::Builder::add(const Trigger& trigger) {
  Prefilter* pf = pf_.get();
  PrefilterBuilder& builder = *conditions_;
  const size_t r = pf->triggers_.size();
  pf->triggers_.push_back(trigger);
  pf->first_alternative_.push_back(alternatives_);
  alternatives_ += trigger.alternatives.size();
  pf->roots_.emplace_back();
  pf->all_.push_back(0);
  auto veto_condition = [&](const std::string& rx) {
    if (rx.empty()) return kTrue;
    auto [it, added] = veto_nodes_.try_emplace(rx, kTrue);
    if (added) it->second = builder.condition(rx);
    return it->second;
  };
  const auto& alts = trigger.alternatives;
  for (size_t a = 0; a < alts.size(); ++a) {
    const int root = builder.condition(alts[a]);
    pf->roots_[r].push_back(root);
    pf->all_[r] |= uint64_t{1} << std::min<size_t>(a, 63);
    if (root == kTrue) {
      pf->fallback_.emplace_back(static_cast<int>(r), static_cast<int>(a));
      pf->fallback_need_.push_back(builder.needed_bytes_of(alts[a]));
    }
  }
  pf->gates_.push_back(builder.all_of(trigger.required));
  pf->vetoes_.emplace_back(veto_condition(trigger.own_veto), veto_condition(trigger.pack_veto));
}

std::unique_ptr<Prefilter> Prefilter::Builder::finish() {
  conditions_.reset();
  veto_nodes_ = {};
  std::unique_ptr<Prefilter> pf = std::move(pf_);
  const std::vector<Trigger>& triggers = pf->triggers_;
  const size_t dense_bytes = dense_bytes_;
  pf->alternatives_ = std::vector<std::atomic<const RE2*>>(alternatives_);
  // Only nodes a rule's condition reaches take part: building made more
  // (atoms an OR dropped as covered, sub-conditions later flattened).
  std::vector<bool> live(pf->nodes_.size(), false);
  std::vector<int> todo;
  for (const auto& roots : pf->roots_) {
    for (int root : roots) {
      if (root != kTrue) todo.push_back(root);
    }
  }
  for (int gate : pf->gates_) {
    if (gate != kTrue) todo.push_back(gate);
  }
  for (const auto& [own, pack] : pf->vetoes_) {
    for (int veto : {own, pack}) {
      if (veto != kTrue) todo.push_back(veto);
    }
  }
  while (!todo.empty()) {
    const auto id = static_cast<size_t>(todo.back());
    todo.pop_back();
    if (live[id]) continue;
    live[id] = true;
    for (int c : pf->nodes_[id].children) todo.push_back(c);
  }
  std::vector<std::string> atoms;
  std::unordered_map<std::string, size_t> atom_index;
  std::vector<std::pair<size_t, AtomNode>> by_atom;
  for (size_t i = 0; i < pf->nodes_.size(); ++i) {
    if (!live[i]) continue;
    Node& n = pf->nodes_[i];
    if (n.kind != Node::kAtom) continue;
    auto [it, added] = atom_index.emplace(n.atom, atoms.size());
    if (added) atoms.push_back(n.atom);
    by_atom.emplace_back(it->second, AtomNode{static_cast<int>(i), static_cast<uint32_t>(n.atom.size()),
                                              n.left_boundary, n.right_boundary});
  }
  // Flat, by automaton atom: what a hit reads, without the node.
  std::stable_sort(by_atom.begin(), by_atom.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  pf->atom_first_.assign(atoms.size() + 1, 0);
  for (const auto& [atom, node] : by_atom) {
    ++pf->atom_first_[atom + 1];
    pf->atom_nodes_.push_back(node);
  }
  for (size_t a = 0; a < atoms.size(); ++a) pf->atom_first_[a + 1] += pf->atom_first_[a];
  // The scanner needs only the atoms: it is built on another core while
  // the node graph is finished here (the loader's thread is free by then,
  // waiting for this build).
  tbb::task_group automaton_task;
  struct Join {  // waits on every way out: the task reads `atoms`
    tbb::task_group& task;
    ~Join() { task.wait(); }
  } join{automaton_task};
  automaton_task.run([&] { pf->ac_ = std::make_unique<Automaton>(atoms, dense_bytes); });
  // Children are built before parents, so one pass in id order sets every
  // node's estimate from its children's.
  for (size_t i = 0; i < pf->nodes_.size(); ++i) {
    Node& n = pf->nodes_[i];
    if (n.kind == Node::kAtom) {
      n.p = atom_frequency(n.atom, n.left_boundary, n.right_boundary);
      continue;
    }
    // AND: least likely child first, so evaluation stops early.
    if (n.kind == Node::kAnd) {
      std::stable_sort(n.children.begin(), n.children.end(), [&](int a, int b) {
        return pf->nodes_[static_cast<size_t>(a)].p < pf->nodes_[static_cast<size_t>(b)].p;
      });
    }
    double p = n.kind == Node::kAnd ? 1.0 : 0.0;
    for (int c : n.children) {
      const double q = pf->nodes_[static_cast<size_t>(c)].p;
      p = n.kind == Node::kAnd ? std::min(p, q) : std::min(1.0, p + q);
    }
    n.p = p;
  }
  // Links for the bottom-up pass: an OR hears from every child, an AND
  // only from its least likely child (then checks the others, which are
  // lower, so already settled). Common atoms then wake few nodes.
  for (size_t i = 0; i < pf->nodes_.size(); ++i) {
    Node& n = pf->nodes_[i];
    if (n.kind == Node::kAtom || !live[i]) continue;
    int height = 0;
    for (int c : n.children) height = std::max(height, pf->nodes_[static_cast<size_t>(c)].height + 1);
    n.height = height;
    pf->max_height_ = std::max(pf->max_height_, height);
    if (n.kind == Node::kAnd) {
      pf->nodes_[static_cast<size_t>(n.children.front())].wakes.push_back(static_cast<int>(i));
    } else {
      for (int c : n.children) pf->nodes_[static_cast<size_t>(c)].wakes.push_back(static_cast<int>(i));
    }
  }
  for (size_t r = 0; r < pf->roots_.size(); ++r) {
    for (size_t a = 0; a < pf->roots_[r].size(); ++a) {
      const int root = pf->roots_[r][a];
      if (root != kTrue) pf->nodes_[static_cast<size_t>(root)].roots.emplace_back(static_cast<int>(r), static_cast<int>(a));
    }
  }
  // An OR that no node listens to and no rule has as its root is only
  // read by the ANDs it belongs to: a child holding just marks it, instead
  // of queueing it for a visit that would find nothing to do. The big
  // gazetteer ORs are such, and were most of the visits.
  std::vector<bool> mark_only(pf->nodes_.size(), false);
  for (size_t i = 0; i < pf->nodes_.size(); ++i) {
    const Node& n = pf->nodes_[i];
    mark_only[i] = n.kind == Node::kOr && n.wakes.empty() && n.roots.empty();
  }
  for (Node& n : pf->nodes_) {
    auto marked = std::stable_partition(n.wakes.begin(), n.wakes.end(),
                                        [&](int w) { return !mark_only[static_cast<size_t>(w)]; });
    n.marks.assign(marked, n.wakes.end());
    n.wakes.erase(marked, n.wakes.end());
  }
  // The graph as candidates() walks it: each node's links one run of a
  // shared array, a woken node's height beside it. As vectors of each
  // node, every visit cost cache misses for the node and each vector.
  pf->eval_.resize(pf->nodes_.size() + 1);
  for (size_t i = 0; i < pf->nodes_.size(); ++i) {
    Node& n = pf->nodes_[i];
    EvalNode& e = pf->eval_[i];
    e.is_and = n.kind == Node::kAnd;
    e.children = static_cast<uint32_t>(pf->links_.size());
    if (e.is_and) pf->links_.insert(pf->links_.end(), n.children.begin(), n.children.end());
    e.marks = static_cast<uint32_t>(pf->links_.size());
    pf->links_.insert(pf->links_.end(), n.marks.begin(), n.marks.end());
    e.wakes = static_cast<uint32_t>(pf->wakes_.size());
    for (int w : n.wakes) pf->wakes_.push_back({w, pf->nodes_[static_cast<size_t>(w)].height});
    e.roots = static_cast<uint32_t>(pf->eval_roots_.size());
    pf->eval_roots_.insert(pf->eval_roots_.end(), n.roots.begin(), n.roots.end());
    n.marks = {};
    n.wakes = {};
    n.roots = {};
  }
  pf->eval_.back() = EvalNode{static_cast<uint32_t>(pf->links_.size()), static_cast<uint32_t>(pf->links_.size()),
                              static_cast<uint32_t>(pf->wakes_.size()), static_cast<uint32_t>(pf->eval_roots_.size()), false};
  if (!pf->fallback_.empty()) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(int64_t{64} << 20);
    pf->fallback_set_ = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
    for (const auto& [r, a] : pf->fallback_) {
      // Each alternative compiled inside its rule's trigger, so it adds.
      pf->fallback_set_->Add(triggers[static_cast<size_t>(r)].alternatives[static_cast<size_t>(a)], nullptr);
    }
    if (!pf->fallback_set_->Compile()) pf->fallback_set_.reset();  // then they are always candidates
    // A sentence with none of the bytes one of which each match holds
    // needs no Set (7 of 10 sentences for the bundled rules' three).
    for (const ByteSet& need : pf->fallback_need_) {
      for (size_t c = 0; c < 256; ++c) pf->fallback_bytes_[c] = pf->fallback_bytes_[c] || need.none() || need[c];
    }
  }
  automaton_task.wait();
  // What a state reports, flat: the atom nodes of every atom ending there.
  const size_t states = pf->ac_->state_count();
  pf->hit_first_.assign(states + 1, 0);
  for (size_t st = 0; st < states; ++st) {
    pf->hit_first_[st] = static_cast<uint32_t>(pf->hits_.size());
    pf->ac_->for_each_report(static_cast<uint32_t>(st), [&](int atom) {
      const auto a = static_cast<size_t>(atom);
      pf->hits_.insert(pf->hits_.end(), pf->atom_nodes_.begin() + pf->atom_first_[a], pf->atom_nodes_.begin() + pf->atom_first_[a + 1]);
    });
  }
  pf->hit_first_[states] = static_cast<uint32_t>(pf->hits_.size());
  return pf;
}

size_t Prefilter::atom_count() const {
  return static_cast<size_t>(std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.kind == Node::kAtom; }));
}

size_t Prefilter::scanner_bytes() const {
  return ac_->memory() + hit_first_.size() * sizeof(uint32_t) + hits_.size() * sizeof(AtomNode);
}

void Prefilter::candidates(std::string_view text, std::vector<Candidate>* out, PrefilterScratch* s) const {
  out->clear();
  if (s->node.size() < nodes_.size() || s->rule_stamp.size() < roots_.size()) {
    s->node.assign(nodes_.size(), {});
    s->rule_stamp.assign(roots_.size(), 0);
    s->mask.assign(roots_.size(), 0);
  }
  s->level.resize(static_cast<size_t>(max_height_) + 1);
  if (++s->stamp == 0) {  // wrapped: forget every old stamp
    std::fill(s->node.begin(), s->node.end(), PrefilterScratch::NodeStamps{});
    std::fill(s->rule_stamp.begin(), s->rule_stamp.end(), 0);
    s->stamp = 1;
  }
  const uint32_t stamp = s->stamp;
  s->rules.clear();
  auto add = [&](int rule, int alternative) {
    const auto r = static_cast<size_t>(rule);
    if (s->rule_stamp[r] != stamp) {
      s->rule_stamp[r] = stamp;
      s->mask[r] = 0;
      s->rules.push_back(rule);
    }
    s->mask[r] |= uint64_t{1} << std::min(alternative, 63);
  };
  if (!fallback_.empty() &&
      std::any_of(text.begin(), text.end(), [&](char c) { return fallback_bytes_[static_cast<unsigned char>(c)]; })) {
    s->set_hits.clear();
    RE2::Set::ErrorInfo info{};
    const re2::StringPiece piece(text.data(), text.size());
    // Asked first only whether any matches: that stops at the first match
    // and allocates nothing, and most sentences have none.
    if (fallback_set_ && ((fallback_set_->Match(piece, nullptr, &info) && fallback_set_->Match(piece, &s->set_hits, &info)) ||
                          info.kind == RE2::Set::kNoError)) {
      for (int h : s->set_hits) add(fallback_[static_cast<size_t>(h)].first, fallback_[static_cast<size_t>(h)].second);
    } else {
      for (const auto& [r, a] : fallback_) add(r, a);  // no Set, or its DFA gave up: all may occur
    }
  }
  auto& atoms = s->level[0];
  atoms.clear();
  // The atoms are found, and their \b checked, in the text with white
  // space collapsed (is_space()).
  text = collapsed(text, &s->text);
  ac_->scan(text, [&](uint32_t state, size_t end) {
    for (uint32_t k = hit_first_[state]; k < hit_first_[state + 1]; ++k) {
      const AtomNode& n = hits_[k];
      const auto i = static_cast<size_t>(n.node);
      if (s->node[i].found == stamp) continue;
      const size_t begin = end - n.length;
      if (n.left_boundary) {
        const bool before = begin > 0 && is_word(static_cast<unsigned char>(text[begin - 1]));
        if (before == is_word(static_cast<unsigned char>(text[begin]))) continue;
      }
      if (n.right_boundary) {
        const bool after = end < text.size() && is_word(static_cast<unsigned char>(text[end]));
        if (after == is_word(static_cast<unsigned char>(text[end - 1]))) continue;
      }
      s->node[i].found = stamp;
      atoms.push_back(n.node);
    }
  });
  // Level by level: a node is settled before any node above it looks at it.
  for (size_t h = 0; h < s->level.size(); ++h) {
    auto& level = s->level[h];
    for (size_t k = 0; k < level.size(); ++k) {
      const auto i = static_cast<size_t>(level[k]);
      const EvalNode& n = eval_[i];
      const EvalNode& after = eval_[i + 1];  // where n's runs end
      if (h > 0) {  // woken: decide it
        if (n.is_and) {
          bool holds = true;
          for (uint32_t c = n.children; c < n.marks; ++c) {
            if (s->node[static_cast<size_t>(links_[c])].found != stamp) {
              holds = false;
              break;
            }
          }
          if (!holds) continue;
        }
        s->node[i].found = stamp;
      }
      for (uint32_t r = n.roots; r < after.roots; ++r) add(eval_roots_[r].first, eval_roots_[r].second);
      for (uint32_t m = n.marks; m < after.children; ++m) s->node[static_cast<size_t>(links_[m])].found = stamp;
      for (uint32_t w = n.wakes; w < after.wakes; ++w) {
        const auto wi = static_cast<size_t>(wakes_[w].node);
        if (s->node[wi].queued == stamp) continue;
        s->node[wi].queued = stamp;
        s->level[static_cast<size_t>(wakes_[w].height)].push_back(wakes_[w].node);
      }
    }
    level.clear();
  }
  std::sort(s->rules.begin(), s->rules.end());
  for (int r : s->rules) {
    // Decided like any node above the atoms: an AND when its least likely
    // child woke it, an OR when a child marked or woke it.
    const int gate = gates_[static_cast<size_t>(r)];
    if (gate != kTrue && s->node[static_cast<size_t>(gate)].found != stamp) continue;
    auto may = [&](int node) { return node == kTrue || s->node[static_cast<size_t>(node)].found == stamp; };
    const auto [own, pack] = vetoes_[static_cast<size_t>(r)];
    out->push_back(Candidate{r, s->mask[static_cast<size_t>(r)], may(own), may(pack)});
  }
}

const RE2& Prefilter::alternative(size_t rule, size_t a) const {
  const Trigger& t = triggers_[rule];
  if (t.alternatives.size() == 1) return *t.whole;
  std::atomic<const RE2*>& slot = alternatives_[first_alternative_[rule] + a];
  if (const RE2* re = slot.load(std::memory_order_acquire)) return *re;
  auto re = std::make_unique<RE2>("(?:" + factor_alternations(t.alternatives[a]) + ")", t.whole->options());
  // It compiled inside the whole trigger, so it compiles alone.
  const RE2* expected = nullptr;
  if (slot.compare_exchange_strong(expected, re.get(), std::memory_order_acq_rel)) return *re.release();
  return *expected;  // another thread was first
}

Prefilter::~Prefilter() {
  for (auto& slot : alternatives_) delete slot.load();
}

std::string Prefilter::describe(size_t rule) const {
  std::string out;
  auto walk = [&](auto&& self, int id, size_t depth) -> void {
    const Node& n = nodes_[static_cast<size_t>(id)];
    if (n.kind == Node::kAtom) {
      out += (n.left_boundary ? "\\b\"" : "\"") + n.atom + (n.right_boundary ? "\"\\b" : "\"");
      return;
    }
    if (depth > 6) {
      out += "...";
      return;
    }
    out += '(';
    for (size_t i = 0; i < n.children.size(); ++i) {
      if (i) out += n.kind == Node::kAnd ? " & " : " | ";
      self(self, n.children[i], depth + 1);
    }
    out += ')';
  };
  for (size_t a = 0; a < roots_.at(rule).size(); ++a) {
    if (a) out += " || ";
    if (roots_[rule][a] == kTrue) {
      out += "set";
      // The bytes the sentence must hold for the Set to be asked: "[0-9]".
      const auto entry = std::find(fallback_.begin(), fallback_.end(), std::pair<int, int>(static_cast<int>(rule), static_cast<int>(a)));
      const ByteSet need = entry == fallback_.end() ? ByteSet() : fallback_need_[static_cast<size_t>(entry - fallback_.begin())];
      if (need.any()) {
        out += " if [";
        for (size_t c = 0; c < 256; ++c) {
          if (!need[c]) continue;
          size_t last = c;
          while (last + 1 < 256 && need[last + 1]) ++last;
          auto show = [&](size_t b) {
            if (b >= 0x21 && b < 0x7F) {
              if (b == ']' || b == '\\' || b == '-') out += '\\';
              out += static_cast<char>(b);
            } else {
              static const char* kHex = "0123456789ABCDEF";
              out += "\\x";
              out += kHex[b >> 4];
              out += kHex[b & 15];
            }
          };
          show(c);
          if (last > c) {
            if (last > c + 1) out += '-';
            show(last);
          }
          c = last;
        }
        out += "]";
      }
    } else {
      walk(walk, roots_[rule][a], 0);
    }
  }
  if (gates_[rule] != kTrue) {
    out += " && required ";
    walk(walk, gates_[rule], 0);
  }
  return out;
}

}  // namespace ttptag
