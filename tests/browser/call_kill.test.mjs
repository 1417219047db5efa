// The phone bank through a server killed with SIGKILL (no browser: the API as many phone
// bankers' pages use it). Twenty callers claim and record results in a loop; mid-run the
// server is killed (no shutdown, no flush) and started again on the same address while the
// callers keep going, retrying a result that got no answer with the same key, as the page
// does. Afterwards: nobody was ever handed to two callers, nobody is left held, and every
// result that was answered is in the contact log exactly once.
//
// Runs its own server on its own demo store (NARWHAL_BIN), under libfaketime at 15:00 UTC
// so the list is inside calling hours whatever the hour.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { afternoonClockEnv, codeOf, faketimeMissing, narwhal, narwhalBin, serve } from "./support.mjs";

const kCallers = 20;
const kCyclesEach = 30;
const kDeadlineMs = 90000; // every caller's loop ends by then, finished or not
// Each caller (and the admin) is a phone of its own: the server trusts X-Forwarded-For, as
// behind the reverse proxy of docs/security.md, so the per-address login throttle sees
// twenty-one phones, not one.
const addressOf = (i) => `10.9.0.${i + 1}`;

function skip() {
  if (!narwhalBin) return "NARWHAL_BIN is not set (scripts/test.sh sets it)";
  return faketimeMissing();
}

// One request from the phone at `address`; null when the server did not answer (killed, or
// not back yet).
async function call(url, address, method, pathAndQuery, token, body) {
  try {
    const response = await fetch(`${url}${pathAndQuery}`, {
      method,
      headers: {
        Accept: "application/json",
        "X-Forwarded-For": address,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  } catch {
    return null;
  }
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("phone banking through a server killed with SIGKILL", { skip: skip() }, () => {
  let dir;
  let server;
  let list;
  let tokens;
  let adminToken;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "narwhal-call-kill-"));
    narwhal(dir, "demo", "--voters", "3000", "--precincts", "2");
    narwhal(dir, "universe", "save", "calls", "--county", "92");
    const made = JSON.parse(narwhal(dir, "list", "make", "calls"));
    list = JSON.parse(narwhal(dir, "call-list", "make", "kill calls", "--list", String(made.id))).id;
    const added = [];
    for (let i = 0; i < kCallers; ++i) {
      added.push(narwhal(dir, "users", "add", "--name", `CALLER ${i}`, "--role", "phone_banker"));
    }
    const ids = added.map((out) => String(JSON.parse(out.split("\n")[0]).user_id));
    narwhal(dir, "call-list", "assign", String(list), ...ids);
    const adminCode = codeOf(narwhal(dir, "users", "add", "--name", "ADA ADMIN", "--role", "admin"));
    server = await serve(dir, "127.0.0.1:0", afternoonClockEnv(), ["--trust-forwarded-for"]);
    const login = async (code, i) => {
      const answer = await call(server.url, addressOf(i), "POST", "/api/v1/sessions", "", { code });
      assert.equal(answer?.status, 201, `login ${i}: ${JSON.stringify(answer?.body)}`);
      return answer.body.token;
    };
    tokens = await Promise.all(added.map((out, i) => login(codeOf(out), i)));
    adminToken = await login(adminCode, kCallers);
  });

  after(() => {
    server?.child.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("nobody handed to two callers, no acknowledged result lost or doubled", async () => {
    const url = server.url;
    const port = new URL(url).port;
    const handedTo = new Map(); // position -> set of callers
    const answered = new Map(); // idempotency key -> voter id, for results answered 200

    const deadline = Date.now() + kDeadlineMs;
    const caller = async (i) => {
      const token = tokens[i];
      const address = addressOf(i);
      for (let cycle = 0; cycle < kCyclesEach; ) {
        assert.ok(Date.now() < deadline, `caller ${i} still at cycle ${cycle} after ${kDeadlineMs} ms`);
        const claimed = await call(url, address, "POST", `/api/v1/call-lists/${list}/claim`, token, {});
        if (!claimed || claimed.status !== 200) {
          await pause(100); // the server is down or not back yet
          continue;
        }
        const claim = claimed.body.claim;
        assert.ok(claim, "the list has people left");
        const holders = handedTo.get(claim.position) ?? new Set();
        holders.add(i);
        handedTo.set(claim.position, holders);
        const body = {
          voter_id: claim.voter.voter_id,
          idempotency_key: `kill-${i}-${cycle}`,
          result: cycle % 3 === 0 ? "C" : "NA",
        };
        // The page's "Try again": the same key until the server answers.
        for (;;) {
          assert.ok(Date.now() < deadline, `caller ${i}'s result unanswered after ${kDeadlineMs} ms`);
          const done = await call(url, address, "POST", `/api/v1/call-lists/${list}/calls/${claim.position}/result`, token, body);
          if (!done || done.status >= 500) {
            await pause(100);
            continue;
          }
          assert.equal(done.status, 200, `result of caller ${i}: ${JSON.stringify(done.body)}`);
          answered.set(body.idempotency_key, body.voter_id);
          break;
        }
        ++cycle;
      }
    };

    const running = Array.from({ length: kCallers }, (_, i) => caller(i));
    // Kill while claims and results are flowing (a third of them answered); restart on the
    // same address.
    while (answered.size < (kCallers * kCyclesEach) / 3) await pause(20);
    const beforeKill = answered.size;
    server.child.kill("SIGKILL");
    await new Promise((resolve) => server.child.once("exit", resolve));
    await pause(500);
    server = await serve(dir, `127.0.0.1:${port}`, afternoonClockEnv(), ["--trust-forwarded-for"]);
    await Promise.all(running);

    assert.ok(beforeKill < kCallers * kCyclesEach, "the kill fell mid-run");
    const shared = [...handedTo.entries()].filter(([, holders]) => holders.size > 1);
    assert.deepEqual(shared, [], "a person handed to two callers");
    assert.equal(answered.size, kCallers * kCyclesEach, "every cycle's result answered");
    // Every answered result is in the contact log once, for its voter, as a phone call
    // (read from the database file itself: a WAL reader beside the server).
    const rows = execFileSync(
      "sqlite3",
      [path.join(dir, "narwhal.db"), "SELECT idempotency_key, voter_id FROM contacts WHERE channel = 'phone'"],
      { encoding: "utf8" },
    )
      .trim()
      .split("\n")
      .map((line) => line.split("|"));
    const logged = new Map();
    for (const [key, voter] of rows) {
      assert.ok(!logged.has(key), `call ${key} logged twice`);
      logged.set(key, voter);
    }
    assert.deepEqual(logged, answered, "the contact log holds exactly the answered calls");
    const progress = await call(url, addressOf(kCallers), "GET", `/api/v1/call-lists/${list}`, adminToken);
    assert.equal(progress.body.held, 0, "nobody is left held: every claim was finished");
    assert.equal(progress.body.done + progress.body.waiting, kCallers * kCyclesEach);
  });
});
