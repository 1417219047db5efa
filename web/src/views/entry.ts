// Paper entry (route "#/entry"): field-office staff (organizers, admins) key in the strike
// lists poll watchers phone in or bring on paper, keyboard first.
//
// One box takes a voter id (or a county registration number, digits only). As she types,
// the voter is looked up (GET /api/v1/voters/{id}) and shown large — name, address,
// precinct — so she can check she has the right person; Enter on a confirmed voter records
// the strike and clears the box for the next number. The strike's idempotency key is made
// when the voter is confirmed and kept with the entry, so a second Enter, a retry or a
// reload counts once.
//
// Entries go to an outbox first (IndexedDB, "narwhal-entry-<user id>", the stores of
// idb.ts), then are sent in batches to POST /api/v1/strikes with source "paper_entry",
// retrying with exponential backoff on network errors, 429 and 5xx; an entry leaves the
// outbox only when the server answered for it. The sitting's entries are listed newest
// first, each with its outcome and an "Undo" (POST /api/v1/strikes/undo, with a reason).

import { SyncTimer } from "../sync_timer";
import {
  ApiError,
  getVoter,
  isAbort,
  postStrikes,
  searchVoters,
  undoStrike,
  type Me,
  type VoterRecord,
} from "../api";
import { append, clear, el } from "../dom";
import { formatAddress, listName, statusName, titleCase } from "../format";
import { LocalDb } from "../idb";
import { fixedFilter } from "../session";
import { showProblem } from "./problem";
import type { View } from "./view";
import { newKey } from "./watch";

const kLookupDelayMs = 250;
const kBatch = 100;
const kDefaultReason = "keyed in by mistake";

// What was keyed in. "queued" entries are in the outbox; the others have the server's word.
type EntryState =
  | "queued"
  | "struck"
  | "already_struck"
  | "refused"
  | "undone"
  | "withdrawn"; // taken back before it was sent

interface Entry {
  key: string; // the idempotency key, also the outbox key
  voter_id: string;
  name: string; // as confirmed; "" when keyed in unchecked while offline
  entered_at: string; // ISO 8601
  state: EntryState;
  detail?: string; // the server's reason for a refusal, or the undo reason
  undoError?: string;
}

// The voter the box currently shows, ready to strike with `key`.
interface Confirmed {
  typed: string; // the box's text it answers
  voter_id: string;
  name: string;
  key: string;
}

type CardState = "empty" | "looking" | "found" | "not-found" | "denied" | "offline" | "error";

function normalize(text: string): string {
  return text.trim().toUpperCase();
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function stateText(e: Entry): string {
  switch (e.state) {
    case "queued":
      return "not sent yet";
    case "struck":
      return "struck";
    case "already_struck":
      return "already struck";
    case "refused":
      return `refused: ${e.detail ?? ""}`;
    case "undone":
      return `undone (${e.detail ?? ""})`;
    case "withdrawn":
      return "taken back, never sent";
  }
}

function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail ?? error.problem.title;
  return error instanceof Error ? error.message : String(error);
}

export class EntryView implements View {
  readonly element: HTMLElement;
  private readonly me: Me;
  private readonly input: HTMLInputElement;
  private readonly card: HTMLElement;
  private readonly result: HTMLElement;
  private readonly counts: HTMLElement;
  private readonly unsent: HTMLElement;
  private readonly syncState: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly list: HTMLOListElement;
  private db: Promise<LocalDb | null> | null = null;
  private entries: Entry[] = []; // newest first
  private confirmed: Confirmed | null = null;
  private cardState: CardState = "empty";
  private cardFor = ""; // the typed text the card answers
  private lookupTimer: number | undefined;
  private lookup: AbortController | null = null;
  private lastKey = ""; // the entry the result line reports
  private undoOpen = ""; // the entry whose undo form is open
  private inFlight = new Set<string>(); // keys sent and not answered yet
  private readonly rows = new Map<string, { sig: string; li: HTMLLIElement }>();
  private syncing = false;
  private failures = 0;
  private readonly syncTimer = new SyncTimer(() => void this.sync());
  private readonly onOnline = () => this.syncTimer.now();

