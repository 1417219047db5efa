// The poll watcher's strike list (route "#/watch"), phone first and offline first.
//
// On first show it downloads the poll book of her precinct(s) (GET /api/v1/voters pages of
// 1000) into IndexedDB; search is then local and instant. A tap strikes, "Undo" takes a
// strike back: either action goes into the IndexedDB outbox first (a strike with a
// client-made idempotency key), and a sync loop sends the outbox in the order the taps were
// made, strikes in batches to POST /api/v1/strikes and undos one by one to
// POST /api/v1/strikes/undo, retrying with exponential backoff on network errors, 429 and
// 5xx. An item leaves the outbox only when the server answered for it. Reloading or losing
// the network loses nothing; the page always says how much is not sent yet.

import { SyncTimer } from "../sync_timer";
import {
  ApiError,
  postStrikes,
  searchVoters,
  undoStrike,
  type Me,
  type VoterSummary,
} from "../api";
import { append, clear, el, joinWords } from "../dom";
import { LocalDb, type Change } from "../idb";
import { showProblem } from "./problem";
import type { View } from "./view";

const kBatch = 100;
const kMaxResults = 50;
const kUndoReason = "tapped the wrong line";

// One tap waiting in the outbox, under `idempotency_key`.
interface Outgoing {
  kind: "strike" | "undo";
  voter_id: string;
  // A strike's idempotency key, sent with it. An undo's is only its outbox key: the server
  // needs none, since an undo repeated after a lost answer is answered 404 (not struck).
  idempotency_key: string;
  queued_at: string;
  // The order of the taps on this phone, strictly increasing; the outbox is sent in it.
  seq: number;
  // A strike sent at least once: the server may have it although no answer came back, so
  // taking it back needs an undo sent after it.
  attempted?: boolean;
  reason?: string; // an undo's
}

// What this phone last did for a voter, and how far it got. "queued", "sent" and
// "undo_refused" show her struck; "undo_queued" and "refused" do not.
interface Struck {
  voter_id: string;
  idempotency_key: string; // of that last action (for an undo, its outbox key)
  state: "queued" | "sent" | "refused" | "undo_queued" | "undo_refused";
  detail?: string;
}

interface BookVoter extends VoterSummary {
  search: string; // upper-case words: last, first, middle, registration number
}

