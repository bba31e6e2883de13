/**
 * The HTML report in a real browser: Debian's chromium (installed by scripts/install-test-deps.sh when
 * missing), driven headless by playwright-core, opens the page `envtrace explain --format html --output`
 * wrote about a real process (a secret and a shadowed value in its environment). The variables table and
 * one SVG per graphed variable are there, search and sort work, nothing is logged as an error, no request
 * other than the file itself is made (the CSP even stops a fetch run from the console), and the secret is
 * nowhere in the file. A screenshot is saved under test-results/html-browser/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { killAll, startProcess, waitForDescendant } from "../helpers/processes.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = new URL("../..", import.meta.url).pathname;
const OUT = join(ROOT, "test-results", "html-browser");
const TOKEN = `ghp_${"Q7w8E9r0T1".repeat(3)}Zx12Cv`;
const PASSWORD = `pw-${"Hn4Jk8Lm2".repeat(2)}!`;

let pid: number;
let twins: number[];
let context: BrowserContext;
let profile: string;

function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() === 0)
    execFileSync("sh", [join(ROOT, "scripts/install-test-deps.sh")], { stdio: "inherit" });
  if (!existsSync(CHROMIUM))
    throw new Error("chromium missing: run scripts/install-test-deps.sh (Debian package chromium)");
}

beforeAll(async () => {
  ensureChromium();
  mkdirSync(OUT, { recursive: true });
  // sh starts with SHADOWED=outer and sets SHADOWED=inner for its child sleep: the outer value is shadowed.
  const child = startProcess("sh", ["-c", "SHADOWED=inner; export SHADOWED; sleep 300 & wait"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      SHADOWED: "outer",
      GITHUB_TOKEN: TOKEN,
      DB_PASSWORD: PASSWORD,
      WEIRD: `<img src=x onerror=alert(1)> "quoted" | pipe \`tick\``,
    },
  });
  pid = await waitForDescendant(child.pid!, "sleep");
  // Two sleeps of one shell: every variable has the same lineage in both.
  const pair = startProcess("sh", ["-c", "TWIN=1; export TWIN; sleep 301 & sleep 302 & wait"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GITHUB_TOKEN: TOKEN },
  });
  await waitForDescendant(pair.pid!, "sleep");
  for (let i = 0; i < 100; i++) {
    twins = readFileSync(`/proc/${pair.pid}/task/${pair.pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    if (twins.length === 2) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  profile = mkdtempSync(join(tmpdir(), "envtrace-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}, 600_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  killAll();
});

/** Opens a file with every request recorded and any request but the file itself refused. */
async function open(file: string) {
  const url = pathToFileURL(file).href;
  const page: Page = await context.newPage();
  const requests: string[] = [];
  const refused: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    refused.push(u);
    return route.abort();
  });
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: "load" });
  return { page, url, requests, refused, errors };
}

const visibleKeys = (page: Page) =>
  page.$$eval("#vars tbody tr:not([hidden]) td:nth-child(2)", (tds) => tds.map((td) => td.textContent ?? ""));

