// Browser test of taking a strike back without network: a poll watcher strikes a voter
// online (sent, counted), loses the network, taps Undo (shown at once, queued), reloads the
// page offline (still queued) and, once the network is back, the undo is sent: turnout no
// longer counts the voter and the audit log has one undo. Then the hard case: a strike the
// server committed but whose answer was lost, undone and struck again offline, is sent as
// three actions in the order they were tapped. And first, a strike queued by the page of
// before the undo queue (IndexedDB schema version 1) survives the page update.
//
// Needs the users of scripts/browser_fixture.sh: NARWHAL_UNDO_WATCHER_CODE (a poll watcher
// of NARWHAL_WATCHER_COUNTY / NARWHAL_UNDO_PRECINCT, a precinct no other test strikes in)
// and NARWHAL_UNDO_ADMIN_CODE (an admin, who reads turnout and the audit log). Screenshots
// land in build/browser/.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  apiJson,
  apiLogIn,
  baseUrl,
  launchBrowser,
  logInThroughPage,
  openPage,
  screenshot,
  skipReason,
  turnoutVoted,
} from "./support.mjs";

const county = process.env.NARWHAL_WATCHER_COUNTY;
const precinct = process.env.NARWHAL_UNDO_PRECINCT;

const precinctVoted = (token) => turnoutVoted(token, county, precinct);

async function undoEvents(token, voterId) {
  const { events } = await apiJson(
    "GET",
    `/api/v1/audit?action=strike.undo&target=${encodeURIComponent(voterId)}`,
    { token },
  );
  return events;
}

// Failures that are the point of the test: the network off, an answer cut off on purpose.
function unexpected(problems) {
  return problems.filter(
    (p) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|ERR_FAILED/.test(p),
  );
}

