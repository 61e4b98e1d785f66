#include "rules.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_group.h>

#include "normalize.h"
#include "prefilter.h"
#include "regex_factor.h"

namespace ttptag {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Issue::format() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ':' << line;
  out << ": ";
  if (!rule.empty()) out << rule << ": ";
  out << (severity == Severity::kError ? "error" : "warning") << ": " << message << " [" << code
      << ']';
  return out.str();
}

bool has_errors(const std::vector<Issue>& issues) {
  return std::any_of(issues.begin(), issues.end(),
                     [](const Issue& i) { return i.severity == Severity::kError; });
}

namespace {

struct PackFile {
  std::string path;
  std::string text;  // raw file, for line numbers
  json doc;
  std::vector<size_t> newlines;  // offsets of '\n' in text

  // Line (1-based) of a byte offset, in log time: a pack of thousands of
  // rules would otherwise count its lines once per rule.
  int line_at(size_t offset) const {
    return 1 + static_cast<int>(std::lower_bound(newlines.begin(), newlines.end(), offset) - newlines.begin());
  }
};

int line_of_offset(const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// Line of `"key": "value"` in the pack source (nlohmann keeps no positions).
int line_of(const std::string& text, const std::string& value, size_t from = 0) {
  const std::string quoted = json(value).dump();
  size_t pos = text.find(quoted, from);
  return pos == std::string::npos ? 0 : line_of_offset(text, pos);
}

bool is_word_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

// Lists: name -> its phrases in match-preference order (collect_lists), as
// (normalized phrase, regex bounded by \b).
using Lists = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

// How many copies of each list placeholder "(?:{name})" in a skeleton
// the compiled program holds: a counted repetition x{n,m} compiles x m
// times (n+1 for x{n,}), and repetitions multiply when groups nest. Other
// operators (* + ? |) never copy. Escapes and character classes are skipped.
std::vector<int64_t> placeholder_repeats(const std::string& s) {
  std::vector<int64_t> repeats;
  std::vector<size_t> open;  // for each open group, the first placeholder inside it
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\') {
      if (i + 2 < s.size() && (s[i + 1] == 'p' || s[i + 1] == 'P') && s[i + 2] == '{') {
        i = s.find('}', i);
        if (i == std::string::npos) break;
      } else {
        ++i;
      }
    } else if (c == '[') {
      i = class_end(s, i);
    } else if (c == '(') {
      open.push_back(repeats.size());
      if (s.compare(i, 4, "(?:{") == 0) {
        const size_t close = s.find("})", i);
        if (close != std::string::npos) {
          repeats.push_back(1);
          i = close;  // at the '}', so the ')' closes this group next
        }
      }
    } else if (c == ')' && !open.empty()) {
      const size_t first = open.back();
      open.pop_back();
      int64_t copies = 1;
      if (i + 1 < s.size() && s[i + 1] == '{') {
        size_t j = i + 2;
        int64_t low = 0, high = -1;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) low = std::min<int64_t>(low * 10 + (s[j++] - '0'), 100000);
        if (j > i + 2 && j < s.size() && s[j] == '}') {
          high = low;
        } else if (j > i + 2 && j < s.size() && s[j] == ',') {
          ++j;
          const size_t digits = j;
          int64_t m = 0;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) m = std::min<int64_t>(m * 10 + (s[j++] - '0'), 100000);
          if (j < s.size() && s[j] == '}') high = j > digits ? m : low + 1;
        }
        if (high >= 0) copies = std::max<int64_t>(high, 1);
      }
      for (size_t k = first; k < repeats.size(); ++k) repeats[k] *= copies;
    }
  }
  return repeats;
}

// The deepest nesting of parentheses in a regex (escaped ones aside; those
// in character classes count, which can only make it deeper).
int nesting_depth(const std::string& rx) {
  int depth = 0, deepest = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    if (rx[i] == '\\') {
      ++i;
    } else if (rx[i] == '(') {
      deepest = std::max(deepest, ++depth);
    } else if (rx[i] == ')') {
      depth = std::max(depth - 1, 0);
    }
  }
  return deepest;
}

// An upper bound on the instructions RE2 counts against its memory budget
// per byte of a phrase's regex or of a list's group (literal bytes, \\s+, \\b
// and [-\\s]? only). Measured on the bundled rules: at most 0.22 for such
// regexes, 0.64 for any regex.
constexpr int64_t kInstructionsPerPhraseByte = 1;

// A pattern or phrase as a regex: `full` has its lists expanded; in
// `skeleton` each list is the placeholder "(?:{name})". A list is an
// alternation of phrases that each match a non-empty text, so the skeleton
// has the same syntax errors and the same empty matches as the full regex,
// and compiles in a fraction of the time: the lazy load validates skeletons
// and compiles full regexes on first use (lazy_re2.h).
struct Expansion {
  std::string full, skeleton;
  std::vector<size_t> list_sizes;  // length of each placeholder's group in `full`, in order
  void add(const std::string& text) {
    full += text;
    skeleton += text;
  }
};

class Compiler {
 public:
  Compiler(const LoadOptions& opts, std::vector<Issue>* issues) : opts_(opts), issues_(issues) {}

  void add_issue(Severity sev, const std::string& file, int line, const std::string& rule,
                 const std::string& code, const std::string& message) {
    issues_->push_back(Issue{sev, file, line, rule, code, message});
  }

  // Literal phrase -> regex over normalized text. `{list}` references expand;
  // white space matches any white space; an inner hyphen is optional.
  std::string phrase_regex(const std::string& phrase, std::string* err) { return expand_phrase(phrase, err).full; }

  Expansion expand_phrase(const std::string& phrase, std::string* err) {
    const std::string norm = normalize_text(phrase).text;
    Expansion out;
    for (size_t i = 0; i < norm.size();) {
      char c = norm[i];
      if (c == '{') {
        size_t close = norm.find('}', i);
        std::string name = close == std::string::npos ? "" : norm.substr(i + 1, close - i - 1);
        if (is_list_name(name)) {
          if (!add_list(name, &out, err)) return {};
          i = close + 1;
          continue;
        }
      }
      if (c == ' ' || c == '\n') {
        out.add("\\s+");
        while (i < norm.size() && (norm[i] == ' ' || norm[i] == '\n')) ++i;
        continue;
      }
      if (c == '-' && i > 0 && i + 1 < norm.size() && is_word_byte(norm[i - 1]) &&
          is_word_byte(norm[i + 1])) {
        out.add("[-\\s]?");
        ++i;
        continue;
      }
      out.add(RE2::QuoteMeta(std::string(1, c)));
      ++i;
    }
    if (!norm.empty() && is_word_byte(norm.front()) && norm.front() != '{') {
      out.full = "\\b" + out.full;
      out.skeleton = "\\b" + out.skeleton;
    }
    if (!norm.empty() && is_word_byte(norm.back()) && norm.back() != '}') out.add("\\b");
    return out;
  }

