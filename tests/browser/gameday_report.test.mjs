// Browser test of a game day's report.html, as an organizer opens it after a run: the
// verdict comes first, the phase table and both charts are drawn (uPlot, inlined: the page
// is opened from disk with every network request refused), and the fault table shows each
// fault's proof. NARWHAL_GAMEDAY_REPORT names the report of the run `make test` just did
// (scripts/test.sh). Screenshot: build/browser/gameday-report.png.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { kDesktop, launchBrowser, openPage, screenshot } from "./support.mjs";

const report = process.env.NARWHAL_GAMEDAY_REPORT ?? "";
const skip = !report
  ? "NARWHAL_GAMEDAY_REPORT is not set (scripts/test.sh runs a game day first)"
  : !existsSync(report)
    ? `${report} does not exist`
    : false;

describe("game day report", { skip }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test("opens offline with the verdict, the phases, two charts and the faults' proof", async () => {
    const { context, page, problems } = await openPage(browser, { viewport: kDesktop });
    const fetched = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      fetched.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(report).href);
    const verdict = await page.locator("#verdict").innerText();
    assert.match(verdict, /^(PASSED|FAILED)/);
    assert.match(verdict, /PASSED/, `the run this report comes from failed: ${verdict}`);
    const phases = await page.locator("h2:has-text('Phases') + table tr").count();
    assert.ok(phases >= 2, "a header and at least one phase row");
    // uPlot draws each chart into a canvas of its own.
    assert.equal(await page.locator("#throughput canvas").count(), 1, "throughput chart drawn");
    assert.equal(await page.locator("#latency canvas").count(), 1, "latency chart drawn");
    const faults = await page.locator("h2:has-text('Faults') + table").innerText();
    assert.match(faults, /signal 9/, "a kill -9 and its proof");
    assert.deepEqual(fetched, [], "the report fetches nothing");
    assert.deepEqual(problems, []);
    await screenshot(page, "gameday-report.png");
    await context.close();
  });
});
