// Browser test of canvassing: a canvasser opens her turf by its list number on a phone,
// goes offline, records results at three doors, reloads the page without network, comes
// back online; every result arrives exactly once, on the voter's timeline (the API's and
// the voter page's) and in the turf's progress, and the turf shows them after the sync.
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
        await assertFitsWidth(page, "canvassing page");
        await screenshot(page, "canvass-offline.png");
        await page.screenshot({ path: `${screenshotDir}/canvass-offline-screen.png` });

        // A reload without network: the service worker serves the page, IndexedDB the turf
        // and the outbox.
        await page.reload();
        await page.getByTestId("canvass-view").waitFor({ state: "visible" });
        await page.getByText("3 results not sent").waitFor();
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

        for (const p of picked) {
          const { contacts } = await apiJson("GET", `/api/v1/voters/${p.voter}/contacts`, {
            token: adminToken,
          });
          assert.equal(contacts.length, 1, `one contact with ${p.voter}, not more`);
          assert.equal(contacts[0].result, p.result);
          assert.equal(contacts[0].turf, list);
          assert.equal(contacts[0].channel, "door");
          if (p.support) assert.equal(contacts[0].support, p.support);
          assert.ok(contacts[0].client_at, "the phone's time is kept");
        }
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