  // Pattern -> regex with `{list}` references expanded.
  // Each pattern is expanded twice, for the prefilter and then for its
  // rule: the expansions are kept while loading.
  Expansion expand_pattern(const std::string& pattern, std::string* err) {
    if (auto it = expanded_.find(pattern); it != expanded_.end()) return it->second;
    Expansion out = expand_pattern_uncached(pattern, err);
    if (err->empty()) expanded_.emplace(pattern, out);
    return out;
  }

  Expansion expand_pattern_uncached(const std::string& pattern, std::string* err) {
    Expansion out;
    for (size_t i = 0; i < pattern.size();) {
      if (pattern[i] == '\\' && i + 1 < pattern.size()) {
        out.add(pattern.substr(i, 2));
        i += 2;
        continue;
      }
      if (pattern[i] == '{') {
        size_t close = pattern.find('}', i);
        std::string name = close == std::string::npos ? "" : pattern.substr(i + 1, close - i - 1);
        if (is_list_name(name)) {
          if (!add_list(name, &out, err)) return {};
          i = close + 1;
          continue;
        }
      }
      out.add(std::string(1, pattern[i++]));
    }
    return out;
  }

  static bool is_list_name(const std::string& name) {
    if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
      return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
             c == '_';
    });
  }

  const std::string& list_group(const std::string& name, std::string* err) {
    static const std::string kNone;
    if (auto done = groups_.find(name); done != groups_.end()) return done->second;
    auto it = lists_.find(name);
    if (it == lists_.end()) {
      *err = "unknown list {" + name + "}";
      return kNone;
    }
    std::string group = "(?:";
    for (size_t k = 0; k < it->second.size(); ++k) {
      if (k) group += '|';
      group += it->second[k].second;
    }
    return groups_.emplace(name, group + ")").first->second;
  }

  // Appends list `name` to both forms of an expansion.
  bool add_list(const std::string& name, Expansion* out, std::string* err) {
    const std::string& group = list_group(name, err);
    if (group.empty()) return false;
    out->full += group;
    out->skeleton += "(?:{" + name + "})";
    out->list_sizes.push_back(group.size());
    return true;
  }

  // Registers every pack's lists; items may be `{other}` to include a list.
  void collect_lists(const std::vector<PackFile>& packs) {
    std::map<std::string, std::pair<const PackFile*, std::vector<std::string>>> raw;
    for (const auto& pack : packs) {
      if (!pack.doc.contains("lists")) continue;
      const json& lists = pack.doc["lists"];
      if (!lists.is_object()) {
        add_issue(Severity::kError, pack.path, line_of(pack.text, "lists"), "", "bad-field",
                  "\"lists\" must be an object of name -> array of phrases");
        continue;
      }
      for (const auto& [name, items] : lists.items()) {
        int line = line_of(pack.text, name);
        if (!is_list_name(name)) {
          add_issue(Severity::kError, pack.path, line, "", "bad-list-name",
                    "list name \"" + name + "\" must be lower case letters, digits and _");
          continue;
        }
        if (raw.count(name)) {
          add_issue(Severity::kError, pack.path, line, "", "duplicate-list",
                    "list {" + name + "} is already defined in " + raw[name].first->path);
          continue;
        }
        std::vector<std::string> phrases;
        if (items.is_array()) {
          for (const auto& item : items) {
            if (item.is_string() && !item.get<std::string>().empty()) phrases.push_back(item);
          }
        }
        if (phrases.empty() || !items.is_array() || phrases.size() != items.size()) {
          add_issue(Severity::kError, pack.path, line, "", "bad-list",
                    "list {" + name + "} must be a non-empty array of non-empty strings");
          continue;
        }
        raw[name] = {&pack, std::move(phrases)};
      }
    }
    // Resolve includes depth-first; literal items become bounded phrase regexes.
    std::set<std::string> visiting;
    std::function<bool(const std::string&)> resolve = [&](const std::string& name) -> bool {
      if (lists_.count(name)) return true;
      if (!raw.count(name) || visiting.count(name)) return false;
      visiting.insert(name);
      std::vector<std::pair<std::string, std::string>> alts;  // (normalized phrase, regex)
      const auto& [pack, items] = raw[name];
      for (const auto& item : items) {
        if (item.size() > 2 && item.front() == '{' && item.back() == '}') {
          std::string other = item.substr(1, item.size() - 2);
          if (!resolve(other)) {
            add_issue(Severity::kError, pack->path, line_of(pack->text, item), "", "unknown-list",
                      "list {" + name + "} includes unknown or circular list " + item);
            continue;
          }
          alts.insert(alts.end(), lists_[other].begin(), lists_[other].end());
          continue;
        }
        std::string err;
        std::string rx = phrase_regex(item, &err);
        if (!rx.empty()) alts.emplace_back(normalize_text(item).text, rx);
      }
      // Dictionary order, except that a phrase comes before its own prefixes
      // ("posing online as" before "posing"), so that of two phrases matching
      // at one place the longer wins. Phrases sharing a beginning end up side
      // by side, where RE2 factors the shared part out: a persona pattern
      // with its lists compiles to a fifth fewer instructions than in
      // longest-first order (and DFA states shrink with it).
      std::stable_sort(alts.begin(), alts.end(), [](const auto& a, const auto& b) {
        const size_t n = std::min(a.first.size(), b.first.size());
        // std::string compares bytes as unsigned (char_traits<char>).
        if (const int c = a.first.compare(0, n, b.first, 0, n)) return c < 0;
        return a.first.size() > b.first.size();  // the longer one is the prefix's extension
      });
      lists_[name] = std::move(alts);
      visiting.erase(name);
      return true;
    };
    for (const auto& [name, unused] : raw) resolve(name);
  }

  // Compiles one regex with the rule budget; reports problems.
  std::unique_ptr<RE2> compile(const std::string& rx, const std::string& shown,
                               const std::string& file, int line, const std::string& rule) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(opts_.max_regex_mem);
    auto re = std::make_unique<RE2>(rx, o);
    if (!re->ok()) {
      if (re->error_code() == RE2::ErrorPatternTooLarge) {
        add_issue(Severity::kError, file, line, rule, "pattern-too-large", too_large_message(shown));
        return nullptr;
      }
      std::string hint;
      if (shown.find("(?<") != std::string::npos || shown.find("(?=") != std::string::npos ||
          shown.find("(?!") != std::string::npos) {
        hint = "; RE2 has no look-around: express the context with `all`, `near` or `unless`";
      } else if (RE2::PartialMatch(shown, R"(\\[1-9])")) {
        hint = "; RE2 has no back-references: write the repeated text out";
      }
      add_issue(Severity::kError, file, line, rule, "re2-error",
                "pattern " + json(shown).dump() + " does not compile: " + re->error() + hint);
      return nullptr;
    }
    if (RE2::PartialMatch("", *re)) {
      add_issue(Severity::kError, file, line, rule, "matches-empty",
                "pattern " + json(shown).dump() + " can match the empty string, so it fires everywhere");
      return nullptr;
    }
    if (matches_empty_inside(*re)) {
      add_issue(Severity::kError, file, line, rule, "matches-empty",
                "pattern " + json(shown).dump() +
                    " can match an empty span inside a text (e.g. a bare \\b or an optional part next to "
                    "one), which is evidence of nothing");
      return nullptr;
    }
    return re;
  }

  // Whether `re` matches nothing at some position of some non-empty text.
  // An empty match depends only on the empty-width flags there (\b \B ^ $
  // \A \z, (?m)), set by whether the bytes before and after are absent, a
  // word byte, a newline or another byte; these texts hold each of the 15
  // combinations with a byte on at least one side (PartialMatch("") is the
  // 16th). match.cpp relies on non-empty spans: an empty one at offset 0
  // would be mapped back through orig_end[-1].
  static bool matches_empty_inside(const RE2& re) {
    for (const char* probe : {"aa", "a a", "a\na", "\n\n", " \n ", "  "}) {
      const re2::StringPiece text(probe);
      for (size_t p = 0; p <= text.size(); ++p)
        if (re.Match(text, p, p, RE2::ANCHOR_BOTH, nullptr, 0)) return true;  // only an empty match fits
    }
    return false;
  }

  // What to do about a regex over RE2's memory budget. `shown` is a pattern
  // as written, or "triggers" / "unless" for the regex a rule builds from
  // all its phrases and patterns / all its vetoes (each of which compiled).
  std::string too_large_message(const std::string& shown) const {
    const std::string budget = std::to_string(opts_.max_regex_mem >> 20) + " MiB RE2 memory budget";
    if (shown == "triggers") {
      return "the rule's phrases and patterns, combined into one regex, compile to more than the " + budget +
             ": split them over several rules (each with part of the list, same techniques), or drop "
             "near-duplicates";
    }
    if (shown == "unless") {
      return "the `unless` patterns (a rule's own, or its pack's), combined into one regex, compile to more "
             "than the " +
             budget + ": shorten them, or give the long vetoes to the rules that need them only";
    }
    std::string head = shown.size() > 80 ? shown.substr(0, 77) + "..." : shown;
    return "pattern " + json(head).dump(-1, ' ', false, json::error_handler_t::replace) +
           " compiles to more than the " + budget +
           ": lower counted repetitions such as {1000}, narrow wide classes such as \\pL or ., or split a long "
           "alternation over several patterns";
  }

  // compile(), for a matcher a rule keeps: the RE2 gets opts_.match_mem, so
  // its DFA cache has room; issues are exactly those of compile() with
  // max_regex_mem. The lint budget check is skipped only when the program is
  // far inside it (an eighth of RE2's instruction budget for max_regex_mem).
  std::unique_ptr<RE2> compile_matcher(const std::string& rx, const std::string& shown,
                                       const std::string& file, int line, const std::string& rule) {
    if (opts_.match_mem <= opts_.max_regex_mem) return compile(rx, shown, file, line, rule);
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(opts_.match_mem);
    auto re = std::make_unique<RE2>(rx, o);
    const int64_t lint_instructions = opts_.max_regex_mem * 2 / 3 / 4 / 8;  // as RE2 budgets a forward program
    if (re->ok() && int64_t{re->ProgramSize()} * 8 <= lint_instructions && !RE2::PartialMatch("", *re) &&
        !matches_empty_inside(*re)) {
      return re;
    }
    if (!compile(rx, shown, file, line, rule) || !re->ok()) return nullptr;
    return re;
  }

  // Like compile() when only validity matters: a regex that compiled once
  // is not compiled again (pack-wide `unless` items repeat in every rule).
  bool check(const std::string& rx, const std::string& shown, const std::string& file, int line,
             const std::string& rule) {
    if (valid_.count(rx)) return true;
    if (!compile(rx, shown, file, line, rule)) return false;
    valid_.insert(rx);
    return true;
  }

  // Validates an expansion without compiling its lists: the skeleton is
  // compiled (once per distinct skeleton) and must pass compile(). Returns
  // an upper bound on the full regex's instructions, or nullopt after
  // reporting the problem.
  std::optional<int64_t> validate(const Expansion& e, const std::string& shown, const std::string& file, int line,
                                  const std::string& rule) {
    int64_t size = 0;
    if (auto it = skeletons_.find(e.skeleton); it != skeletons_.end()) {
      size = it->second;
    } else {
      auto re = compile(e.skeleton, shown, file, line, rule);
      if (!re) return std::nullopt;
      size = re->ProgramSize();
      skeletons_.emplace(e.skeleton, size);
    }
    // A rule's patterns (and its vetoes) are joined as "(?:a)|(?:b)"; a \Q
    // with no \E would quote the rest of that, ")" included.
    if (!stands_alone(e.skeleton)) {
      add_issue(Severity::kError, file, line, rule, "open-quote",
                "pattern " + json(shown).dump() + " has \\Q with no \\E after it: end the quoted text with \\E");
      return std::nullopt;
    }
    const std::vector<int64_t> repeats = placeholder_repeats(e.skeleton);
    for (size_t k = 0; k < e.list_sizes.size(); ++k) {
      const int64_t copies = k < repeats.size() ? repeats[k] : 1;
      size += copies * kInstructionsPerPhraseByte * static_cast<int64_t>(e.list_sizes[k]);
    }
    return size;
  }

  // Validates many skeletons with few compiles, before the rules are read:
  // each batch (one rule's patterns) compiles as the alternation of its
  // skeletons, the batches in parallel. When a batch passes, so does each
  // skeleton in it alone (an alternation has an error or an empty match
  // only if one of its parts has), and the alternation's size bounds each
  // one's. A skeleton that might not stand alone inside "(?:...)"
  // (unbalanced parentheses, an open class, a final backslash) is left out,
  // and a failing batch leaves its skeletons to validate() one by one, so
  // that each problem is reported against its own pattern.
  void prevalidate(const std::vector<std::vector<std::string>>& batches) {
    struct Batch {
      std::string alt;
      std::vector<const std::string*> members;
      int64_t size = -1;  // set if it passed
    };
    std::vector<Batch> work;
    std::set<std::string_view> batched;
    for (const auto& skeletons : batches) {
      Batch b;
      for (const auto& sk : skeletons) {
        if (skeletons_.count(sk) || !stands_alone(sk) || !batched.insert(sk).second) continue;
        if (!b.alt.empty()) b.alt += '|';
        b.alt += "(?:" + sk + ")";
        b.members.push_back(&sk);
      }
      if (!b.members.empty()) work.push_back(std::move(b));
    }
    tbb::parallel_for(size_t{0}, work.size(), [&](size_t i) {
      RE2::Options o;
      o.set_log_errors(false);
      o.set_max_mem(opts_.max_regex_mem);
      const RE2 re(work[i].alt, o);
      if (re.ok() && !RE2::PartialMatch("", re) && !matches_empty_inside(re)) work[i].size = re.ProgramSize();
    });
    for (const auto& b : work) {
      if (b.size < 0) continue;
      for (const std::string* sk : b.members) skeletons_.emplace(*sk, b.size);
    }
  }

  // Whether "(?:" + rx + ")" holds exactly rx: its groups and classes close
  // inside it, and it does not end in an escape.
  static bool stands_alone(const std::string& rx) {
    int depth = 0;
    for (size_t i = 0; i < rx.size(); ++i) {
      const char c = rx[i];
      if (c == '\\') {
        if (++i >= rx.size()) return false;
        if (rx[i] == 'Q') {  // quoted to \E; with no \E, the ")" after it too
          i = rx.find("\\E", i + 1);
          if (i == std::string::npos) return false;
          ++i;
        }
      } else if (c == '[') {
        i = class_end(rx, i);
        if (i >= rx.size()) return false;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (--depth < 0) return false;
      }
    }
    return depth == 0;
  }

  // The matcher for a validated full regex whose size is at most `bound`
  // instructions: one shared LazyRE2 per distinct regex. A bound within a
  // factor 2 of RE2's budget is checked by an exact compile() first; with
  // compile_now every regex is compiled here, exactly.
  std::shared_ptr<const LazyRE2> matcher(const std::string& rx, int64_t bound, const std::string& shown,
                                         const std::string& file, int line, const std::string& rule) {
    if (auto it = shared_.find(rx); it != shared_.end()) return it->second;
    std::shared_ptr<const LazyRE2> out;
    if (opts_.compile_now) {
      auto re = compile_matcher(rx, shown, file, line, rule);
      if (!re) return nullptr;
      out = std::make_shared<const LazyRE2>(std::move(re));
    } else {
      const int64_t instruction_budget = opts_.max_regex_mem * 2 / 3 / 4 / 8;  // as RE2 budgets a forward program
      if (bound * 2 > instruction_budget && !compile(rx, shown, file, line, rule)) return nullptr;
      RE2::Options o;
      o.set_log_errors(false);
      o.set_max_mem(std::max(opts_.match_mem, opts_.max_regex_mem));
      out = std::make_shared<const LazyRE2>(rx, o);
    }
    shared_.emplace(rx, out);
    return out;
  }

  // Upper-case letters in a pattern never match case-folded text.
  void check_case(const std::string& pattern, const std::string& file, int line,
                  const std::string& rule) {
    std::string stripped;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == '\\') {
        ++i;
        if (i < pattern.size() && (pattern[i] == 'p' || pattern[i] == 'P') && i + 1 < pattern.size() &&
            pattern[i + 1] == '{') {
          i = pattern.find('}', i);
          if (i == std::string::npos) break;
        }
        continue;
      }
      if (pattern[i] == '[' && pattern.compare(i, 2, "[:") == 0) {
        size_t close = pattern.find(":]", i);
        if (close != std::string::npos) {
          i = close + 1;
          continue;
        }
      }
      if (pattern.compare(i, 2, "(?") == 0) {  // flags like (?i) or (?P<name>
        size_t close = pattern.find_first_of(":)>", i);
        if (close != std::string::npos) {
          i = close;
          continue;
        }
      }
      stripped += pattern[i];
    }
    if (std::any_of(stripped.begin(), stripped.end(),
                    [](char c) { return c >= 'A' && c <= 'Z'; })) {
      add_issue(Severity::kWarning, file, line, rule, "upper-case",
                "pattern " + json(pattern).dump() +
                    " has upper-case letters; text is case folded, so write it in lower case");
    }
  }

  const LoadOptions& opts_;
  std::vector<Issue>* issues_;
  Lists lists_;
  std::set<std::string> valid_;                                   // check() cache
  std::map<std::string, int64_t> skeletons_;                      // validate() cache: program sizes
  std::unordered_map<std::string, std::string> groups_;           // list_group() cache
  std::unordered_map<std::string, Expansion> expanded_;           // expand_pattern() cache
  std::map<std::string, std::shared_ptr<const LazyRE2>> shared_;  // matcher() cache
};

