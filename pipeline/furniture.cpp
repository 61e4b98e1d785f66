#include "furniture.h"

#include <string>
#include <vector>

namespace ttptag {

namespace {

// Whole lines (trimmed, lower case, without a trailing ':') that are furniture.
constexpr std::string_view kLines[] = {
    "share this article", "share this", "share this story", "share this post", "share this page",
    "share on facebook", "share on twitter", "share on x", "share on linkedin", "share on whatsapp",
    "share via email", "share by email", "email this article", "print this article", "print this page",
    "related articles", "related posts", "related stories", "related content", "related",
    "more stories", "read more", "read next", "you may also like", "you might also like",
    "recommended for you", "most popular", "accept all cookies", "accept cookies", "reject all cookies",
    "cookie settings", "manage cookies", "leave a reply", "leave a reply cancel reply", "cancel reply",
    "leave a comment", "post comment", "comments", "your email address will not be published.",
    "your email address will not be published. required fields are marked *",
    "required fields are marked *",
    "save my name, email, and website in this browser for the next time i comment.", "back to top button",
    "back to top", "advertisement", "subscribe to our newsletter", "sign up for our newsletter", "sign up",
    "skip to content"};

// Words of share-button rows ("Share Tweet Email Print").
constexpr std::string_view kShareWords[] = {
    "share", "shares", "on", "via", "tweet", "email", "e-mail", "print", "facebook", "twitter", "x", "linkedin",
    "whatsapp", "telegram", "reddit", "pinterest", "messenger", "copy", "link", "flipboard", "pocket", "mail"};

// A line starting with one of these (then a space, ',' or '.') is a cookie
// notice if it mentions cookies and one of kCookieContext.
constexpr std::string_view kCookiePrefixes[] = {
    "we use cookies", "this website uses cookies", "this site uses cookies", "our website uses cookies",
    "by using this site", "by using this website", "by continuing to use"};

constexpr std::string_view kCookieContext[] = {"experience", "site", "browsing", "consent", "agree", "accept",
                                                "privacy", "personali", "analytics", "traffic", "advertis"};

// A line starting with one of these points to another article.
constexpr std::string_view kLinkPrefixes[] = {"read more:", "related:", "also read:", "see also:",
                                                           "you may also like:", "read next:"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_share_row(std::string_view lower) {
  auto ws = words(lower);
  if (ws.empty() || ws.size() > 12) return false;
  for (auto w : ws) {
    while (!w.empty() && (w.back() == ':' || w.back() == ',' || w.back() == '|')) w.remove_suffix(1);
    if (w.empty() || w == "|" || w == "/") continue;
    bool known = false;
    for (auto s : kShareWords) known = known || w == s;
    if (!known) return false;
  }
  return true;
}

bool is_comment_count(std::string_view lower) {
  size_t i = 0;
  while (i < lower.size() && is_digit(lower[i])) ++i;
  if (i == 0) return false;
  std::string_view rest = trim(lower.substr(i));
  return rest == "comments" || rest == "comment" || rest == "responses" || rest == "response" ||
         rest == "replies" || rest == "thoughts on this article";
}

// "Home | World | Europe": 3+ short items of capitalised words.
bool is_menu(std::string_view line) {
  static constexpr std::string_view kSeparators[] = {"|", "\xE2\x80\xA2", "\xC2\xB7", "\xC2\xBB",
                                                                  "\xE2\x80\xBA", ">"};
  std::vector<std::string_view> items;
  size_t start = 0, i = 0;
  while (i < line.size()) {
    size_t len = 0;
    for (auto sep : kSeparators) {
      if (line.substr(i, sep.size()) == sep) len = sep.size();
    }
    if (len > 0) {
      items.push_back(trim(line.substr(start, i - start)));
      i += len;
      start = i;
    } else {
      ++i;
    }
  }
  items.push_back(trim(line.substr(start)));
  size_t nonempty = 0;
  for (auto item : items) {
    if (item.empty()) continue;
    ++nonempty;
    auto ws = words(item);
    if (ws.size() > 4) return false;
    for (auto w : ws) {
      if (!(is_upper(w.front()) || is_digit(w.front()) || w == "&")) return false;
      if (w.back() == '.' || w.back() == ',' || w.back() == ';' || w.back() == '?' || w.back() == '!') return false;
    }
  }
  return nonempty >= 3;
}

}  // namespace

bool is_furniture_line(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.size() > 200) return false;
  std::string lower(line);
  for (auto& c : lower) {
    if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view bare = lower;
  while (!bare.empty() && bare.back() == ':') bare.remove_suffix(1);
  bare = trim(bare);
  for (auto entry : kLines) {
    if (bare == entry) return true;
  }
  bool cookie_context = false;
  for (auto word : kCookieContext) cookie_context = cookie_context || lower.find(word) != std::string::npos;
  if (cookie_context && lower.find("cookie") != std::string::npos) {
    for (auto prefix : kCookiePrefixes) {
      if (starts_with(lower, prefix) && lower.size() > prefix.size() &&
          (lower[prefix.size()] == ' ' || lower[prefix.size()] == ',' || lower[prefix.size()] == '.'))
        return true;
    }
  }
  for (auto prefix : kLinkPrefixes) {
    if (starts_with(lower, prefix)) return true;
  }
  return is_share_row(lower) || is_comment_count(lower) || is_menu(line);
}

size_t mask_furniture(Document& doc) {
  size_t count = 0;
  const std::string_view text = doc.text;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (is_furniture_line(text.substr(pos, end - pos))) {
      doc.masked.emplace_back(pos, end);
      ++count;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return count;
}

}  // namespace ttptag