  constructor(me: Me) {
    this.me = me;
    this.input = el("input", {
      id: "entry-voter-id",
      class: "entry-input",
      type: "text",
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      enterkeyhint: "done",
      "aria-describedby": "entry-hint",
      "data-testid": "entry-input",
    });
    this.card = el("div", {
      class: "entry-card",
      "aria-live": "polite",
      "data-testid": "entry-card",
      "data-state": "empty",
    });
    this.result = el("p", {
      class: "entry-result",
      role: "status",
      hidden: true,
      "data-testid": "entry-result",
    });
    this.counts = el("strong", { "data-testid": "entry-count" }, "0 strikes entered");
    this.unsent = el("strong", { "data-testid": "entry-unsent", "data-count": "0" }, "0 not sent");
    this.syncState = el("span", { "data-testid": "entry-sync" }, "");
    this.problem = el("div", { class: "problem", role: "alert", hidden: true });
    this.list = el("ol", { class: "entry-list", "data-testid": "entry-list" });
    const form = el(
      "form",
      { class: "entry-form", novalidate: true, "data-testid": "entry-form" },
      el("label", { for: "entry-voter-id" }, "Voter id or registration number"),
      this.input,
      el(
        "p",
        { class: "hint", id: "entry-hint" },
        "Type the number from the list, check the name, press Enter to strike. Esc clears.",
      ),
    );
    this.element = el(
      "section",
      { class: "view entry-view", "aria-labelledby": "entry-heading", "data-testid": "entry-view" },
      el("h1", { id: "entry-heading", tabindex: -1 }, "Paper entry"),
      el(
        "p",
        { class: "sync-bar", role: "status", "aria-live": "polite" },
        this.counts,
        " · ",
        this.unsent,
        " · ",
        this.syncState,
      ),
      form,
      this.card,
      this.result,
      this.problem,
      el("h2", {}, "Entered in this sitting"),
      this.list,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.enter();
    });
    this.input.addEventListener("input", () => this.typed());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        this.input.value = "";
        this.typed();
      }
    });
    this.list.addEventListener("click", (event) => this.listClick(event));
    this.list.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.undoOpen !== "") this.closeUndo();
    });
    this.list.addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target as HTMLFormElement;
      const reason = form.querySelector<HTMLInputElement>("input")?.value.trim() ?? "";
      void this.undo(form.dataset.key ?? "", reason || kDefaultReason);
    });
    this.renderCard();
  }

  title(): string {
    return "Paper entry · Narwhal";
  }

  show(): void {
    window.addEventListener("online", this.onOnline);
    if (!this.db) {
      this.db = LocalDb.open(`narwhal-entry-${this.me.id}`).catch(() => null);
      void this.load();
    } else {
      this.syncTimer.now();
    }
    this.typed(); // a lookup hide() stopped starts again
    this.input.focus();
  }

  hide(): void {
    // The outbox keeps sending while another page is shown; only the lookup stops.
    this.cancelLookup();
  }

  // Entries a previous visit left unsent (a reload, a closed laptop) come back queued.
  private async load(): Promise<void> {
    const db = await this.db!;
    if (!db) {
      showProblem(
        this.problem,
        new Error("This browser keeps no offline outbox; entries not sent are lost on reload"),
      );
    } else {
      const waiting = (await db.all<Entry>("outbox")).sort((a, b) =>
        b.entered_at.localeCompare(a.entered_at),
      );
      const known = new Set(this.entries.map((e) => e.key));
      for (const e of waiting) if (!known.has(e.key)) this.entries.push({ ...e, state: "queued" });
      this.entries.sort((a, b) => b.entered_at.localeCompare(a.entered_at));
    }
    this.render();
    this.syncTimer.now();
  }

  // --- looking up -------------------------------------------------------------------

  private typed(): void {
    const typed = normalize(this.input.value);
    if (typed === this.cardFor && this.cardState !== "looking") return;
    this.cancelLookup();
    this.confirmed = null;
    this.cardFor = typed;
    this.cardState = typed === "" ? "empty" : "looking";
    this.renderCard();
    if (typed !== "") {
      this.lookupTimer = window.setTimeout(() => void this.find(typed), kLookupDelayMs);
    }
  }

  private cancelLookup(): void {
    if (this.lookupTimer !== undefined) window.clearTimeout(this.lookupTimer);
    this.lookupTimer = undefined;
    this.lookup?.abort();
    this.lookup = null;
  }

  private async find(typed: string): Promise<void> {
    this.cancelLookup();
    const controller = new AbortController();
    this.lookup = controller;
    this.cardFor = typed;
    this.cardState = "looking";
    this.renderCard();
    let record: VoterRecord | null = null;
    let state: CardState = "found";
    let detail = "";
    try {
      record = await this.fetchVoter(typed, controller.signal);
      if (!record) state = "not-found";
    } catch (error) {
      if (isAbort(error)) return;
      const status = error instanceof ApiError ? error.problem.status : -1;
      const states: Record<number, CardState> = { 0: "offline", 403: "denied", 404: "not-found" };
      state = states[status] ?? "error";
      detail = problemText(error);
    }
    if (controller.signal.aborted || normalize(this.input.value) !== typed) return;
    this.lookup = null;
    this.cardState = state;
    this.confirmed =
      record && state === "found"
        ? { typed, voter_id: record.voter_id, name: listName(record), key: newKey() }
        : null;
    this.renderCard(record, detail);
  }

  // A voter id, or a registration number (digits only) when it names one voter in the
  // user's county; null when there is no such voter.
  private async fetchVoter(typed: string, signal: AbortSignal): Promise<VoterRecord | null> {
    if (/^\d+$/.test(typed)) {
      const county = fixedFilter(this.me).county;
      const page = await searchVoters({ q: typed, county, limit: 2 }, signal);
      const exact = page.voters.filter((v) => v.registration_number === typed);
      if (exact.length > 1) {
        throw new ApiError({
          status: 409,
          title: "More than one voter",
          detail: `registration number ${typed} is used in several counties; type the voter id`,
        });
      }
      if (exact.length === 0) return null;
      typed = exact[0].voter_id;
    }
    return getVoter(typed, signal);
  }

  private renderCard(record: VoterRecord | null = null, detail = ""): void {
    clear(this.card);
    this.card.dataset.state = this.cardState;
    const typed = this.cardFor;
    switch (this.cardState) {
      case "empty":
        append(this.card, el("p", { class: "entry-card-note" }, "Type a number from the list."));
        break;
      case "looking":
        append(this.card, el("p", { class: "entry-card-note" }, `Looking up ${typed}…`));
        break;
      case "found": {
        const v = record!;
        const county = v.county_name
          ? `${titleCase(v.county_name)} County`
          : `county ${v.county ?? ""}`;
        const address =
          formatAddress(v.residence) || [v.street, v.city].filter((p) => p).join(", ");
        const inactive = v.status && v.status.toLowerCase() !== "active";
        append(
          this.card,
          el("p", { class: "entry-name", "data-testid": "entry-name" }, listName(v)),
          el(
            "p",
            { class: "entry-address", "data-testid": "entry-address" },
            address || "no address on file",
          ),
          el(
            "p",
            { class: "entry-precinct", "data-testid": "entry-precinct" },
            `Precinct ${v.precinct_name || v.precinct || "unknown"} · ${county}`,
          ),
          el(
            "p",
            { class: "entry-card-note" },
            `Voter id ${v.voter_id}`,
            v.registration_number ? ` · registration number ${v.registration_number}` : "",
            " · ",
            inactive
              ? el("span", { class: "badge badge-inactive" }, statusName(v.status))
              : statusName(v.status),
          ),
          el("p", { class: "entry-card-action" }, "Press Enter to strike."),
        );
        break;
      }
      case "not-found":
        append(
          this.card,
          el(
            "p",
            { class: "entry-card-title", "data-testid": "entry-not-found" },
            `No voter ${typed}`,
          ),
          el("p", { class: "entry-card-note" }, detail || "Check the number on the list."),
        );
        break;
      case "denied":
        append(
          this.card,
          el("p", { class: "entry-card-title" }, `Voter ${typed} is outside your area`),
          el("p", { class: "entry-card-note" }, detail),
        );
        break;
      case "offline":
        append(
          this.card,
          el("p", { class: "entry-card-title" }, `Cannot check ${typed} now`),
          el(
            "p",
            { class: "entry-card-note" },
            "The server cannot be reached. Press Enter to keep the number unchecked; it is " +
              "sent, and checked by the server, when the network is back.",
          ),
        );
        break;
      case "error":
        append(
          this.card,
          el("p", { class: "entry-card-title" }, `Cannot look up ${typed}`),
          el("p", { class: "entry-card-note" }, detail),
        );
        break;
    }
  }

  // --- entering ---------------------------------------------------------------------

  // Enter: strikes the confirmed voter; before the lookup answered it looks up now.
  private enter(): void {
    const typed = normalize(this.input.value);
    if (typed === "") return;
    const c = this.confirmed;
    if (c && c.typed === typed) {
      void this.record(c.key, c.voter_id, c.name);
    } else if (this.cardState === "offline" && this.cardFor === typed) {
      void this.record(newKey(), typed, "");
    } else if (this.cardState !== "looking" || this.lookupTimer !== undefined) {
      void this.find(typed);
    }
  }

  private async record(key: string, voterId: string, name: string): Promise<void> {
    // The box is cleared at once, so a second Enter finds nothing to strike.
    this.confirmed = null;
    this.input.value = "";
    this.typed();
    this.input.focus();
    if (this.entries.some((e) => e.key === key)) return;
    const entry: Entry = {
      key,
      voter_id: voterId,
      name,
      entered_at: new Date().toISOString(),
      state: "queued",
    };
    this.entries.unshift(entry);
    this.lastKey = key;
    this.render();
    // The outbox first: once this resolves the entry survives a reload.
    const db = await this.db;
    if (db) {
      try {
        await db.write("outbox", [[key, entry]]);
      } catch {
        // kept in memory; sent as long as the page stays open
      }
    }
    this.render();
    this.syncTimer.now();
  }

  // --- the list and undo ------------------------------------------------------------

  private listClick(event: Event): void {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-action]");
    if (!button) return;
    const key = button.dataset.key ?? "";
    const action = button.dataset.action;
    if (action === "undo") {
      const e = this.entries.find((x) => x.key === key);
      if (e?.state === "queued") {
        void this.withdraw(key);
        return;
      }
      this.undoOpen = key;
      this.render();
      this.list.querySelector<HTMLInputElement>(`form[data-key="${key}"] input`)?.select();
    } else if (action === "cancel") {
      this.closeUndo();
    }
  }

  private closeUndo(): void {
    this.undoOpen = "";
    this.render();
    this.input.focus();
  }

  // An entry still in the outbox is taken out of it: nothing was sent.
  private async withdraw(key: string): Promise<void> {
    if (this.inFlight.has(key)) return; // on its way; undo once it is answered
    const e = this.entries.find((x) => x.key === key);
    if (!e || e.state !== "queued") return;
    e.state = "withdrawn";
    const db = await this.db;
    await db?.write("outbox", [], [key]).catch(() => {});
    this.render();
    this.input.focus();
  }

  private async undo(key: string, reason: string): Promise<void> {
    const e = this.entries.find((x) => x.key === key);
    if (!e || e.state !== "struck") return;
    try {
      await undoStrike(e.voter_id, reason);
      e.state = "undone";
      e.detail = reason;
      e.undoError = undefined;
      this.undoOpen = "";
    } catch (error) {
      e.undoError = problemText(error);
    }
    this.render();
    if (this.undoOpen === "") this.input.focus();
  }

  private render(): void {
    const struck = this.entries.filter((e) => e.state === "struck").length;
    const pending = this.entries.filter((e) => e.state === "queued").length;
    this.counts.textContent = `${struck} ${struck === 1 ? "strike" : "strikes"} entered`;
    this.counts.dataset.count = String(struck);
    this.unsent.textContent = `${pending} not sent`;
    this.unsent.dataset.count = String(pending);
    this.unsent.classList.toggle("entry-unsent-waiting", pending > 0);
    this.renderResult();
    this.renderList();
  }

  // Rows are rebuilt only when they changed, so a reason being typed into an open undo
  // form keeps its text and focus while entries are sent.
  private renderList(): void {
    if (this.entries.length === 0) {
      clear(this.list);
      this.rows.clear();
      append(this.list, el("li", { class: "empty" }, "Nothing entered yet."));
      return;
    }
    this.list.querySelector(":scope > .empty")?.remove();
    this.entries.forEach((e, i) => {
      const open = this.undoOpen === e.key;
      const sig = [e.state, e.detail, e.undoError, this.inFlight.has(e.key), open].join("|");
      const old = this.rows.get(e.key);
      let li = old?.li;
      if (!old || old.sig !== sig) {
        li = this.row(e);
        if (old) old.li.replaceWith(li);
        this.rows.set(e.key, { sig, li });
      }
      const at = this.list.children[i];
      if (at !== li) this.list.insertBefore(li!, at ?? null);
    });
  }

  private row(e: Entry): HTMLLIElement {
    const undoable = e.state === "struck" || (e.state === "queued" && !this.inFlight.has(e.key));
    const formOpen = this.undoOpen === e.key && e.state === "struck";
    return el(
      "li",
      {
        class: `entry-row entry-${e.state}`,
        "data-testid": "entry-row",
        "data-voter": e.voter_id,
        "data-state": e.state,
      },
      el("span", { class: "entry-time" }, clock(e.entered_at)),
      el("span", { class: "entry-id" }, e.voter_id),
      el("span", { class: "entry-row-name" }, e.name || "(not checked)"),
      el(
        "span",
        { class: `badge entry-badge-${e.state}`, "data-testid": "entry-outcome" },
        stateText(e),
      ),
      undoable && !formOpen
        ? el(
            "button",
            {
              type: "button",
              class: "button button-secondary entry-undo",
              "data-action": "undo",
              "data-key": e.key,
              "data-testid": "entry-undo",
              "aria-label": `Undo ${e.name || e.voter_id}`,
            },
            "Undo",
          )
        : null,
      formOpen ? this.undoForm(e) : null,
    );
  }

  private undoForm(e: Entry): HTMLFormElement {
    const id = `entry-reason-${e.key}`;
    return el(
      "form",
      { class: "entry-undo-form", "data-key": e.key, "data-testid": "entry-undo-form" },
      el("label", { for: id }, "Reason"),
      el("input", {
        id,
        type: "text",
        value: kDefaultReason,
        maxlength: 200,
        "data-testid": "entry-undo-reason",
      }),
      el(
        "button",
        { type: "submit", class: "button", "data-testid": "entry-undo-confirm" },
        "Undo strike",
      ),
      el(
        "button",
        {
          type: "button",
          class: "button button-secondary",
          "data-action": "cancel",
          "data-key": e.key,
        },
        "Cancel",
      ),
      e.undoError ? el("p", { class: "entry-undo-error", role: "alert" }, e.undoError) : null,
    );
  }

  // The line under the box: what became of the last entry, in colour.
  private renderResult(): void {
    const e = this.entries.find((x) => x.key === this.lastKey);
    if (!e) {
      this.result.hidden = true;
      return;
    }
    const who = e.name ? `${e.name} (${e.voter_id})` : e.voter_id;
    const text: Record<EntryState, string> = {
      queued: this.inFlight.has(e.key)
        ? `Sending ${who}…`
        : `${who}: not sent yet, kept and retried`,
      struck: `Struck: ${who}`,
      already_struck: `Already struck: ${who} was struck before; nothing changed`,
      refused: `Not struck: ${who}: ${e.detail ?? ""}`,
      undone: `Undone: ${who}`,
      withdrawn: `Taken back: ${who} was never sent`,
    };
    this.result.textContent = text[e.state];
    this.result.dataset.outcome = e.state;
    this.result.hidden = false;
  }

  // --- sending ----------------------------------------------------------------------

  private async sync(): Promise<void> {
    // Dropped at logout (the shell removes the element): the outbox waits in IndexedDB for
    // her next login in this browser.
    if (this.syncing || !this.db || !this.element.isConnected) return;
    this.syncing = true;
    try {
      const db = await this.db;
      for (;;) {
        const queued = this.entries.filter((e) => e.state === "queued").reverse(); // oldest first
        if (queued.length === 0) {
          this.failures = 0;
          this.syncState.textContent = "All sent";
          return;
        }
        if (!navigator.onLine) {
          this.syncState.textContent = "Offline: entries are kept in this browser";
          this.syncTimer.after(5000);
          return;
        }
        const batch = queued.slice(0, kBatch);
        for (const e of batch) this.inFlight.add(e.key);
        this.syncState.textContent = "Sending…";
        this.render();
        let answer;
        try {
          answer = await postStrikes(
            batch.map((e) => ({
              voter_id: e.voter_id,
              idempotency_key: e.key,
              source: "paper_entry",
            })),
          );
        } catch (error) {
          const status = error instanceof ApiError ? error.problem.status : 0;
          if (status === 401) {
            this.syncState.textContent = "Log in again to send";
            return;
          }
          const retryable = status === 0 || status === 429 || status >= 500;
          this.failures += 1;
          const wait = this.syncTimer.backoff(this.failures);
          const why = retryable ? "Cannot send now" : "The server refused the batch";
          this.syncState.textContent = `${why}; retrying in ${Math.ceil(wait / 1000)} s`;
          return;
        } finally {
          for (const e of batch) this.inFlight.delete(e.key);
        }
        this.failures = 0;
        const answered: string[] = [];
        for (const r of answer.results ?? []) {
          const e = batch.find((b) => b.key === r.idempotency_key);
          if (!e) continue;
          answered.push(e.key);
          if (r.outcome === "already_struck") {
            e.state = "already_struck";
          } else if (r.outcome) {
            e.state = "struck"; // "replayed": this key struck her on an earlier try
          } else {
            e.state = "refused";
            e.detail = r.error?.detail ?? r.error?.title ?? "refused";
          }
        }
        if (db && answered.length > 0) await db.write("outbox", [], answered).catch(() => {});
        this.render();
        if (answered.length === 0) {
          this.syncTimer.after(5000);
          return;
        }
      }
    } finally {
      this.syncing = false;
      this.render();
    }
  }
}
