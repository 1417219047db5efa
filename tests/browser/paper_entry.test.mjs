// Browser test of paper entry (#/entry): an organizer at a field office keys in a strike
// list with the keyboard. She types a voter id, sees the voter, presses Enter and sees
// "struck"; the same id again is "already struck"; two quick Enters strike once; an unknown
// id says so; an undo takes a strike back; an entry made while the network is down waits in
// the outbox and is sent once it is back. Turnout (the API) follows every step. A poll
// watcher gets neither the link nor the page.
//
// Needs the users of scripts/browser_fixture.sh: NARWHAL_ENTRY_CODE (an organizer of
// NARWHAL_WATCHER_COUNTY), NARWHAL_ENTRY_PRECINCT (a precinct no other test strikes in) and
// NARWHAL_ENTRY_WATCHER_CODE (a poll watcher of that precinct). Screenshots land in
// build/browser/.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  apiJson,
  assertFitsWidth,
  baseUrl,
  kDesktop,
  kPhone,
  launchBrowser,
  logInThroughPage,
  openPage,
  screenshot,
  skipReason,
  turnoutVoted,
} from "./support.mjs";

const county = process.env.NARWHAL_WATCHER_COUNTY;
const precinct = process.env.NARWHAL_ENTRY_PRECINCT;

const precinctVoted = (token) => turnoutVoted(token, county, precinct);

// Failures that are the point of the test while the network is off.
function onlineProblems(problems) {
  return problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED/.test(p));
}

// Types `text` into the empty entry box as a typist would and waits until the box shows
// the voter `name` (listName: "LAST, FIRST ...").
async function typeAndConfirm(page, text, voter) {
  const input = page.getByTestId("entry-input");
  assert.equal(await input.inputValue(), "", "the box is empty before the next number");
  await input.pressSequentially(text);
  await page.locator('[data-testid="entry-card"][data-state="found"]').waitFor();
  const name = await page.getByTestId("entry-name").textContent();
  assert.ok(
    name.startsWith(`${voter.last_name}, ${voter.first_name}`),
    `the box shows ${voter.last_name}, ${voter.first_name}, not ${name}`,
  );
}

function row(page, voterId) {
  return page.locator(`[data-testid="entry-row"][data-voter="${voterId}"]`);
}

