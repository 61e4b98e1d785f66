// gold.h: gold units (text with the techniques it should be tagged with).
//
// A gold file is JSONL, one unit a line (gold/README.md is the reference):
//   {"id", "level", "source", "incident", "text", "quotes", "path",
//    "tags": [{"id", "evidence", "note"}], "rejected": [{"id", "rule"}]}
// `text` is what the tagger sees in --text full mode, `quotes` the quoted
// article language only (--text quotes). A unit without `text` names a file
// in `path` instead, read at load time.
//
// import_disarm() turns DISARM incident pages (../shared/disarm/incidents)
// into units of three levels: the incident, each distinct technique-row
// description (passage) and each quoted excerpt with its commentary
// (segment). Tag lists and technique names are cut out of text and quotes:
// a tagger that saw them would be graded on reading the answers.
// Nothing here throws; problems come back as strings.
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "catalog.h"

namespace ttptag {

struct GoldTag {
  std::string id;        // "T0088.001"
  std::string evidence;  // the sentence justifying it, may be ""
  std::string note;      // free text, may be ""; "row" = only in the table row
};

// A suggestion a reviewer rejected: technique `id` was wrongly backed by `rule`.
struct GoldRejected {
  std::string id;    // "T0088.001"
  std::string rule;  // rule id
};

struct GoldUnit {
  std::string id;             // "I00096/passage/1"
  std::string level;          // "incident" | "passage" | "segment" | "document"
  std::string source;         // "disarm" | "hand" | "review"
  std::string incident;       // "I00096" or ""
  std::string text;           // "" when `path` names the text
  std::string quotes;         // quoted source text only, "" if none
  std::string path;           // text file, relative to the repo root (see read_gold)
  std::vector<GoldTag> tags;  // distinct IDs, in order of first mention
  std::vector<GoldRejected> rejected = {};  // known false positives (source "review"), may be empty
};

inline constexpr const char* kGoldLevels[] = {"incident", "passage", "segment", "document"};
bool is_gold_level(std::string_view level);

struct GoldFile {
  std::vector<GoldUnit> units;
  std::vector<std::string> warnings;  // e.g. a unit skipped because its path is unreadable
  std::string error;                  // non-empty: the file is unusable ("file:line: ...")
  size_t unreadable = 0;              // units skipped because `path` could not be read
};

// Reads a gold JSONL file. Units with a `path` and no `text` get the file's
// bytes as text; the path is tried relative to the working directory (the
// repo root), then to the parent of the gold file's directory. Units whose
// path cannot be read are skipped with a warning naming the path. A malformed
// line, a missing id or level, or a duplicate id sets `error`.
GoldFile read_gold(const std::string& path);

// One unit as a JSON line (fields in the documented order, empty ones left out).
std::string gold_to_jsonl(const GoldUnit& unit);
void write_gold(const std::vector<GoldUnit>& units, std::ostream& out);

// ---- DISARM incident pages ----

// One tag list (or an "... matches T0137: Make Money ..." mention) found in
// a description, with the clause it labels.
struct TagList {
  std::vector<std::string> ids;
  std::string evidence;
};

// A technique-row description taken apart.
struct ParsedDescription {
  std::string text;    // cleaned, tag lists removed
  std::string quotes;  // italic source excerpts, blank-line separated
  std::vector<TagList> lists;
  struct Segment {
    std::string text, quotes;
    std::vector<GoldTag> tags;
  };
  std::vector<Segment> segments;  // each has at least one tag
};

// Cleans and splits one description: HTML breaks become newlines, <i>/_
// italics become quotes, entities are decoded, tag lists (balanced
// parentheses opening with a technique ID) and "T0137: Make Money" mentions
// are removed. Names of mentions are matched against `known_names` (ID ->
// names seen in the pages) and otherwise taken as the run of capitalised words.
ParsedDescription parse_description(
    std::string_view description,
    const std::map<std::string, std::vector<std::string>>& known_names = {});

struct DisarmImport {
  std::vector<GoldUnit> units;  // per page: incident, passages, segments
  size_t pages = 0;             // incident pages read
  size_t pages_with_rows = 0;
  size_t rows = 0;  // technique rows over all pages
  std::map<std::string, size_t> per_level;
  std::map<std::string, std::vector<std::string>> names;  // technique names seen per ID
  std::vector<std::string> warnings;
  std::string error;  // non-empty: nothing imported (e.g. no such directory)
};

// Gold tags whose ID is not in `catalog` (typos in the source pages): when
// the page names the technique (`names`: ID -> names seen) and that name
// belongs to exactly one catalogue technique, the tag takes that ID, since
// the name is what the analyst meant. Returns one warning per unknown ID,
// saying what was done.
std::vector<std::string> resolve_gold_ids(
    std::vector<GoldUnit>& units, const std::map<std::string, std::vector<std::string>>& names,
    const Catalog& catalog);

// Imports every I*.md page under `dir` (sorted). Pages without technique rows
// yield no units and are only counted.
DisarmImport import_disarm(const std::string& dir);

// Imports one page given its markdown; `known_names` as for parse_description.
std::vector<GoldUnit> import_disarm_page(
    const std::string& incident, std::string_view markdown, size_t* rows = nullptr,
    const std::map<std::string, std::vector<std::string>>& known_names = {});

}  // namespace ttptag
