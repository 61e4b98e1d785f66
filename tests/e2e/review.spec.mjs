// Browser test of the review app and the HTML report, run by node directly:
//   node review.spec.mjs --url http://127.0.0.1:PORT/ --decisions REVIEW.jsonl \
//        --report report.html --out OUTDIR [--xss NAME]
// Debian's chromium, headless, driven by playwright-core (no browser download).
// In the app: accept one suggestion (a), reject the next (r), add a technique
// (/ then Enter) with selected text as evidence, reload, and check that the
// page and the decision log show all three. Then check that a document
// holding <script> shows it as text, in the app and in the report, and take
// screenshots into OUTDIR.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
for (const need of ["url", "decisions", "report", "out"])
  if (!args[need]) throw new Error(`missing --${need}`);
const xssName = args.xss || "xss.txt";
const XSS = "<script>alert(1)</script>";

let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) {
    passed++;
    console.log(`ok: ${what}`);
  } else {
    failed++;
    console.log(`FAIL: ${what}`);
  }
}
const logLines = () =>
  readFileSync(args.decisions, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

const userDataDir = mkdtempSync(join(tmpdir(), "ttptag-e2e-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.TTPTAG_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1400, height: 900 },
  timeout: 60000,
});
const dialogs = [], errors = [], offsite = [];
const base = new URL(args.url);
// Nothing may leave the machine: only the app's origin and the report file.
await context.route("**/*", (route) => {
  const u = new URL(route.request().url());
  if (u.protocol === "file:" || u.origin === base.origin || u.protocol === "data:") return route.continue();
  offsite.push(u.href);
  return route.abort();
});

try {
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15000);
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  const ready = () => page.waitForSelector('body[data-ready="1"]');
  const current = async () => {
    const li = page.locator("#queue li.current");
    return { doc: await li.getAttribute("data-doc"), id: await li.getAttribute("data-id"),
             pos: Number(await li.getAttribute("data-pos")) };
  };
  const saved = (text) => page.waitForFunction(
    (t) => document.getElementById("status").textContent.startsWith(t), text);

  await page.goto(args.url);
  await ready();
  await page.fill("#reviewer", "e2e reviewer");
  await page.press("#reviewer", "Escape");
  const first = await current();
  check(first.pos === 0, "a fresh review starts at the first suggestion");

  // Accept (a).
  await page.keyboard.press("a");
  await saved("Saved: accept");
  const second = await current();
  check(second.pos === 1, "accepting moves to the next suggestion");

  // Reject (r).
  await page.keyboard.press("r");
  await saved("Saved: reject");
  const third = await current();

  // j / k move through the queue.
  await page.keyboard.press("j");
  check((await current()).pos === third.pos + 1, "j goes to the next suggestion");
  await page.keyboard.press("k");
  check((await current()).pos === third.pos, "k goes back");

  // Add (/ search, Enter), with a selected passage of the document as evidence.
  await page.waitForSelector("#docbody .doctext span");
  const selected = await page.evaluate(() => {
    const span = [...document.querySelectorAll("#docbody .doctext span")].find((s) => s.textContent.trim().length > 12);
    const node = span.firstChild;
    const from = node.data.search(/\S/);
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, from + 10);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    return sel.toString();
  });
  await page.waitForFunction(() => document.getElementById("selinfo").textContent.includes("evidence"));
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement.id === "search"), "/ focuses the technique search");
  await page.keyboard.type("T0");
  await page.waitForSelector("#results li[data-id]");
  const addedId = await page.getAttribute("#results li[data-id]", "data-id");
  await page.keyboard.press("Enter");
  await saved("Saved: add");
  check(await page.locator(`#added li[data-id="${addedId}"]`).count() === 1, `added ${addedId} is listed`);

  // The log has all three, durably, before any reload.
  let log = logLines();
  check(log.length === 3, "REVIEW.jsonl has three decisions");
  check(log[0].decision === "accept" && log[0].technique === first.id && log[0].document === first.doc,
        "first line: the accepted suggestion");
  check(log[1].decision === "reject" && log[1].technique === second.id && log[1].document === second.doc,
        "second line: the rejected suggestion");
  check(log[2].decision === "add" && log[2].technique === addedId && log[2].document === third.doc,
        "third line: the added technique");
  check(log[2].evidence.text === selected, `the selected text is the added technique's evidence ("${selected}")`);
  check(log.every((d) => d.reviewer === "e2e reviewer" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(d.time)),
        "reviewer and RFC 3339 time on every line");
  check(log[0].evidence.rule && log[0].evidence.end > log[0].evidence.start, "accepted line carries its evidence");

  // Reload: the page resumes at the first undecided suggestion and shows all three.
  await page.reload();
  await ready();
  const resumed = await current();
  check(resumed.pos === third.pos, "after reload the queue starts at the first undecided suggestion");
  const decisionOf = (s) =>
    page.getAttribute(`#queue li[data-pos="${s.pos}"]`, "data-decision");
  check((await decisionOf(first)) === "accept", "reloaded queue shows the accept");
  check((await decisionOf(second)) === "reject", "reloaded queue shows the reject");
  check(await page.waitForSelector(`#added li[data-id="${addedId}"]`).then(() => true, () => false),
        "reloaded page shows the addition");
  check((await page.textContent("#progress")).startsWith("2 of"), "progress counts two decided");
  await page.screenshot({ path: join(args.out, "review.png") });

  // A document holding a script tag shows it as text.
  const xss = page.locator(`#queue li[data-doc$="${xssName}"]`).first();
  if (await xss.count()) {
    await xss.click();
    await page.waitForFunction(
      (name) => document.getElementById("docpath").textContent.endsWith(name), xssName);
    const body = await page.textContent("#docbody");
    check(body.includes(XSS), "app: <script> in a document is shown as text");
    check(await page.locator("#docbody script, #docbody img").count() === 0, "app: no element made from document text");
    await page.evaluate(() => { document.getElementById("doc").scrollTop = 0; });
    await page.screenshot({ path: join(args.out, "review-xss.png") });
  } else {
    check(false, `app: ${xssName} is in the queue`);
  }

  // The report: self-contained, filters, escaping.
  await page.goto(pathToFileURL(args.report).href);
  await page.waitForSelector("section.doc");
  const all = await page.locator("section.doc").count();
  check(all > 1, `report lists documents (${all})`);
  const sec = page.locator(`section.doc[data-doc$="${xssName}"]`);
  check(await sec.count() === 1, "report: the script document is listed");
  if (await sec.count()) {
    check((await sec.textContent()).includes(XSS), "report: <script> in a document is shown as text");
    check(await page.locator("main script, main img").count() === 0, "report: no element made from document text");
  }
  check(await page.locator("mark.ev").count() > 0, "report: evidence is highlighted");
  await page.screenshot({ path: join(args.out, "report.png") });
  const option = await page.locator("#f-technique option").nth(1).getAttribute("value");
  await page.selectOption("#f-technique", option);
  const filtered = await page.locator("section.doc").count();
  check(filtered >= 1 && filtered <= all, `report: technique filter ${option} keeps ${filtered} of ${all}`);
  const rows = await page.locator("section.doc table.techs tr:not(.dim) td.id").allTextContents();
  check(rows.length > 0 && rows.every((t) => t.includes(option)), "report: other techniques are dimmed");

  check(dialogs.length === 0, `no dialog opened (${dialogs.join(", ")})`);
  check(errors.length === 0, `no page errors (${errors.join(" | ")})`);
  check(offsite.length === 0, `no request left the machine (${offsite.join(", ")})`);
} catch (e) {
  failed++;
  console.log(`FAIL: ${e.stack || e}`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
