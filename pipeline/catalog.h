// catalog.h: the DISARM technique catalogue, read from a STIX 2.1 bundle.
//
// DISARM publishes its Red framework as a STIX bundle of attack-pattern
// objects (the DISARM ID is external_references[].external_id) and
// x-mitre-tactic objects. ttptag uses it for technique names, tactics and ID
// checks. Without a bundle the tool still works: names are empty and ID
// checks are off. Immutable after load; safe to share across threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ttptag {

struct Technique {
  std::string id;         // "T0088.001"
  std::string name;       // "Develop AI-Generated Audio (Deepfakes)"
  std::string description;
  std::string stix_id;    // "attack-pattern--..."
  std::vector<std::string> tactics;  // tactic IDs, e.g. {"TA06"}
  std::string parent;     // "T0088" for a sub-technique, else ""
};

struct Tactic {
  std::string id;         // "TA06"
  std::string name;       // "Develop Content"
  std::string shortname;  // "develop-content"
  std::string stix_id;
};

class Catalog {
 public:
  // Loads a bundle; on failure returns nullopt and sets *error.
  static std::optional<Catalog> load(const std::string& path, std::string* error);
  // Looks for a bundle: $TTPTAG_CATALOG, then ../shared/disarm/DISARM.json
  // beside the source tree or the current directory. "" if none.
  static std::string find_default();

  const Technique* find(const std::string& id) const;
  const Tactic* tactic(const std::string& id) const;
  const std::vector<Technique>& techniques() const { return techniques_; }  // sorted by ID
  const std::vector<Tactic>& tactics() const { return tactics_; }  // TA01..TA18 order
  const std::string& path() const { return path_; }
  bool empty() const { return techniques_.empty(); }

 private:
  std::string path_;
  std::vector<Technique> techniques_;
  std::vector<Tactic> tactics_;
  std::map<std::string, size_t> by_id_;
};

// Technique ID syntax check used when no catalogue is loaded: T1234 or T1234.567.
bool looks_like_technique_id(const std::string& id);

}  // namespace ttptag
