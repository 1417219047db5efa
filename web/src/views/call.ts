// The phone banker's page (routes "#/call" and "#/call/:list"), phone and laptop.
//
// She picks one of her call lists; the page claims the next person for her (POST
// /api/v1/call-lists/{id}/claim) and shows who she is, her local time and her phone as a
// tel: link, so the volunteer calls from her own phone. While the person is on screen the
// page renews the claim's lease; a closed tab stops renewing and the person goes back to
// the head of the queue when the lease runs out. One tap or one keystroke (1-9) records the
// result; "Talked to her" opens the campaign's phone script (views/script_panel.ts, the
// same as at the door) and the answers go with the result in one request. A result is sent
// with a key made when the person was claimed, so a retry after a network error is the same
// call, never a second one; then the next person comes.
//
// Unlike canvassing this page is online only: a call needs the server to hand out the
// next person, and a result that cannot be sent stays on screen with "Try again".

import {
  ApiError,
  claimCall,
  getFieldBook,
  listCallLists,
  recordCall,
  renewCall,
  type CallClaim,
  type CallList,
  type CallResultBody,
  type FieldBook,
  type FieldScript,
} from "../api";
import { append, clear, el } from "../dom";
import type { Route } from "../router";
import { showProblem } from "./problem";
import { emptyTalk, scriptPanel, type Talk, type Tap } from "./script_panel";
import type { View } from "./view";
import { newKey } from "./watch";

const kDefaultLeaseSeconds = 600;
const kRetryNobodyMs = 30000;

// The phone results, in the order of their keys 1-9. "C" opens the script first.
const kCallCodes: Array<[string, string]> = [
  ["C", "Talked to them"],
  ["NA", "No answer"],
  ["BZ", "Busy"],
  ["LM", "Left message"],
  ["CB", "Call back"],
  ["WN", "Wrong number"],
  ["RF", "Refused"],
  ["LB", "Language"],
  ["DNC", "Do not call"],
];
const kCodeNames = new Map(kCallCodes);
// The results a household member on the same call can get with one tap.
const kHouseholdCodes = ["C", "NA", "RF", "DNC"];

// "9195550100" -> "(919) 555-0100"; anything else as given.
export function formatPhone(digits: string): string {
  const d = digits.replace(/\D/g, "").replace(/^1(?=\d{10}$)/, "");
  return d.length === 10 ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : digits;
}

// A tel: link's number: +1 and ten digits for a US number, else the digits.
function telHref(digits: string): string {
  const d = digits.replace(/\D/g, "").replace(/^1(?=\d{10}$)/, "");
  return d.length === 10 ? `tel:+1${d}` : `tel:${d}`;
}

export class CallView implements View {
  readonly element: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly status: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly body: HTMLElement;
  private listId = 0;
  private list: CallList | null = null;
  private book: FieldBook | null = null;
  private claim: CallClaim | null = null;
  private key = ""; // the idempotency key of this call's result
  private talk: Talk | null = null; // set once she talked to the person
  private pending: CallResultBody | null = null; // a result not sent yet
  private leaseSeconds = kDefaultLeaseSeconds;
  private renewTimer = 0;
  private retryTimer = 0;
  // Household members recorded on this call: position -> the result's name.
  private readonly householdDone = new Map<number, string>();
  private busy = false;
  private readonly onKey = (e: KeyboardEvent) => this.keyPressed(e);

  // manages: an organizer or admin, who also watches each list's progress.
  constructor(private readonly manages = false) {
    this.heading = el("h1", { id: "call-heading", tabindex: -1 }, "Phone bank");
    this.status = el("p", { class: "status", role: "status", "aria-live": "polite", "data-testid": "call-status" });
    this.problem = el("div", { class: "problem", role: "alert", hidden: true });
    this.body = el("div", { "data-testid": "call-body" });
    this.element = el(
      "section",
      { class: "view call-view", "aria-labelledby": "call-heading", "data-testid": "call-view" },
      this.heading,
      this.status,
      this.problem,
      this.body,
    );
  }

  title(): string {
    return this.list ? `${this.list.name} — Phone bank` : "Phone bank";
  }

