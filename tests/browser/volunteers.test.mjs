// Browser test of the organizer's console: an organizer adds a volunteer by hand and sees
// her code once, uploads a sign-up sheet with a bad row and sees it refused by line,
// downloads the credential sheet of the new volunteers, and a new poll watcher tests the
// code read back from that PDF (pdftotext) on her phone — it works and stays good, and the
// organizer sees her ready — then logs in with it and lands on her precinct;
// the list then shows her logged in, and the not-ready export no longer names her.
//
// Runs its own server (NARWHAL_BIN) on its own demo store. Screenshots and the rendered
// credential sheet land in build/browser/.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import {
  assertFitsWidth,
  codeOf,
  kDesktop,
  launchBrowser,
  narwhal,
  narwhalBin,
  openPage,
  screenshot,
  screenshotDir,
  serve,
  serverApi as api,
} from "./support.mjs";

async function logIn(page, url, code) {
  await page.goto(`${url}/`);
  await page.getByLabel("Login code", { exact: true }).fill(code);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("login-view").waitFor({ state: "hidden" });
}

describe("the organizer's console", { skip: narwhalBin ? false : "NARWHAL_BIN is not set" }, () => {
  let dir;
  let server;
  let browser;
  let codes;
  let precincts;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "narwhal-volunteers-"));
    narwhal(dir, "demo", "--voters", "600", "--precincts", "2");
    const organizer = narwhal(dir, "users", "add", "--name", "OLGA ORGANIZER", "--role", "organizer", "--county", "92");
    const admin = narwhal(dir, "users", "add", "--name", "ADA ADMIN", "--role", "admin");
    codes = { organizer: codeOf(organizer), admin: codeOf(admin) };
    server = await serve(dir, "127.0.0.1:0");
    const session = await api(server.url, "POST", "/api/v1/sessions", null, { code: codes.admin });
    codes.adminToken = session.token;
    precincts = (await api(server.url, "GET", "/api/v1/precincts?county=92", codes.adminToken)).precincts;
    assert.ok(precincts.length >= 2, "the demo county has two precincts");
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.child.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("a sign-up sheet, its credential sheet, and a new watcher logging in", async () => {
    const url = server.url;
    const office = await openPage(browser, { viewport: kDesktop, expectedStatuses: [400, 409] });
    const phone = await openPage(browser);
    try {
      const page = office.page;
      await logIn(page, url, codes.organizer);
      await page.getByTestId("nav-volunteers").click();
      await page.getByTestId("volunteers-view").waitFor();
      await page.getByTestId("volunteers-status").filter({ hasText: /1 person/ }).waitFor();

      // By hand: a phone banker of her county (the county is hers, left out); the code once.
      await page.getByText("Add a volunteer").click();
      await page.getByTestId("add-name").fill("PAT PHONER");
      await page.getByTestId("add-role").selectOption("phone_banker");
      await page.getByTestId("add-phone").fill("919-555-0188");
      await page.getByTestId("add-submit").click();
      const shown = await page.getByTestId("added-code-value").textContent();
      assert.match(shown, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      await page.getByTestId("volunteer-name").filter({ hasText: "PAT PHONER" }).waitFor();

      // The sheet: one watcher, one row with a role nobody has.
      const p = precincts[0].precinct;
      const sheet =
        "name,phone,email,role,county,precinct,field_office\n" +
        `WENDY WATCHER,919-555-0190,wendy@example.org,poll watcher,92,${p},Raleigh\n` +
        `RON ROWE,,,dog walker,92,${p},Raleigh\n`;
      await page.getByText("Upload a sign-up sheet").click();
      await page.getByTestId("sheet-file").setInputFiles({
        name: "signups.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(sheet),
      });
      await page.getByTestId("sheet-upload").click();
      const summary = page.getByTestId("sheet-summary");
      await summary.waitFor();
      assert.equal(await summary.textContent(), "1 of 2 rows added, 1 refused.");
      const reject = page.getByTestId("sheet-reject");
      assert.equal(await reject.count(), 1);
      assert.match(await reject.first().textContent(), /^3role.*unknown role 'dog walker'/);
      await page.getByTestId("volunteer-name").filter({ hasText: "WENDY WATCHER" }).waitFor();
      await screenshot(page, "volunteers-sheet.png");

      // Her credential sheet: downloaded, read back, rendered for a look.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByTestId("sheet-print-pdf").click(),
      ]);
      assert.match(download.suggestedFilename(), /^login-codes-\d{8}-\d{4}\.pdf$/);
      const pdfPath = path.join(screenshotDir, "credential-sheet.pdf");
      await download.saveAs(pdfPath);
      assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), "%PDF-");
      const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
      assert.match(text, /Raleigh — login codes/);
      assert.match(text, new RegExp(`Open ${url.replace(/[.]/g, "\\.")}/, type your code`));
      const line = text.split("\n").find((l) => l.includes("WENDY WATCHER"));
      assert.ok(line, `the sheet names the watcher:\n${text}`);
      const code = /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(line)?.[0];
      assert.ok(code, `a code on her line: ${line}`);
      execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", pdfPath, path.join(screenshotDir, "credential-sheet")]);

      // The watcher, on her phone, tests the code from the sheet days before: it works and
      // stays good; the organizer sees her ready.
      await phone.page.goto(`${url}/`);
      await phone.page.getByLabel("Login code", { exact: true }).fill(code);
      await phone.page.getByTestId("login-test").click();
      const tested = phone.page.getByTestId("login-tested");
      await tested.waitFor();
      assert.match(await tested.textContent(), new RegExp(`Your code works\\. It is WENDY WATCHER's, poll watcher \\(precinct 92/${p}\\)`));
      await assertFitsWidth(phone.page, "the tested code on a phone");
      await screenshot(phone.page, "login-tested.png");
      await page.reload();
      await page.getByTestId("volunteer-row").filter({ hasText: "WENDY WATCHER" })
        .getByTestId("volunteer-status").filter({ hasText: "tested her code" }).waitFor();

      // On the day, the same code logs her in: her precinct's list.
      await logIn(phone.page, url, code);
      await phone.page.waitForURL(new RegExp(`precinct=${p}`));
      assert.match(await phone.page.locator("#app-user-name").textContent(), /WENDY WATCHER · poll watcher/);
      await assertFitsWidth(phone.page, "the new watcher's first page");

      // The organizer's list shows her logged in; the not-ready export no longer names her.
      await page.reload();
      const row = page.getByTestId("volunteer-row").filter({ hasText: "WENDY WATCHER" });
      await row.getByTestId("volunteer-status").filter({ hasText: "logged in" }).waitFor();
      assert.equal(await row.getByTestId("volunteer-status").textContent(), "logged in");
      const [exported] = await Promise.all([
        page.waitForEvent("download"),
        page.getByTestId("export-not-ready").click(),
      ]);
      const csv = readFileSync(await exported.path(), "utf8");
      assert.match(csv, /PAT PHONER/);
      assert.doesNotMatch(csv, /WENDY WATCHER/);
      await screenshot(page, "volunteers-list.png");

      // One field office's volunteers, to select together and print that office's sheet.
      await page.getByTestId("volunteers-office").selectOption("Raleigh");
      await page.getByTestId("volunteers-status").filter({ hasText: /; 1 shown/ }).waitFor();
      assert.deepEqual(await page.getByTestId("volunteer-name").allTextContents(), ["WENDY WATCHER"]);

      for (const { problems } of [office, phone]) assert.deepEqual(problems, []);
    } finally {
      await office.context.close();
      await phone.context.close();
    }
  });
});
