#include "serve.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "report.h"

namespace ttptag {

using nlohmann::json;

namespace {

constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

constexpr std::string_view kAppHtml = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ttptag review</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head><body>
<header>
<div class="top"><h1>ttptag review</h1><span id="source" class="note"></span></div>
<div class="controls">
<label>Order <select id="sort"><option value="score">by score</option><option value="document">by document</option></select></label>
<label>Reviewer <input id="reviewer" placeholder="your name (optional)" maxlength="100" autocomplete="off"></label>
<span id="progress"></span>
<span class="keys">keys: <kbd>a</kbd> accept &middot; <kbd>r</kbd> reject &middot; <kbd>j</kbd>/<kbd>k</kbd> next/previous &middot; <kbd>/</kbd> add a technique &middot; <kbd>Esc</kbd> leave a field</span>
</div>
<div id="status" role="status" aria-live="polite"></div>
</header>
<div class="layout">
<aside><ul id="queue" aria-label="suggestions"></ul></aside>
<main>
<section id="card" class="card"></section>
<div class="actions">
<button id="accept" type="button">Accept (a)</button>
<button id="reject" type="button">Reject (r)</button>
<button id="prev" type="button">Previous (k)</button>
<button id="next" type="button">Next (j)</button>
<input id="comment" placeholder="comment (optional; saved with the next decision)" maxlength="2000" autocomplete="off">
</div>
<section class="addbox">
<label>Add a technique the rules missed
<input id="search" type="search" placeholder="search the catalogue by ID or name (/)" autocomplete="off"></label>
<span id="selinfo" class="note"></span>
<ul id="results"></ul>
<div class="added-box">Added to this document: <ul id="added"></ul></div>
</section>
<section id="doc">
<h2 id="docpath"></h2><div id="doctitle" class="title"></div>
<div id="doctable"></div><div id="docbody"></div>
</section>
</main>
</div>
</body></html>
)HTML";

constexpr std::string_view kAppCss = R"CSS(
body{display:flex;flex-direction:column;height:100vh;overflow:hidden}
header{flex:none;padding:.5em 1em;background:#fff;border-bottom:1px solid #ddd}
.top{display:flex;gap:1em;align-items:baseline}
.controls{display:flex;flex-wrap:wrap;gap:1em;align-items:center;font-size:13px}
.keys{color:#666;font-size:12px}kbd{border:1px solid #bbb;border-radius:3px;padding:0 3px;background:#f4f4f4;font-size:11px}
#status{min-height:1.3em;font-size:13px}#status.ok{color:#070}#status.err{color:#a00;font-weight:600}
.layout{flex:1 1 auto;min-height:0;display:grid;grid-template-columns:24em 1fr}
aside{overflow:auto;border-right:1px solid #ddd;background:#fff}
#queue{list-style:none;margin:0;padding:0;font-size:12px}
#queue li.item{display:grid;grid-template-columns:1.1em 6.5em 2.8em 1.2em 1fr;gap:.3em;padding:3px 6px;border-bottom:1px solid #f0f0f0;cursor:pointer;align-items:center}
#queue li.item:hover{background:#f0f4ff}#queue li.current{background:#dde8ff}
#queue li.more{color:#888;padding:3px 6px}
.qid{font-family:ui-monospace,monospace}.qscore{text-align:right}.qdec{text-align:center}.qdoc{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:#555}
main{display:flex;flex-direction:column;overflow:hidden;padding:.5em 1em 0}
main>section,main>div{flex:none}
#doc{flex:1 1 auto;min-height:0;overflow:auto;margin-top:.6em;padding-bottom:2em}
#doc .doctext{max-height:none}
.card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.5em .8em}
.card h2{font-size:1.15em}.card .meta{font-size:13px;color:#444}
.card ul.evidence{margin:.3em 0;padding-left:1.2em;font-size:13px}
.actions{display:flex;gap:.5em;margin:.6em 0;flex-wrap:wrap}
.actions button{font-size:14px;padding:.3em .8em}#accept{background:#e3f5e3}#reject{background:#fbe4e4}
#comment{flex:1;min-width:15em;font-size:13px}
.addbox{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.5em .8em;font-size:13px}
#search{width:28em;font-size:13px}
#results{list-style:none;margin:.3em 0;padding:0;max-height:12em;overflow:auto}
#results li{padding:2px 4px;cursor:pointer}#results li:hover,#results li:first-child{background:#eef}
#added{display:inline;margin:0;padding:0;list-style:none}#added li{display:inline-block;margin-right:1em}
#added li button{font-size:11px;margin-left:.3em}
)CSS";

constexpr std::string_view kAppJs = R"JS(
(() => {
  const { el } = TT;
  const $ = (id) => document.getElementById(id);
  let S = null;        // /api/state
  let catalog = [];    // /api/catalog
  let queue = [];      // indexes into S.items, in the chosen order
  let cur = 0;         // position in queue
  let pendingSel = null;  // {start, end, text}: selected document text, evidence for an addition
  let shownDoc = -1;
  const docCache = new Map();
  let order = localStorage.getItem("ttptag.order") === "document" ? "document" : "score";

  function status(msg, cls) {
    const s = $("status");
    s.textContent = msg;
    s.className = cls || "";
  }
  async function api(path, body) {
    const init = body
      ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }
      : {};
    const r = await fetch(path, init);
    const j = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
    if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
    return j;
  }
  const basename = (p) => p.split("/").pop();
  const current = () => (queue.length ? S.items[queue[cur]] : null);
  const itemsOf = (d) => S.items.filter((it) => it.d === d);
  const addedOf = (d) => S.added.filter((a) => a.d === d);

  function buildQueue() {
    queue = S.items.map((_, i) => i);
    if (order === "score") queue.sort((a, b) => S.items[b].score - S.items[a].score || a - b);
  }
  function firstUndecided() {
    const i = queue.findIndex((q) => !S.items[q].decision);
    return i < 0 ? Math.max(0, queue.length - 1) : i;
  }
  function renderQueue() {
    const ul = $("queue");
    ul.replaceChildren();
    const from = Math.max(0, cur - 100), to = Math.min(queue.length, from + 300);
    if (from > 0) ul.appendChild(el("li", "more", `… ${from} earlier`));
    for (let k = from; k < to; k++) {
      const it = S.items[queue[k]];
      const li = el("li", "item state-" + (it.decision || "none"));
      li.dataset.pos = String(k);
      li.dataset.doc = S.docs[it.d].doc;
      li.dataset.id = it.id;
      li.dataset.decision = it.decision || "";
      if (k === cur) li.classList.add("current");
      li.appendChild(TT.swatch(it.tactic));
      li.appendChild(el("span", "qid", it.id));
      li.appendChild(el("span", "qscore", it.score.toFixed(2)));
      const mark = el("span", "qdec", { accept: "\u2713", reject: "\u2717", add: "+" }[it.decision] || "");
      mark.title = it.decision || "undecided";
      li.appendChild(mark);
      li.appendChild(el("span", "qdoc", basename(S.docs[it.d].doc)));
      li.title = `${it.id} ${it.name}\n${S.docs[it.d].doc}`;
      li.addEventListener("click", () => go(k));
      ul.appendChild(li);
    }
    if (to < queue.length) ul.appendChild(el("li", "more", `… ${queue.length - to} more`));
    const c = ul.querySelector("li.current");
    if (c) c.scrollIntoView({ block: "nearest" });
    const decided = S.items.filter((it) => it.decision).length;
    $("progress").textContent = `${decided} of ${S.items.length} suggestions decided, ${S.added.length} added`;
  }
  function renderCard(it) {
    const card = $("card");
    card.replaceChildren();
    if (!it) {
      card.appendChild(el("p", "note", "No suggestions in these results."));
      return;
    }
    const h = el("h2");
    h.appendChild(TT.swatch(it.tactic));
    h.appendChild(el("span", "", `${it.id} ${it.name}`));
    card.appendChild(h);
    const meta = el("div", "meta");
    meta.appendChild(el("span", "", `${TT.tacticLabel(it.tactic, S.tactics)} · score ${it.score.toFixed(2)} · ` +
                                    `rules: ${it.rules.join(", ")} · suggestion ${cur + 1} of ${queue.length} · `));
    const dec = el("span", "state-" + (it.decision || "none"), it.decision ? `${it.decision}ed` : "undecided");
    dec.id = "current-decision";
    dec.dataset.decision = it.decision || "";
    meta.appendChild(dec);
    if (it.reviewer || it.comment)
      meta.appendChild(el("span", "note", ` (${[it.reviewer, it.comment].filter(Boolean).join(": ")})`));
    card.appendChild(meta);
    card.appendChild(el("div", "note", S.docs[it.d].doc));
  }
  function renderAdded(d) {
    const ul = $("added");
    ul.replaceChildren();
    const list = addedOf(d);
    if (!list.length) ul.appendChild(el("li", "note", "none"));
    for (const a of list) {
      const li = el("li", "state-add");
      li.dataset.id = a.id;
      li.appendChild(TT.swatch(a.tactic));
      li.appendChild(el("span", "", `${a.id} ${a.name}` + (a.text ? ` “${a.text}”` : "")));
      const b = el("button", "", "remove");
      b.type = "button";
      b.addEventListener("click", () => withdraw(a));
      li.appendChild(b);
      ul.appendChild(li);
    }
  }
  async function loadDoc(d) {
    if (!docCache.has(d)) docCache.set(d, await api(`/api/doc/${d}`));
    return docCache.get(d);
  }
  async function renderDoc(it) {
    if (!it) return;
    let view;
    try {
      view = await loadDoc(it.d);
    } catch (e) {
      status(`Cannot load the document: ${e.message}`, "err");
      return;
    }
    if (it !== current()) return;  // moved on meanwhile
    if (shownDoc !== it.d) {
      pendingSel = null;
      $("selinfo").textContent = "";
    }
    shownDoc = it.d;
    $("docpath").textContent = view.doc;
    $("doctitle").textContent = view.title || "";
    const decisions = view.techniques.map((_, t) => {
      const x = S.items.find((i) => i.d === it.d && i.t === t);
      return x ? x.decision : null;
    });
    const table = TT.techniqueTable(view, {
      tactics: S.tactics,
      decisions,
      onClick: (t) => {
        const k = queue.findIndex((q) => S.items[q].d === it.d && S.items[q].t === t);
        if (k >= 0) go(k);
      },
    });
    const rows = table.querySelectorAll("tr");
    if (rows[it.t + 1]) rows[it.t + 1].classList.add("current");
    $("doctable").replaceChildren(table);
    const body = $("docbody");
    body.replaceChildren();
    TT.renderBody(body, view, { techniques: view.techniques, visible: null, focus: it.t });
    // Scroll the document pane only, so the suggestion and its buttons stay in view.
    const f = body.querySelector("mark.focus");
    const pane = $("doc");
    if (f) pane.scrollTop += f.getBoundingClientRect().top - pane.getBoundingClientRect().top - pane.clientHeight / 3;
    else pane.scrollTop = 0;
  }
  function refresh() {
    const it = current();
    renderQueue();
    renderCard(it);
    if (it) {
      renderAdded(it.d);
      renderDoc(it);
    }
  }
  function go(k) {
    if (!queue.length) return;
    cur = Math.max(0, Math.min(queue.length - 1, k));
    refresh();
  }
  const who = () => $("reviewer").value.trim();

  async function decide(verdict) {
    const it = current();
    if (!it) return;
    try {
      const r = await api("/api/decision", {
        doc: it.d, technique: it.t, decision: verdict, reviewer: who(), comment: $("comment").value,
      });
      it.decision = verdict;
      it.reviewer = r.decision.reviewer;
      it.comment = r.decision.comment;
      $("comment").value = "";
      status(`Saved: ${verdict} ${it.id} in ${S.docs[it.d].doc}`, "ok");
      if (cur < queue.length - 1) cur++;
      refresh();
    } catch (e) {
      status(`Not saved: ${e.message}`, "err");
    }
  }
  async function add(id) {
    const it = current();
    if (!it || !id) return;
    const body = { doc: it.d, id, decision: "add", reviewer: who(), comment: $("comment").value };
    if (pendingSel) Object.assign(body, { start: pendingSel.start, end: pendingSel.end });
    try {
      const r = await api("/api/decision", body);
      const c = catalog.find((t) => t.id === id) || { name: "", tactic: "" };
      S.added = S.added.filter((a) => !(a.d === it.d && a.id === id));
      S.added.push({ d: it.d, id, name: c.name, tactic: c.tactic, text: r.decision.evidence.text,
                     reviewer: r.decision.reviewer, comment: r.decision.comment });
      $("search").value = "";
      $("results").replaceChildren();
      $("comment").value = "";
      pendingSel = null;
      $("selinfo").textContent = "";
      $("search").blur();
      status(`Saved: add ${id} to ${S.docs[it.d].doc}`, "ok");
      refresh();
    } catch (e) {
      status(`Not saved: ${e.message}`, "err");
    }
  }
  async function withdraw(a) {
    try {
      await api("/api/decision", { doc: a.d, id: a.id, decision: "reject", reviewer: who(), comment: "" });
      S.added = S.added.filter((x) => x !== a);
      status(`Saved: ${a.id} no longer added to ${S.docs[a.d].doc}`, "ok");
      refresh();
    } catch (e) {
      status(`Not saved: ${e.message}`, "err");
    }
  }
  function search() {
    const ul = $("results");
    ul.replaceChildren();
    const it = current();
    const q = $("search").value.trim().toLowerCase();
    if (!it || !q) return;
    const taken = new Set([...itemsOf(it.d).map((x) => x.id), ...addedOf(it.d).map((x) => x.id)]);
    let list = catalog
      .filter((t) => !taken.has(t.id) && (t.id.toLowerCase().includes(q) || t.name.toLowerCase().includes(q)))
      .slice(0, 40);
    if (!catalog.length && /^t\d{4}(\.\d{3})?$/.test(q) && !taken.has(q.toUpperCase()))
      list = [{ id: q.toUpperCase(), name: "(no catalogue loaded)", tactic: "" }];
    for (const t of list) {
      const li = el("li");
      li.dataset.id = t.id;
      li.appendChild(TT.swatch(t.tactic));
      li.appendChild(el("span", "", `${t.id} ${t.name} — ${TT.tacticLabel(t.tactic, S.tactics)}`));
      li.addEventListener("click", () => add(t.id));
      ul.appendChild(li);
    }
    if (!list.length) ul.appendChild(el("li", "note", "no match"));
  }
  // Selected document text, as byte offsets: evidence for the next addition.
  function selectionOffsets() {
    const s = window.getSelection();
    if (!s || s.isCollapsed || !s.rangeCount) return null;
    const r = s.getRangeAt(0);
    const box = $("docbody").querySelector(".doctext");
    if (!box || !box.contains(r.startContainer) || !box.contains(r.endContainer)) return null;
    const off = (node, o) => {
      if (node.nodeType !== Node.TEXT_NODE) return null;
      const span = node.parentElement;
      if (!span || span.dataset.start === undefined) return null;
      return Number(span.dataset.start) + TT.utf8len(node.data.slice(0, o));
    };
    const start = off(r.startContainer, r.startOffset), end = off(r.endContainer, r.endOffset);
    if (start === null || end === null || end <= start) return null;
    return { start, end, text: s.toString() };
  }
  document.addEventListener("selectionchange", () => {
    const o = selectionOffsets();
    if (!o) return;
    pendingSel = o;
    const t = o.text.length > 80 ? o.text.slice(0, 80) + "…" : o.text;
    $("selinfo").textContent = `evidence for an addition: “${t}”`;
  });
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
    if (typing) {
      if (e.key === "Escape") t.blur();
      if (t.id === "search" && e.key === "Enter") {
        e.preventDefault();
        const first = $("results").querySelector("li[data-id]");
        if (first) add(first.dataset.id);
      }
      return;
    }
    switch (e.key) {
      case "a": decide("accept"); break;
      case "r": decide("reject"); break;
      case "j": go(cur + 1); break;
      case "k": go(cur - 1); break;
      case "/": $("search").focus(); break;
      default: return;
    }
    e.preventDefault();
  });
  $("accept").addEventListener("click", () => decide("accept"));
  $("reject").addEventListener("click", () => decide("reject"));
  $("next").addEventListener("click", () => go(cur + 1));
  $("prev").addEventListener("click", () => go(cur - 1));
  $("search").addEventListener("input", search);
  $("reviewer").addEventListener("change", () => localStorage.setItem("ttptag.reviewer", who()));
  $("sort").addEventListener("change", () => {
    const keep = queue[cur];
    order = $("sort").value === "document" ? "document" : "score";
    localStorage.setItem("ttptag.order", order);
    buildQueue();
    cur = Math.max(0, queue.indexOf(keep));
    refresh();
  });

  (async () => {
    try {
      S = await api("/api/state");
      catalog = await api("/api/catalog");
    } catch (e) {
      status(`Cannot load the results: ${e.message}`, "err");
      return;
    }
    $("sort").value = order;
    $("reviewer").value = localStorage.getItem("ttptag.reviewer") || "";
    $("source").textContent = `${S.results} → decisions in ${S.decisions}`;
    buildQueue();
    cur = firstUndecided();
    refresh();
    document.body.dataset.ready = "1";
    if (queue.length && S.items.every((it) => it.decision)) status("Every suggestion has a decision.", "ok");
  })();
})();
)JS";

