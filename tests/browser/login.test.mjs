// Browser test of logging in with a login code, and of what a poll watcher then sees, in
// Debian's Chromium on a phone-sized screen, against a running narwhal server.
//
// Needs the users of scripts/browser_fixture.sh: a poll watcher of one precinct
// (NARWHAL_WATCHER_CODE, NARWHAL_WATCHER_COUNTY, NARWHAL_WATCHER_PRECINCT) and an organizer
// of her county (NARWHAL_ORGANIZER_CODE), whose session the test uses to pick voters of
// other precincts and to check the readiness page. Each code works once, so the tests run
// in order: the watcher's code is spent by the second test. Screenshots land in
// build/browser/.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  apiJson,
  apiLogIn,
  assertFitsWidth,
  baseUrl,
  launchBrowser,
  logInThroughPage,
  openPage,
  screenshot,
  skipReason,
} from "./support.mjs";

const watcherCode = process.env.NARWHAL_WATCHER_CODE;
const county = process.env.NARWHAL_WATCHER_COUNTY;
const precinct = process.env.NARWHAL_WATCHER_PRECINCT;

// A voter of the county outside the watcher's precinct whose last and first name match
// nobody in the watcher's precinct: searching for her must find nothing.
async function findOutsider(token) {
  const query = (params) => new URLSearchParams({ county, limit: "200", ...params });
  const own = await apiJson("GET", `/api/v1/voters?${query({ precinct })}`, { token });
  assert.ok(own.voters.length > 0, `precinct ${county}/${precinct} has no voters`);
  const { precincts } = await apiJson("GET", `/api/v1/precincts?county=${county}`, { token });
  for (const p of precincts) {
    if (p.county !== county || p.precinct === precinct) continue;
    const { voters } = await apiJson("GET", `/api/v1/voters?${query({ precinct: p.precinct })}`, {
      token,
    });
    for (const v of voters) {
      if (!/^[A-Z]{2,}$/.test(v.last_name ?? "") || !/^[A-Z]{2,}$/.test(v.first_name ?? ""))
        continue;
      const same = await apiJson(
        "GET",
        `/api/v1/voters?${query({ q: `${v.last_name} ${v.first_name}`, limit: "50" })}`,
        { token },
      );
      if (same.voters.every((s) => s.precinct !== precinct)) return v;
    }
  }
  assert.fail(`no voter of county ${county} outside precinct ${precinct} to search for`);
}