  show(route: Route): void {
    document.addEventListener("keydown", this.onKey);
    const id = Number(route.params.list ?? 0);
    const lease = Number(route.query.get("lease") ?? "");
    this.leaseSeconds = lease >= 5 && lease <= 3600 ? Math.floor(lease) : kDefaultLeaseSeconds;
    if (!id) {
      this.listId = 0;
      void this.showLists();
      return;
    }
    if (id !== this.listId || !this.claim) {
      this.listId = id;
      void this.openList();
      return;
    }
    // Back on the page with someone still on screen: her lease is renewed again at once.
    this.startRenewing();
    void this.renew();
  }

  private startRenewing(): void {
    window.clearInterval(this.renewTimer);
    const every = Math.max(2, Math.min(60, Math.floor(this.leaseSeconds / 3)));
    this.renewTimer = window.setInterval(() => void this.renew(), every * 1000);
  }

  hide(): void {
    document.removeEventListener("keydown", this.onKey);
    this.stopTimers();
  }

  private stopTimers(): void {
    window.clearInterval(this.renewTimer);
    window.clearTimeout(this.retryTimer);
    this.renewTimer = 0;
    this.retryTimer = 0;
  }

  private fail(error: unknown): void {
    showProblem(this.problem, error);
  }

  // Her call lists, each a link to start calling.
  private async showLists(): Promise<void> {
    this.stopTimers();
    this.claim = null;
    this.list = null;
    this.heading.textContent = "Phone bank";
    this.problem.hidden = true;
    clear(this.body);
    this.status.textContent = "Loading your call lists…";
    try {
      const { call_lists } = await listCallLists();
      const items = el("ul", { class: "call-lists", "data-testid": "call-lists" });
      for (const l of call_lists) {
        append(
          items,
          el(
            "li",
            {},
            el(
              "a",
              { href: `#/call/${l.id}`, class: "button call-list-link", "data-testid": "call-list-link", "data-list": l.id },
              l.name,
            ),
            el("span", { class: "call-list-meta" }, ` ${l.left} of ${l.people} left · calls ${l.call_from}–${l.call_until} their time`),
            ...(this.manages
              ? [
                  " ",
                  el(
                    "a",
                    { href: `#/call/${l.id}/progress`, class: "call-progress-link", "data-testid": "call-progress-link" },
                    "Progress",
                  ),
                ]
              : []),
          ),
        );
      }
      this.status.textContent = call_lists.length
        ? "Pick a list to start calling."
        : "No call list is assigned to you yet: ask your organizer.";
      append(this.body, items);
    } catch (error) {
      this.status.textContent = "";
      this.fail(error);
    }
  }

  private async openList(): Promise<void> {
    this.problem.hidden = true;
    this.status.textContent = "Opening the list…";
    try {
      const [{ call_lists }, saved] = await Promise.all([listCallLists(), getFieldBook()]);
      this.book = saved.book;
      this.list = call_lists.find((l) => l.id === this.listId) ?? null;
      if (!this.list) {
        this.status.textContent = "";
        this.fail(new ApiError({ status: 404, title: "No such call list", detail: "It is not one of your lists." }));
        return;
      }
      this.heading.textContent = this.list.name;
      document.title = this.title();
      await this.next();
    } catch (error) {
      this.status.textContent = "";
      this.fail(error);
    }
  }

  private script(): FieldScript | null {
    const scripts = this.book?.scripts ?? [];
    if (this.list?.script) return scripts.find((s) => s.key === this.list!.script) ?? null;
    return scripts.find((s) => s.channels.includes("phone")) ?? null;
  }

  // Claims the next person (or the one she holds already) and shows her.
  private async next(): Promise<void> {
    this.stopTimers();
    this.claim = null;
    this.talk = null;
    this.pending = null;
    clear(this.body);
    this.status.textContent = "Finding the next person to call…";
    try {
      const { claim, reason } = await claimCall(this.listId, this.leaseSeconds);
      if (!claim) {
        this.status.textContent = "";
        append(
          this.body,
          el("p", { class: "call-nobody", "data-testid": "call-nobody" }, reason ?? "Nobody to call now."),
          el("a", { href: "#/call", class: "back-link" }, "Other lists"),
        );
        this.retryTimer = window.setTimeout(() => void this.next(), kRetryNobodyMs);
        return;
      }
      this.claim = claim;
      this.householdDone.clear();
      this.key = newKey("call");
      this.status.textContent = "";
      this.render();
      this.startRenewing();
    } catch (error) {
      this.status.textContent = "";
      this.fail(error);
    }
  }