// Splits "name:port", "[v6]:port" or "name" into name and port ("" if none).
void split_host(const std::string& host, std::string* name, std::string* port) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    *name = host.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    *port = close != std::string::npos && close + 1 < host.size() && host[close + 1] == ':'
                ? host.substr(close + 2)
                : "";
    return;
  }
  size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(':') == colon) {
    *name = host.substr(0, colon);
    *port = host.substr(colon + 1);
  } else {
    *name = host;
    *port = "";
  }
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void send_json(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, {{"error", message}}, status);
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  std::string h = lower(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h == "localhost" || h == "::1") return true;
  in_addr addr{};
  if (inet_pton(AF_INET, h.c_str(), &addr) == 1) return (ntohl(addr.s_addr) >> 24) == 127;
  return false;
}

struct ReviewServer::Impl {
  ServeOptions opts;
  ResultsFile results;
  std::vector<std::string> warnings;
  std::unique_ptr<DecisionLog> log;
  mutable std::mutex mu;  // guards state and log
  ReviewState state;
  std::map<std::string, size_t> doc_index;  // path -> first index in results
  std::string base_dir;                     // the results file's folder
  httplib::Server svr;
  int port = -1;

  bool host_allowed(const httplib::Request& req) const {
    if (!is_loopback_host(opts.host) || !req.has_header("Host")) return true;
    std::string name, p;
    split_host(req.get_header_value("Host"), &name, &p);
    return is_loopback_host(name) && (p.empty() || p == std::to_string(port));
  }

