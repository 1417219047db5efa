// Browser test of the voter search page in Debian's Chromium, against a running narwhal
// server: `NARWHAL_URL=http://127.0.0.1:PORT node --test tests/browser/`.
//
// The server must hold data (the lead's script runs `narwhal demo --data DIR` and then
// `narwhal serve`). The test finds its voter through the API itself, then acts as a poll
// watcher on a phone would: types her name, opens her record, checks the vote history,
// goes back. Screenshots land in build/browser/.
//
// playwright-core comes from web/node_modules (one `npm ci` in web/ installs it); no
// browser is downloaded: it drives /usr/bin/chromium.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const screenshotDir = path.join(repoRoot, "build", "browser");
const baseUrl = (process.env.NARWHAL_URL ?? "").replace(/\/+$/, "");
const chromiumPath = process.env.NARWHAL_CHROMIUM ?? "/usr/bin/chromium";
const kPhone = { width: 375, height: 740 };
const kTimeoutMs = 15000;

function loadPlaywright() {
  const require = createRequire(path.join(repoRoot, "web", "package.json"));
  try {
    return require("playwright-core");
  } catch (error) {
    throw new Error(
      "playwright-core is not installed: run `npm ci` in web/ first " + `(${error.message})`,
    );
  }
}

async function getJson(pathAndQuery) {
  const url = `${baseUrl}${pathAndQuery}`;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (error) {
    throw new Error(
      `cannot reach the narwhal server at ${url}: ${error.cause?.message ?? error.message}`,
    );
  }
  const text = await response.text();
  assert.ok(
    response.ok,
    `GET ${pathAndQuery} answered HTTP ${response.status}: ${text.slice(0, 300)}`,
  );
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`GET ${pathAndQuery} did not answer JSON: ${text.slice(0, 300)}`);
  }
}

// A voter with a plain first and last name and some vote history, from the biggest
// precincts first so the test does not depend on any one generated name.
async function findVoter() {
  const { precincts } = await getJson("/api/v1/precincts");
  assert.ok(
    Array.isArray(precincts) && precincts.length > 0,
    "GET /api/v1/precincts returned no precincts: is there data in the server's store (narwhal demo)?",
  );
  const biggest = [...precincts].sort((a, b) => (b.voters ?? 0) - (a.voters ?? 0)).slice(0, 3);
  for (const p of biggest) {
    const query = new URLSearchParams({ county: p.county, precinct: p.precinct, limit: "25" });
    const { voters } = await getJson(`/api/v1/voters?${query}`);
    for (const v of voters ?? []) {
      if (!/^[A-Z]{2,}$/.test(v.last_name ?? "") || !/^[A-Z]{2,}$/.test(v.first_name ?? ""))
        continue;
      const record = await getJson(`/api/v1/voters/${encodeURIComponent(v.voter_id)}`);
      if (Array.isArray(record.history) && record.history.length > 0) return { summary: v, record };
    }
  }
  assert.fail(
    "no voter with a plain name and vote history in the 3 biggest precincts: was the " +
      "vote history (ncvhis) loaded by `narwhal demo`?",
  );
}

