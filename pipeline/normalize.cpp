// normalize.cpp: reader text -> rule text plus byte map (contract in normalize.h).
#include "normalize.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace ttptag {
namespace {

constexpr size_t kMaxInput = 0x7FFFFFFF;  // 2^31-1: offsets must fit uint32
constexpr int32_t kReplacement = 0xFFFD;
// UAX #15 "stream-safe" bound on non-starters per cluster: keeps the
// quadratic mark reordering cheap on adversarial (Zalgo) input.
constexpr size_t kMaxMarks = 30;
constexpr utf8proc_option_t kNfkcCf = static_cast<utf8proc_option_t>(
    UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STABLE);

// Punctuation folds. Applied before NFKC (which would turn ″ into ′′ and ´
// into space + U+0301) and again after it (NFKC yields some of these, e.g.
// U+FE58 small em dash -> U+2014).
int32_t fold(int32_t c) {
  if (c < 0x60 || (c > 0x60 && c < 0xAB)) return c;
  switch (c) {
    case 0x0060: case 0x00B4: case 0x2018: case 0x2019: case 0x201A:
    case 0x201B: case 0x2032:
      return '\'';
    case 0x00AB: case 0x00BB: case 0x201C: case 0x201D: case 0x201E:
    case 0x201F: case 0x2033:
      return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212:
      return '-';
    default:
      return c;
  }
}

enum class Kind { kText, kSpace, kDrop };

// Classifies a valid non-ASCII code point; `breaks` gets the number of line
// breaks a white-space code point stands for.
Kind classify(int32_t c, const utf8proc_property_t* p, int* breaks) {
  *breaks = 0;
  switch (p->category) {
    case UTF8PROC_CATEGORY_CC:
      if (c == 0x85) {  // NEL is a line break, not noise
        *breaks = 1;
        return Kind::kSpace;
      }
      return Kind::kDrop;
    case UTF8PROC_CATEGORY_ZS:
      return Kind::kSpace;
    case UTF8PROC_CATEGORY_ZL:
      *breaks = 1;
      return Kind::kSpace;
    case UTF8PROC_CATEGORY_ZP:
      *breaks = 2;
      return Kind::kSpace;
    default:
      return p->ignorable ? Kind::kDrop : Kind::kText;
  }
}

bool is_upper(const utf8proc_property_t* p) {
  return p->category == UTF8PROC_CATEGORY_LU || p->category == UTF8PROC_CATEGORY_LT;
}

// Code points that belong to the preceding cluster: combining marks, and
// Hangul medial/final jamo (the only starters NFC composes with a
// preceding starter).
bool extends(int32_t c, const utf8proc_property_t* p) {
  switch (p->category) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
      return true;
    default:
      return (c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2);
  }
}

class Normalizer {
 public:
  Normalizer(std::string_view in, NormalizedText& out)
      : s_(reinterpret_cast<const uint8_t*>(in.data())), n_(in.size()), out_(out) {
    // Most text shrinks or stays; a little slack avoids one regrowth for
    // expansions (ß, ligatures, U+FFFD for single bytes).
    const size_t guess = n_ + n_ / 16 + 16;
    out_.text.reserve(guess);
    out_.orig_begin.reserve(guess);
    out_.orig_end.reserve(guess);
    out_.flags.reserve(guess);
    cps_.reserve(64);
    buf_.resize(256);
  }

  void run() {
    size_t i = 0;
    while (i < n_) {
      const uint8_t c = s_[i];
      if (c < 0x80) {
        if (c > 0x20 && c < 0x7F) {
          const size_t j = ascii_run(i);
          if (j > i) {
            i = j;
            continue;
          }
          // Else the byte before a non-ASCII one: that may be its mark.
        } else {
          switch (c) {
            case ' ': case '\t': case '\v': case '\f':
              space(i, i + 1, 0);
              ++i;
              break;
            case '\n':
              space(i, i + 1, 1);
              ++i;
              break;
            case '\r': {
              const size_t len = (i + 1 < n_ && s_[i + 1] == '\n') ? 2 : 1;
              space(i, i + len, 1);
              i += len;
              break;
            }
            default:  // NUL, other C0 controls, DEL
              ++i;
              break;
          }
          continue;
        }
      }
      i = cluster(i);
    }
    // Pending white space here is trailing: dropped.
  }

  size_t invalid_count() const { return invalid_; }
  size_t first_invalid() const { return first_invalid_; }

 private:
  struct Decoded {
    int32_t cp;
    size_t len;
    bool ok;
    const utf8proc_property_t* prop;
  };