  json state_json() const {
    json docs = json::array(), items = json::array(), added = json::array();
    std::lock_guard<std::mutex> lock(mu);
    size_t decided = 0, total = 0;
    for (size_t d = 0; d < results.docs.size(); ++d) {
      const ResultDoc& rd = results.docs[d];
      json dj = {{"doc", rd.doc}, {"n", rd.techniques.size()}};
      if (auto t = rd.meta.find("title"); t != rd.meta.end() && t->is_string()) dj["title"] = *t;
      if (!rd.error.empty()) dj["error"] = rd.error;
      docs.push_back(std::move(dj));
      for (size_t t = 0; t < rd.techniques.size(); ++t) {
        const ResultTechnique& rt = rd.techniques[t];
        std::vector<std::string> rules;
        for (const auto& ev : rt.evidence)
          if (std::find(rules.begin(), rules.end(), ev.rule) == rules.end()) rules.push_back(ev.rule);
        std::string name = rt.name;
        if (name.empty() && opts.catalog)
          if (const Technique* c = opts.catalog->find(rt.id)) name = c->name;
        json it = {{"d", d},          {"t", t},         {"id", rt.id},
                   {"name", name},    {"tactic", tactic_of(opts.catalog, rt.id)},
                   {"score", rt.score}, {"rules", rules}, {"decision", nullptr}};
        ++total;
        if (const Decision* dec = state.latest(rd.doc, rt.id)) {
          it["decision"] = verdict_name(dec->decision);
          it["reviewer"] = dec->reviewer;
          it["comment"] = dec->comment;
          ++decided;
        }
        items.push_back(std::move(it));
      }
    }
    // Added techniques (latest decision "add") of documents in these results.
    for (const auto& [key, dec] : state.all()) {
      if (dec.decision != Verdict::kAdd) continue;
      auto di = doc_index.find(key.first);
      if (di == doc_index.end()) continue;
      const ResultDoc& rd = results.docs[di->second];
      const std::string& technique = key.second;  // clang < 16 cannot capture a structured binding
      bool suggested = std::any_of(rd.techniques.begin(), rd.techniques.end(),
                                   [&](const ResultTechnique& t) { return t.id == technique; });
      if (suggested) continue;
      std::string name;
      if (opts.catalog)
        if (const Technique* c = opts.catalog->find(key.second)) name = c->name;
      added.push_back({{"d", di->second},
                       {"id", key.second},
                       {"name", name},
                       {"tactic", tactic_of(opts.catalog, key.second)},
                       {"text", dec.evidence.text},
                       {"reviewer", dec.reviewer},
                       {"comment", dec.comment}});
    }
    return {{"results", opts.results},  {"decisions", opts.decisions},
            {"catalog", opts.catalog != nullptr}, {"tactics", tactic_names_json(opts.catalog)},
            {"docs", std::move(docs)},    {"items", std::move(items)},
            {"added", std::move(added)},  {"decided", decided},
            {"total", total}};
  }