  private async renew(): Promise<void> {
    const claim = this.claim;
    if (!claim) return;
    for (const m of claim.household ?? []) {
      if (this.householdDone.has(m.position)) continue;
      // A member's lease lost (another caller has her) only takes her off this call.
      renewCall(m.list_id, m.position, this.leaseSeconds).catch(() => {});
    }
    try {
      await renewCall(claim.list_id, claim.position, this.leaseSeconds);
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 409 && this.claim === claim) {
        this.status.textContent = "Your time with this person ran out and another caller has them.";
        void this.next();
      }
      // Network errors: the next renewal tries again; the lease is long enough to wait.
    }
  }

  private render(): void {
    const c = this.claim;
    if (!c) return;
    clear(this.body);
    const v = c.voter;
    const about = [v.age !== null ? `age ${v.age}` : "", v.gender, v.party, v.city]
      .filter((part) => part)
      .join(" · ");
    const person = el(
      "div",
      { class: "call-person", "data-testid": "call-person", "data-voter": v.voter_id },
      el("h2", { class: "call-name", "data-testid": "call-name" }, v.name),
      el("p", { class: "call-about" }, about),
      el(
        "p",
        { class: "call-zone", "data-testid": "call-zone" },
        `${c.zone.local_time} there (${c.zone.label})`,
        c.attempts > 0 ? ` · called ${c.attempts} time${c.attempts === 1 ? "" : "s"} before` : "",
      ),
      el(
        "p",
        { class: "call-phone" },
        el("a", { href: telHref(c.phone), class: "button button-call", "data-testid": "call-phone" }, `Call ${formatPhone(c.phone)}`),
        el("span", { class: "call-phone-index" }, `phone ${c.phone_index} of ${c.phones.length}`),
      ),
    );
    append(this.body, person);
    if (c.household?.length) append(this.body, this.householdPanel(c));
    if (this.talk) {
      this.renderTalk();
      return;
    }
    const codes = el("div", { class: "call-codes", role: "group", "aria-label": "Result" });
    kCallCodes.forEach(([code, name], i) => {
      const button = el(
        "button",
        { type: "button", class: "button button-code", "data-testid": `call-code-${code}`, "aria-keyshortcuts": `${i + 1}` },
        el("kbd", {}, `${i + 1}`),
        ` ${name}`,
      );
      button.addEventListener("click", () => this.choose(code));
      append(codes, button);
    });
    append(this.body, el("p", { class: "script-question" }, "How did the call go?"), codes);
  }

  // The others on the list at her door, leased to this caller too: whoever comes to the
  // phone gets a result of her own, recorded at once.
  private householdPanel(c: CallClaim): HTMLElement {
    const rows = (c.household ?? []).map((m) => {
      const saved = this.householdDone.get(m.position);
      const row = el(
        "li",
        { class: "call-household-member", "data-testid": "household-member", "data-voter": m.voter.voter_id },
        el("strong", {}, m.voter.name),
        m.voter.age !== null ? ` · age ${m.voter.age}` : "",
        m.voter.party ? ` · ${m.voter.party}` : "",
        m.phone !== c.phone ? el("span", {}, " · ", el("a", { href: telHref(m.phone) }, formatPhone(m.phone))) : "",
      );
      if (saved) {
        append(row, el("span", { class: "call-household-saved", "data-testid": "household-saved" }, ` · saved: ${saved}`));
        return row;
      }
      const codes = el("span", { class: "call-household-codes", role: "group", "aria-label": `Result for ${m.voter.name}` });
      for (const code of kHouseholdCodes) {
        const button = el(
          "button",
          { type: "button", class: "button button-small", "data-testid": `household-code-${code}` },
          kCodeNames.get(code) ?? code,
        );
        button.addEventListener("click", () => void this.recordMember(m, code));
        append(codes, button);
      }
      append(row, " ", codes);
      return row;
    });
    return el(
      "section",
      { class: "call-household", "data-testid": "call-household" },
      el("h3", {}, "Also at this address"),
      el("ul", {}, ...rows),
    );
  }

  private async recordMember(m: CallClaim, code: string): Promise<void> {
    try {
      await recordCall(m.list_id, m.position, {
        voter_id: m.voter.voter_id,
        idempotency_key: `${this.key}_${m.position}`,
        result: code,
        client_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      });
      this.householdDone.set(m.position, kCodeNames.get(code) ?? code);
      this.render();
    } catch (error) {
      this.fail(error);
    }
  }

  // The script with what she answered so far, and the button that ends the call.
  private renderTalk(): void {
    const script = this.script();
    if (script && this.book && this.talk) {
      append(this.body, scriptPanel(this.book, script, this.talk, (tap) => this.tapped(tap)));
    }
    const done = el("button", { type: "button", class: "button", "data-testid": "call-finish" }, "Finish call");
    done.addEventListener("click", () => void this.send(this.resultBody("C")));
    append(this.body, el("p", { class: "call-finish" }, done));
  }

  private tapped(tap: Tap): void {
    if (!this.talk) return;
    if (tap.kind === "answer") this.talk.answers[tap.question] = tap.value;
    if (tap.kind === "tag" && !this.talk.tags.includes(tap.tag)) this.talk.tags.push(tap.tag);
    if (tap.kind === "note") this.talk.note = tap.note;
    // Re-drawn only for answers: a note or tag keeps the focus where it is.
    if (tap.kind !== "note") this.render();
  }

  private keyPressed(e: KeyboardEvent): void {
    if (!this.claim || this.talk || this.busy || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    const n = Number(e.key);
    if (Number.isInteger(n) && n >= 1 && n <= kCallCodes.length) {
      e.preventDefault();
      this.choose(kCallCodes[n - 1][0]);
    }
  }

  private choose(code: string): void {
    if (!this.claim || this.busy) return;
    if (code === "C") {
      this.talk = emptyTalk(`${this.listId}:${this.claim.voter.voter_id}#talk`);
      this.render();
      return;
    }
    if (code === "CB") {
      this.askCallBack();
      return;
    }
    void this.send(this.resultBody(code));
  }

  // When to call back: a time she names, in the caller's own clock.
  private askCallBack(): void {
    const asked = this.body.querySelector<HTMLInputElement>('[data-testid="call-back-at"]');
    if (asked) {
      asked.focus(); // asked once already: one time box, not another
      return;
    }
    const input = el("input", { type: "datetime-local", "data-testid": "call-back-at", "aria-label": "Call back at" });
    const save = el("button", { type: "button", class: "button", "data-testid": "call-back-save" }, "Save call back");
    save.addEventListener("click", () => {
      const at = input.value ? new Date(input.value) : null;
      const body = this.resultBody("CB");
      if (at && !Number.isNaN(at.getTime())) body.call_back_at = at.toISOString().replace(/\.\d{3}Z$/, "Z");
      void this.send(body);
    });
    append(this.body, el("p", { class: "call-back field" }, el("label", {}, "Call back at ", input), save));
    input.focus();
  }

  private resultBody(code: string): CallResultBody {
    const body: CallResultBody = {
      voter_id: this.claim!.voter.voter_id,
      idempotency_key: this.key,
      result: code,
      client_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    if (code === "C" && this.talk) {
      if (Object.keys(this.talk.answers).length) body.answers = this.talk.answers;
      if (this.talk.tags.length) body.tags = this.talk.tags;
      if (this.talk.note) body.note = this.talk.note;
    }
    return body;
  }

  private async send(body: CallResultBody): Promise<void> {
    const claim = this.claim;
    if (!claim || this.busy) return;
    this.busy = true;
    this.pending = body;
    this.problem.hidden = true;
    this.status.textContent = "Saving…";
    try {
      const out = await recordCall(claim.list_id, claim.position, body);
      const name = kCodeNames.get(body.result) ?? body.result;
      this.status.textContent = out.finished
        ? `Saved: ${name}.`
        : `Saved: ${name}. They will be called again from ${new Date(out.next_call_at ?? "").toLocaleString()}.`;
      this.busy = false;
      await this.next();
    } catch (error) {
      this.busy = false;
      if (error instanceof ApiError && error.problem.status === 409) {
        this.status.textContent = "This person went to another caller; your call is kept in their history.";
        await this.next();
        return;
      }
      this.status.textContent = "";
      this.fail(error);
      if (error instanceof ApiError && (error.problem.status === 0 || error.problem.status >= 500)) {
        const again = el("button", { type: "button", class: "button", "data-testid": "call-retry" }, "Try again");
        again.addEventListener("click", () => {
          again.remove();
          if (this.pending) void this.send(this.pending);
        });
        append(this.body, el("p", {}, again));
      }
    }
  }
}
