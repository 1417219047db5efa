// Browser test of the phone bank: two phone bankers on one call list, in two browser
// contexts (a phone and a laptop), never see the same person; one records results by key
// and by tap, the other walks the phone script; when one closes her tab, the person she
// held goes to the other once the lease runs out. The results are in the voters' contact
// histories.
//
// Calling hours depend on the hour, so this test runs its own server (NARWHAL_BIN) on its
// own demo store under libfaketime, its clock moved forward to 15:00 UTC (10:00 or 11:00 in
// the demo's North Carolina) — the test passes whatever the hour it is run at. Screenshots
// land in build/browser/.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import {
  afternoonClockEnv,
  codeOf,
  faketimeMissing,
  assertFitsWidth,
  kDesktop,
  launchBrowser,
  narwhal,
  narwhalBin,
  openPage,
  repoRoot,
  screenshot,
  serve,
  serverApi as api,
} from "./support.mjs";

const kLeaseSeconds = 6;

function skip() {
  if (!narwhalBin) return "NARWHAL_BIN is not set (scripts/test.sh sets it)";
  return faketimeMissing();
}

async function logIn(page, url, code, list) {
  await page.goto(`${url}/`);
  await page.getByLabel("Login code", { exact: true }).fill(code);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("login-view").waitFor({ state: "hidden" });
  await page.goto(`${url}/#/call/${list}?lease=${kLeaseSeconds}`);
}

// The voter the page shows now (waits for one; the first claims of a fresh sanitizer build's
// server can take a while). On a timeout, what the page shows instead goes to the log.
async function shownVoter(page) {
  const person = page.getByTestId("call-person");
  try {
    await person.waitFor({ timeout: 30000 });
  } catch (error) {
    console.log(`no person on ${page.url()}; the page shows:\n${await page.locator("main").innerText()}`);
    throw error;
  }
  return person.getAttribute("data-voter");
}

