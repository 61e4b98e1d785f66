#include "catalog.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

namespace ttptag {

namespace {

// DISARM IDs sort numerically by part: T0097.102 after T0097.
bool id_less(const std::string& a, const std::string& b) { return a < b; }

std::string external_id(const nlohmann::json& obj) {
  if (!obj.contains("external_references")) return "";
  for (const auto& ref : obj["external_references"]) {
    if (ref.contains("external_id") && ref["external_id"].is_string()) {
      return ref["external_id"].get<std::string>();
    }
  }
  return "";
}

}  // namespace

bool looks_like_technique_id(const std::string& id) {
  static const RE2 kId(R"(T\d{4}(\.\d{3})?)");
  return RE2::FullMatch(id, kId);
}

std::optional<Catalog> Catalog::load(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = path + ": cannot open catalogue file";
    return std::nullopt;
  }
  nlohmann::json bundle = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (bundle.is_discarded() || !bundle.is_object() || !bundle.contains("objects") ||
      !bundle["objects"].is_array()) {
    if (error) *error = path + ": not a STIX 2.1 bundle (expected an object with \"objects\")";
    return std::nullopt;
  }
  Catalog cat;
  cat.path_ = path;
  std::map<std::string, std::string> shortname_to_tactic;
  for (const auto& obj : bundle["objects"]) {
    if (!obj.is_object() || !obj.contains("type")) continue;
    if (obj["type"] == "x-mitre-tactic") {
      Tactic t;
      t.id = external_id(obj);
      t.name = obj.value("name", "");
      t.shortname = obj.value("x_mitre_shortname", "");
      t.stix_id = obj.value("id", "");
      if (t.id.empty()) continue;
      shortname_to_tactic[t.shortname] = t.id;
      cat.tactics_.push_back(std::move(t));
    }
  }
  for (const auto& obj : bundle["objects"]) {
    if (!obj.is_object() || obj.value("type", "") != "attack-pattern") continue;
    if (obj.value("revoked", false)) continue;
    Technique t;
    t.id = external_id(obj);
    if (!looks_like_technique_id(t.id)) continue;
    t.name = obj.value("name", "");
    t.description = obj.value("description", "");
    t.stix_id = obj.value("id", "");
    if (obj.contains("kill_chain_phases")) {
      for (const auto& phase : obj["kill_chain_phases"]) {
        auto it = shortname_to_tactic.find(phase.value("phase_name", ""));
        if (it != shortname_to_tactic.end()) t.tactics.push_back(it->second);
      }
    }
    if (auto dot = t.id.find('.'); dot != std::string::npos) t.parent = t.id.substr(0, dot);
    cat.techniques_.push_back(std::move(t));
  }
  if (cat.techniques_.empty()) {
    if (error) *error = path + ": bundle holds no attack-pattern with a DISARM ID";
    return std::nullopt;
  }
  std::sort(cat.techniques_.begin(), cat.techniques_.end(),
            [](const Technique& a, const Technique& b) { return id_less(a.id, b.id); });
  std::sort(cat.tactics_.begin(), cat.tactics_.end(),
            [](const Tactic& a, const Tactic& b) { return a.id < b.id; });
  for (size_t i = 0; i < cat.techniques_.size(); ++i) cat.by_id_[cat.techniques_[i].id] = i;
  return cat;
}

std::string Catalog::find_default() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("TTPTAG_CATALOG"); env && *env) return env;
  const std::vector<fs::path> candidates = {
      fs::path(TTPTAG_SOURCE_DIR) / ".." / "shared" / "disarm" / "DISARM.json",
      fs::path("..") / "shared" / "disarm" / "DISARM.json",
  };
  std::error_code ec;
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
  }
  return "";
}

const Technique* Catalog::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &techniques_[it->second];
}

const Tactic* Catalog::tactic(const std::string& id) const {
  for (const auto& t : tactics_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

}  // namespace ttptag
