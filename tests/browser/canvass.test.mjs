// Browser test of canvassing: a canvasser opens her turf by its list number on a phone,
// goes offline, records results at three doors (and at the first, where she reaches
// someone, walks the field book's door script: a branch taken on an answer, a multiple
// choice, a tag), reloads the page without network, comes back online; every result and
// answer arrives exactly once, on the voter's timeline (the API's and the voter page's), in
// the turf's progress and in a universe selected on the answer, and the turf shows them
// after the sync.
//
// Needs the users of scripts/browser_fixture.sh: NARWHAL_CANVASSER_CODE (a canvasser
// assigned the kept turf NARWHAL_CANVASS_LIST) and NARWHAL_CANVASS_ADMIN_CODE (an admin who
// reads the timelines). Screenshots land in build/browser/.

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
  screenshotDir,
  skipReason,
} from "./support.mjs";

const list = process.env.NARWHAL_CANVASS_LIST;

function onlineProblems(problems) {
  return problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED/.test(p));
}

describe(
  "a canvasser records results offline",
  { skip: skipReason("NARWHAL_CANVASSER_CODE", "NARWHAL_CANVASS_LIST", "NARWHAL_CANVASS_ADMIN_CODE") },
  () => {
    let browser;
    let adminToken;
    let turf;

    before(async () => {
      adminToken = (await apiLogIn(process.env.NARWHAL_CANVASS_ADMIN_CODE)).token;
      turf = await apiJson("GET", `/api/v1/turfs/${list}`, { token: adminToken });
      assert.ok(turf.stops.length >= 3, `turf ${list} has at least three doors`);
      assert.equal(turf.voters_contacted, 0, "nobody on the turf was contacted yet");
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
    });

    test("results queue offline, survive a reload and are recorded once", async () => {
      const { context, page, problems } = await openPage(browser);
      try {
        await logInThroughPage(page, process.env.NARWHAL_CANVASSER_CODE);
        // A canvasser lands on her turfs; she types the list number as it is printed, in
        // lower case and with a dash.
        await page.getByTestId("canvass-view").waitFor({ state: "visible" });
        await page.getByTestId("my-turf").first().waitFor();
        const typed = `${list.slice(0, 3)}-${list.slice(3)}`.toLowerCase();
        await page.getByTestId("canvass-list-input").fill(typed);
        await page.getByTestId("canvass-load").click();
        const stops = page.getByTestId("canvass-stop");
        await stops.first().waitFor();
        assert.equal(await stops.count(), turf.stops.length, "every door of the turf");
        const first = await stops.first().locator("h2").textContent();
        assert.equal(first, `1. ${turf.stops[0].address}`, "the doors in walk order");
        await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, {
          timeout: 15000,
        });
        await page.getByTestId("canvass-change").waitFor(); // the way back to her turfs
        await screenshot(page, "canvass-turf.png");

        // Offline: a support ID at the first door, not home at the second, refused at the third.
        await context.setOffline(true);
        const picked = [
          { voter: turf.stops[0].voters[0].voter_id, button: "support-2", result: "C", support: 2 },
          { voter: turf.stops[1].voters[0].voter_id, button: "code-NH", result: "NH" },
          { voter: turf.stops[2].voters[0].voter_id, button: "code-RF", result: "RF" },
        ];
        for (const [i, p] of picked.entries()) {
          const row = page.locator(`[data-testid="canvass-voter"][data-voter="${p.voter}"]`);
          // The first is a double tap: one result all the same.
          if (i === 0) await row.getByTestId(p.button).dblclick();
          else await row.getByTestId(p.button).click();
          await row.locator('[data-testid="canvass-state"][data-state="queued"]').waitFor();
        }
        await page.getByText("3 results not sent").waitFor();
        // Reaching the first voter opened the door script under her name: "not sure" how
        // she will vote branches to the help step; two issues; a yard sign.
        const talk = page.locator(`[data-testid="canvass-voter"][data-voter="${picked[0].voter}"]`);
        const panel = talk.getByTestId("script-panel");
        await panel.waitFor();
        assert.equal(await panel.getByTestId("script-step").count(), 2, "said hello, asked the plan");
        await panel.getByTestId("answer-vote_plan-unsure").click();
        await panel.locator('[data-testid="script-step"][data-step="help"]').waitFor();
        await panel.getByTestId("answer-top_issue-jobs").click();
        await panel.locator('[data-testid="answer-top_issue-jobs"][aria-pressed="true"]').waitFor();
        await panel.getByTestId("answer-top_issue-schools").click();
        await panel.locator('[data-testid="answer-top_issue-schools"][aria-pressed="true"]').waitFor();
        await panel.getByTestId("tag-yard_sign").click();
        await page.getByText("7 results not sent").waitFor();
        await screenshot(page, "canvass-script.png");
        await talk.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${screenshotDir}/canvass-script-screen.png` });
        await assertFitsWidth(page, "canvassing page");
        await screenshot(page, "canvass-offline.png");
        await page.screenshot({ path: `${screenshotDir}/canvass-offline-screen.png` });

        // A reload without network: the service worker serves the page, IndexedDB the turf
        // and the outbox.
        await page.reload();
        await page.getByTestId("canvass-view").waitFor({ state: "visible" });
        await page.getByText("7 results not sent").waitFor();
        // What the phone recorded of the conversation survived the reload too.
        await talk.getByTestId("script-toggle").click();
        await panel.locator('[data-testid="answer-vote_plan-unsure"][aria-pressed="true"]').waitFor();
        await panel.locator('[data-testid="tag-yard_sign"][aria-pressed="true"]').waitFor();
        await page.getByTestId("canvass-stop").first().waitFor();
        for (const p of picked) {
          await apiJson("GET", `/api/v1/voters/${p.voter}/contacts`, { token: adminToken }).then(
            (t) => assert.equal(t.contacts.length, 0, "nothing was sent offline"),
          );
        }

        await context.setOffline(false);
        await page.getByText("0 results not sent").waitFor({ timeout: 30000 });
        await page.getByText("All results sent").waitFor();
        // A second sync round after the network came back sends nothing again.
        await page.evaluate(() => window.dispatchEvent(new Event("online")));
        await page.getByText("All results sent").waitFor();
        await screenshot(page, "canvass-synced.png");

        for (const [i, p] of picked.entries()) {
          const { contacts } = await apiJson("GET", `/api/v1/voters/${p.voter}/contacts`, {
            token: adminToken,
          });
          // The first voter: her result and four taps added to the visit, each once.
          assert.equal(contacts.length, i === 0 ? 5 : 1, `every tap for ${p.voter} once, not more`);
          const result = contacts[contacts.length - 1];
          assert.equal(result.result, p.result);
          assert.equal(result.turf, list);
          assert.equal(result.channel, "door");
          if (p.support) assert.equal(result.support, p.support);
          assert.ok(result.client_at, "the phone's time is kept");
          if (i === 0) {
            const added = contacts.slice(0, 4).reverse();
            assert.deepEqual(added.map((c) => c.result), ["", "", "", ""]);
            assert.deepEqual(added[0].answers, { vote_plan: "unsure" });
            assert.deepEqual(added[2].answers, { top_issue: "jobs;schools" });
            assert.deepEqual(added[3].tags, ["yard_sign"]);
          }
        }
        // A universe on the answer finds her.
        const unsure = await apiJson("POST", "/api/v1/universes/count", {
          token: adminToken,
          body: { criteria: { answers: [{ question: "vote_plan", any: ["unsure"] }], tags: ["yard_sign"] } },
        });
        assert.equal(unsure.voters, 1, "one voter not sure how she will vote, with a yard sign");
        const progress = await apiJson("GET", `/api/v1/turfs/${list}`, { token: adminToken });
        assert.equal(progress.voters_contacted, 3);
        assert.equal(progress.doors_contacted, 3);

        // The page shows the server's marks once sent (as a pair canvasser would see them).
        await page.reload();
        const row = page.locator(`[data-testid="canvass-voter"][data-voter="${picked[1].voter}"]`);
        await row.locator('[data-testid="canvass-state"][data-state="sent"]').waitFor();
        assert.match(await row.getByTestId("canvass-state").textContent(), /Not home/);

        // The organizer's side: the voter page shows the contact on her timeline.
        const office = await openPage(browser, { viewport: kDesktop });
        try {
          await office.context.addInitScript((token) => {
            window.localStorage.setItem("narwhal.session", token);
          }, adminToken);
          await office.page.goto(`${baseUrl}/#/voters/${encodeURIComponent(picked[1].voter)}`);
          const contact = office.page.locator('[data-testid="contact-row"][data-result="NH"]');
          await contact.waitFor();
          assert.equal(await office.page.getByTestId("contact-row").count(), 1);
          assert.match(await contact.textContent(), new RegExp(`turf ${list}`));
          await screenshot(office.page, "voter-contacts.png");

          // The turfs page: the turf's progress and who canvassed it.
          await office.page.goto(`${baseUrl}/#/turfs/${list}`);
          const turfRow = office.page.locator(`[data-testid="turf-row"][data-list="${list}"]`);
          await turfRow.getByTestId("turf-doors-reached").filter({ hasText: /^3 / }).waitFor();
          const canvasser = office.page.getByTestId("canvasser-row");
          await canvasser.first().waitFor();
          assert.equal(await canvasser.count(), 1, "one canvasser on the turf");
          assert.match(await canvasser.textContent(), /CAL CANVASSER/);
          assert.equal((await canvasser.getByTestId("canvasser-doors").textContent()).trim(), "3");
          // With coordinates (the demo on address points), the turf is drawn: its doors and
          // route on a map without a base layer.
          const located = turf.stops.filter((s) => s.lat !== undefined).length;
          if (located > 0) {
            const map = office.page.getByTestId("turf-map");
            await map.waitFor({ state: "visible" });
            assert.equal(await map.getAttribute("data-doors"), String(located));
            assert.equal(await map.locator("path.leaflet-interactive").count(), located + 2,
              "a dot per door, the route and the outline");
          }
          await screenshot(office.page, "turfs.png");
          assert.deepEqual(office.problems, [], "the voter page reported errors");
        } finally {
          await office.context.close();
        }

        assert.deepEqual(onlineProblems(problems), [], "the canvassing page reported errors");
      } finally {
        await context.close();
      }
    });
  },
);
