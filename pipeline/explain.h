// explain.h: a readable account of how a document was tagged.
//
// Lists the normalized sentences, every rule that fired with its span, every
// rule an `unless` vetoed and the text that vetoed it, and the final tags:
// how an analyst debugs a rule.
#pragma once

#include <string>

#include "document.h"
#include "rules.h"

namespace ttptag {

std::string explain(const Document& doc, const RuleSet& rules);

}  // namespace ttptag
