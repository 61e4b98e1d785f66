#include "regex_factor.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace ttptag {

size_t class_end(std::string_view s, size_t open) {
  size_t j = open + 1;
  if (j < s.size() && s[j] == '^') ++j;
  if (j < s.size() && s[j] == ']') ++j;  // a leading ] is a literal
  while (j < s.size() && s[j] != ']') {
    if (s[j] == '\\') {
      j += 2;
    } else if (s.compare(j, 2, "[:") == 0 && s.find(":]", j) != std::string_view::npos) {
      j = s.find(":]", j) + 2;
    } else {
      ++j;
    }
  }
  return std::min(j, s.size());
}

namespace {

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The offset of the ')' closing the group that opens at s[open], or npos.
size_t group_end(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '[') {
      i = class_end(s, i);
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// One token of a plain branch, or nullopt for anything else.
std::optional<std::string_view> token_at(std::string_view b, size_t i) {
  const char c = b[i];
  if (c == '\\') {
    if (i + 1 >= b.size()) return std::nullopt;
    const char e = b[i + 1];
    if (e == 'b') return b.substr(i, 2);
    if (e == 's') return b.compare(i, 3, "\\s+") == 0 ? std::optional(b.substr(i, 3)) : std::nullopt;
    // Escaped punctuation is a literal; letters and digits are classes,
    // assertions or code points (\w, \d, \x41, \pL...).
    if (is_ascii_alnum(e) || static_cast<unsigned char>(e) >= 0x80) return std::nullopt;
    return b.substr(i, 2);
  }
  if (c == '[') return b.compare(i, 6, "[-\\s]?") == 0 ? std::optional(b.substr(i, 6)) : std::nullopt;
  if (std::string_view("()|[]{}*+?.^$").find(c) != std::string_view::npos) return std::nullopt;
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x80) return b.substr(i, 1);
  // A UTF-8 character stays whole: RE2 rejects a pattern that splits one.
  const size_t len = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : u >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > b.size()) return std::nullopt;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(b[i + k]) & 0xC0) != 0x80) return std::nullopt;
  }
  return b.substr(i, len);
}

// Whether a literal token is a white-space character (\s: space, \t, \n, \v, \f, \r).
bool matches_space(std::string_view t) {
  if (t.size() == 2 && t[0] == '\\') t.remove_prefix(1);
  return t.size() == 1 && std::string_view(" \t\n\v\f\r").find(t[0]) != std::string_view::npos;
}

// The branch as tokens, or nullopt if it is not plain or a token could match
// in more than one way where the branch goes on (see regex_factor.h).
std::optional<std::vector<std::string_view>> plain_tokens(std::string_view branch) {
  std::vector<std::string_view> tokens;
  for (size_t i = 0; i < branch.size();) {
    const auto t = token_at(branch, i);
    if (!t) return std::nullopt;
    tokens.push_back(*t);
    i += t->size();
  }
  if (tokens.empty()) return std::nullopt;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const bool last = k + 1 == tokens.size();
    if (tokens[k] == "\\s+") {
      // \s+ then a token that cannot match white space: only the whole run fits.
      if (last || tokens[k + 1] == "\\s+" || tokens[k + 1] == "[-\\s]?" || matches_space(tokens[k + 1])) {
        return std::nullopt;
      }
    } else if (tokens[k] == "[-\\s]?") {
      // [-\s]? then a letter or digit: it matches "-", " " or nothing as the text says.
      if (last || !(tokens[k + 1].size() > 1 || is_ascii_alnum(tokens[k + 1][0]))) return std::nullopt;
      if (tokens[k + 1].size() > 1 && tokens[k + 1][0] == '\\') return std::nullopt;
    }
  }
  return tokens;
}

using Branch = std::vector<std::string_view>;

// The alternation of branches[begin, end), each from token `depth` on, with
// runs of neighbours that share their next token merged. Tokens every
// branch of a run shares are written in a loop, so recursion goes one
// level per fork, not per token (a phrase may be thousands of tokens).
void write_trie(const std::vector<Branch>& branches, size_t begin, size_t end, size_t depth, std::string* out) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = begin; i < end;) {
    size_t j = i + 1;
    if (depth < branches[i].size()) {
      while (j < end && depth < branches[j].size() && branches[j][depth] == branches[i][depth]) ++j;
    }
    runs.emplace_back(i, j);
    i = j;
  }
  const bool group = runs.size() > 1;
  if (group) *out += "(?:";
  for (size_t r = 0; r < runs.size(); ++r) {
    if (r) *out += '|';
    const size_t i = runs[r].first, j = runs[r].second;  // not a structured binding: the lambda captures them
    size_t d = depth;
    auto shared = [&] {
      for (size_t k = i; k < j; ++k) {
        if (d >= branches[k].size() || branches[k][d] != branches[i][d]) return false;
      }
      return true;
    };
    while (shared()) *out += branches[i][d++];
    // Past the shared tokens the run forks, or its one branch has ended (an
    // empty alternative where it ends at `depth`).
    if (j - i > 1) write_trie(branches, i, j, d, out);
  }
  if (group) *out += ')';
}

// The inside of a "(?:...)" group, factored if its branches are all plain.
std::string factor_group(std::string_view inside) {
  if (inside.find('(') != std::string_view::npos) return std::string(inside);
  std::vector<Branch> branches;
  for (size_t i = 0;;) {
    size_t bar = i;
    while (bar < inside.size() && inside[bar] != '|') bar += inside[bar] == '\\' ? 2 : 1;
    auto tokens = plain_tokens(inside.substr(i, std::min(bar, inside.size()) - i));
    if (!tokens) return std::string(inside);
    branches.push_back(std::move(*tokens));
    if (bar >= inside.size()) break;
    i = bar + 1;
  }
  bool shared = false;  // do any neighbours begin alike?
  for (size_t k = 1; k < branches.size(); ++k) shared = shared || branches[k][0] == branches[k - 1][0];
  if (!shared) return std::string(inside);
  std::string out;
  write_trie(branches, 0, branches.size(), 0, &out);
  return out;
}

}  // namespace

std::string factor_alternations(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '\\') {
      out.append(p.substr(i, 2));
      i += 2;
    } else if (p[i] == '[') {
      const size_t end = std::min(class_end(p, i) + 1, p.size());
      out.append(p.substr(i, end - i));
      i = end;
    } else if (const size_t close = p.compare(i, 3, "(?:") == 0 ? group_end(p, i) : std::string_view::npos;
               close != std::string_view::npos) {
      out += "(?:";
      out += factor_group(factor_alternations(p.substr(i + 3, close - i - 3)));
      out += ')';
      i = close + 1;
    } else {
      out += p[i++];
    }
  }
  return out;
}

}  // namespace ttptag
