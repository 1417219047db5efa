// Browser test of canvassing through a server killed with SIGKILL: a canvasser records
// results at door after door while her phone is online; mid-way the server is killed (no
// shutdown, no flush), she keeps tapping while it is down, and it is started again on the
// same address. Every result she tapped is in the contact log exactly once: none lost with
// the dead server (a contact is acknowledged only after its commit, and leaves the phone's
// outbox only when acknowledged), none doubled by the retries (each carries the key made on
// the phone).
//
// It runs its own server on its own demo store (NARWHAL_BIN, the binary scripts/test.sh
// built), since it kills it. Screenshots land in build/browser/.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { codeOf, launchBrowser, narwhal, openPage, screenshotDir, serve, serverApi as api } from "./support.mjs";

const bin = process.env.NARWHAL_BIN;

describe(
  "canvassing through a server killed with SIGKILL",
  { skip: bin ? false : "NARWHAL_BIN is not set (scripts/test.sh sets it)" },
  () => {
    let dir;
    let server;
    let browser;
    let list;
    let canvasserCode;
    let adminCode;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), "narwhal-kill-"));
      narwhal(dir, "demo", "--voters", "1500", "--precincts", "2");
      const cut = JSON.parse(
        narwhal(dir, "turf", "cut", "--county", "92", "--precinct", "01-01", "--doors", "300", "--save", "--json"),
      );
      list = cut.turfs[0].list_number;
      canvasserCode = codeOf(narwhal(dir, "users", "add", "--name", "KIT KILLTEST", "--role", "canvasser", "--turf", list));
      adminCode = codeOf(narwhal(dir, "users", "add", "--name", "ADA ADMIN", "--role", "admin"));
      server = await serve(dir, "127.0.0.1:0");
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
      server?.child.kill("SIGKILL");
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("every result tapped is recorded once, across the kill and the restart", async () => {
      const { context, page, problems } = await openPage(browser);
      try {
        const url = server.url;
        await page.goto(`${url}/`);
        await page.getByLabel("Login code", { exact: true }).fill(canvasserCode);
        await page.getByTestId("login-submit").click();
        await page.getByTestId("login-view").waitFor({ state: "hidden" });
        await page.goto(`${url}/#/canvass/${list}`);
        await page.getByTestId("canvass-stop").first().waitFor();
        const admin = await api(url, "POST", "/api/v1/sessions", null, { code: adminCode });
        const turf = await api(url, "GET", `/api/v1/turfs/${list}`, admin.token);
        const voters = turf.stops.flatMap((s) => s.voters.map((v) => v.voter_id));
        assert.ok(voters.length >= 45, `the turf has ${voters.length} voters, 45 wanted`);
        const codes = ["NH", "RF", "MV", "NH", "IN"];
        const tapped = new Map(); // voter -> result
        const tap = async (i) => {
          const voter = voters[i];
          const result = codes[i % codes.length];
          const row = page.locator(`[data-testid="canvass-voter"][data-voter="${voter}"]`);
          await row.getByTestId(`code-${result}`).click();
          await row.getByTestId("canvass-state").waitFor();
          tapped.set(voter, result);
        };

        // Fifteen doors online, the server answering.
        for (let i = 0; i < 15; ++i) await tap(i);
        // Killed while results are flowing: no shutdown, whatever was in flight is lost
        // unless committed.
        await tap(15);
        server.child.kill("SIGKILL");
        await new Promise((resolve) => server.child.once("exit", resolve));
        // Fifteen more doors while it is down: they wait on the phone.
        for (let i = 16; i < 31; ++i) await tap(i);
        await page.getByTestId("canvass-unsent").filter({ hasNotText: /^0 / }).waitFor();
        // The screen, not the whole page: a turf of hundreds of doors is too tall to render.
        await page.screenshot({ path: path.join(screenshotDir, "canvass-server-killed.png") });
        // Started again on the same address; the rest of the doors.
        const port = new URL(url).port;
        server = await serve(dir, `127.0.0.1:${port}`);
        for (let i = 31; i < 45; ++i) await tap(i);
        // The backoff after the failures is at most a minute.
        await page.getByText("0 results not sent").waitFor({ timeout: 90000 });
        await page.getByText("All results sent").waitFor();

        // Her session, like every write, outlived the kill: the same token reads on.
        const token = admin.token;
        let recorded = 0;
        for (const [voter, result] of tapped) {
          const { contacts } = await api(server.url, "GET", `/api/v1/voters/${voter}/contacts`, token);
          assert.equal(contacts.length, 1, `voter ${voter}: one contact, not ${contacts.length}`);
          assert.equal(contacts[0].result, result);
          assert.equal(contacts[0].turf, list);
          recorded += contacts.length;
        }
        assert.equal(recorded, 45, "every tap recorded, once");
        const progress = await api(server.url, "GET", `/api/v1/turfs/${list}`, token);
        assert.equal(progress.voters_contacted, 45);
        await page.screenshot({ path: path.join(screenshotDir, "canvass-after-restart.png") });
        assert.deepEqual(
          problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to fetch|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET|ERR_SOCKET_NOT_CONNECTED/.test(p)),
          [],
          "the canvassing page reported errors",
        );
      } finally {
        await context.close();
      }
    });
  },
);
