// Helpers shared by the tests.
#pragma once

#include <filesystem>
#include <string>

#include "rules.h"

namespace ttptag::testing {

inline std::string data(const std::string& rel) { return std::string(TTPTAG_TEST_DATA) + "/" + rel; }
inline std::string shared(const std::string& rel) { return std::string(TTPTAG_SHARED_DIR) + "/" + rel; }
inline bool has_shared(const std::string& rel) { return std::filesystem::exists(shared(rel)); }

inline std::unique_ptr<RuleSet> load_or_die(const std::string& path, const Catalog* catalog,
                                            std::vector<Issue>* issues) {
  LoadOptions lo;
  lo.catalog = catalog;
  return RuleSet::load(path, lo, issues);
}

}  // namespace ttptag::testing
