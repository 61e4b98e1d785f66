// match.h: find rule firings in a segmented document.
//
// The rule set's prefilter (prefilter.h) names the rules whose triggers may
// occur in a sentence; those rules alone are then run to get spans and to
// check their `all`, `near` and `unless` conditions: rule by rule over all
// the sentences at hand (one document's, or a batch's), not sentence by
// sentence, so that each rule's regexes stay in the cache.
// match_naive runs every rule on every sentence: the reference the
// prefiltered matcher is tested against.
#pragma once

#include <span>

#include "document.h"
#include "rules.h"

namespace ttptag {

// Stage: reads doc.norm and doc.sentences, fills doc.matches (ordered by
// sentence, then position, then rule) and doc.suppressed (by sentence, then
// rule).
void match(const RuleSet& rules, Document& doc);

// The same for several documents at once, each with what match() gives it
// alone; faster than one by one: each rule runs on the batch's sentences
// in a row, its regexes' DFA states still in the cache. A few hundred KB of
// text is enough (Tagger::run_batch).
void match(const RuleSet& rules, std::span<Document* const> docs);

// Same output, without the prefilter (slow; for tests).
void match_naive(const RuleSet& rules, Document& doc);

}  // namespace ttptag
