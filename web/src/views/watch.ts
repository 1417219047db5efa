// The poll watcher's strike list (route "#/watch"), phone first and offline first.
//
// On first show it downloads the poll book of her precinct(s) (GET /api/v1/voters pages of
// 1000) into IndexedDB; search is then local and instant. A tap strikes: the strike, with
// a client-made idempotency key, goes into the IndexedDB outbox first, and a sync loop
// sends the outbox in batches to POST /api/v1/strikes, retrying with exponential backoff on
// network errors, 429 and 5xx. An item leaves the outbox only when the server answered for
// it. Reloading or losing the network loses nothing; the page always says how many strikes
// are not sent yet.

import {
  ApiError,
  postStrikes,
  searchVoters,
  undoStrike,
  type Me,
  type VoterSummary,
} from "../api";
import { append, clear, el, joinWords } from "../dom";
import { LocalDb } from "../idb";
import { showProblem } from "./problem";
import type { View } from "./view";

const kBatch = 100;
const kMaxResults = 50;
const kMaxBackoffMs = 60000;

interface Outgoing {
  voter_id: string;
  idempotency_key: string;
  queued_at: string;
}

interface Struck {
  voter_id: string;
  idempotency_key: string;
  state: "queued" | "sent" | "refused";
  detail?: string;
}

interface BookVoter extends VoterSummary {
  search: string; // upper-case words: last, first, middle, registration number
}