const std::set<std::string> kPackFields = {"pack", "version", "description", "lists", "unless", "rules"};
const std::set<std::string> kRuleFields = {"id", "techniques", "note", "phrases", "patterns",
                                           "all", "near", "unless", "scope", "examples",
                                           "weight", "pack_unless"};

bool string_array(const json& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->push_back(v.get<std::string>());
    return true;
  }
  if (!v.is_array()) return false;
  for (const auto& item : v) {
    if (!item.is_string()) return false;
    out->push_back(item.get<std::string>());
  }
  return true;
}

std::vector<std::string> pack_files(const std::string& path, std::vector<Issue>* issues) {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  } else if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      // *.stats.json hold measured rule precisions (`eval --write-rule-stats`), not rules.
      const bool stats = name.size() > 11 && name.compare(name.size() - 11, 11, ".stats.json") == 0;
      if (it->is_regular_file(ec) && it->path().extension() == ".json" && !stats) {
        files.push_back(it->path().string());
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      issues->push_back(Issue{Severity::kError, path, 0, "", "no-packs", "no rule packs (*.json) found here"});
    }
  } else {
    issues->push_back(Issue{Severity::kError, path, 0, "", "not-found", "rules path does not exist"});
  }
  return files;
}

// The regexes of a rule's `all` when they look at the sentence alone: the
// prefilter's required conditions (Prefilter::Trigger::required).
std::vector<std::string> sentence_alls(const Rule& rule) {
  std::vector<std::string> out;
  if (rule.scope != Scope::kSentence) return out;
  for (const auto& re : rule.all) out.push_back(re->pattern());
  return out;
}

}  // namespace

