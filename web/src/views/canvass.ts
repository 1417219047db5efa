// A canvasser's turf (routes "#/canvass" and "#/canvass/:list"), phone first and offline
// first, like the poll watcher's strike list.
//
// She types her turf's list number (or taps one of hers); the turf — its doors in walk
// order and the voters behind each — is downloaded into IndexedDB, so the page opens
// without network. Each tap (a result code, or a support ID 1-5, which records "Contacted"
// with it) is a contact with a key made on the phone, written to the IndexedDB outbox with
// the mark it leaves before anything else happens; a sync loop sends the outbox in the
// order of the taps, in batches to POST /api/v1/contacts, retrying with backoff on network
// errors, 429 and 5xx. A contact leaves the outbox only when the server answered for it:
// there is no commit button to forget, and airplane mode, a reload or a killed server lose
// nothing. "N not sent" is always on screen. While online the turf is read again every
// 15 seconds, so two canvassers walking one turf see each other's marks.
//
// When she reaches someone (a support ID, or a success code), the campaign's door script
// opens under the voter (views/script_panel.ts): each answer, tag or note is one more
// contact with no result ("added to the visit"), queued and sent like any other tap.
//
// The IndexedDB stores of LocalDb serve here as: "voters" the downloaded turfs (by list
// number) and the field book (key "#book"), "outbox" the contacts not yet answered,
// "struck" this phone's last mark of each voter (by list number and voter) and what it
// recorded of each conversation (key ending "#talk").

import {
  ApiError,
  getFieldBook,
  getTurf,
  postContacts,
  type ContactItem,
  type FieldBook,
  type FieldScript,
  type Me,
  type TurfSheet,
  type TurfVoter,
} from "../api";
import { append, clear, el, joinWords } from "../dom";
import { LocalDb } from "../idb";
import type { Route } from "../router";
import { SyncTimer } from "../sync_timer";
import { showProblem } from "./problem";
import { emptyTalk, scriptPanel, type Talk, type Tap } from "./script_panel";
import type { View } from "./view";
import { newKey } from "./watch";

const kBatch = 100;
const kRefreshMs = 15000;

// The door codes, in the order the walk list prints them (GET /api/v1/result-codes has
// their categories and scopes; the server checks every code it is sent).
const kDoorCodes: Array<[string, string]> = [
  ["NH", "Not home"],
  ["RF", "Refused"],
  ["MV", "Moved"],
  ["IN", "No access"],
  ["WA", "Wrong address"],
  ["LB", "Language"],
  ["DC", "Deceased"],
  ["DNC", "Do not contact"],
];
const kCodeNames = new Map<string, string>([["C", "Contacted"], ...kDoorCodes]);
const kBookKey = "#book";
const kTalkSuffix = "#talk";

interface Outgoing extends ContactItem {
  seq: number; // the order of the taps on this phone
}

// This phone's last mark of a voter on a turf, and how far it got.
interface Mark {
  key: string; // `${list}:${voter_id}`
  result: string;
  support?: number;
  idempotency_key: string;
  state: "queued" | "sent" | "refused";
  detail?: string;
  contact_id?: number; // once sent: its id in the contact log
}

function markKey(list: string, voterId: string): string {
  return `${list}:${voterId}`;
}

function talkKey(list: string, voterId: string): string {
  return `${markKey(list, voterId)}${kTalkSuffix}`;
}

// A list number as the server reads it: spaces and dashes dropped, upper case, O read as
// 0 and I or L as 1 (Crockford's base 32 has none of them).
export function normalizeList(typed: string): string {
  return typed
    .replace(/[\s-]/g, "")
    .toUpperCase()
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
}

function unsentText(n: number): string {
  return `${n} ${n === 1 ? "result" : "results"} not sent`;
}