  json doc_json(size_t index) const {
    const ResultDoc& d = results.docs[index];
    std::string why;
    std::optional<std::string> text;
    if (d.error.empty()) text = load_document_text(d, opts.max_text_bytes, &why, base_dir);
    return doc_view_json(d, index, text ? &*text : nullptr, why, opts.catalog);
  }

  // Validates a decision request and builds the decision (review.h); "" or an error message.
  std::string make_decision(const json& body, Decision* out) const {
    DecisionRequestContext ctx;
    ctx.results = &results;
    ctx.catalog = opts.catalog;
    ctx.max_text_bytes = opts.max_text_bytes;
    ctx.base_dir = base_dir;
    ctx.latest = [this](const std::string& doc, const std::string& tech) -> std::optional<Verdict> {
      std::lock_guard<std::mutex> lock(mu);
      const Decision* prev = state.latest(doc, tech);
      return prev ? std::optional<Verdict>(prev->decision) : std::nullopt;
    };
    return decision_from_request(body, ctx, out);
  }

  void routes() {
    svr.set_payload_max_length(opts.max_body);
    svr.new_task_queue = [] { return new httplib::ThreadPool(4); };
    svr.set_keep_alive_max_count(100);
    svr.set_read_timeout(10);
    svr.set_write_timeout(10);
    svr.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                             {"Cache-Control", "no-store"},
                             {"Referrer-Policy", "no-referrer"},
                             {"X-Frame-Options", "DENY"},
                             {"Cross-Origin-Resource-Policy", "same-origin"},
                             {"Content-Security-Policy", kCsp}});
    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (suspicious_request_target(req.target)) {
        send_error(res, 400, "bad request path");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!host_allowed(req)) {
        send_error(res, 400, "bad Host header");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.method == "POST") {
        if (lower(req.get_header_value("Content-Type")).rfind("application/json", 0) != 0) {
          send_error(res, 415, "send application/json");
          return httplib::Server::HandlerResponse::Handled;
        }
        if (req.has_header("Origin") &&
            req.get_header_value("Origin") != "http://" + req.get_header_value("Host")) {
          send_error(res, 403, "cross-origin request refused");
          return httplib::Server::HandlerResponse::Handled;
        }
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty())
        send_error(res, res.status, res.status == 404 ? "not found" : "request refused");
    });
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      send_error(res, 500, "internal error");
    });
    svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kAppHtml), "text/html; charset=utf-8");
    });
    svr.Get("/app.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(viewer_js()) + std::string(kAppJs),
                      "text/javascript; charset=utf-8");
    });
    svr.Get("/app.css", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(viewer_css()) + std::string(kAppCss), "text/css; charset=utf-8");
    });
    svr.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    svr.Get("/api/state", [this](const httplib::Request&, httplib::Response& res) {
      send_json(res, state_json());
    });
    svr.Get(R"(/api/doc/(\d{1,9}))", [this](const httplib::Request& req, httplib::Response& res) {
      size_t i = std::stoul(req.matches[1].str());
      if (i >= results.docs.size()) return send_error(res, 404, "no such document");
      send_json(res, doc_json(i));
    });
    svr.Get("/api/catalog", [this](const httplib::Request&, httplib::Response& res) {
      json out = json::array();
      if (opts.catalog)
        for (const auto& t : opts.catalog->techniques())
          out.push_back({{"id", t.id},
                         {"name", t.name},
                         {"tactic", t.tactics.empty() ? "" : t.tactics.front()}});
      send_json(res, out);
    });
    svr.Post("/api/decision", [this](const httplib::Request& req, httplib::Response& res) {
      json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded()) return send_error(res, 400, "the body is not JSON");
      Decision d;
      std::string problem = make_decision(body, &d);
      if (!problem.empty()) return send_error(res, 400, problem);
      d.time = rfc3339_now();
      {
        std::lock_guard<std::mutex> lock(mu);
        std::string error;
        if (!log->append(d, &error)) return send_error(res, 500, "not saved: " + error);
        state.apply(d);
      }
      send_json(res, {{"ok", true}, {"decision", json::parse(decision_to_jsonl(d))}});
    });
  }
};