export function newKey(prefix = "w"): string {
  if (typeof crypto.randomUUID === "function") return `${prefix}-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function isStruck(s: Struck | undefined): boolean {
  return s?.state === "queued" || s?.state === "sent" || s?.state === "undo_refused";
}

// Schema version 1 queued strikes only, without `kind` and `seq`. Whether one of them was
// sent already is unknown, so each counts as attempted: taking it back sends an undo.
function migrate(oldVersion: number, tx: IDBTransaction): void {
  if (oldVersion === 0 || oldVersion >= 2) return;
  const req = tx.objectStore("outbox").openCursor();
  req.onsuccess = () => {
    const cursor = req.result;
    if (!cursor) return;
    const item = cursor.value as Partial<Outgoing>;
    cursor.update({
      ...item,
      kind: item.kind ?? "strike",
      seq: item.seq ?? (Date.parse(item.queued_at ?? "") || 0),
      attempted: item.attempted ?? true,
    });
    cursor.continue();
  };
}

// The strikes to send now, in the order tapped, at most a batch. A strike tapped after an
// undo of the same voter waits for that undo.
function nextStrikes(outbox: Outgoing[]): Outgoing[] {
  const undone = new Set<string>();
  const out: Outgoing[] = [];
  for (const o of outbox) {
    if (o.kind === "undo") undone.add(o.voter_id);
    else if (!undone.has(o.voter_id)) out.push(o);
    if (out.length === kBatch) break;
  }
  return out;
}

function unsentText(strikes: number, undos: number): string {
  const s = `${strikes} ${strikes === 1 ? "strike" : "strikes"}`;
  if (undos === 0) return `${s} not sent yet`;
  const u = `${undos} ${undos === 1 ? "undo" : "undos"}`;
  return strikes === 0 ? `${u} not sent yet` : `${s} and ${u} not sent yet`;
}

// 4xx answers that retrying will not change: the undo is reported and dropped.
function isRefusal(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 404, 408, 429].includes(status);
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
  private readonly tapping = new Set<string>(); // voters whose last tap is still being stored
  private lastSeq = 0;
  private syncing = false;
  private failures = 0;
  private readonly syncTimer = new SyncTimer(() => void this.sync());
  private active = false;
  private readonly onOnline = () => this.syncTimer.now();

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
      if (this.tapping.has(id)) return; // a double tap
      this.tapping.add(id);
      const done = () => this.tapping.delete(id);
      (button.dataset.action === "undo" ? this.undo(id) : this.strike(id)).then(done, done);
    });
  }

  title(): string {
    return "Strike list · Narwhal";
  }

  show(): void {
    this.active = true;
    window.addEventListener("online", this.onOnline);
    if (!this.db) {
      this.db = LocalDb.open(`narwhal-watch-${this.me.id}`, migrate);
      void this.load();
    } else {
      this.syncTimer.now();
    }
  }

  hide(): void {
    // The outbox keeps syncing while another page is shown, so the "online" listener stays
    // (show() adding the same function again is a no-op).
    this.active = false;
  }

  private async load(): Promise<void> {
    const db = await this.db!;
    this.book = await db.all<BookVoter>("voters");
    for (const s of await db.all<Struck>("struck")) this.struck.set(s.voter_id, s);
    this.countOutbox(await db.all<Outgoing>("outbox"));
    const loaded = await db.get<string>("meta", "book_loaded_at");
    if (loaded && this.book.length > 0) {
      this.bookStatus.textContent = `${this.book.length} voters on this phone`;
      this.bookStatus.dataset.ready = "true";
      this.render();
    }
    if (!loaded || this.book.length === 0) await this.download(db);
    this.syncTimer.now();
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
      const struck = isStruck(s);
      const state = !s
        ? ""
        : s.state === "queued"
          ? "struck, not sent yet"
          : s.state === "sent"
            ? "struck"
            : s.state === "refused"
              ? `refused: ${s.detail ?? ""}`
              : s.state === "undo_queued"
                ? "undo pending"
                : `struck; undo refused: ${s.detail ?? ""}`;
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
            state
              ? el(
                  "span",
                  { class: "badge", "data-testid": "strike-state", "data-state": s?.state },
                  state,
                )
              : null,
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

  // Sorts the outbox in the order of the taps and shows how much of it is not sent.
  private countOutbox(outbox: Outgoing[]): Outgoing[] {
    outbox.sort((a, b) => a.seq - b.seq);
    if (outbox.length > 0) this.lastSeq = Math.max(this.lastSeq, outbox[outbox.length - 1].seq);
    const undos = outbox.filter((o) => o.kind === "undo").length;
    this.unsent.textContent = unsentText(outbox.length - undos, undos);
    this.unsent.dataset.count = String(outbox.length);
    return outbox;
  }

  private nextSeq(): number {
    this.lastSeq = Math.max(Date.now(), this.lastSeq + 1);
    return this.lastSeq;
  }

  private setSync(text: string): void {
    this.syncState.textContent = text;
  }

  // Sets the voter's row (null: nothing done for her) in memory at once and in `struck`,
  // with `also` in the same transaction. Rows change in memory and on disk in the same
  // order, because the transaction starts before this returns.
  private mark(db: LocalDb, voterId: string, s: Struck | null, also: Change[] = []): Promise<void> {
    if (s) this.struck.set(voterId, s);
    else this.struck.delete(voterId);
    const row: Change = s
      ? { store: "struck", puts: [[voterId, s]] }
      : { store: "struck", deletes: [voterId] };
    return db.writeAll([row, ...also]);
  }

  // Queues one tap: the outbox and the row in one transaction, so once it resolves the tap
  // survives a reload or a dead battery. Only then does the row show it.
  private async enqueue(db: LocalDb, item: Outgoing, s: Struck): Promise<void> {
    const before = this.struck.get(item.voter_id) ?? null;
    try {
      await this.mark(db, item.voter_id, s, [
        { store: "outbox", puts: [[item.idempotency_key, item]] },
      ]);
    } catch (error) {
      if (this.struck.get(item.voter_id) === s) {
        if (before) this.struck.set(item.voter_id, before);
        else this.struck.delete(item.voter_id);
      }
      showProblem(this.problem, error);
      return;
    }
    this.problem.hidden = true;
    this.countOutbox(await db.all<Outgoing>("outbox"));
    this.render();
    this.syncTimer.now();
  }

  private async strike(voterId: string): Promise<void> {
    if (isStruck(this.struck.get(voterId))) return;
    const db = await this.db!;
    // A new key every time: striking again after an undo is a new report.
    const item: Outgoing = {
      kind: "strike",
      voter_id: voterId,
      idempotency_key: newKey(),
      queued_at: new Date().toISOString(),
      seq: this.nextSeq(),
    };
    await this.enqueue(db, item, {
      voter_id: voterId,
      idempotency_key: item.idempotency_key,
      state: "queued",
    });
  }

  private async undo(voterId: string): Promise<void> {
    const s = this.struck.get(voterId);
    if (!s || !isStruck(s)) return;
    const db = await this.db!;
    if (s.state === "queued") {
      // A strike never sent is taken out of the outbox; the check and the delete are one
      // transaction with the sync loop's marking of what it sends, so it is either still
      // unsent here or marked attempted.
      const key = s.idempotency_key;
      let dropped = false;
      await db.update<Outgoing>("outbox", [key], (found) => {
        const item = found.get(key);
        dropped = item !== undefined && !item.attempted;
        return dropped ? { deletes: [key] } : {};
      });
      if (dropped) {
        // As if never tapped: an undo queued before this strike shows again.
        const earlier = (await db.all<Outgoing>("outbox"))
          .filter((o) => o.voter_id === voterId)
          .sort((a, b) => a.seq - b.seq)
          .pop();
        await this.mark(
          db,
          voterId,
          earlier
            ? {
                voter_id: voterId,
                idempotency_key: earlier.idempotency_key,
                state: earlier.kind === "undo" ? "undo_queued" : "queued",
              }
            : null,
        );
        this.countOutbox(await db.all<Outgoing>("outbox"));
        this.render();
        return;
      }
    }
    const item: Outgoing = {
      kind: "undo",
      voter_id: voterId,
      idempotency_key: newKey("u"),
      queued_at: new Date().toISOString(),
      seq: this.nextSeq(),
      reason: kUndoReason,
    };
    await this.enqueue(db, item, {
      voter_id: voterId,
      idempotency_key: item.idempotency_key,
      state: "undo_queued",
    });
  }

  private async sync(): Promise<void> {
    // Dropped at logout (the shell removes the element): the outbox waits in IndexedDB for
    // her next login on this phone.
    if (this.syncing || !this.db || !this.element.isConnected) return;
    this.syncing = true;
    try {
      const db = await this.db;
      for (;;) {
        const outbox = this.countOutbox(await db.all<Outgoing>("outbox"));
        if (outbox.length === 0) {
          this.failures = 0;
          this.setSync(navigator.onLine ? "All strikes sent" : "Offline");
          return;
        }
        if (!navigator.onLine) {
          this.setSync("Offline: strikes are kept on this phone");
          this.syncTimer.after(5000);
          return;
        }
        this.setSync("Sending…");
        // Strikes first; an undo goes when every strike tapped before it has gone (its
        // voter's, above all), and a strike tapped after an undo of her waits for it.
        const strikes = nextStrikes(outbox);
        let progress: boolean;
        try {
          progress =
            strikes.length > 0
              ? await this.sendStrikes(db, strikes)
              : await this.sendUndo(db, outbox.find((o) => o.kind === "undo")!);
        } catch (error) {
          const status = error instanceof ApiError ? error.problem.status : 0;
          if (status === 401) {
            this.setSync("Log in again to send");
            return;
          }
          const retryable = status === 0 || status === 429 || status >= 500;
          this.failures += 1;
          const wait = this.syncTimer.backoff(this.failures);
          const what = retryable ? "Cannot send now" : "The server refused the batch";
          this.setSync(`${what}; retrying in ${Math.ceil(wait / 1000)} s`);
          return;
        }
        this.failures = 0;
        if (this.active) this.render();
        if (!progress) {
          this.syncTimer.after(5000);
          return;
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  // Sends `candidates` (strikes, oldest first) as one batch; false when the server answered
  // for none of them. Throws what postStrikes throws.
  private async sendStrikes(db: LocalDb, candidates: Outgoing[]): Promise<boolean> {
    // Each is marked attempted before it leaves, in one transaction that also sees which
    // are still queued (an undo may have just taken one out).
    const found = await db.update<Outgoing>(
      "outbox",
      candidates.map((c) => c.idempotency_key),
      (found) => ({
        puts: [...found]
          .filter(([, o]) => !o.attempted)
          .map(([key, o]): [string, unknown] => [key, { ...o, attempted: true }]),
      }),
    );
    const batch = candidates.filter((c) => found.has(c.idempotency_key));
    if (batch.length === 0) return true; // all taken back meanwhile: look again
    const answer = await postStrikes(
      batch.map(({ voter_id, idempotency_key }) => ({ voter_id, idempotency_key })),
    );
    const done: string[] = [];
    const marks: Array<[string, Struck]> = [];
    for (const r of answer.results ?? []) {
      const sent = batch.find((b) => b.idempotency_key === r.idempotency_key);
      if (!sent) continue;
      done.push(sent.idempotency_key);
      // A tap since (an undo) decides her row, not this answer.
      if (this.struck.get(sent.voter_id)?.idempotency_key !== sent.idempotency_key) continue;
      marks.push([
        sent.voter_id,
        r.outcome
          ? { voter_id: sent.voter_id, idempotency_key: sent.idempotency_key, state: "sent" }
          : {
              voter_id: sent.voter_id,
              idempotency_key: sent.idempotency_key,
              state: "refused",
              detail: r.error?.detail ?? r.error?.title ?? "refused",
            },
      ]);
    }
    if (done.length === 0) return false;
    for (const [id, s] of marks) this.struck.set(id, s);
    await db.writeAll([
      { store: "struck", puts: marks },
      { store: "outbox", deletes: done },
    ]);
    return true;
  }

  // Sends one undo. Done with it when answered 200, or 404 (the server has her not struck:
  // an earlier try went through and its answer was lost), or refused for good (403, 400:
  // reported, and she stays struck); throws on what is worth retrying (network, 429, 5xx)
  // and on 401.
  private async sendUndo(db: LocalDb, undo: Outgoing): Promise<boolean> {
    let refusal: ApiError | null = null;
    try {
      await undoStrike(undo.voter_id, undo.reason ?? kUndoReason);
    } catch (error) {
      const status = error instanceof ApiError ? error.problem.status : 0;
      if (error instanceof ApiError && isRefusal(status)) refusal = error;
      else if (status !== 404) throw error;
    }
    const changes: Change[] = [{ store: "outbox", deletes: [undo.idempotency_key] }];
    if (this.struck.get(undo.voter_id)?.idempotency_key === undo.idempotency_key) {
      if (refusal) {
        const s: Struck = {
          voter_id: undo.voter_id,
          idempotency_key: undo.idempotency_key,
          state: "undo_refused",
          detail: refusal.problem.detail ?? refusal.problem.title,
        };
        this.struck.set(undo.voter_id, s);
        changes.push({ store: "struck", puts: [[undo.voter_id, s]] });
      } else {
        this.struck.delete(undo.voter_id);
        changes.push({ store: "struck", deletes: [undo.voter_id] });
      }
    }
    if (refusal) this.reportRefusedUndo(undo.voter_id, refusal);
    await db.writeAll(changes);
    return true;
  }

  private reportRefusedUndo(voterId: string, refusal: ApiError): void {
    const v = this.book.find((b) => b.voter_id === voterId);
    const who = v ? joinWords(v.first_name, v.last_name) : voterId;
    const why = refusal.problem.detail ?? refusal.problem.title;
    showProblem(
      this.problem,
      new ApiError({
        status: refusal.problem.status,
        title: "An undo was refused",
        detail:
          `The server did not take back the strike of ${who} (${why}), so she still counts as ` +
          "voted. Tap Undo to try again, or call your organizer.",
      }),
    );
  }
}
