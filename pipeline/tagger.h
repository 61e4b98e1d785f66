// tagger.h: the whole pipeline for one document, over loaded rules.
//
// A Tagger holds references to an immutable RuleSet (and optional catalogue
// and rule stats) and runs normalize -> segment -> match -> aggregate. It is
// const and thread-safe: one Tagger serves every worker thread.
#pragma once

#include <span>
#include <string>

#include "aggregate.h"
#include "catalog.h"
#include "document.h"
#include "rules.h"

namespace ttptag {

class Tagger {
 public:
  Tagger(const RuleSet& rules, AggregateOptions opts) : rules_(rules), opts_(opts) {}

  // Runs every stage after read on `doc` (skips a document with an error).
  void run(Document& doc) const;
  // The same on each document, matched together (faster: match.h). A stage
  // that throws on a document makes it an error record ("internal error
  // while tagging: ..."); the others are tagged as run() tags them.
  void run_batch(std::span<Document* const> docs) const;
  // Convenience: a document from text.
  Document tag_text(std::string source, std::string text) const;

  const RuleSet& rules() const { return rules_; }
  const AggregateOptions& options() const { return opts_; }

 private:
  const RuleSet& rules_;
  AggregateOptions opts_;
};

}  // namespace ttptag