export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return `w-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class WatchView implements View {
  readonly element: HTMLElement;
  private readonly me: Me;
  private readonly input: HTMLInputElement;
  private readonly bookStatus: HTMLElement;
  private readonly unsent: HTMLElement;
  private readonly syncState: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly results: HTMLOListElement;
  private db: Promise<LocalDb> | null = null;
  private book: BookVoter[] = [];
  private struck = new Map<string, Struck>();
  private pending = 0;
  private syncing = false;
  private failures = 0;
  private timer: number | undefined;
  private active = false;
  private readonly onOnline = () => this.kick();

  constructor(me: Me) {
    this.me = me;
    this.input = el("input", {
      id: "watch-q",
      type: "search",
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      enterkeyhint: "search",
      placeholder: "SMITH MARY or 123456",
      "data-testid": "watch-search",
    });
    this.bookStatus = el("p", { class: "status", role: "status", "data-testid": "book-status" });
    this.unsent = el("strong", { "data-testid": "unsent" }, "0 strikes not sent yet");
    this.syncState = el("span", { "data-testid": "sync-state" }, "");
    this.problem = el("div", { class: "problem", role: "alert", hidden: true });
    this.results = el("ol", { class: "results watch-results", "data-testid": "watch-results" });
    this.element = el(
      "section",
      { class: "view watch-view", "aria-labelledby": "watch-heading", "data-testid": "watch-view" },
      el("h1", { id: "watch-heading", tabindex: -1 }, "Strike list"),
      el("p", { class: "sync-bar", role: "status", "aria-live": "polite" }, this.unsent, " · ", this.syncState),
      this.bookStatus,
      el(
        "div",
        { class: "field" },
        el("label", { for: "watch-q" }, "Name or registration number"),
        this.input,
      ),
      this.problem,
      this.results,
    );
    this.input.addEventListener("input", () => this.render());
    this.results.addEventListener("click", (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-voter]");
      if (!button) return;
      const id = button.dataset.voter ?? "";
      if (button.dataset.action === "undo") void this.undo(id);
      else void this.strike(id);
    });
  }

  title(): string {
    return "Strike list · Narwhal";
  }

  show(): void {
    this.active = true;
    window.addEventListener("online", this.onOnline);
    if (!this.db) {
      this.db = LocalDb.open(`narwhal-watch-${this.me.id}`);
      void this.load();
    } else {
      this.kick();
    }
  }

  hide(): void {
    // The outbox keeps syncing while another page is shown; only the listener goes.
    this.active = false;
  }

  private async load(): Promise<void> {
    const db = await this.db!;
    this.book = await db.all<BookVoter>("voters");
    for (const s of await db.all<Struck>("struck")) this.struck.set(s.voter_id, s);
    this.pending = await db.count("outbox");
    this.updateCounts();
    const loaded = await db.get<string>("meta", "book_loaded_at");
    if (loaded && this.book.length > 0) {
      this.bookStatus.textContent = `${this.book.length} voters on this phone`;
      this.bookStatus.dataset.ready = "true";
      this.render();
    }
    if (!loaded || this.book.length === 0) await this.download(db);
    this.kick();
  }

  private precincts(): Array<{ county: string; precinct: string }> {
    return this.me.scope?.precincts ?? [];
  }

  private async download(db: LocalDb): Promise<void> {
    const precincts = this.precincts();
    if (precincts.length === 0) {
      this.bookStatus.textContent = "You have no precinct assigned, so there is no poll book.";
      return;
    }
    this.bookStatus.textContent = "Downloading the poll book…";
    try {
      const voters: BookVoter[] = [];
      for (const p of precincts) {
        let cursor: string | null = null;
        do {
          const page = await searchVoters({ ...p, limit: 1000, cursor });
          for (const v of page.voters) {
            voters.push({
              ...v,
              search: joinWords(v.last_name, v.first_name, v.middle_name, v.registration_number)
                .toUpperCase(),
            });
          }
          cursor = page.next_cursor;
        } while (cursor);
      }
      await db.write("voters", voters.map((v) => [v.voter_id, v]));
      await db.write("meta", [["book_loaded_at", new Date().toISOString()]]);
      this.book = voters;
      this.bookStatus.textContent = `${voters.length} voters on this phone`;
      this.bookStatus.dataset.ready = "true";
      this.render();
    } catch (error) {
      this.bookStatus.textContent = "The poll book could not be downloaded yet.";
      showProblem(this.problem, error);
    }
  }

  private matches(): BookVoter[] {
    const words = this.input.value.toUpperCase().split(/[\s,]+/).filter((w) => w !== "");
    if (words.length === 0) return [];
    const out: BookVoter[] = [];
    for (const v of this.book) {
      const own = v.search.split(" ");
      if (words.every((w) => own.some((o) => o.startsWith(w)))) {
        out.push(v);
        if (out.length >= kMaxResults) break;
      }
    }
    return out;
  }

  private render(): void {
    clear(this.results);
    for (const v of this.matches()) {
      const s = this.struck.get(v.voter_id);
      const name = joinWords(v.last_name + ",", v.first_name, v.middle_name, v.name_suffix);
      const facts = joinWords(v.street, v.city, v.registration_number ? `#${v.registration_number}` : "");
      const state =
        s?.state === "queued" ? "struck, not sent yet" : s?.state === "sent" ? "struck" : s?.state === "refused" ? `refused: ${s.detail ?? ""}` : "";
      const struck = s && s.state !== "refused";
      append(
        this.results,
        el(
          "li",
          { class: struck ? "watch-row struck" : "watch-row", "data-testid": "watch-row", "data-voter": v.voter_id },
          el(
            "button",
            {
              type: "button",
              class: "watch-tap",
              "data-voter": v.voter_id,
              "data-action": "strike",
              "data-testid": "strike",
              disabled: struck,
              "aria-label": `Strike ${name}`,
            },
            el("span", { class: "result-name" }, name),
            el("span", { class: "result-facts" }, facts),
            state ? el("span", { class: "badge", "data-testid": "strike-state" }, state) : null,
          ),
          struck
            ? el(
                "button",
                { type: "button", class: "button button-quiet", "data-voter": v.voter_id, "data-action": "undo", "data-testid": "undo" },
                "Undo",
              )
            : null,
        ),
      );
    }
    if (this.input.value.trim() !== "" && this.results.childElementCount === 0) {
      append(this.results, el("li", { class: "empty" }, "Nobody on this list matches."));
    }
  }

  private updateCounts(): void {
    this.unsent.textContent = `${this.pending} ${this.pending === 1 ? "strike" : "strikes"} not sent yet`;
    this.unsent.dataset.count = String(this.pending);
  }

  private setSync(text: string): void {
    this.syncState.textContent = text;
  }

  private async strike(voterId: string): Promise<void> {
    if (this.struck.get(voterId)?.state === "queued" || this.struck.get(voterId)?.state === "sent") return;
    const db = await this.db!;
    const item: Outgoing = { voter_id: voterId, idempotency_key: newKey(), queued_at: new Date().toISOString() };
    const s: Struck = { voter_id: voterId, idempotency_key: item.idempotency_key, state: "queued" };
    // The outbox first: once this resolves the strike survives a reload or a dead battery.
    await db.write("outbox", [[item.idempotency_key, item]]);
    await db.write("struck", [[voterId, s]]);
    this.struck.set(voterId, s);
    this.pending = await db.count("outbox");
    this.updateCounts();
    this.render();
    this.kick();
  }

  private async undo(voterId: string): Promise<void> {
    const db = await this.db!;
    const s = this.struck.get(voterId);
    if (!s) return;
    if (s.state === "queued") {
      const queued = await db.get<Outgoing>("outbox", s.idempotency_key);
      if (queued) {
        await db.write("outbox", [], [s.idempotency_key]);
        await db.write("struck", [], [voterId]);
        this.struck.delete(voterId);
        this.pending = await db.count("outbox");
        this.updateCounts();
        this.render();
        return;
      }
    }
    try {
      await undoStrike(voterId, "tapped the wrong line");
      await db.write("struck", [], [voterId]);
      this.struck.delete(voterId);
      this.problem.hidden = true;
      this.render();
    } catch (error) {
      showProblem(this.problem, error);
    }
  }

  // Starts a sync round now (after a strike, when the network returns).
  private kick(): void {
    if (this.timer !== undefined) {
      window.clearTimeout(this.timer);
      this.timer = undefined;
    }
    void this.sync();
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, ms);
  }

  private async sync(): Promise<void> {
    // Dropped at logout (the shell removes the element): the outbox waits in IndexedDB for
    // her next login on this phone.
    if (this.syncing || !this.db || !this.element.isConnected) return;
    this.syncing = true;
    try {
      const db = await this.db;
      for (;;) {
        const outbox = (await db.all<Outgoing>("outbox")).sort((a, b) =>
          a.queued_at.localeCompare(b.queued_at),
        );
        this.pending = outbox.length;
        this.updateCounts();
        if (outbox.length === 0) {
          this.failures = 0;
          this.setSync(navigator.onLine ? "All strikes sent" : "Offline");
          return;
        }
        if (!navigator.onLine) {
          this.setSync("Offline: strikes are kept on this phone");
          this.schedule(5000);
          return;
        }
        this.setSync("Sending…");
        const batch = outbox.slice(0, kBatch);
        let answer;
        try {
          answer = await postStrikes(
            batch.map(({ voter_id, idempotency_key }) => ({ voter_id, idempotency_key })),
          );
        } catch (error) {
          const status = error instanceof ApiError ? error.problem.status : 0;
          if (status === 401) {
            this.setSync("Log in again to send");
            return;
          }
          const retryable = status === 0 || status === 429 || status >= 500;
          this.failures += 1;
          const delay = Math.min(kMaxBackoffMs, 1000 * 2 ** (this.failures - 1));
          const wait = Math.round(delay / 2 + Math.random() * (delay / 2));
          this.setSync(
            `${retryable ? "Cannot send now" : "The server refused the batch"}; retrying in ${Math.ceil(wait / 1000)} s`,
          );
          this.schedule(wait);
          return;
        }
        this.failures = 0;
        const done: string[] = [];
        const marks: Array<[string, Struck]> = [];
        for (const r of answer.results ?? []) {
          const sent = batch.find((b) => b.idempotency_key === r.idempotency_key);
          if (!sent) continue;
          done.push(sent.idempotency_key);
          const s: Struck = r.outcome
            ? { voter_id: sent.voter_id, idempotency_key: sent.idempotency_key, state: "sent" }
            : {
                voter_id: sent.voter_id,
                idempotency_key: sent.idempotency_key,
                state: "refused",
                detail: r.error?.detail ?? r.error?.title ?? "refused",
              };
          marks.push([sent.voter_id, s]);
        }
        if (done.length === 0) {
          this.schedule(5000);
          return;
        }
        await db.write("struck", marks);
        await db.write("outbox", [], done);
        for (const [id, s] of marks) this.struck.set(id, s);
        if (this.active) this.render();
      }
    } finally {
      this.syncing = false;
    }
  }
}