  // Decodes at i; an invalid byte decodes as U+FFFD of length 1.
  Decoded decode(size_t i) const {
    int32_t cp = 0;
    const utf8proc_ssize_t r = utf8proc_iterate(
        s_ + i, static_cast<utf8proc_ssize_t>(n_ - i), &cp);
    if (r <= 0) return {kReplacement, 1, false, utf8proc_get_property(kReplacement)};
    return {cp, static_cast<size_t>(r), true, utf8proc_get_property(cp)};
  }

  // Hot: called per output byte, so kept inline.
  [[gnu::always_inline]] inline void push(uint8_t byte, size_t b, size_t e, uint8_t flag) {
    out_.text.push_back(static_cast<char>(byte));
    out_.orig_begin.push_back(static_cast<uint32_t>(b));
    out_.orig_end.push_back(static_cast<uint32_t>(e));
    out_.flags.push_back(flag);
  }

  void space(size_t b, size_t e, int breaks) {
    if (!ws_pending_) {
      ws_pending_ = true;
      ws_begin_ = b;
      ws_end_ = e;
      ws_breaks_ = 0;
    }
    if (e > ws_end_) ws_end_ = e;
    ws_breaks_ += breaks;
  }

  // Emits the pending white-space run before text; leading runs vanish.
  void flush_space() {
    if (!ws_pending_) return;
    ws_pending_ = false;
    if (out_.text.empty()) return;
    push(ws_breaks_ == 0 ? ' ' : '\n', ws_begin_, ws_end_, 0);
    if (ws_breaks_ >= 2) push('\n', ws_begin_, ws_end_, 0);
  }

  // Emits printable ASCII from i on in bulk, stopping before a byte that is
  // followed by a non-ASCII one (that may be a combining mark for it).
  // Returns the end of what it emitted.
  size_t ascii_run(size_t i) {
    size_t j = i;
    while (j < n_ && s_[j] > 0x20 && s_[j] < 0x7F && (j + 1 == n_ || s_[j + 1] < 0x80)) ++j;
    if (j == i) return i;
    flush_space();
    for (size_t k = i; k < j; ++k) {
      uint8_t c = s_[k];
      uint8_t flag = 0;
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<uint8_t>(c + ('a' - 'A'));
        flag = NormalizedText::kUpper;
      } else if (c == '`') {
        c = '\'';
      }
      push(c, k, k + 1, flag);
    }
    return j;
  }

  // Handles the character at i (not plain ASCII) together with its
  // combining marks; returns the position after what it consumed.
  size_t cluster(size_t i) {
    const Decoded d = decode(i);
    const utf8proc_property_t* p = d.prop;
    if (!d.ok) {
      if (invalid_++ == 0) first_invalid_ = i;
    } else if (d.cp >= 0x80) {
      int breaks = 0;
      switch (classify(d.cp, p, &breaks)) {
        case Kind::kDrop:
          return i + d.len;
        case Kind::kSpace:
          space(i, i + d.len, breaks);
          return i + d.len;
        case Kind::kText:
          break;
      }
    }
    bool upper = is_upper(p);
    cps_.clear();
    cps_.push_back(d.cp);
    size_t end = i + d.len;
    // Collect marks; ignorables between base and mark (e.g. ZWJ) are
    // skipped, but trailing ones stay outside the cluster's range.
    for (size_t marks = 0; marks < kMaxMarks; ++marks) {
      size_t k = end;
      bool found = false;
      int32_t mark = 0;
      while (k < n_ && s_[k] >= 0x80) {
        const Decoded m = decode(k);
        if (!m.ok) break;
        if (extends(m.cp, m.prop)) {
          found = true;
          mark = m.cp;
          k += m.len;
          break;
        }
        if (!m.prop->ignorable) break;
        k += m.len;
      }
      if (!found) break;
      cps_.push_back(mark);
      end = k;
    }
    emit_cluster(i, end, upper);
    return end;
  }

  // NFKC + case fold of cps_ (one cluster), then folds and emission.
  void emit_cluster(size_t b, size_t e, bool upper) {
    size_t len = 0;
    for (int32_t c : cps_) {
      const int32_t f = fold(c);
      for (;;) {
        int boundclass = 0;
        const size_t room = buf_.size() - len;
        const utf8proc_ssize_t r = utf8proc_decompose_char(
            f, buf_.data() + len, static_cast<utf8proc_ssize_t>(room), kNfkcCf,
            &boundclass);
        if (r < 0) {  // cannot happen without REJECTNA; keep the char as is
          if (room == 0) {
            buf_.resize(buf_.size() * 2);
            continue;
          }
          buf_[len++] = f;
          break;
        }
        if (static_cast<size_t>(r) > room) {
          buf_.resize(buf_.size() * 2 + static_cast<size_t>(r));
          continue;
        }
        len += static_cast<size_t>(r);
        break;
      }
    }
    if (len > 1) compose(len);
    emit_decomposed(len, b, e, upper);
  }

  // Canonical ordering and composition of buf_[0, len); updates len.
  void compose(size_t& len) {
    // Canonical ordering of marks (utf8proc does this only inside
    // utf8proc_decompose, which wants UTF-8 input).
    for (size_t k = 0; k + 1 < len;) {
      const auto c1 = utf8proc_get_property(buf_[k])->combining_class;
      const auto c2 = utf8proc_get_property(buf_[k + 1])->combining_class;
      if (c1 > c2 && c2 > 0) {
        std::swap(buf_[k], buf_[k + 1]);
        if (k > 0) --k;
      } else {
        ++k;
      }
    }
    const utf8proc_ssize_t composed = utf8proc_normalize_utf32(
        buf_.data(), static_cast<utf8proc_ssize_t>(len), kNfkcCf);
    if (composed >= 0) len = static_cast<size_t>(composed);
  }

  // Folds, classifies and writes the normalized code points buf_[0, len).
  void emit_decomposed(size_t len, size_t b, size_t e, bool upper) {
    const uint8_t flag = upper ? NormalizedText::kUpper : 0;
    for (size_t k = 0; k < len; ++k) {
      const int32_t c = fold(buf_[k]);
      // The unchanged base was classified as text already.
      if (c >= 0x80 && c != cps_[0]) {
        // NFKC can yield spaces (U+00A8 -> " \u0308", U+FDFA -> words) and
        // ignorables (U+FFA0 -> U+3164).
        int breaks = 0;
        const Kind kind = classify(c, utf8proc_get_property(c), &breaks);
        if (kind == Kind::kSpace) {
          space(b, e, breaks);
          continue;
        }
        if (kind == Kind::kDrop) continue;
      } else if (c == ' ') {
        space(b, e, 0);
        continue;
      }
      flush_space();
      uint8_t bytes[4];
      const utf8proc_ssize_t nb = utf8proc_encode_char(c, bytes);
      for (utf8proc_ssize_t j = 0; j < nb; ++j) push(bytes[j], b, e, flag);
    }
  }

  const uint8_t* s_;
  size_t n_;
  NormalizedText& out_;
  std::vector<int32_t> cps_;  // current cluster's code points
  std::vector<int32_t> buf_;  // its decomposition; reused across clusters
  bool ws_pending_ = false;
  size_t ws_begin_ = 0, ws_end_ = 0;
  int ws_breaks_ = 0;
  size_t invalid_ = 0;
  size_t first_invalid_ = 0;
};

}  // namespace