export class CanvassView implements View {
  readonly element: HTMLElement;
  private readonly me: Me;
  private readonly heading: HTMLElement;
  private readonly unsent: HTMLElement;
  private readonly syncState: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly picker: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly summary: HTMLElement;
  private readonly change: HTMLAnchorElement;
  private readonly stops: HTMLOListElement;
  private db: Promise<LocalDb> | null = null;
  private list = ""; // the turf shown
  private sheet: TurfSheet | null = null;
  private marks = new Map<string, Mark>();
  private talks = new Map<string, Talk>();
  private book: FieldBook | null = null;
  private talking = ""; // the voter whose script is open
  private renderWaiting = false; // a render held back while she types
  private lastSeq = 0;
  private lastTap: { tap: string; at: number } | null = null;
  private syncing = false;
  private failures = 0;
  private readonly syncTimer = new SyncTimer(() => void this.sync());
  private refreshTimer: number | undefined;
  private readonly onOnline = () => {
    this.syncTimer.now();
    void this.refresh();
  };

  constructor(me: Me) {
    this.me = me;
    this.heading = el("h1", { id: "canvass-heading", tabindex: -1 }, "Canvass");
    this.unsent = el("strong", { "data-testid": "canvass-unsent" }, unsentText(0));
    this.syncState = el("span", { "data-testid": "canvass-sync" }, "");
    this.problem = el("div", { class: "problem", role: "alert", hidden: true });
    this.input = el("input", {
      id: "canvass-list",
      type: "text",
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      enterkeyhint: "go",
      placeholder: "PT5KJ4",
      maxlength: 8,
      "data-testid": "canvass-list-input",
    });
    this.picker = el(
      "form",
      { class: "field canvass-picker", "data-testid": "canvass-picker" },
      el("label", { for: "canvass-list" }, "List number"),
      this.input,
      el("button", { type: "submit", class: "button", "data-testid": "canvass-load" }, "Open turf"),
    );
    this.summary = el("p", { class: "status", role: "status", "data-testid": "canvass-summary" });
    this.change = el(
      "a",
      { href: "#/canvass", class: "back-link", "data-testid": "canvass-change", hidden: true },
      "← Another turf",
    );
    this.stops = el("ol", { class: "canvass-stops", "data-testid": "canvass-stops" });
    this.element = el(
      "section",
      { class: "view canvass-view", "aria-labelledby": "canvass-heading", "data-testid": "canvass-view" },
      this.heading,
      el("p", { class: "sync-bar", role: "status", "aria-live": "polite" }, this.unsent, " · ", this.syncState),
      this.picker,
      this.change,
      this.problem,
      this.summary,
      this.stops,
    );
    this.picker.addEventListener("submit", (event) => {
      event.preventDefault();
      const typed = normalizeList(this.input.value);
      if (typed) window.location.hash = `#/canvass/${encodeURIComponent(typed)}`;
    });
    // A list redrawn while she types would take the box from under her fingers.
    this.stops.addEventListener("focusout", () => {
      if (this.renderWaiting) window.setTimeout(() => this.render(), 0);
    });
    this.stops.addEventListener("click", (event) => {
      const toggle = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-script]");
      if (toggle) {
        const voter = toggle.dataset.script ?? "";
        this.talking = this.talking === voter ? "" : voter;
        this.render();
        return;
      }
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-voter]");
      if (!button) return;
      const support = button.dataset.support ? Number(button.dataset.support) : undefined;
      const voter = button.dataset.voter ?? "";
      const code = button.dataset.code ?? "C";
      // A double tap (the same button of the same voter within 1.5 s) is one result.
      const tap = `${voter}|${code}|${support ?? ""}`;
      const now = Date.now();
      if (this.lastTap?.tap === tap && now - this.lastTap.at < 1500) return;
      this.lastTap = { tap, at: now };
      // Reaching her opens the script under her name.
      if (this.isSuccess(code) && this.script()) this.talking = voter;
      void this.record(voter, code, support);
    });
  }

  title(): string {
    return this.sheet ? `Turf ${this.sheet.list_number} · Narwhal` : "Canvass · Narwhal";
  }

  show(route: Route): void {
    window.addEventListener("online", this.onOnline);
    if (!this.db) this.db = LocalDb.open(`narwhal-canvass-${this.me.id}`);
    void this.open(route.params.list ?? "");
    this.refreshTimer ??= window.setInterval(() => void this.refresh(), kRefreshMs);
  }

  hide(): void {
    // The outbox keeps syncing while another page is shown.
    if (this.refreshTimer !== undefined) window.clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private async open(typed: string): Promise<void> {
    const db = await this.db!;
    this.countOutbox(await db.all<Outgoing>("outbox"));
    for (const m of await db.all<Mark | Talk>("struck")) {
      if (m.key.endsWith(kTalkSuffix)) this.talks.set(m.key, m as Talk);
      else this.marks.set(m.key, m as Mark);
    }
    this.book ??= (await db.get<FieldBook>("voters", kBookKey)) ?? null;
    // A bare "#/canvass" offers her turfs and the box for a number; a number opens its turf.
    const list = normalizeList(typed);
    this.problem.hidden = true;
    this.list = list;
    this.sheet = list ? ((await db.get<TurfSheet>("voters", list)) ?? null) : null;
    this.input.value = list;
    this.render();
    if (list) {
      if (!this.sheet || navigator.onLine) await this.refresh(true);
    } else {
      this.showMine();
    }
    this.syncTimer.now();
  }

  // The turfs assigned to her, as links, when none is open.
  private showMine(): void {
    const mine = this.me.scope?.turfs ?? [];
    clear(this.stops);
    this.summary.textContent = mine.length
      ? "Your turfs:"
      : "Type the list number printed on your walk list.";
    for (const list of mine) {
      append(
        this.stops,
        el("li", {}, el("a", { href: `#/canvass/${list}`, "data-testid": "my-turf" }, `Turf ${list}`)),
      );
    }
  }

  // Reads the turf from the server (others' marks with it) and keeps it on the phone.
  private async refresh(loud = false): Promise<void> {
    const list = this.list;
    // Dropped at logout (the shell removes the element): nothing more is read for it.
    if (!list || !navigator.onLine || !this.db || !this.element.isConnected) return;
    try {
      const [sheet, saved] = await Promise.all([getTurf(list), getFieldBook()]);
      const db = await this.db;
      await db.write("voters", [
        [list, sheet],
        [kBookKey, saved.book],
      ]);
      this.book = saved.book;
      if (this.list !== list) return;
      this.sheet = sheet;
      this.render();
    } catch (error) {
      if (!loud) return;
      if (!this.sheet || (error instanceof ApiError && error.problem.status < 500)) {
        showProblem(this.problem, error);
      }
    }
  }

  private async record(voterId: string, result: string, support?: number): Promise<void> {
    if (!voterId || !this.list) return;
    const db = await this.db!;
    const item: Outgoing = {
      voter_id: voterId,
      idempotency_key: newKey("c"),
      result,
      channel: "door",
      client_at: new Date().toISOString(),
      turf: this.list,
      seq: this.nextSeq(),
    };
    if (support) item.support = support;
    const mark: Mark = {
      key: markKey(this.list, voterId),
      result,
      support,
      idempotency_key: item.idempotency_key,
      state: "queued",
    };
    // Stored before anything is shown or sent: a tap the page acknowledged is on the phone.
    await db.writeAll([
      { store: "outbox", puts: [[item.idempotency_key, item]] },
      { store: "struck", puts: [[mark.key, mark]] },
    ]);
    this.marks.set(mark.key, mark);
    this.countOutbox(await db.all<Outgoing>("outbox"));
    this.render();
    this.syncTimer.now();
  }

  // An answer, tag or note added to the visit: a contact with no result, queued with what
  // the phone now knows of the conversation, in one IndexedDB transaction.
  private async recordTalk(voterId: string, tap: Tap): Promise<void> {
    if (!voterId || !this.list) return;
    const db = await this.db!;
    const key = talkKey(this.list, voterId);
    const talk: Talk = structuredClone(this.talks.get(key) ?? emptyTalk(key));
    const item: Outgoing = {
      voter_id: voterId,
      idempotency_key: newKey("c"),
      result: "",
      channel: "door",
      client_at: new Date().toISOString(),
      turf: this.list,
      seq: this.nextSeq(),
    };
    if (tap.kind === "answer") {
      item.answers = { [tap.question]: tap.value };
      talk.answers[tap.question] = tap.value;
    } else if (tap.kind === "tag") {
      item.tags = [tap.tag];
      talk.tags.push(tap.tag);
    } else {
      item.note = tap.note;
      talk.note = tap.note;
    }
    await db.writeAll([
      { store: "outbox", puts: [[item.idempotency_key, item]] },
      { store: "struck", puts: [[key, talk]] },
    ]);
    this.talks.set(key, talk);
    this.countOutbox(await db.all<Outgoing>("outbox"));
    this.render();
    this.syncTimer.now();
  }

  // The door script of the field book, if it has one.
  private script(): FieldScript | undefined {
    return this.book?.scripts.find((s) => s.channels.includes("door"));
  }

  private isSuccess(code: string): boolean {
    if (code === "C") return true;
    return this.book?.result_codes.some((c) => c.code === code && c.category === "success") ?? false;
  }

  private nextSeq(): number {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now());
    return this.lastSeq;
  }

  private countOutbox(outbox: Outgoing[]): Outgoing[] {
    outbox.sort((a, b) => a.seq - b.seq);
    if (outbox.length > 0) this.lastSeq = Math.max(this.lastSeq, outbox[outbox.length - 1].seq);
    this.unsent.textContent = unsentText(outbox.length);
    this.unsent.dataset.count = String(outbox.length);
    return outbox;
  }

  private setSync(text: string): void {
    this.syncState.textContent = text;
  }

  private async sync(): Promise<void> {
    if (this.syncing || !this.db || !this.element.isConnected) return;
    this.syncing = true;
    try {
      const db = await this.db;
      for (;;) {
        const outbox = this.countOutbox(await db.all<Outgoing>("outbox"));
        if (outbox.length === 0) {
          this.failures = 0;
          this.setSync(navigator.onLine ? "All results sent" : "Offline");
          return;
        }
        if (!navigator.onLine) {
          this.setSync("Offline: results are kept on this phone");
          this.syncTimer.after(5000);
          return;
        }
        this.setSync("Sending…");
        const batch = outbox.slice(0, kBatch);
        let answered: number;
        try {
          answered = await this.send(db, batch);
        } catch (error) {
          const status = error instanceof ApiError ? error.problem.status : 0;
          if (status === 401) {
            this.setSync("Log in again to send");
            return;
          }
          this.failures += 1;
          const wait = this.syncTimer.backoff(this.failures);
          this.setSync(`Cannot send now; retrying in ${Math.ceil(wait / 1000)} s`);
          return;
        }
        this.failures = 0;
        this.render();
        if (answered === 0) {
          this.syncTimer.after(5000);
          return;
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  // Sends one batch; returns how many items the server answered (each leaves the outbox).
  // A mark becomes "sent" or "refused" only if it is still that item's: the read and the
  // write are one IndexedDB transaction, so a newer tap of the same voter (its mark written
  // meanwhile) is never overwritten by the older answer. The outbox items go after.
  private async send(db: LocalDb, batch: Outgoing[]): Promise<number> {
    const items: ContactItem[] = batch.map(({ seq: _seq, ...item }) => item);
    const { results } = await postContacts(items);
    const answers = new Map<string, { key: string; result: (typeof results)[number] }>();
    for (const r of results) {
      const item = batch.find((b) => b.idempotency_key === r.idempotency_key);
      if (item?.turf) answers.set(markKey(item.turf, r.voter_id), { key: r.idempotency_key, result: r });
    }
    const written: Array<[string, Mark]> = [];
    await db.update<Mark>("struck", [...answers.keys()], (found) => {
      for (const [key, { key: idem, result: r }] of answers) {
        const mark = found.get(key);
        if (!mark || mark.idempotency_key !== idem) continue;
        written.push([
          key,
          r.error
            ? { ...mark, state: "refused", detail: r.error.detail ?? r.error.title }
            : { ...mark, state: "sent", contact_id: r.contact_id },
        ]);
      }
      return { puts: written };
    });
    await db.write("outbox", [], results.map((r) => r.idempotency_key));
    // Likewise on screen: a tap made while this was being written keeps its own mark.
    for (const [key, mark] of written) {
      if (this.marks.get(key)?.idempotency_key === mark.idempotency_key) this.marks.set(key, mark);
    }
    return results.length;
  }

  private render(): void {
    const typing = document.activeElement;
    if (typing && this.stops.contains(typing) && /^(INPUT|TEXTAREA)$/.test(typing.tagName)) {
      this.renderWaiting = true;
      return;
    }
    this.renderWaiting = false;
    const sheet = this.sheet;
    this.picker.hidden = sheet !== null;
    this.change.hidden = sheet === null;
    if (!sheet) {
      this.heading.textContent = "Canvass";
      clear(this.stops);
      this.summary.textContent = this.list ? `Opening turf ${this.list}…` : "";
      return;
    }
    document.title = this.title();
    this.heading.textContent = `Turf ${sheet.number} of ${sheet.of} · list ${sheet.list_number}`;
    this.summary.textContent = joinWords(
      `${sheet.doors} doors, ${sheet.voters} voters,`,
      `about ${Math.ceil(sheet.minutes)} min;`,
      `${sheet.doors_contacted} doors and ${sheet.voters_contacted} voters reached so far`,
      sheet.drive ? "(drive turf)" : "",
    );
    clear(this.stops);
    for (const stop of sheet.stops) {
      const voters = el("ul", { class: "canvass-voters" });
      for (const v of stop.voters) append(voters, this.voterRow(sheet.list_number, v));
      append(
        this.stops,
        el(
          "li",
          { class: "canvass-stop", "data-testid": "canvass-stop", "data-stop": stop.stop },
          el("h2", { class: "canvass-address" }, `${stop.stop}. ${stop.address}`),
          voters,
        ),
      );
    }
  }

  private voterRow(list: string, v: TurfVoter): HTMLElement {
    const mark = this.marks.get(markKey(list, v.voter_id));
    // This phone's mark while it is not sent (or was refused); once sent, the server's
    // latest result on the turf as soon as it is this one or newer (another canvasser's).
    let state = "";
    let stateKind = "";
    if (mark && mark.state !== "sent") {
      state =
        mark.state === "queued"
          ? `${this.describe(mark.result, mark.support)} · not sent yet`
          : `refused: ${mark.detail ?? ""}`;
      stateKind = mark.state;
    } else if (mark && (!v.last || (v.last.contact_id ?? 0) < (mark.contact_id ?? 0))) {
      state = this.describe(mark.result, mark.support);
      stateKind = "sent";
    } else if (v.last) {
      state = this.describe(v.last.result, v.last.support ?? undefined);
      stateKind = "sent";
    }
    const codes = el("div", { class: "canvass-codes" });
    for (const support of [1, 2, 3, 4, 5]) {
      append(
        codes,
        el(
          "button",
          {
            type: "button",
            class: "button button-support",
            "data-voter": v.voter_id,
            "data-code": "C",
            "data-support": support,
            "data-testid": `support-${support}`,
            "aria-label": `Contacted, support ${support}`,
          },
          String(support),
        ),
      );
    }
    const campaign: Array<[string, string]> = (this.book?.result_codes ?? []).map((c) => [c.code, c.name]);
    for (const [code, name] of [...kDoorCodes, ...campaign]) {
      append(
        codes,
        el(
          "button",
          { type: "button", class: "button button-code", "data-voter": v.voter_id, "data-code": code, "data-testid": `code-${code}`, title: name },
          code,
        ),
      );
    }
    const script = this.script();
    const open = script && this.book && this.talking === v.voter_id;
    if (script) {
      append(
        codes,
        el(
          "button",
          {
            type: "button",
            class: "button button-script",
            "data-script": v.voter_id,
            "aria-expanded": open ? "true" : "false",
            "data-testid": "script-toggle",
          },
          open ? "Hide script" : "Script",
        ),
      );
    }
    const talk = this.talks.get(talkKey(list, v.voter_id)) ?? emptyTalk(talkKey(list, v.voter_id));
    return el(
      "li",
      { class: "canvass-voter", "data-testid": "canvass-voter", "data-voter": v.voter_id },
      el(
        "p",
        { class: "canvass-name" },
        el("strong", {}, v.name || v.voter_id),
        " ",
        joinWords(v.age !== null ? String(v.age) : "", v.gender, v.party, v.removed ? "(no longer on the file)" : ""),
      ),
      state ? el("p", { class: "badge", "data-testid": "canvass-state", "data-state": stateKind }, state) : null,
      codes,
      open ? scriptPanel(this.book!, script, talk, (tap) => void this.recordTalk(v.voter_id, tap)) : null,
    );
  }

  private describe(result: string, support?: number): string {
    const name =
      kCodeNames.get(result) ?? this.book?.result_codes.find((c) => c.code === result)?.name ?? result;
    return support ? `${name}, support ${support}` : name;
  }
}