describe(
  "paper entry at a field office",
  {
    skip: skipReason(
      "NARWHAL_ENTRY_CODE",
      "NARWHAL_ENTRY_PRECINCT",
      "NARWHAL_ENTRY_WATCHER_CODE",
      "NARWHAL_WATCHER_COUNTY",
    ),
  },
  () => {
    let browser;

    before(async () => {
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
    });

    test("an organizer keys in strikes with the keyboard", async () => {
      // The unknown id's 404 is provoked on purpose.
      const { context, page, problems } = await openPage(browser, {
        viewport: kDesktop,
        expectedStatuses: [404],
      });
      try {
        const token = await logInThroughPage(page, process.env.NARWHAL_ENTRY_CODE);
        const { voters } = await apiJson(
          "GET",
          `/api/v1/voters?county=${county}&precinct=${precinct}&limit=50`,
          { token },
        );
        const picked = voters.filter(
          (v) => v.status === "active" && /^[A-Z]{2,}$/.test(v.last_name ?? "") && v.first_name,
        );
        assert.ok(picked.length >= 4, `four voters of ${county}/${precinct} to key in`);
        const [first, second, third, fourth] = picked;
        const voted0 = await precinctVoted(token);

        await page.getByTestId("nav-entry").click();
        await page.getByTestId("entry-view").waitFor({ state: "visible" });
        assert.equal(await page.title(), "Paper entry · Narwhal");
        const input = page.getByTestId("entry-input");
        await page.waitForFunction(
          () => document.activeElement?.getAttribute("data-testid") === "entry-input",
        );
        const result = page.getByTestId("entry-result");

        // Type, check, Enter: struck, and the box is ready for the next number.
        await typeAndConfirm(page, first.voter_id, first);
        assert.match(await page.getByTestId("entry-precinct").textContent(), new RegExp(precinct));
        await screenshot(page, "paper-entry-found.png");
        await page.keyboard.press("Enter");
        await page.locator('[data-testid="entry-result"][data-outcome="struck"]').waitFor();
        assert.match(await result.textContent(), /^Struck: /);
        assert.equal(await input.inputValue(), "");
        assert.equal(
          await page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
          "entry-input",
          "focus is back in the box",
        );
        await row(page, first.voter_id).and(page.locator('[data-state="struck"]')).waitFor();
        assert.equal(await page.getByTestId("entry-count").textContent(), "1 strike entered");
        assert.equal(await page.getByTestId("entry-unsent").textContent(), "0 not sent");
        assert.equal(await precinctVoted(token), voted0 + 1, "the strike counted");

        // The same voter again: already struck, counted once.
        await typeAndConfirm(page, first.voter_id, first);
        await page.keyboard.press("Enter");
        await page.locator('[data-testid="entry-result"][data-outcome="already_struck"]').waitFor();
        assert.match(await result.textContent(), /^Already struck: /);
        assert.equal(await row(page, first.voter_id).count(), 2);
        assert.equal(await page.getByTestId("entry-count").textContent(), "1 strike entered");
        assert.equal(await precinctVoted(token), voted0 + 1, "already struck counts once");

        // Enter twice quickly strikes once. The registration number finds her too.
        await typeAndConfirm(page, second.registration_number, second);
        await page.keyboard.press("Enter");
        await page.keyboard.press("Enter");
        await page.locator('[data-testid="entry-result"][data-outcome="struck"]').waitFor();
        assert.equal(await row(page, second.voter_id).count(), 1, "one entry for two Enters");
        assert.equal(await precinctVoted(token), voted0 + 2);

        // An unknown id: said plainly, and Enter strikes nobody.
        await input.pressSequentially("ZZ00000000");
        await page.getByTestId("entry-not-found").waitFor();
        const notFound = await page.getByTestId("entry-not-found").textContent();
        assert.match(notFound, /No voter ZZ00000000/);
        await page.keyboard.press("Enter");
        await page.getByTestId("entry-not-found").waitFor();
        assert.equal(await page.getByTestId("entry-row").count(), 3);
        await page.keyboard.press("Escape");
        assert.equal(await input.inputValue(), "");

        // Undo the second strike, with a reason.
        await row(page, second.voter_id).getByTestId("entry-undo").click();
        const reason = row(page, second.voter_id).getByTestId("entry-undo-reason");
        assert.equal(await reason.inputValue(), "keyed in by mistake");
        await reason.fill("keyed in by mistake: wrong line");
        await row(page, second.voter_id).getByTestId("entry-undo-confirm").click();
        await row(page, second.voter_id).and(page.locator('[data-state="undone"]')).waitFor();
        assert.equal(await page.getByTestId("entry-count").textContent(), "1 strike entered");
        assert.equal(await precinctVoted(token), voted0 + 1, "the undo took the strike back");

        // The network drops: the entry waits in the outbox and goes once it is back.
        await context.setOffline(true);
        await input.pressSequentially(third.voter_id);
        await page.locator('[data-testid="entry-card"][data-state="offline"]').waitFor();
        await page.keyboard.press("Enter");
        await page.locator('[data-testid="entry-unsent"][data-count="1"]').waitFor();
        assert.equal(await page.getByTestId("entry-unsent").textContent(), "1 not sent");
        await screenshot(page, "paper-entry-offline.png");
        assert.equal(await precinctVoted(token), voted0 + 1, "nothing was sent offline");
        await context.setOffline(false);
        await page.locator('[data-testid="entry-unsent"][data-count="0"]').waitFor({
          timeout: 30000,
        });
        await row(page, third.voter_id).and(page.locator('[data-state="struck"]')).waitFor();
        assert.equal(await precinctVoted(token), voted0 + 2, "the queued entry counted once");

        // One more, the usual way, then the page on a phone.
        await typeAndConfirm(page, fourth.voter_id, fourth);
        await page.keyboard.press("Enter");
        await row(page, fourth.voter_id).and(page.locator('[data-state="struck"]')).waitFor();
        assert.equal(await page.getByTestId("entry-count").textContent(), "3 strikes entered");
        assert.equal(await precinctVoted(token), voted0 + 3);
        await screenshot(page, "paper-entry.png");
        await page.setViewportSize(kPhone);
        await assertFitsWidth(page, "paper entry");
        await screenshot(page, "paper-entry-phone.png");

        assert.deepEqual(onlineProblems(problems), [], "the page reported errors");
      } finally {
        await context.close();
      }
    });

    test("a poll watcher gets no paper-entry page", async () => {
      const { context, page, problems } = await openPage(browser);
      try {
        await logInThroughPage(page, process.env.NARWHAL_ENTRY_WATCHER_CODE);
        await page.getByTestId("nav-watch").waitFor({ state: "visible" });
        assert.ok(await page.getByTestId("nav-entry").isHidden(), "no paper-entry link");
        await page.goto(`${baseUrl}/#/entry`);
        await page.getByTestId("not-found-view").waitFor({ state: "visible" });
        assert.equal(await page.getByTestId("entry-view").count(), 0);
        assert.deepEqual(problems, [], "the page reported errors");
      } finally {
        await context.close();
      }
    });
  },
);