describe("two phone bankers on one call list", { skip: skip() }, () => {
  let dir;
  let server;
  let browser;
  let list;
  let codes;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "narwhal-call-"));
    narwhal(dir, "demo", "--voters", "800", "--precincts", "2");
    narwhal(dir, "universe", "save", "calls", "--county", "92");
    const made = JSON.parse(narwhal(dir, "list", "make", "calls"));
    list = JSON.parse(narwhal(dir, "call-list", "make", "browser calls", "--list", String(made.id))).id;
    narwhal(dir, "field-book", "set", path.join(repoRoot, "examples", "field-book.json"));
    const pat = narwhal(dir, "users", "add", "--name", "PAT PHONE", "--role", "phone_banker");
    const quin = narwhal(dir, "users", "add", "--name", "QUIN CALLER", "--role", "phone_banker");
    const admin = narwhal(dir, "users", "add", "--name", "ADA ADMIN", "--role", "admin");
    const admin2 = narwhal(dir, "users", "add", "--name", "ORA OFFICE", "--role", "admin");
    const ids = [pat, quin].map((out) => String(JSON.parse(out.split("\n")[0]).user_id));
    narwhal(dir, "call-list", "assign", String(list), ...ids);
    codes = { pat: codeOf(pat), quin: codeOf(quin), admin: codeOf(admin), admin2: codeOf(admin2) };
    server = await serve(dir, "127.0.0.1:0", afternoonClockEnv());
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.child.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("never the same person; a closed tab's person comes back after the lease", async () => {
    const url = server.url;
    const phone = await openPage(browser, { expectedStatuses: [400, 409] });
    const laptop = await openPage(browser, { viewport: kDesktop, expectedStatuses: [400, 409] });
    try {
      await logIn(phone.page, url, codes.pat, list);
      await logIn(laptop.page, url, codes.quin, list);
      const seen = { pat: [await shownVoter(phone.page)], quin: [await shownVoter(laptop.page)] };
      assert.notEqual(seen.pat[0], seen.quin[0], "two callers, two people");
      const href = await phone.page.getByTestId("call-phone").getAttribute("href");
      assert.match(href, /^tel:\+1\d{10}$/, "the phone is a tel: link");
      assert.match(await phone.page.getByTestId("call-zone").textContent(), /there \(Eastern\)/);
      await assertFitsWidth(phone.page, "the phone bank on a phone");
      await screenshot(phone.page, "call-phone.png");

      // Pat: one keystroke per result (2 no answer, 3 busy), then a tap (left message).
      for (const key of ["2", "3"]) {
        const before = await shownVoter(phone.page);
        await phone.page.keyboard.press(key);
        await phone.page.locator(`[data-testid="call-person"]:not([data-voter="${before}"])`).waitFor();
        seen.pat.push(await shownVoter(phone.page));
      }
      const beforeTap = await shownVoter(phone.page);
      await phone.page.getByTestId("call-code-LM").click();
      await phone.page.locator(`[data-testid="call-person"]:not([data-voter="${beforeTap}"])`).waitFor();
      seen.pat.push(await shownVoter(phone.page));

      // Quin talks to hers: the phone script, an answer, a note, then finish.
      const talked = seen.quin[0];
      await laptop.page.getByTestId("call-code-C").click();
      await laptop.page.getByTestId("script-panel").waitFor();
      const choice = laptop.page.locator('[data-testid^="answer-"]').first();
      await choice.click();
      await laptop.page.getByTestId("talk-note").fill("wants a ride to the polls");
      await laptop.page.getByTestId("talk-note").blur();
      await screenshot(laptop.page, "call-script.png");
      await laptop.page.getByTestId("call-finish").click();
      await laptop.page.locator(`[data-testid="call-person"]:not([data-voter="${talked}"])`).waitFor();
      seen.quin.push(await shownVoter(laptop.page));
      await screenshot(laptop.page, "call-laptop.png");

      const all = [...seen.pat, ...seen.quin];
      assert.equal(new Set(all).size, all.length, `nobody was handed to both: ${all.join(", ")}`);

      // Quin closes her tab holding someone (and her household, if any); after the lease
      // they are Pat's next.
      // Someone else at her door comes to the phone: one tap records her (demo data has
      // households of several voters with phones).
      const members = laptop.page.getByTestId("household-member");
      let member = null;
      if ((await members.count()) > 0) {
        member = await members.first().getAttribute("data-voter");
        await members.first().getByTestId("household-code-NA").click();
        await laptop.page.getByTestId("household-saved").first().waitFor();
      }
      const stranded = [
        seen.quin[seen.quin.length - 1],
        ...(await members.evaluateAll((rows) =>
          rows.filter((r) => !r.querySelector('[data-testid="household-saved"]')).map((r) => r.dataset.voter),
        )),
      ];
      await laptop.context.close();
      await new Promise((resolve) => setTimeout(resolve, (kLeaseSeconds + 1) * 1000));
      const current = await shownVoter(phone.page);
      await phone.page.keyboard.press("2");
      await phone.page.locator(`[data-testid="call-person"]:not([data-voter="${current}"])`).waitFor();
      assert.ok(stranded.includes(await shownVoter(phone.page)), "the lapsed person first");

      const admin = await api(url, "POST", "/api/v1/sessions", null, { code: codes.admin });
      const history = await api(url, "GET", `/api/v1/voters/${talked}/contacts`, admin.token);
      assert.equal(history.contacts.length, 1, "one call recorded for the person Quin talked to");
      const call = history.contacts[0];
      assert.equal(call.channel, "phone");
      assert.equal(call.result, "C");
      assert.equal(call.note, "wants a ride to the polls");
      assert.ok(Object.keys(call.answers).length >= 1, "her answer went with the result");
      const na = await api(url, "GET", `/api/v1/voters/${seen.pat[0]}/contacts`, admin.token);
      assert.equal(na.contacts[0].result, "NA");
      const progress = await api(url, "GET", `/api/v1/call-lists/${list}`, admin.token);
      assert.equal(progress.done, 1, "the person reached is done with");
      const extra = member ? 1 : 0; // the household member's no answer
      if (member) {
        const hers = await api(url, "GET", `/api/v1/voters/${member}/contacts`, admin.token);
        assert.equal(hers.contacts[0].result, "NA", "the household member's result is hers");
      }
      assert.equal(progress.waiting, 4 + extra, "no answers, a busy and a message wait for a retry");

      // The organizer's view of the list: from the list of lists to its progress.
      const office = await openPage(browser, { viewport: kDesktop });
      try {
        await office.page.goto(`${url}/`);
        await office.page.getByLabel("Login code", { exact: true }).fill(codes.admin2);
        await office.page.getByTestId("login-submit").click();
        await office.page.getByTestId("login-view").waitFor({ state: "hidden" });
        await office.page.goto(`${url}/#/call`);
        await office.page.getByTestId("call-progress-link").first().click();
        const results = office.page.getByTestId("progress-results");
        await results.waitFor();
        const text = await results.textContent();
        assert.match(text, /Contacted/, "the person reached, by her result");
        assert.match(text, /No answer/);
        const calls = 5 + extra;
        assert.match(await office.page.getByTestId("progress-calls").textContent(), new RegExp(`^${calls}`), "every call in the last minutes");
        assert.match(
          await office.page.getByTestId("progress-rate").textContent(),
          new RegExp(`^${Math.round(100 / calls)}%`),
          "one reached",
        );
        assert.match(await office.page.getByTestId("progress-zones").textContent(), /Eastern/);
        await screenshot(office.page, "call-progress.png");
        assert.deepEqual(office.problems, [], "no script errors or failed requests in the office");
      } finally {
        await office.context.close();
      }

      assert.deepEqual(phone.problems, [], "no script errors or failed requests on the phone");
      assert.deepEqual(laptop.problems, [], "no script errors or failed requests on the laptop");
    } finally {
      await phone.context.close();
      await laptop.context.close().catch(() => {});
    }
  });
});
