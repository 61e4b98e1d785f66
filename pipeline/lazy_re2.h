// lazy_re2.h: an RE2 compiled the first time a match needs it.
//
// Loading the bundled rules used to compile every trigger, `all`, `near`
// and `unless` regex up front: about 2 s before the first document. The
// loader now validates each regex cheaply (rules.cpp: syntax, empty matches
// and an upper bound on its size, on the pattern with its lists left out)
// and keeps the full regex as a LazyRE2. A run then compiles only what its
// documents reach, each regex once, shared by every thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <re2/re2.h>

namespace ttptag {

class LazyRE2 {
 public:
  LazyRE2(std::string pattern, const RE2::Options& options) : pattern_(std::move(pattern)), options_(options) {}
  // Takes an RE2 compiled already (as the loader does for `rules lint`).
  explicit LazyRE2(std::unique_ptr<RE2> compiled);
  ~LazyRE2();
  LazyRE2(const LazyRE2&) = delete;
  LazyRE2& operator=(const LazyRE2&) = delete;

  // The compiled RE2; thread-safe. The loader validated the pattern, so it
  // compiles; if RE2 still refuses it (its memory budget), the error goes
  // to standard error once and the regex matches nothing.
  const RE2& get() const {
    if (const RE2* re = re_.load(std::memory_order_acquire)) return *re;
    return compile();
  }
  const RE2& operator*() const { return get(); }
  const RE2* operator->() const { return &get(); }
  operator const RE2&() const { return get(); }  // NOLINT: used wherever an RE2 is

  const std::string& pattern() const { return pattern_; }
  const RE2::Options& options() const { return options_; }
  bool compiled() const { return re_.load(std::memory_order_acquire) != nullptr; }

 private:
  const RE2& compile() const;

  std::string pattern_;
  RE2::Options options_;
  mutable std::atomic<const RE2*> re_{nullptr};
};

}  // namespace ttptag