describe("voter search page", { skip: baseUrl ? false : "NARWHAL_URL is not set" }, () => {
  let browser;
  let voter;

  before(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    voter = await findVoter();
    const { chromium } = loadPlaywright();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
  });

  after(async () => {
    await browser?.close();
  });

  // A phone-sized page that records what would otherwise fail silently: script errors,
  // CSP refusals and failed requests.
  async function openPage(viewport = kPhone) {
    const context = await browser.newContext({
      viewport,
      deviceScaleFactor: 2,
      isMobile: viewport.width < 600,
      hasTouch: viewport.width < 600,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(kTimeoutMs);
    const problems = [];
    page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
    page.on("console", (message) => {
      if (
        message.type() === "error" &&
        !/Failed to load resource: the server responded with a status of 400/.test(message.text())
      ) {
        problems.push(`console error: ${message.text()}`);
      }
    });
    page.on("requestfailed", (request) => {
      const failure = request.failure()?.errorText ?? "";
      if (!failure.includes("ERR_ABORTED"))
        problems.push(`request failed: ${request.url()} ${failure}`);
    });
    return { context, page, problems };
  }

  async function assertFitsWidth(page, where) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(
      scrollWidth <= innerWidth,
      `${where}: the page is ${scrollWidth}px wide on a ${innerWidth}px screen (sideways scrolling)`,
    );
  }

  test("a poll watcher finds a voter by name, opens her record and goes back", async () => {
    const { summary, record } = voter;
    const { context, page, problems } = await openPage();
    try {
      await page.goto(`${baseUrl}/`);
      const input = page.getByLabel("Name or registration number");
      await input.waitFor({ state: "visible" });
      assert.ok(await page.getByTestId("county-select").isVisible(), "county select is not shown");

      const typed = `${summary.last_name} ${summary.first_name}`;
      await input.pressSequentially(typed.toLowerCase(), { delay: 25 });
      const result = page.locator(
        `[data-testid="voter-result"][data-voter-id="${summary.voter_id}"]`,
      );
      try {
        await result.waitFor({ state: "visible" });
      } catch {
        const shown = await page.getByTestId("voter-result-name").allTextContents();
        const status = await page.getByTestId("search-status").textContent();
        assert.fail(
          `searching "${typed}" did not list ${summary.voter_id}; status "${status}", ` +
            `results: ${JSON.stringify(shown.slice(0, 10))}`,
        );
      }
      const resultText = await result.textContent();
      assert.match(resultText, new RegExp(summary.last_name), "the result shows the last name");
      assert.match(resultText, new RegExp(summary.first_name), "the result shows the first name");
      await assertFitsWidth(page, "search results");
      await page.screenshot({
        path: path.join(screenshotDir, "search-results.png"),
        fullPage: true,
      });

      await result.getByRole("link").click();
      await page.waitForURL(
        (url) => url.hash === `#/voters/${encodeURIComponent(summary.voter_id)}`,
      );
      const name = page.getByTestId("voter-name");
      await name.waitFor({ state: "visible" });
      const heading = await name.textContent();
      assert.match(
        heading,
        new RegExp(`\\b${summary.first_name}\\b`),
        `heading "${heading}" lacks the first name`,
      );
      assert.match(
        heading,
        new RegExp(`\\b${summary.last_name}\\b`),
        `heading "${heading}" lacks the last name`,
      );
      const table = page.getByTestId("history-table");
      await table.waitFor({ state: "visible" });
      const rows = await table.getByTestId("history-row").count();
      assert.equal(rows, record.history.length, "one history row per election the API lists");
      await assertFitsWidth(page, "voter record");
      await page.screenshot({ path: path.join(screenshotDir, "voter-record.png"), fullPage: true });

      await page.goBack();
      await page.getByTestId("search-view").waitFor({ state: "visible" });
      assert.equal(
        await input.inputValue(),
        typed.toLowerCase(),
        "the search box keeps what was typed",
      );
      await result.waitFor({ state: "visible" });
      assert.ok(
        !(await page.getByTestId("voter-view").isVisible()),
        "the record is hidden after back",
      );
      await page.screenshot({ path: path.join(screenshotDir, "after-back.png"), fullPage: true });

      // The page's own "Back to search" link does the same as the browser's button.
      await result.getByRole("link").click();
      await name.waitFor({ state: "visible" });
      await page.getByTestId("back-link").click();
      await result.waitFor({ state: "visible" });
      assert.equal(await input.inputValue(), typed.toLowerCase(), "the back link keeps the search");
      assert.deepEqual(problems, [], "the page reported errors");
    } finally {
      await context.close();
    }
  });

  test("no matches and bad input are shown clearly", async () => {
    const { context, page, problems } = await openPage({ width: 1280, height: 800 });
    try {
      await page.goto(`${baseUrl}/`);
      const input = page.getByLabel("Name or registration number");
      await input.fill("zzqx qqzx");
      await page.getByText("No voters found").waitFor({ state: "visible" });

      // Punctuation only: the server answers application/problem+json and the page shows it.
      await input.fill("!!!");
      const error = page.getByTestId("error").first();
      await error.waitFor({ state: "visible" });
      const title = await page.getByTestId("error-title").first().textContent();
      assert.ok(title && title.trim().length > 0, "the error box shows the problem's title");
      assert.equal(await page.getByTestId("voter-result").count(), 0, "no results beside an error");
      await page.screenshot({
        path: path.join(screenshotDir, "search-error-desktop.png"),
        fullPage: true,
      });

      // An unknown voter id in the address shows the server's 404 problem.
      await page.goto(`${baseUrl}/#/voters/NOSUCHVOTER0`);
      await page.getByTestId("voter-view").getByTestId("error").waitFor({ state: "visible" });
      assert.deepEqual(
        problems.filter((p) => !p.includes("404")),
        [],
        "the page reported errors",
      );
    } finally {
      await context.close();
    }
  });
});
