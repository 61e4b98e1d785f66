#include "report.h"

#include <algorithm>
#include <optional>

namespace ttptag {

using nlohmann::json;

std::string tactic_of(const Catalog* catalog, const std::string& technique) {
  if (!catalog) return "";
  const Technique* t = catalog->find(technique);
  if (!t && technique.find('.') != std::string::npos)  // a sub-technique missing from the bundle
    t = catalog->find(technique.substr(0, technique.find('.')));
  return t && !t->tactics.empty() ? t->tactics.front() : "";
}

json tactic_names_json(const Catalog* catalog) {
  json out = json::object();
  if (catalog)
    for (const auto& t : catalog->tactics()) out[t.id] = t.name;
  return out;
}

namespace {

json pieces_json(const std::vector<TextPiece>& pieces) {
  json out = json::array();
  for (const auto& p : pieces) out.push_back(json::array({p.start, p.text, p.marks}));
  return out;
}

}  // namespace

json doc_view_json(const ResultDoc& doc, size_t index, const std::string* text,
                   const std::string& why, const Catalog* catalog) {
  json v;
  v["i"] = index;
  v["doc"] = doc.doc;
  if (auto t = doc.meta.find("title"); t != doc.meta.end() && t->is_string()) v["title"] = *t;
  if (!doc.error.empty()) v["error"] = doc.error;
  v["warnings"] = doc.warnings;
  json techniques = json::array();
  for (const auto& t : doc.techniques) {
    json tj;
    tj["id"] = t.id;
    std::string name = t.name;
    if (name.empty() && catalog)
      if (const Technique* c = catalog->find(t.id)) name = c->name;
    tj["name"] = name;
    tj["tactic"] = tactic_of(catalog, t.id);
    tj["score"] = t.score;
    std::vector<std::string> rules;
    json evidence = json::array();
    for (const auto& ev : t.evidence) {
      if (std::find(rules.begin(), rules.end(), ev.rule) == rules.end()) rules.push_back(ev.rule);
      json e = {{"rule", ev.rule}, {"start", ev.start}, {"end", ev.end}, {"text", ev.text}};
      if (ev.page > 0) e["page"] = ev.page;
      evidence.push_back(std::move(e));
    }
    tj["rules"] = rules;
    tj["evidence"] = std::move(evidence);
    techniques.push_back(std::move(tj));
  }
  v["techniques"] = std::move(techniques);
  v["text"] = text != nullptr;
  if (text) {
    v["pieces"] = pieces_json(highlight_pieces(*text, doc));
  } else {
    if (!why.empty() && doc.error.empty()) v["why"] = why;
    json snippets = json::array();
    for (const auto& s : context_snippets(doc))
      snippets.push_back({{"sentence", s.sentence}, {"page", s.page}, {"pieces", pieces_json(s.pieces)}});
    v["snippets"] = std::move(snippets);
  }
  return v;
}

std::string json_for_script(const json& j) {
  std::string raw = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size() + raw.size() / 16);
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' &&
               (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
      out += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

namespace {

// Shared by the report and the review app: colours, one document's
// techniques and text. Every element is built with textContent.
constexpr std::string_view kViewerJs = R"JS("use strict";
const TT = (() => {
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function tacticNumber(t) {
    const m = /^TA(\d+)$/.exec(t || "");
    return m ? Number(m[1]) : -1;
  }
  // A fixed colour per tactic (TA01..TA18): light for highlights, dark for borders.
  const PALETTE = {
    1: ["#e9ecef", "#868e96"], 2: ["#eebefa", "#ae3ec9"], 3: ["#f3d9fa", "#be4bdb"],
    4: ["#ffe3e3", "#e03131"], 5: ["#bac8ff", "#3b5bdb"], 6: ["#b2f2bb", "#2f9e44"],
    7: ["#a5d8ff", "#1971c2"], 8: ["#96f2d7", "#099268"], 9: ["#99e9f2", "#0c8599"],
    10: ["#ffd8a8", "#e8590c"], 11: ["#d0bfff", "#6741d9"], 12: ["#c5f6fa", "#1098ad"],
    13: ["#ffe066", "#f08c00"], 14: ["#fff3bf", "#e67700"], 15: ["#fcc2d7", "#c2255c"],
    16: ["#d8f5a2", "#5c940d"], 17: ["#e6ccb3", "#8a5a2b"], 18: ["#ffc9c9", "#c92a2a"],
  };
  function tacticColor(t, light) {
    const c = PALETTE[tacticNumber(t)];
    if (!c) return light ? "#e2e2e2" : "#777";
    return light ? c[0] : c[1];
  }
  function tacticLabel(t, names) {
    if (!t) return "unknown tactic";
    return names && names[t] ? `${t} ${names[t]}` : t;
  }
  function swatch(t) {
    const s = el("span", "swatch");
    s.style.backgroundColor = tacticColor(t, true);
    s.style.borderColor = tacticColor(t, false);
    return s;
  }
  // pieces: [[start, text, [technique indexes]]]. opts: {techniques,
  // visible: Set of indexes shown (null: all), focus: index or -1}.
  function renderPieces(container, pieces, opts) {
    for (const [start, text, marks] of pieces) {
      const shown = opts.visible ? marks.filter((m) => opts.visible.has(m)) : marks;
      const span = el(shown.length ? "mark" : "span", shown.length ? "ev" : "", text);
      span.dataset.start = String(start);
      if (shown.length) {
        const first = opts.techniques[shown[0]];
        span.style.backgroundColor = tacticColor(first.tactic, true);
        span.style.borderBottomColor = tacticColor(first.tactic, false);
        if (shown.length > 1) span.classList.add("multi");
        if (opts.focus !== undefined && opts.focus >= 0 && shown.includes(opts.focus))
          span.classList.add("focus");
        span.title = shown.map((i) => {
          const t = opts.techniques[i];
          return `${t.id} ${t.name || ""} (${t.rules.join(", ")})`;
        }).join("\n");
      }
      container.appendChild(span);
    }
  }
  // The document's text, or its evidence sentences when the text is not at hand.
  function renderBody(container, view, opts) {
    if (view.text) {
      const div = el("div", "doctext");
      renderPieces(div, view.pieces, opts);
      container.appendChild(div);
      return div;
    }
    const box = el("div", "snippets");
    box.appendChild(el("p", "note", "Whole text not shown" + (view.why ? ` (${view.why})` : "") +
                                    ": evidence sentences only."));
    for (const s of view.snippets) {
      if (opts.visible && !s.pieces.some((p) => p[2].some((m) => opts.visible.has(m)))) continue;
      const q = el("blockquote", "snippet");
      q.appendChild(el("span", "sentno", `sentence ${s.sentence}` + (s.page ? `, page ${s.page}` : "")));
      renderPieces(q, s.pieces, opts);
      box.appendChild(q);
    }
    container.appendChild(box);
    return box;
  }
  // Techniques ranked by score. opts: {tactics (names), visible, decisions
  // (array of decision or null, per technique), onClick(index)}.
  function techniqueTable(view, opts) {
    const table = el("table", "techs");
    const head = el("tr");
    for (const h of ["#", "technique", "name", "tactic", "score", "rules"]) head.appendChild(el("th", "", h));
    if (opts.decisions) head.appendChild(el("th", "", "decision"));
    table.appendChild(head);
    view.techniques.forEach((t, i) => {
      const tr = el("tr");
      if (opts.visible && !opts.visible.has(i)) tr.classList.add("dim");
      tr.appendChild(el("td", "n", i + 1));
      const id = el("td", "id");
      id.appendChild(swatch(t.tactic));
      id.appendChild(document.createTextNode(t.id));
      tr.appendChild(id);
      tr.appendChild(el("td", "", t.name));
      tr.appendChild(el("td", "", tacticLabel(t.tactic, opts.tactics)));
      const sc = el("td", "n score");
      const bar = el("span", "bar");
      bar.style.width = `${Math.round(Math.max(0, Math.min(1, t.score)) * 4)}em`;
      sc.appendChild(bar);
      sc.appendChild(document.createTextNode(t.score.toFixed(2)));
      tr.appendChild(sc);
      tr.appendChild(el("td", "rules", t.rules.join(", ")));
      if (opts.decisions) {
        const d = opts.decisions[i];
        const td = el("td", "decision " + (d ? "state-" + d : "state-none"), d || "undecided");
        tr.appendChild(td);
      }
      if (opts.onClick) {
        tr.classList.add("click");
        tr.addEventListener("click", () => opts.onClick(i));
      }
      table.appendChild(tr);
    });
    return table;
  }
  function legend(tactics, names) {
    const box = el("div", "legend");
    for (const t of tactics) {
      const item = el("span", "legend-item");
      item.appendChild(swatch(t));
      item.appendChild(document.createTextNode(tacticLabel(t, names)));
      box.appendChild(item);
    }
    return box;
  }
  // UTF-8 length of a JS string (offsets in the data are bytes).
  function utf8len(s) {
    return new TextEncoder().encode(s).length;
  }
  return { el, tacticColor, tacticLabel, swatch, renderPieces, renderBody, techniqueTable, legend, utf8len };
})();
)JS";

constexpr std::string_view kViewerCss = R"CSS(
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:.2em 0;word-break:break-all}
table.techs{border-collapse:collapse;margin:.4em 0;font-size:13px}
table.techs td,table.techs th{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
table.techs th{background:#eee}table.techs tr.dim{opacity:.35}table.techs tr.click{cursor:pointer}
table.techs tr.click:hover{background:#f0f4ff}table.techs tr.current{outline:2px solid #36c}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.id{white-space:nowrap}
td.rules{font-family:ui-monospace,monospace;font-size:12px;color:#555}
span.bar{display:inline-block;height:.6em;background:#9ab;margin-right:.4em;vertical-align:middle}
.swatch{display:inline-block;width:.8em;height:.8em;border:1px solid;margin-right:.35em;vertical-align:-1px}
.legend{margin:.3em 0;font-size:12px}.legend-item{margin-right:1em;white-space:nowrap}
.doctext{white-space:pre-wrap;word-wrap:break-word;background:#fff;border:1px solid #ddd;padding:.6em .8em;max-height:32em;overflow:auto;font-family:Georgia,serif;font-size:15px}
mark.ev{color:inherit;border-bottom:2px solid;padding:0 1px;border-radius:2px}
mark.ev.multi{border-bottom-style:double;border-bottom-width:3px}
mark.ev.focus{outline:2px solid #c00}
.snippets blockquote{margin:.3em 0;padding:.3em .8em;background:#fff;border-left:3px solid #ccc;font-family:Georgia,serif}
.sentno{font:11px system-ui,sans-serif;color:#888;margin-right:.6em}
.note{color:#777;font-size:12px}.error{color:#a00}.warn{color:#a60;font-size:12px}
.state-accept{color:#070;font-weight:600}.state-reject{color:#a00;font-weight:600}.state-add{color:#05a;font-weight:600}
.state-none{color:#888}
)CSS";

constexpr std::string_view kReportCss = R"CSS(
header{padding:.8em 1.2em;background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0;z-index:2}
.controls{display:flex;flex-wrap:wrap;gap:.6em;align-items:center;margin-top:.4em}
.controls select,.controls input{font-size:13px}
main{padding:.5em 1.2em 3em}
section.doc{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.6em .9em;margin:.8em 0}
.pager{display:flex;gap:.5em;align-items:center}.summary{font-size:12px;color:#555}
)CSS";

constexpr std::string_view kReportJs = R"JS(
(() => {
  const data = JSON.parse(document.getElementById("ttptag-data").textContent);
  const { el } = TT;
  const $ = (id) => document.getElementById(id);
  const state = { page: 0, technique: "", tactic: "", query: "", tagged: false };

  // Filter choices: every technique and tactic that occurs, with counts.
  const techCount = new Map(), tacticCount = new Map();
  for (const d of data.docs)
    for (const t of d.techniques) {
      const c = techCount.get(t.id) || { name: t.name, tactic: t.tactic, n: 0 };
      c.n++;
      techCount.set(t.id, c);
      tacticCount.set(t.tactic, (tacticCount.get(t.tactic) || 0) + 1);
    }
  const techSel = $("f-technique"), tacticSel = $("f-tactic");
  for (const [id, c] of [...techCount].sort((a, b) => a[0].localeCompare(b[0]))) {
    const o = el("option", "", `${id} ${c.name || ""} (${c.n})`);
    o.value = id;
    techSel.appendChild(o);
  }
  const tactics = [...tacticCount.keys()].sort((a, b) => (a || "~").localeCompare(b || "~"));
  for (const t of tactics) {
    const o = el("option", "", `${TT.tacticLabel(t, data.tactics)} (${tacticCount.get(t)})`);
    o.value = t || "-";
    tacticSel.appendChild(o);
  }
  $("legend").appendChild(TT.legend(tactics, data.tactics));
  const s = data.stats;
  $("summary").textContent =
    `${s.documents} documents, ${s.suggestions} suggestions; ${s.with_text} shown with their text, ` +
    `${s.contexts_only} with evidence sentences only, ${s.failed} failed. Results: ${data.source}. ` +
    `Generated ${data.generated}.`;

  function visibleSet(d) {
    if (!state.technique && !state.tactic) return null;
    const v = new Set();
    d.techniques.forEach((t, i) => {
      if (state.technique && t.id !== state.technique) return;
      if (state.tactic && (t.tactic || "-") !== state.tactic) return;
      v.add(i);
    });
    return v;
  }
  function matches(d) {
    if (state.tagged && !d.techniques.length) return false;
    if (state.query) {
      const q = state.query.toLowerCase();
      if (!d.doc.toLowerCase().includes(q) && !(d.title || "").toLowerCase().includes(q)) return false;
    }
    const v = visibleSet(d);
    return v === null || v.size > 0;
  }
  function renderDoc(d) {
    const sec = el("section", "doc");
    sec.dataset.doc = d.doc;
    sec.appendChild(el("h2", "", `${d.i + 1}. ${d.doc}`));
    if (d.title) sec.appendChild(el("div", "title", d.title));
    if (d.error) sec.appendChild(el("p", "error", `Error: ${d.error}`));
    if (d.warnings.length) sec.appendChild(el("p", "warn", `Warnings: ${d.warnings.join(", ")}`));
    if (d.error) return sec;
    if (!d.techniques.length) {
      sec.appendChild(el("p", "note", "No technique suggested."));
    } else {
      const visible = visibleSet(d);
      sec.appendChild(TT.techniqueTable(d, { tactics: data.tactics, visible }));
      TT.renderBody(sec, d, { techniques: d.techniques, visible, focus: -1 });
    }
    return sec;
  }
  function render() {
    const list = data.docs.filter(matches);
    const size = data.page_size;
    const pages = Math.max(1, Math.ceil(list.length / size));
    state.page = Math.min(state.page, pages - 1);
    $("pageinfo").textContent =
      `page ${state.page + 1} of ${pages} (${list.length} of ${data.docs.length} documents)`;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
    const main = $("docs");
    main.replaceChildren();
    for (const d of list.slice(state.page * size, (state.page + 1) * size)) main.appendChild(renderDoc(d));
    if (!list.length) main.appendChild(el("p", "note", "No document matches the filters."));
  }
  const refilter = () => { state.page = 0; render(); window.scrollTo(0, 0); };
  techSel.addEventListener("change", () => { state.technique = techSel.value; refilter(); });
  tacticSel.addEventListener("change", () => { state.tactic = tacticSel.value; refilter(); });
  $("f-query").addEventListener("input", (e) => { state.query = e.target.value; refilter(); });
  $("f-tagged").addEventListener("change", (e) => { state.tagged = e.target.checked; refilter(); });
  $("prev").addEventListener("click", () => { state.page--; render(); window.scrollTo(0, 0); });
  $("next").addEventListener("click", () => { state.page++; render(); window.scrollTo(0, 0); });
  render();
})();
)JS";

}  // namespace

std::string_view viewer_js() { return kViewerJs; }
std::string_view viewer_css() { return kViewerCss; }

ReportStats write_report(const ResultsFile& results, std::ostream& out, const ReportOptions& opts) {
  ReportStats stats;
  json docs = json::array();
  for (size_t i = 0; i < results.docs.size(); ++i) {
    const ResultDoc& d = results.docs[i];
    ++stats.documents;
    stats.suggestions += d.techniques.size();
    std::optional<std::string> text;
    std::string why = "reading the files is off (--text-from-files=false)";
    if (!d.error.empty()) {
      ++stats.failed;
    } else {
      if (opts.text_from_files)
        text = load_document_text(d, opts.max_text_bytes, &why, opts.base_dir);
      ++(text ? stats.with_text : stats.contexts_only);
    }
    docs.push_back(doc_view_json(d, i, text ? &*text : nullptr, why, opts.catalog));
  }
  json data;
  data["title"] = opts.title;
  data["source"] = opts.source;
  data["generated"] = rfc3339_now();
  data["page_size"] = opts.page_size ? opts.page_size : 25;
  data["tactics"] = tactic_names_json(opts.catalog);
  data["stats"] = {{"documents", stats.documents},
                   {"with_text", stats.with_text},
                   {"contexts_only", stats.contexts_only},
                   {"failed", stats.failed},
                   {"suggestions", stats.suggestions}};
  data["docs"] = std::move(docs);

  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>"
      << escape_html(opts.title) << "</title>\n<style>" << kViewerCss << kReportCss
      << "</style>\n</head><body>\n<header>\n<h1>" << escape_html(opts.title)
      << "</h1>\n<div class=\"summary\" id=\"summary\"></div>\n<div class=\"controls\">\n"
         "<label>Technique <select id=\"f-technique\"><option value=\"\">all</option></select></label>\n"
         "<label>Tactic <select id=\"f-tactic\"><option value=\"\">all</option></select></label>\n"
         "<label>Path or title <input id=\"f-query\" type=\"search\" placeholder=\"filter\"></label>\n"
         "<label><input id=\"f-tagged\" type=\"checkbox\"> with suggestions only</label>\n"
         "<span class=\"pager\"><button id=\"prev\">&larr; previous</button><span id=\"pageinfo\"></span>"
         "<button id=\"next\">next &rarr;</button></span>\n</div>\n<div id=\"legend\"></div>\n"
         "</header>\n<main id=\"docs\"></main>\n"
         "<noscript>This report needs JavaScript to render its documents.</noscript>\n"
         "<script id=\"ttptag-data\" type=\"application/json\">"
      << json_for_script(data) << "</script>\n<script>" << kViewerJs << kReportJs
      << "</script>\n</body></html>\n";
  return stats;
}

}  // namespace ttptag