ReviewServer::ReviewServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReviewServer::~ReviewServer() { stop(); }

std::unique_ptr<ReviewServer> ReviewServer::create(const ServeOptions& opts, std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->opts = opts;
  impl->results = read_results(opts.results);
  if (!impl->results.error.empty()) {
    *error = impl->results.error;
    return nullptr;
  }
  impl->warnings = impl->results.warnings;
  impl->base_dir = std::filesystem::absolute(opts.results).parent_path().string();
  for (size_t i = 0; i < impl->results.docs.size(); ++i)
    impl->doc_index.emplace(impl->results.docs[i].doc, i);
  DecisionFile log = read_decisions(opts.decisions);
  if (!log.error.empty()) {
    *error = log.error;
    return nullptr;
  }
  impl->warnings.insert(impl->warnings.end(), log.warnings.begin(), log.warnings.end());
  impl->state.apply_all(log.decisions);
  impl->log = DecisionLog::open(opts.decisions, error);
  if (!impl->log) return nullptr;
  impl->routes();
  return std::unique_ptr<ReviewServer>(new ReviewServer(std::move(impl)));
}

int ReviewServer::bind(std::string* error) {
  int port = impl_->opts.port;
  if (port == 0) {
    port = impl_->svr.bind_to_any_port(impl_->opts.host);
  } else if (!impl_->svr.bind_to_port(impl_->opts.host, port)) {
    port = -1;
  }
  if (port < 0) {
    *error = "cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) +
             " (in use, or not an address of this machine)";
    return -1;
  }
  impl_->port = port;
  return port;
}

bool ReviewServer::run() { return impl_->svr.listen_after_bind(); }

void ReviewServer::stop() {
  if (impl_ && impl_->svr.is_running()) impl_->svr.stop();
}

void ReviewServer::wait_until_ready() const {
  while (!impl_->svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

const std::vector<std::string>& ReviewServer::warnings() const { return impl_->warnings; }

size_t ReviewServer::suggestions() const {
  size_t n = 0;
  for (const auto& d : impl_->results.docs) n += d.techniques.size();
  return n;
}

size_t ReviewServer::decided() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  size_t n = 0;
  for (const auto& d : impl_->results.docs)
    for (const auto& t : d.techniques) n += impl_->state.latest(d.doc, t.id) != nullptr;
  return n;
}

}  // namespace ttptag
