// Browser test of election day: a poll watcher strikes voters offline on a phone, the
// strikes survive a reload without network (the service worker serves the page, IndexedDB
// keeps the poll book and the outbox), and once the network is back they are sent exactly
// once; headquarters' turnout page shows the new count live.
//
// Needs the users of scripts/browser_fixture.sh: NARWHAL_STRIKE_WATCHER_CODE (a poll
// watcher of NARWHAL_WATCHER_COUNTY / NARWHAL_STRIKE_PRECINCT, a precinct no other test
// strikes in) and NARWHAL_HQ_CODE (an organizer of the county). Screenshots land in
// build/browser/.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  apiJson,
  apiLogIn,
  assertFitsWidth,
  baseUrl,
  kDesktop,
  launchBrowser,
  logInThroughPage,
  openPage,
  screenshot,
  skipReason,
} from "./support.mjs";

const county = process.env.NARWHAL_WATCHER_COUNTY;
const precinct = process.env.NARWHAL_STRIKE_PRECINCT;

async function precinctTurnout(token) {
  const turnout = await apiJson("GET", `/api/v1/turnout?county=${county}`, { token });
  const row = turnout.precincts.find((p) => p.county === county && p.precinct === precinct);
  assert.ok(row, `turnout has no row for ${county}/${precinct}`);
  return row;
}

// Failures that are the point of the test while the network is off.
function onlineProblems(problems) {
  return problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED/.test(p));
}

describe(
  "a poll watcher strikes voters offline",
  {
    skip: skipReason(
      "NARWHAL_STRIKE_WATCHER_CODE",
      "NARWHAL_WATCHER_COUNTY",
      "NARWHAL_STRIKE_PRECINCT",
      "NARWHAL_HQ_CODE",
    ),
  },
  () => {
    let browser;
    let hqToken;
    let picked;

    before(async () => {
      const session = await apiLogIn(process.env.NARWHAL_HQ_CODE);
      hqToken = session.token;
      const before = await precinctTurnout(hqToken);
      assert.equal(before.voted, 0, `nobody in ${county}/${precinct} has voted yet`);
      const { voters } = await apiJson(
        "GET",
        `/api/v1/voters?county=${county}&precinct=${precinct}&limit=60`,
        { token: hqToken },
      );
      picked = voters
        .filter((v) => /^[A-Z]{2,}$/.test(v.last_name ?? "") && /^[A-Z]{2,}$/.test(v.first_name ?? ""))
        .slice(0, 3);
      assert.equal(picked.length, 3, "three voters to strike");
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
    });

    test("strikes queue offline, survive a reload and are sent once", async () => {
      const { context, page, problems } = await openPage(browser);
      const hq = await openPage(browser, { viewport: kDesktop });
      try {
        await logInThroughPage(page, process.env.NARWHAL_STRIKE_WATCHER_CODE);
        await page.getByTestId("nav-watch").waitFor({ state: "visible" });
        await page.goto(`${baseUrl}/#/watch`);
        await page.getByTestId("watch-view").waitFor({ state: "visible" });
        await page.locator('[data-testid="book-status"][data-ready="true"]').waitFor();
        assert.match(await page.getByTestId("book-status").textContent(), /^\d+ voters on this phone/);
        // The service worker has taken the app shell and controls the page.
        await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, {
          timeout: 15000,
        });

        // Headquarters watches the precinct.
        await hq.context.addInitScript((token) => {
          window.localStorage.setItem("narwhal.session", token);
        }, hqToken);
        await hq.page.goto(`${baseUrl}/#/turnout`);
        const hqRow = hq.page.locator(
          `[data-testid="turnout-row"][data-county="${county}"][data-precinct="${precinct}"]`,
        );
        await hqRow.waitFor({ state: "visible" });
        assert.equal((await hqRow.getByTestId("turnout-voted").textContent()).trim(), "0");

        await context.setOffline(true);
        const search = page.getByTestId("watch-search");
        for (const v of picked) {
          await search.fill(`${v.last_name} ${v.first_name}`);
          const row = page.locator(`[data-testid="watch-row"][data-voter="${v.voter_id}"]`);
          await row.getByTestId("strike").click();
          await row.getByTestId("strike-state").waitFor({ state: "visible" });
        }
        await page.getByText("3 strikes not sent yet").waitFor();
        await assertFitsWidth(page, "strike list");
        await screenshot(page, "watch-offline.png");

        // Undo within the list, then strike again: still three.
        await page.locator(`[data-testid="watch-row"][data-voter="${picked[2].voter_id}"]`)
          .getByTestId("undo")
          .click();
        await page.getByText("2 strikes not sent yet").waitFor();
        await page
          .locator(`[data-testid="watch-row"][data-voter="${picked[2].voter_id}"]`)
          .getByTestId("strike")
          .click();
        await page.getByText("3 strikes not sent yet").waitFor();

        // A reload without network: the service worker serves the page, IndexedDB the rest.
        await page.reload();
        await page.getByTestId("watch-view").waitFor({ state: "visible" });
        await page.getByText("3 strikes not sent yet").waitFor();
        await search.fill(`${picked[0].last_name} ${picked[0].first_name}`);
        await page
          .locator(`[data-testid="watch-row"][data-voter="${picked[0].voter_id}"] [data-testid="strike-state"]`)
          .waitFor();
        await screenshot(page, "watch-offline-reloaded.png");
        assert.equal((await precinctTurnout(hqToken)).voted, 0, "nothing was sent offline");

        await context.setOffline(false);
        await page.getByText("0 strikes not sent yet").waitFor({ timeout: 30000 });
        await page.getByText("All strikes sent").waitFor();
        await screenshot(page, "watch-synced.png");

        const afterSync = await precinctTurnout(hqToken);
        assert.equal(afterSync.voted, 3, "each of the three voters counted exactly once");

        // Headquarters sees it without a reload (change feed, or the periodic refresh).
        await hqRow.getByTestId("turnout-voted").filter({ hasText: /^3$/ }).waitFor({ timeout: 40000 });
        await screenshot(hq.page, "turnout.png");

        assert.deepEqual(onlineProblems(problems), [], "the watcher's page reported errors");
        assert.deepEqual(hq.problems, [], "the turnout page reported errors");
      } finally {
        await context.close();
        await hq.context.close();
      }
    });
  },
);