std::unique_ptr<RuleSet> RuleSet::load(const std::string& path, const LoadOptions& opts,
                                       std::vector<Issue>* issues) {
  std::vector<Issue> local;
  if (!issues) issues = &local;
  auto set = std::unique_ptr<RuleSet>(new RuleSet());
  Compiler comp(opts, issues);

  std::vector<PackFile> packs;
  for (const auto& file : pack_files(path, issues)) {
    PackFile pack;
    pack.path = file;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    pack.text = buf.str();
    for (size_t i = pack.text.find('\n'); i != std::string::npos; i = pack.text.find('\n', i + 1)) {
      pack.newlines.push_back(i);
    }
    try {
      pack.doc = json::parse(pack.text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
      size_t byte = e.byte > 0 ? e.byte - 1 : 0;
      int line = line_of_offset(pack.text, byte);
      size_t line_start = pack.text.rfind('\n', byte == 0 ? 0 : byte - 1);
      size_t col = line_start == std::string::npos ? byte + 1 : byte - line_start;
      std::string what = e.what();
      if (auto p = what.find("syntax error"); p != std::string::npos) what = what.substr(p);
      comp.add_issue(Severity::kError, file, line, "", "bad-json",
                     "invalid JSON at column " + std::to_string(col) + ": " + what);
      continue;
    } catch (const json::exception& e) {  // e.g. out_of_range: "number overflow parsing '1e400'"
      std::string what = e.what();
      if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
      int line = 0;
      if (auto q = what.find('\''); q != std::string::npos) {
        const std::string token = what.substr(q + 1, what.find('\'', q + 1) - q - 1);
        if (auto at = pack.text.find(token); !token.empty() && at != std::string::npos) line = line_of_offset(pack.text, at);
      }
      comp.add_issue(Severity::kError, file, line, "", "bad-json", "invalid JSON: " + what);
      continue;
    }
    if (!pack.doc.is_object()) {
      comp.add_issue(Severity::kError, file, 1, "", "bad-pack", "a rule pack must be a JSON object");
      continue;
    }
    for (const auto& [key, unused] : pack.doc.items()) {
      if (!kPackFields.count(key)) {
        comp.add_issue(Severity::kError, file, line_of(pack.text, key), "", "unknown-field",
                       "unknown pack field \"" + key + "\" (known: pack, version, description, lists, unless, rules)");
      }
    }
    if (!pack.doc.contains("pack") || !pack.doc["pack"].is_string()) {
      comp.add_issue(Severity::kError, file, 1, "", "missing-field", "the pack needs a \"pack\" name");
    }
    set->files_.push_back(file);
    packs.push_back(std::move(pack));
  }
  comp.collect_lists(packs);

  // The triggers as the loop below gathers them: the prefilter is built
  // from them on another core, each as soon as it is read (a deque: the
  // task reads earlier ones while later ones are added). Its reader of RE2
  // syntax stays within the text whatever the text, but it recurses once
  // per nested group: deeply nested patterns (RE2 allows 1000 levels) are
  // left to the main thread's larger stack, after the rules are read. So
  // are triggers after a failed expansion (no prefilter is kept then).
  std::deque<Prefilter::Trigger> gathered_triggers;
  bool gathered_ok = true;
  std::unique_ptr<Prefilter> gathered_prefilter;
  tbb::concurrent_bounded_queue<const Prefilter::Trigger*> to_prefilter;  // nullptr: no more
  bool prefilter_fed = true;  // every trigger so far went to the task
  size_t pack_bytes = 0;  // the triggers are about twice the packs' text (lists inlined)
  for (const auto& pack : packs) pack_bytes += pack.text.size();
  tbb::task_group prefilter_task;
  // With one TBB thread the task runs only when this thread waits: nothing
  // in the gathering loop may wait on TBB before the end is pushed.
  prefilter_task.run([&, expected_bytes = 2 * pack_bytes] {
    Prefilter::Builder builder(Prefilter::kDenseBytes, expected_bytes);
    const Prefilter::Trigger* t = nullptr;
    for (to_prefilter.pop(t); t; to_prefilter.pop(t)) builder.add(*t);
    if (prefilter_fed) gathered_prefilter = builder.finish();  // read after the last push
  });
  // Ends the task's input and waits for it, on every way out.
  struct Join {
    tbb::concurrent_bounded_queue<const Prefilter::Trigger*>& queue;
    tbb::task_group& task;
    ~Join() {
      queue.push(nullptr);
      task.wait();
    }
  } join{to_prefilter, prefilter_task};
  auto stop_feeding = [&] {
    prefilter_fed = false;  // before the push: the task reads it after popping nullptr
    to_prefilter.push(nullptr);
  };
  auto feed_prefilter = [&](const Prefilter::Trigger& t) {
    if (!prefilter_fed) return;
    bool shallow = true;
    for (const auto& alt : t.alternatives) shallow = shallow && nesting_depth(alt) <= 100;
    if (gathered_ok && shallow) {
      to_prefilter.push(&t);
    } else {
      stop_feeding();
    }
  };
  {
    // Every rule's patterns, validated up front in parallel (Compiler::prevalidate).
    std::vector<std::vector<std::string>> batches;
    // A list of vetoes as the rules loop joins them into one regex.
    auto veto_regex = [&](const std::vector<std::string>& vetoes) {
      std::string alt;
      for (const auto& u : vetoes) {
        std::string err;
        const std::string full = comp.expand_pattern(u, &err).full;
        gathered_ok = gathered_ok && err.empty() && !full.empty();
        if (!alt.empty()) alt += '|';
        alt += "(?:" + full + ")";
      }
      return alt;
    };
    for (const auto& pack : packs) {
      const auto rules_it = pack.doc.find("rules");
      if (rules_it == pack.doc.end() || !rules_it->is_array()) continue;
      std::vector<std::string> pack_unless;
      if (pack.doc.contains("unless")) string_array(pack.doc["unless"], &pack_unless);
      const std::string pack_veto = veto_regex(pack_unless);
      for (const auto& r : *rules_it) {
        if (!r.is_object()) continue;
        // The trigger's alternatives, as the rules loop below will make
        // them (phrases, then patterns; a near-only rule: its first near's a).
        Prefilter::Trigger trigger;
        std::vector<std::string> phrases, patterns;
        if (r.contains("phrases")) string_array(r["phrases"], &phrases);
        if (r.contains("patterns")) string_array(r["patterns"], &patterns);
        for (const auto& p : phrases) {
          std::string err;
          trigger.alternatives.push_back(comp.expand_phrase(p, &err).full);
          gathered_ok = gathered_ok && err.empty() && !trigger.alternatives.back().empty();
        }
        for (const auto& p : patterns) {
          std::string err;
          trigger.alternatives.push_back(comp.expand_pattern(p, &err).full);
          gathered_ok = gathered_ok && err.empty() && !trigger.alternatives.back().empty();
        }
        std::vector<std::string> skeletons, texts;
        for (const char* field : {"patterns", "all", "unless"}) {
          if (r.contains(field)) string_array(r[field], &texts);
        }
        std::vector<std::string> own_unless;
        if (r.contains("unless")) string_array(r["unless"], &own_unless);
        trigger.own_veto = veto_regex(own_unless);
        if (r.value("pack_unless", json(true)) == true) trigger.pack_veto = pack_veto;
        // Its `all` at sentence scope (the default): what must also occur
        // in a sentence for the rule to fire there.
        if (r.contains("all") && r.value("scope", json("sentence")) == "sentence") {
          std::vector<std::string> alls;
          string_array(r["all"], &alls);
          for (const auto& p : alls) {
            std::string err;
            trigger.required.push_back(comp.expand_pattern(p, &err).full);
            gathered_ok = gathered_ok && err.empty();
          }
        }
        const auto near_it = r.find("near");
        if (near_it != r.end()) {
          for (const auto& n : near_it->is_array() ? *near_it : json::array({*near_it})) {
            for (const char* key : {"a", "b"}) {
              if (n.is_object() && n.contains(key) && n[key].is_string()) texts.push_back(n[key].get<std::string>());
            }
          }
        }
        for (const auto& t : texts) {
          std::string err;
          Expansion e = comp.expand_pattern(t, &err);
          const bool ok = err.empty() && !e.skeleton.empty();
          if (ok) skeletons.push_back(std::move(e.skeleton));
          gathered_ok = gathered_ok && ok;
        }
        batches.push_back(std::move(skeletons));
        if (trigger.alternatives.empty() && near_it != r.end()) {
          const json& first = near_it->is_array() ? (near_it->empty() ? json() : near_it->front()) : *near_it;
          if (first.is_object() && first.contains("a") && first["a"].is_string()) {
            std::string err;
            trigger.alternatives.push_back(comp.expand_pattern(first["a"].get<std::string>(), &err).full);
          }
        }
        gathered_triggers.push_back(std::move(trigger));
        feed_prefilter(gathered_triggers.back());
      }
    }
    // An expansion may have failed after the last trigger was fed (the
    // vetoes of a pack with no rules).
    if (!gathered_ok && prefilter_fed) stop_feeding();
    to_prefilter.push(nullptr);  // the end: the task finishes while the rules are validated
    comp.prevalidate(batches);
  }

  std::map<std::string, std::string> seen_ids;  // id -> file
  for (const auto& pack : packs) {
    // Fields of the wrong JSON type are issues, never json::value()'s type_error.
    const auto name_it = pack.doc.find("pack");
    const std::string pack_name = name_it != pack.doc.end() && name_it->is_string() ? name_it->get<std::string>() : "";
    std::vector<std::string> pack_unless;
    if (pack.doc.contains("unless") && !string_array(pack.doc["unless"], &pack_unless)) {
      comp.add_issue(Severity::kError, pack.path, line_of(pack.text, "unless"), "", "bad-field",
                     "pack \"unless\" must be an array of patterns");
    }
    if (!pack.doc.contains("rules")) continue;  // a lists-only pack
    // The pack's vetoes: one regex for every rule that keeps them.
    std::shared_ptr<const LazyRE2> pack_veto;
    std::vector<std::string> pack_veto_sources;
    {
      std::string alt;
      int64_t bound = 0;
      for (const auto& u : pack_unless) {
        const int line = line_of(pack.text, u);
        std::string err;
        const Expansion e = comp.expand_pattern(u, &err);
        if (!err.empty()) {
          comp.add_issue(Severity::kError, pack.path, line, "", "unknown-list", "pattern " + json(u).dump() + ": " + err);
        }
        const std::optional<int64_t> b = e.full.empty() ? std::nullopt : comp.validate(e, u, pack.path, line, "");
        if (!b) continue;
        if (!alt.empty()) alt += '|';
        alt += "(?:" + e.full + ")";
        bound += *b + 1;
        pack_veto_sources.push_back(u);
      }
      if (!alt.empty()) pack_veto = comp.matcher(alt, bound, "unless", pack.path, line_of(pack.text, "unless"), "");
    }
    if (!pack.doc["rules"].is_array()) {
      comp.add_issue(Severity::kError, pack.path, line_of(pack.text, "rules"), "", "bad-field",
                     "\"rules\" must be an array");
      continue;
    }
    size_t search_from = 0;
    for (const auto& r : pack.doc["rules"]) {
      Rule rule;
      rule.pack = pack_name;
      rule.file = pack.path;
      if (!r.is_object() || !r.contains("id") || !r["id"].is_string() || r["id"].get<std::string>().empty()) {
        comp.add_issue(Severity::kError, pack.path, 0, "", "missing-id", "every rule needs a string \"id\"");
        continue;
      }
      rule.id = r["id"];
      {
        const std::string quoted = json(rule.id).dump();
        size_t pos = pack.text.find(quoted, search_from);
        if (pos == std::string::npos) pos = pack.text.find(quoted);
        rule.line = pos == std::string::npos ? 0 : pack.line_at(pos);
        if (pos != std::string::npos) search_from = pos + 1;
      }
      const std::string& file = pack.path;
      const int line = rule.line;
      auto problem = [&](const std::string& code, const std::string& msg,
                         Severity sev = Severity::kError) {
        comp.add_issue(sev, file, line, rule.id, code, msg);
      };
      if (auto it = seen_ids.find(rule.id); it != seen_ids.end()) {
        problem("duplicate-id", "rule id is already used in " + it->second);
      } else {
        seen_ids[rule.id] = file;
      }
      for (const auto& [key, unused] : r.items()) {
        if (!kRuleFields.count(key)) {
          problem("unknown-field", "unknown rule field \"" + key +
                                       "\" (known: id, techniques, note, phrases, patterns, all, near, "
                                       "unless, scope, examples, weight, pack_unless)");
        }
      }
      // techniques
      if (!r.contains("techniques") || !string_array(r["techniques"], &rule.techniques) ||
          rule.techniques.empty()) {
        problem("missing-techniques", "\"techniques\" must list one or more DISARM IDs");
      }
      for (const auto& t : rule.techniques) {
        if (opts.catalog && !opts.catalog->empty()) {
          if (!opts.catalog->find(t)) problem("unknown-technique", "technique " + t + " is not in the catalogue");
        } else if (!looks_like_technique_id(t)) {
          problem("bad-technique", "\"" + t + "\" is not a DISARM technique ID (T1234 or T1234.567)");
        }
      }
      if (r.contains("note") && !r["note"].is_string()) {
        problem("bad-field", "\"note\" must be a string");
      } else {
        rule.note = r.value("note", "");
        if (rule.note.empty()) problem("missing-note", "add a \"note\": why this wording signals the technique", Severity::kWarning);
      }
      // scope and weight
      std::string scope = r.contains("scope") && !r["scope"].is_string() ? "" : r.value("scope", "sentence");
      if (scope == "sentence") rule.scope = Scope::kSentence;
      else if (scope == "paragraph") rule.scope = Scope::kParagraph;
      else if (scope == "document") rule.scope = Scope::kDocument;
      else problem("bad-scope", "\"scope\" must be sentence, paragraph or document");
      if (r.contains("weight")) {
        if (!r["weight"].is_number() || r["weight"].get<double>() <= 0 || r["weight"].get<double>() > 1) {
          problem("bad-weight", "\"weight\" must be a number in (0, 1]");
        } else {
          rule.weight = r["weight"].get<double>();
        }
      }
      // triggers
      std::vector<std::string> phrases, patterns, alls, unless;
      if (r.contains("phrases") && !string_array(r["phrases"], &phrases)) problem("bad-field", "\"phrases\" must be an array of strings");
      if (r.contains("patterns") && !string_array(r["patterns"], &patterns)) problem("bad-field", "\"patterns\" must be an array of strings");
      if (r.contains("all") && !string_array(r["all"], &alls)) problem("bad-field", "\"all\" must be an array of patterns");
      if (r.contains("unless") && !string_array(r["unless"], &unless)) problem("bad-field", "\"unless\" must be an array of patterns");
      bool use_pack_unless = true;
      if (r.contains("pack_unless") && !r["pack_unless"].is_boolean()) {
        problem("bad-field", "\"pack_unless\" must be true or false");
      } else {
        use_pack_unless = r.value("pack_unless", true);
      }

      auto expand_pattern = [&](const std::string& p) {
        std::string err;
        Expansion e = comp.expand_pattern(p, &err);
        if (!err.empty()) problem("unknown-list", "pattern " + json(p).dump() + ": " + err);
        return e;
      };
      // A validated pattern's shared matcher, or nullptr after reporting why not.
      auto pattern_matcher = [&](const std::string& p) -> std::shared_ptr<const LazyRE2> {
        comp.check_case(p, file, line, rule.id);
        const Expansion e = expand_pattern(p);
        if (e.full.empty()) return nullptr;
        const std::optional<int64_t> bound = comp.validate(e, p, file, line, rule.id);
        return bound ? comp.matcher(e.full, *bound, p, file, line, rule.id) : nullptr;
      };
      bool triggers_ok = true;
      int64_t trigger_bound = 0;  // instructions, as Compiler::validate()
      // Phrases are checked one by one only if their combined trigger fails
      // to compile (a phrase is quoted text and lists, so it can fail only by
      // size or by matching empty, and then so does the alternation). Their
      // issues then go where a phrase-by-phrase check would have put them.
      struct PhraseCheck {
        std::string rx, phrase;
        size_t issue_at;  // issues->size() when the phrase was read
      };
      std::vector<PhraseCheck> phrase_checks;
      for (const auto& p : phrases) {
        std::string err;
        const std::string rx = comp.expand_phrase(p, &err).full;
        if (!err.empty() || rx.empty()) {
          problem(err.empty() ? "empty-phrase" : "unknown-list",
                  "phrase " + json(p).dump() + ": " + (err.empty() ? "empty after normalization" : err));
          triggers_ok = false;
          continue;
        }
        phrase_checks.push_back({rx, p, issues->size()});
        rule.trigger_sources.push_back(rx);
        trigger_bound += kInstructionsPerPhraseByte * static_cast<int64_t>(rx.size()) + 1;
      }
      for (const auto& p : patterns) {
        comp.check_case(p, file, line, rule.id);
        const Expansion e = expand_pattern(p);
        const std::optional<int64_t> bound =
            e.full.empty() ? std::nullopt : comp.validate(e, p, file, line, rule.id);
        if (!bound) {
          triggers_ok = false;
          continue;
        }
        rule.trigger_sources.push_back(e.full);
        trigger_bound += *bound + 1;
      }
      for (const auto& p : alls) {
        if (auto re = pattern_matcher(p)) {
          rule.all.push_back(std::move(re));
          rule.all_sources.push_back(p);
        }
      }
      if (r.contains("near")) {
        json nears = r["near"].is_array() ? r["near"] : json::array({r["near"]});
        for (const auto& n : nears) {
          if (!n.is_object() || !n.contains("a") || !n.contains("b") || !n["a"].is_string() ||
              !n["b"].is_string()) {
            problem("bad-near", "\"near\" needs {\"a\": pattern, \"b\": pattern, \"words\": N}");
            continue;
          }
          Near nr;
          nr.a_source = n["a"];
          nr.b_source = n["b"];
          // Checked as a double: a huge number must not be converted to int (undefined).
          const json words = n.contains("words") ? n["words"] : json(8);
          if (!words.is_number() || words.get<double>() < 0 || words.get<double>() > 100) {
            problem("bad-near", "\"words\" must be 0..100");
          } else {
            nr.words = static_cast<int>(words.get<double>());
          }
          nr.a = pattern_matcher(nr.a_source);
          nr.b = pattern_matcher(nr.b_source);
          if (nr.a && nr.b) rule.near.push_back(std::move(nr));
        }
      }
      if (!unless.empty()) {
        std::string alt;
        int64_t bound = 0;
        for (const auto& u : unless) {
          const Expansion e = expand_pattern(u);
          const std::optional<int64_t> b =
              e.full.empty() ? std::nullopt : comp.validate(e, u, file, line, rule.id);
          if (!b) continue;
          if (!alt.empty()) alt += '|';
          alt += "(?:" + e.full + ")";
          bound += *b + 1;
          rule.unless_sources.push_back(u);
        }
        if (!alt.empty()) rule.unless = comp.matcher(alt, bound, "unless", file, line, rule.id);
      }
      if (use_pack_unless && pack_veto) {
        rule.pack_unless = pack_veto;
        rule.unless_sources.insert(rule.unless_sources.end(), pack_veto_sources.begin(), pack_veto_sources.end());
      }
      if (rule.trigger_sources.empty() && rule.near.empty() && triggers_ok) {
        problem("no-trigger", "a rule needs \"phrases\", \"patterns\" or \"near\"");
      }
      // A near-only rule is triggered by its first near's `a`.
      std::string trigger;
      if (!rule.trigger_sources.empty()) {
        for (const auto& t : rule.trigger_sources) {
          if (!trigger.empty()) trigger += '|';
          trigger += "(?:" + t + ")";
        }
      } else if (!rule.near.empty()) {
        trigger = rule.near.front().a->pattern();
        trigger_bound = 0;  // validated as the near's `a`
      }
      if (!trigger.empty()) rule.trigger = comp.matcher(trigger, trigger_bound, "triggers", file, line, rule.id);
      if (!rule.trigger && !phrase_checks.empty()) {
        size_t shift = 0;
        for (const auto& c : phrase_checks) {
          const size_t before = issues->size();
          comp.check(c.rx, c.phrase, file, line, rule.id);
          std::rotate(issues->begin() + static_cast<long>(c.issue_at + shift),
                      issues->begin() + static_cast<long>(before), issues->end());
          shift += issues->size() - before;
        }
      }
      // examples
      if (r.contains("examples")) {
        const json& ex = r["examples"];
        if (!ex.is_object() || (ex.contains("match") && !string_array(ex["match"], &rule.match_examples)) ||
            (ex.contains("no_match") && !string_array(ex["no_match"], &rule.no_match_examples))) {
          problem("bad-examples", "\"examples\" must be {\"match\": [...], \"no_match\": [...]}");
        }
        for (const auto& [key, unused] : ex.items()) {
          if (key != "match" && key != "no_match") problem("unknown-field", "unknown examples field \"" + key + "\"");
        }
      }
      if (rule.match_examples.empty() || rule.no_match_examples.empty()) {
        problem("missing-examples", "give at least one \"match\" and one \"no_match\" example sentence");
      }
      if (rule.trigger) set->rules_.push_back(std::move(rule));
    }
  }

  if (has_errors(*issues)) return set;  // caller checks issues; set is not usable
  prefilter_task.wait();
  // Every rule loaded without errors, so rules_ are the gathered rules in
  // order (and their patterns valid); checked anyway, as the prefilter must
  // be over exactly them.
  bool gathered_match = gathered_prefilter && gathered_triggers.size() == set->rules_.size();
  for (size_t i = 0; gathered_match && i < set->rules_.size(); ++i) {
    const Rule& rule = set->rules_[i];
    const auto& alts = gathered_triggers[i].alternatives;
    gathered_match = rule.trigger_sources.empty()
                         ? alts.size() == 1 && alts[0] == rule.trigger->pattern()
                         : alts == rule.trigger_sources;
    gathered_match = gathered_match && gathered_triggers[i].required == sentence_alls(rule) &&
                     gathered_triggers[i].own_veto == (rule.unless ? rule.unless->pattern() : "") &&
                     gathered_triggers[i].pack_veto == (rule.pack_unless ? rule.pack_unless->pattern() : "");
  }
  if (gathered_match) {
    for (size_t i = 0; i < set->rules_.size(); ++i) gathered_prefilter->set_whole(i, set->rules_[i].trigger.get());
    set->prefilter_ = std::move(gathered_prefilter);
    return set;
  }
  std::vector<Prefilter::Trigger> triggers(set->rules_.size());
  for (size_t i = 0; i < set->rules_.size(); ++i) {
    const Rule& rule = set->rules_[i];
    triggers[i].whole = rule.trigger.get();
    // The trigger is "(?:t0)|(?:t1)|..." of trigger_sources (a near-only
    // rule's is its first near's `a`).
    triggers[i].alternatives = rule.trigger_sources;
    if (triggers[i].alternatives.empty()) triggers[i].alternatives.push_back(rule.trigger->pattern());
    triggers[i].required = sentence_alls(rule);
    if (rule.unless) triggers[i].own_veto = rule.unless->pattern();
    if (rule.pack_unless) triggers[i].pack_veto = rule.pack_unless->pattern();
  }
  set->prefilter_ = Prefilter::build(triggers);
  return set;
}

std::string RuleSet::find_default(const std::string& argv0) {
  if (const char* env = std::getenv("TTPTAG_RULES"); env && *env) return env;
  std::error_code ec;
  std::vector<fs::path> candidates;
  if (!argv0.empty()) {
    fs::path exe = fs::weakly_canonical(fs::path(argv0), ec);
    candidates.push_back(exe.parent_path() / "rules");
    candidates.push_back(exe.parent_path().parent_path() / "rules");
    candidates.push_back(exe.parent_path().parent_path() / "share" / "ttptag" / "rules");
  }
  candidates.push_back(fs::path(TTPTAG_SOURCE_DIR) / "rules");
  for (const auto& c : candidates) {
    if (fs::is_directory(c, ec)) return c.string();
  }
  return "";
}

}  // namespace ttptag