namespace detail {

NormalizedText normalize_text_limited(std::string_view input,
                                      std::vector<Warning>* warnings,
                                      size_t max_bytes) {
  NormalizedText out;
  if (input.size() > max_bytes) {
    size_t cut = max_bytes;
    // Back off over continuation bytes so the last character stays whole.
    for (int k = 0; k < 3 && cut > 0 && (static_cast<uint8_t>(input[cut]) & 0xC0) == 0x80; ++k)
      --cut;
    if (warnings) {
      warnings->push_back({"too-large", "document has " + std::to_string(input.size()) +
                                            " bytes; only the first " +
                                            std::to_string(cut) + " were processed"});
    }
    input = input.substr(0, cut);
  }
  Normalizer norm(input, out);
  norm.run();
  if (norm.invalid_count() > 0 && warnings) {
    warnings->push_back(
        {"invalid-utf8", std::to_string(norm.invalid_count()) +
                             " invalid UTF-8 byte(s) replaced by U+FFFD, first at byte " +
                             std::to_string(norm.first_invalid())});
  }
  return out;
}

}  // namespace detail

NormalizedText normalize_text(std::string_view input, std::vector<Warning>* warnings) {
  return detail::normalize_text_limited(input, warnings, kMaxInput);
}

void normalize(Document& doc) {
  if (doc.masked.empty()) {
    doc.norm = normalize_text(doc.text, &doc.warnings);
  } else {
    // Masked ranges read as spaces; same length, so offsets still index doc.text.
    std::string masked = doc.text;
    for (const auto& [begin, end] : doc.masked) {
      if (begin >= masked.size()) continue;
      const size_t stop = std::min(end, masked.size());
      if (stop > begin) std::fill(masked.begin() + static_cast<std::ptrdiff_t>(begin),
                                  masked.begin() + static_cast<std::ptrdiff_t>(stop), ' ');
    }
    doc.norm = normalize_text(masked, &doc.warnings);
  }
  if (doc.norm.text.empty()) doc.warnings.push_back({"empty-input", "document has no text"});
}

}  // namespace ttptag
