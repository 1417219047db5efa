// What the browser tests share: the server's address, Debian's Chromium through
// playwright-core, pages that record every silent failure, the API as the tests' own
// client, and logging in.
//
// playwright-core comes from web/node_modules (one `npm ci` in web/ installs it); no
// browser is downloaded: it drives /usr/bin/chromium (NARWHAL_CHROMIUM overrides).

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const screenshotDir = path.join(repoRoot, "build", "browser");
export const baseUrl = (process.env.NARWHAL_URL ?? "").replace(/\/+$/, "");
export const kPhone = { width: 375, height: 740 };
export const kDesktop = { width: 1280, height: 800 };
export const kTimeoutMs = 15000;
const chromiumPath = process.env.NARWHAL_CHROMIUM ?? "/usr/bin/chromium";

// Why a suite cannot run, or false: it needs a server and the codes that
// scripts/browser_fixture.sh exports.
export function skipReason(...codeVariables) {
  if (!baseUrl) return "NARWHAL_URL is not set";
  const missing = codeVariables.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    return `${missing.join(", ")} not set (scripts/browser_fixture.sh creates the users)`;
  }
  return false;
}

function loadPlaywright() {
  const require = createRequire(path.join(repoRoot, "web", "package.json"));
  try {
    return require("playwright-core");
  } catch (error) {
    throw new Error(
      "playwright-core is not installed: run `npm ci` in web/ first " + `(${error.message})`,
    );
  }
}

export async function launchBrowser() {
  mkdirSync(screenshotDir, { recursive: true });
  const { chromium } = loadPlaywright();
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

// A page (phone-sized by default) that records what would otherwise fail silently: script
// errors, CSP refusals and failed requests. Console errors for HTTP statuses listed in
// `expectedStatuses` (a wrong code's 401, a bad query's 400) are not problems.
// `storageState` carries a logged-in session over from another context.
export async function openPage(
  browser,
  { viewport = kPhone, storageState, expectedStatuses = [400] } = {},
) {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 2,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
    storageState,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(kTimeoutMs);
  const problems = [];
  const expected = new RegExp(
    `Failed to load resource: the server responded with a status of (${expectedStatuses.join("|")})`,
  );
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !expected.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("requestfailed", (request) => {
    const failure = request.failure()?.errorText ?? "";
    if (!failure.includes("ERR_ABORTED"))
      problems.push(`request failed: ${request.url()} ${failure}`);
  });
  return { context, page, problems };
}

export async function assertFitsWidth(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(
    scrollWidth <= innerWidth,
    `${where}: the page is ${scrollWidth}px wide on a ${innerWidth}px screen (sideways scrolling)`,
  );
}

export function screenshot(page, name) {
  return page.screenshot({ path: path.join(screenshotDir, name), fullPage: true });
}

// The API as the tests' own client, with a session token.
export async function apiJson(method, pathAndQuery, { token, body } = {}) {
  const url = `${baseUrl}${pathAndQuery}`;
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(
      `cannot reach the narwhal server at ${url}: ${error.cause?.message ?? error.message}`,
    );
  }
  const text = await response.text();
  assert.ok(
    response.ok,
    `${method} ${pathAndQuery} answered HTTP ${response.status}: ${text.slice(0, 300)}`,
  );
  try {
    return text === "" ? null : JSON.parse(text);
  } catch {
    throw new Error(`${method} ${pathAndQuery} did not answer JSON: ${text.slice(0, 300)}`);
  }
}

// Logs in through the API with a login code; returns the session ({token, user, ...}).
export function apiLogIn(code) {
  return apiJson("POST", "/api/v1/sessions", { body: { code } });
}

// How many voters of `county`/`precinct` turnout counts as voted.
export async function turnoutVoted(token, county, precinct) {
  const turnout = await apiJson("GET", `/api/v1/turnout?county=${county}`, { token });
  const row = turnout.precincts.find((p) => p.county === county && p.precinct === precinct);
  assert.ok(row, `turnout has no row for ${county}/${precinct}`);
  return row.voted;
}

// Logs in through the login screen the page shows at `baseUrl`; returns the session token
// the page keeps.
export async function logInThroughPage(page, code) {
  await page.goto(`${baseUrl}/`);
  const input = page.getByLabel("Login code", { exact: true });
  await input.waitFor({ state: "visible" });
  await input.fill(code);
  await page.getByTestId("login-submit").click();
  try {
    await page.getByTestId("login-view").waitFor({ state: "hidden" });
  } catch {
    const error = await page.getByTestId("login-error").textContent();
    assert.fail(`logging in with ${code} failed: ${error}`);
  }
  const token = await page.evaluate(() => window.localStorage.getItem("narwhal.session"));
  assert.ok(token, "the page keeps the session token after a login");
  return token;
}

// --- a server of the test's own (tests that kill it, or run it on a clock of their own) ---

// The narwhal binary scripts/test.sh built.
export const narwhalBin = process.env.NARWHAL_BIN;

// Runs `narwhal ARGS --data DIR`; its stdout.
export function narwhal(dir, ...args) {
  return execFileSync(narwhalBin, [...args, "--data", dir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

// The code in `narwhal users add`'s JSON line.
export function codeOf(output) {
  const code = /"code":"([^"]+)"/.exec(output)?.[1];
  assert.ok(code, `no login code in: ${output}`);
  return code;
}

// Starts `narwhal serve` on `listen` (with `env` added to the environment and `args` to its
// command line); resolves with the process and its URL once it answers.
export async function serve(dir, listen, env = {}, args = []) {
  const child = spawn(narwhalBin, ["serve", "--data", dir, "--listen", listen, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
  let log = "";
  child.stderr.on("data", (chunk) => {
    log += chunk;
  });
  const deadline = Date.now() + 20000;
  for (;;) {
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(log)?.[0];
    if (url) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) return { child, url };
      } catch {
        // not answering yet
      }
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`narwhal serve did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The API of a server of the test's own: JSON in and out, any failure an assertion.
export async function serverApi(url, method, pathAndQuery, token, body) {
  const response = await fetch(`${url}${pathAndQuery}`, {
    method,
    headers: {
      Accept: "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${pathAndQuery}: ${response.status} ${text}`);
  return JSON.parse(text);
}

// The server's clock at the next 15:00 UTC (10:00 or 11:00 in the demo's North Carolina),
// through libfaketime: inside calling hours whatever the hour a phone-bank test runs at.
// `env` for serve(); faketimeMissing() says why a test cannot run without it.
const kFaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

export function faketimeMissing() {
  return existsSync(kFaketime) ? false : `${kFaketime} is missing (scripts/install-deps.sh installs faketime)`;
}

export function afternoonClockEnv() {
  const now = new Date();
  const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 15));
  if (target <= now) target.setUTCDate(target.getUTCDate() + 1);
  return {
    LD_PRELOAD: kFaketime,
    FAKETIME: `+${Math.ceil((target - now) / 1000)}`,
    // libfaketime is preloaded ahead of the sanitizer runtime of a sanitizer build.
    ASAN_OPTIONS: [process.env.ASAN_OPTIONS, "verify_asan_link_order=0"].filter(Boolean).join(":"),
  };
}
