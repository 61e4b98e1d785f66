// Fuzz target: factor_alternations (pipeline/regex_factor.h), the rewrite
// RE2 compiles rule regexes through.
//
// Input: a pattern, a newline, then a text. Checks: if RE2 accepts the
// pattern it accepts the rewrite, with the same capturing groups; the
// rewrite finds exactly the same spans, for the whole match and every
// group, unanchored and anchored at the start, with and without (?i);
// rewriting is idempotent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "fuzz_util.h"
#include "regex_factor.h"

using namespace ttptag;
using namespace ttptag::fuzz;

namespace {

void check_same(const RE2& a, const RE2& b, const std::string& text, const std::string& shown) {
  const int groups = a.NumberOfCapturingGroups() + 1;
  if (groups > 10) return;
  for (const RE2::Anchor anchor : {RE2::UNANCHORED, RE2::ANCHOR_START}) {
    std::vector<re2::StringPiece> x(static_cast<size_t>(groups)), y(static_cast<size_t>(groups));
    const bool found = a.Match(text, 0, text.size(), anchor, x.data(), groups);
    FUZZ_CHECK_MSG(found == b.Match(text, 0, text.size(), anchor, y.data(), groups), shown);
    for (int g = 0; found && g < groups; ++g) {
      FUZZ_CHECK_MSG(x[g].data() == y[g].data() && x[g].size() == y[g].size(),
                     shown + " group " + std::to_string(g));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string pattern = input.substr(0, newline);
  const std::string text = newline == std::string::npos ? "" : input.substr(newline + 1);
  const std::string factored = factor_alternations(pattern);
  FUZZ_CHECK_MSG(factor_alternations(factored) == factored, "not idempotent: " + show(pattern));
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t{8} << 20);
  for (const bool fold : {false, true}) {
    o.set_case_sensitive(!fold);
    const RE2 a(pattern, o);
    if (!a.ok()) continue;
    const RE2 b(factored, o);
    const std::string shown = "\"" + show(pattern) + "\" -> \"" + show(factored) + "\" on \"" + show(text) + "\"";
    // A rewrite is never larger, so it fits wherever the original does.
    FUZZ_CHECK_MSG(b.ok(), b.error() + ": " + shown);
    FUZZ_CHECK(a.NumberOfCapturingGroups() == b.NumberOfCapturingGroups());
    check_same(a, b, text, shown);
  }
  return 0;
}
