#include "lazy_re2.h"

#include <cstdio>

#include "regex_factor.h"

namespace ttptag {

LazyRE2::LazyRE2(std::unique_ptr<RE2> compiled)
    : pattern_(compiled->pattern()), options_(compiled->options()), re_(compiled.release()) {}

LazyRE2::~LazyRE2() { delete re_.load(); }

const RE2& LazyRE2::compile() const {
  auto re = std::make_unique<RE2>(factor_alternations(pattern_), options_);
  if (!re->ok()) {
    std::fprintf(stderr, "ttptag: a rule regex does not compile (%s); it will match nothing: %.200s\n",
                 re->error().c_str(), pattern_.c_str());
  }
  // Two threads may compile at once; the first to publish wins.
  const RE2* expected = nullptr;
  if (re_.compare_exchange_strong(expected, re.get(), std::memory_order_acq_rel)) return *re.release();
  return *expected;
}

}  // namespace ttptag