describe(
  "a poll watcher takes a strike back offline",
  {
    skip: skipReason(
      "NARWHAL_UNDO_WATCHER_CODE",
      "NARWHAL_WATCHER_COUNTY",
      "NARWHAL_UNDO_PRECINCT",
      "NARWHAL_UNDO_ADMIN_CODE",
    ),
  },
  () => {
    let browser;
    let adminToken;
    let picked;

    before(async () => {
      const session = await apiLogIn(process.env.NARWHAL_UNDO_ADMIN_CODE);
      adminToken = session.token;
      assert.equal(
        await precinctVoted(adminToken),
        0,
        `nobody in ${county}/${precinct} has voted yet`,
      );
      const { voters } = await apiJson(
        "GET",
        `/api/v1/voters?county=${county}&precinct=${precinct}&limit=60`,
        { token: adminToken },
      );
      picked = voters
        .filter(
          (v) => /^[A-Z]{2,}$/.test(v.last_name ?? "") && /^[A-Z]{2,}$/.test(v.first_name ?? ""),
        )
        .slice(0, 4);
      assert.equal(picked.length, 4, "four voters to strike");
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
    });

    test("an undo of a sent strike waits offline, survives a reload and is sent once", async () => {
      const { context, page, problems } = await openPage(browser);
      const [first, second, legacy, malformed] = picked;
      const row = (v) => page.locator(`[data-testid="watch-row"][data-voter="${v.voter_id}"]`);
      const state = (v) => row(v).getByTestId("strike-state");
      const unsent = page.getByTestId("unsent");
      const search = page.getByTestId("watch-search");
      const find = (v) => search.fill(`${v.last_name} ${v.first_name}`);
      try {
        const token = await logInThroughPage(page, process.env.NARWHAL_UNDO_WATCHER_CODE);
        await page.getByTestId("nav-watch").waitFor({ state: "visible" });

        // What the page of before left on this phone: version 1, a strike in the outbox, and
        // one the server can never take (its key is longer than 100 characters), which makes
        // a batch with both invalid as a whole: the good one must still go through.
        const me = await apiJson("GET", "/api/v1/me", { token });
        await page.evaluate(
          ({ name, voterId, badVoterId }) =>
            new Promise((resolve, reject) => {
              const req = indexedDB.open(name, 1);
              req.onupgradeneeded = () => {
                for (const store of ["voters", "outbox", "struck", "meta"]) {
                  req.result.createObjectStore(store);
                }
              };
              req.onsuccess = () => {
                const tx = req.result.transaction(["outbox", "struck"], "readwrite");
                const queue = (voter, key) => {
                  tx.objectStore("outbox").put(
                    { voter_id: voter, idempotency_key: key, queued_at: new Date().toISOString() },
                    key,
                  );
                  tx.objectStore("struck").put(
                    { voter_id: voter, idempotency_key: key, state: "queued" },
                    voter,
                  );
                };
                queue(voterId, "w-legacy-strike-0001");
                queue(badVoterId, `w-legacy-${"x".repeat(100)}`);
                tx.oncomplete = () => {
                  req.result.close();
                  resolve();
                };
                tx.onerror = () => reject(tx.error);
              };
              req.onerror = () => reject(req.error);
            }),
          {
            name: `narwhal-watch-${me.id}`,
            voterId: legacy.voter_id,
            badVoterId: malformed.voter_id,
          },
        );

        await page.goto(`${baseUrl}/#/watch`);
        await page.locator('[data-testid="book-status"][data-ready="true"]').waitFor();
        await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, {
          timeout: 15000,
        });
        await find(legacy);
        await state(legacy).and(page.locator('[data-state="sent"]')).waitFor();
        await page.getByText("All strikes sent").waitFor();
        const voted0 = await precinctVoted(adminToken);
        assert.equal(voted0, 1, "the strike queued before the update was sent");
        await find(malformed);
        await state(malformed).and(page.locator('[data-state="refused"]')).waitFor();

        // Online: struck and sent, the server counts her.
        await find(first);
        await row(first).getByTestId("strike").click();
        await state(first).and(page.locator('[data-state="sent"]')).waitFor();
        await page.getByText("All strikes sent").waitFor();
        assert.equal(await precinctVoted(adminToken), voted0 + 1, "the strike was counted");

        // Offline: the undo shows at once and waits in the outbox.
        await context.setOffline(true);
        await row(first).getByTestId("undo").click();
        await state(first).and(page.locator('[data-state="undo_queued"]')).waitFor();
        assert.equal((await state(first).textContent()).trim(), "undo pending");
        assert.ok(await row(first).getByTestId("strike").isEnabled(), "she shows as not struck");
        await page.locator('[data-testid="unsent"][data-count="1"]').waitFor();
        assert.equal(await unsent.textContent(), "1 undo not sent yet");
        await screenshot(page, "watch-undo-offline.png");

        // A reload without network: the undo is still queued.
        await page.reload();
        await page.getByTestId("watch-view").waitFor({ state: "visible" });
        await page.getByText("1 undo not sent yet").waitFor();
        await find(first);
        await state(first).and(page.locator('[data-state="undo_queued"]')).waitFor();
        assert.equal(await precinctVoted(adminToken), voted0 + 1, "nothing was sent offline");

        await context.setOffline(false);
        await page.locator('[data-testid="unsent"][data-count="0"]').waitFor({ timeout: 30000 });
        await page.getByText("All strikes sent").waitFor();
        assert.equal(await state(first).count(), 0, "her row shows nothing done");
        assert.equal(await precinctVoted(adminToken), voted0, "she is no longer counted");
        const undos = await undoEvents(adminToken, first.voter_id);
        assert.equal(undos.length, 1, "one undo in the audit log");
        assert.equal(undos[0].detail?.reason, "tapped the wrong line");

        // A strike the server committed but whose answer was lost (the network went as it
        // came back): the phone cannot know, so the undo tapped now is queued behind it, and
        // striking again is a third action with a new key.
        const keys = [];
        await page.route("**/api/v1/strikes", async (route) => {
          keys.push(...route.request().postDataJSON().strikes.map((s) => s.idempotency_key));
          const response = await route.fetch();
          assert.equal(response.status(), 200);
          await context.setOffline(true);
          await route.abort("failed");
        });
        await find(second);
        await row(second).getByTestId("strike").click();
        await page.getByText("Offline: strikes are kept on this phone").waitFor({ timeout: 30000 });
        await page.unroute("**/api/v1/strikes");
        assert.equal(keys.length, 1, "one strike went out");
        assert.equal(await precinctVoted(adminToken), voted0 + 1, "the server has the lost strike");
        await state(second).and(page.locator('[data-state="queued"]')).waitFor();

        await row(second).getByTestId("undo").click();
        await state(second).and(page.locator('[data-state="undo_queued"]')).waitFor();
        await page.getByText("1 strike and 1 undo not sent yet").waitFor();
        await row(second).getByTestId("strike").click();
        await state(second).and(page.locator('[data-state="queued"]')).waitFor();
        await page.getByText("2 strikes and 1 undo not sent yet").waitFor();
        await screenshot(page, "watch-undo-three-actions.png");

        // Sent in the order tapped: strike (replayed), undo, strike (a new key, struck).
        const sent = [];
        page.on("request", (request) => {
          if (/\/api\/v1\/strikes/.test(request.url())) {
            const body = request.postDataJSON();
            if (body.strikes) sent.push(...body.strikes.map((s) => `strike ${s.idempotency_key}`));
            else sent.push(`undo ${body.voter_id}`);
          }
        });
        await context.setOffline(false);
        await page.locator('[data-testid="unsent"][data-count="0"]').waitFor({ timeout: 30000 });
        await state(second).and(page.locator('[data-state="sent"]')).waitFor();
        assert.equal(sent.length, 3, `three requests: ${sent.join(", ")}`);
        assert.equal(sent[0], `strike ${keys[0]}`, "the lost strike again, with its key");
        assert.equal(sent[1], `undo ${second.voter_id}`);
        assert.match(sent[2], /^strike w-/);
        assert.notEqual(sent[2], sent[0], "striking again is a new key");
        assert.equal(await precinctVoted(adminToken), voted0 + 1, "struck again, counted once");
        assert.equal((await undoEvents(adminToken, second.voter_id)).length, 1);
        await screenshot(page, "watch-undo-synced.png");

        assert.deepEqual(unexpected(problems), [], "the watcher's page reported errors");
      } finally {
        await context.close();
      }
    });
  },
);