describe("the HTML report in chromium", () => {
  it("shows the table and a graph per graphed variable; search and sort work; no request, no error, no secret", async () => {
    const file = join(OUT, "explain.html");
    const r = await runCli(["explain", "--pid", String(pid), "--format", "html", "--output", file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const html = readFileSync(file, "utf8");
    expect(html).not.toContain(TOKEN);
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain("<img src=x");

    const { page, url, requests, refused, errors } = await open(file);
    const rows = await page.$$eval("#vars tbody tr", (trs) => trs.length);
    expect(rows).toBeGreaterThanOrEqual(5);
    const keys = await visibleKeys(page);
    expect(keys).toEqual(
      expect.arrayContaining(["GITHUB_TOKEN", "DB_PASSWORD", "SHADOWED", "WEIRD", "PATH"]),
    );
    // The masked values are shown, the clear ones are not.
    const text = (await page.textContent("body")) ?? "";
    expect(text).toContain("ghp_********");
    expect(text).not.toContain(TOKEN);
    expect(await page.$$eval("img", (x) => x.length)).toBe(0);

    // Every row that links to a graph links to a figure with exactly one SVG; one figure per link.
    const links = await page.$$eval("#vars tbody a[href^='#g']", (as) =>
      as.map((a) => a.getAttribute("href")!),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const href of links) {
      expect(await page.$$eval(`${href} svg`, (x) => x.length), href).toBe(1);
    }
    expect(await page.$$eval("figure svg", (x) => x.length)).toBe(new Set(links).size);
    // SHADOWED: set by sh, shadowing the test's own value: its graph says so.
    const shadowedRow = page.locator("#vars tbody tr", { hasText: "SHADOWED" });
    expect(await shadowedRow.locator("td").nth(7).textContent()).toBe("1");
    const fig = await shadowedRow.locator("a").getAttribute("href");
    const svgText = await page.locator(`${fig} svg`).textContent();
    expect(svgText).toContain("shadowed");
    expect(svgText).toContain("outer");

    // Search: typing filters rows (and the count says how many are shown).
    await page.fill("#q", "github_tok");
    expect(await visibleKeys(page)).toEqual(["GITHUB_TOKEN"]);
    expect(await page.textContent("#shown")).toBe("1");
    await page.fill("#q", "");
    expect((await visibleKeys(page)).length).toBe(rows);

    // Sort: a click on the Key header sorts ascending, a second click descending.
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    await page.click("#vars thead th:nth-child(2) button");
    const asc = await visibleKeys(page);
    expect(asc).toEqual([...asc].sort(collator.compare));
    expect(await page.getAttribute("#vars thead th:nth-child(2)", "aria-sort")).toBe("ascending");
    await page.click("#vars thead th:nth-child(2) button");
    const desc = await visibleKeys(page);
    expect(desc).toEqual([...asc].reverse());

    await page.screenshot({ path: join(OUT, "explain.png"), fullPage: true });
    expect(errors).toEqual([]);
    expect(refused).toEqual([]);
    expect(requests).toEqual([url]);

    // The page's policy forbids connections: a fetch from the page fails before any request is made.
    const fetched = await page.evaluate(() =>
      fetch("https://example.com/leak").then(
        () => "sent",
        (e: Error) => `refused: ${e.message}`,
      ),
    );
    expect(fetched).toMatch(/^refused/);
    expect(refused).toEqual([]);
    expect(errors.join("\n")).toMatch(/Content Security Policy/);
    await page.close();
  });

  it("a scan page: one row per process, a lineage shared by two processes drawn once and listing both", async () => {
    const file = join(OUT, "scan.html");
    const r = await runCli([
      "scan",
      ...twins.flatMap((p) => ["--pid", String(p)]),
      "--format",
      "html",
      "--output",
      file,
    ]);
    expect(r.code).toBe(0);
    const html = readFileSync(file, "utf8");
    expect(html).not.toContain(TOKEN);
    const { page, url, requests, refused, errors } = await open(file);
    expect(await page.$$eval("#overview tbody tr", (x) => x.length)).toBe(2);
    const twin = page.locator("#vars tbody tr", { hasText: "TWIN" });
    expect(await twin.count()).toBe(2);
    const hrefs = await twin.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(hrefs[0]).toBe(hrefs[1]);
    const caption = await page.locator(`${hrefs[0]} figcaption`).textContent();
    for (const p of twins) expect(caption).toContain(`(pid ${p})`);
    expect(await page.$$eval(`${hrefs[0]} svg`, (x) => x.length)).toBe(1);
    // Sorting the overview by a numeric column keeps every row.
    await page.click("#overview thead th:nth-child(2) button");
    expect(await page.$$eval("#overview tbody tr", (x) => x.length)).toBe(2);
    await page.screenshot({ path: join(OUT, "scan.png"), fullPage: true });
    expect(errors).toEqual([]);
    expect(refused).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
