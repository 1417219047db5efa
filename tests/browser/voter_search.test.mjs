// Browser test of the voter search page in Debian's Chromium, against a running narwhal
// server: `NARWHAL_URL=http://127.0.0.1:PORT NARWHAL_ADMIN_CODE=... node --test tests/browser/`.
//
// The server must hold data and an admin (scripts/test.sh runs `narwhal demo --data DIR`
// and scripts/browser_fixture.sh, then `narwhal serve`). The test logs in as the admin
// through the login screen, finds its voter through the API with that session, then
// searches as a volunteer on a phone would: types her name, opens her record, checks the
// vote history, goes back. Screenshots land in build/browser/.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  apiJson,
  assertFitsWidth,
  baseUrl,
  kDesktop,
  launchBrowser,
  logInThroughPage,
  openPage as openRecordedPage,
  screenshot,
  skipReason,
} from "./support.mjs";

let token = null; // the admin's session, from the login in before()

function getJson(pathAndQuery) {
  return apiJson("GET", pathAndQuery, { token });
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

describe("voter search page", { skip: skipReason("NARWHAL_ADMIN_CODE") }, () => {
  let browser;
  let voter;
  let session; // the logged-in browser storage, shared by every page of the suite

  before(async () => {
    browser = await launchBrowser();
    // A code works once: log in once, then every page starts with that session.
    const { context, page } = await openRecordedPage(browser);
    try {
      token = await logInThroughPage(page, process.env.NARWHAL_ADMIN_CODE);
      session = await context.storageState();
    } finally {
      await context.close();
    }
    voter = await findVoter();
  });

  after(async () => {
    await browser?.close();
  });

  function openPage(viewport) {
    return openRecordedPage(browser, { viewport, storageState: session });
  }

  test("a volunteer finds a voter by name, opens her record and goes back", async () => {
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
      await screenshot(page, "search-results.png");

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
      await screenshot(page, "voter-record.png");

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
      await screenshot(page, "after-back.png");

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
    const { context, page, problems } = await openPage(kDesktop);
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
      await screenshot(page, "search-error-desktop.png");

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