describe(
  "logging in with a code",
  {
    skip: skipReason(
      "NARWHAL_WATCHER_CODE",
      "NARWHAL_WATCHER_COUNTY",
      "NARWHAL_WATCHER_PRECINCT",
      "NARWHAL_ORGANIZER_CODE",
    ),
  },
  () => {
    let browser;
    let organizerToken;
    let outsider;

    before(async () => {
      const session = await apiLogIn(process.env.NARWHAL_ORGANIZER_CODE);
      organizerToken = session.token;
      assert.equal(session.user.role, "organizer");
      outsider = await findOutsider(organizerToken);
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
    });

    test("a wrong code is refused with words a volunteer understands", async () => {
      const { context, page, problems } = await openPage(browser, {
        expectedStatuses: [400, 401],
      });
      try {
        await page.goto(`${baseUrl}/#/`);
        const input = page.getByLabel("Login code", { exact: true });
        await input.waitFor({ state: "visible" });
        assert.equal(await page.getByTestId("search-view").count(), 0, "no page before a login");
        assert.equal(await input.getAttribute("autocomplete"), "one-time-code");
        assert.equal(await input.getAttribute("autocapitalize"), "characters");
        assert.equal(await input.getAttribute("inputmode"), "text");

        await input.fill("QQQQ-2345-6789");
        await page.getByTestId("login-submit").click();
        const error = page.getByTestId("login-error");
        await error.waitFor({ state: "visible" });
        const text = await error.textContent();
        assert.match(text, /did not work/i, `the error says the code did not work: "${text}"`);
        assert.ok(
          (await page.getByTestId("error-detail").textContent()).trim().length > 10,
          "the server's explanation is shown",
        );
        assert.ok(await page.getByTestId("login-view").isVisible(), "still on the login screen");
        await assertFitsWidth(page, "login error");
        await screenshot(page, "login-wrong-code.png");
        assert.deepEqual(problems, [], "the page reported errors");
      } finally {
        await context.close();
      }
    });

    test("a poll watcher logs in, sees only her precinct, stays logged in and logs out", async () => {
      const { context, page, problems } = await openPage(browser, {
        expectedStatuses: [400, 401],
      });
      try {
        await page.goto(`${baseUrl}/`);
        await page.getByLabel("Login code", { exact: true }).waitFor({ state: "visible" });
        await screenshot(page, "login.png");
        await logInThroughPage(page, watcherCode);

        // She lands on her precinct's list, with the filters fixed to it.
        await page.getByTestId("search-view").waitFor({ state: "visible" });
        await page.waitForURL((url) => url.hash.includes(`precinct=${precinct}`));
        assert.ok(
          await page.getByTestId("nav-readiness").isHidden(),
          "no readiness link for a watcher",
        );
        assert.match(await page.getByTestId("user-name").textContent(), /PAT WATCHER/);

        const rows = page.getByTestId("voter-result");
        await rows.first().waitFor({ state: "visible" });
        const countySelect = page.getByTestId("county-select");
        const precinctSelect = page.getByTestId("precinct-select");
        assert.equal(await countySelect.inputValue(), county);
        assert.equal(await precinctSelect.inputValue(), precinct);
        assert.ok(await countySelect.isDisabled(), "her county cannot be changed");
        assert.ok(await precinctSelect.isDisabled(), "her precinct cannot be changed");
        const facts = await rows.allTextContents();
        assert.ok(facts.length > 0, "her precinct's voters are listed");
        for (const text of facts) {
          assert.match(text, new RegExp(`precinct ${precinct}\\b`), `a row of another precinct`);
        }
        await assertFitsWidth(page, "watcher's search");
        await screenshot(page, "watcher-precinct.png");

        // A voter of another precinct cannot be found, even by her full name.
        const input = page.getByLabel("Name or registration number");
        await input.fill(`${outsider.last_name} ${outsider.first_name}`);
        await page.getByText("No voters found").waitFor({ state: "visible" });
        assert.equal(await rows.count(), 0, "nobody from another precinct is listed");

        await input.fill("");
        await rows.first().waitFor({ state: "visible" });

        // A reload keeps her logged in, on her precinct's list.
        await page.reload();
        await page.getByTestId("search-view").waitFor({ state: "visible" });
        await rows.first().waitFor({ state: "visible" });
        assert.ok(await page.getByTestId("login-view").isHidden(), "no login after a reload");
        assert.equal(await precinctSelect.inputValue(), precinct);

        // Logging out ends the session on the server and shows the login screen.
        const token = await page.evaluate(() => window.localStorage.getItem("narwhal.session"));
        await page.getByTestId("logout").click();
        await page.getByTestId("login-view").waitFor({ state: "visible" });
        assert.equal(
          await page.evaluate(() => window.localStorage.getItem("narwhal.session")),
          null,
          "the token is forgotten",
        );
        assert.equal(await page.getByTestId("search-view").count(), 0, "her pages are gone");
        const me = await fetch(`${baseUrl}/api/v1/me`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        assert.equal(me.status, 401, "the server no longer accepts her old token");

        // Her code worked once.
        await page.getByLabel("Login code", { exact: true }).fill(watcherCode);
        await page.getByTestId("login-submit").click();
        await page.getByTestId("login-error").waitFor({ state: "visible" });
        await screenshot(page, "login-code-used.png");
        assert.deepEqual(problems, [], "the page reported errors");
      } finally {
        await context.close();
      }
    });

    test("an organizer sees which watchers have logged in", async () => {
      const { context, page, problems } = await openPage(browser);
      try {
        // The organizer's code was spent on the API login in before(): hand the page her
        // session as a login would have left it.
        await context.addInitScript((token) => {
          window.localStorage.setItem("narwhal.session", token);
        }, organizerToken);
        await page.goto(`${baseUrl}/#/readiness?county=${county}`);
        const readinessLink = page.getByTestId("nav-readiness");
        await readinessLink.waitFor({ state: "visible" });
        const row = page.locator(
          `[data-testid="readiness-row"][data-county="${county}"][data-precinct="${precinct}"]`,
        );
        await row.waitFor({ state: "visible" });
        const counts = await row.getByTestId("readiness-counts").textContent();
        assert.match(counts, /^[1-9]\d* of [1-9]\d* poll watchers? logged in/, counts);
        assert.equal(
          await row.getByTestId("not-logged-in").filter({ hasText: "PAT WATCHER" }).count(),
          0,
          "the watcher who logged in is not listed as missing",
        );
        await assertFitsWidth(page, "readiness");
        await screenshot(page, "readiness.png");
        assert.deepEqual(problems, [], "the page reported errors");
      } finally {
        await context.close();
      }
    });
  },
);
