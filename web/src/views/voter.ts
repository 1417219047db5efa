// One voter's record (route "#/voters/:id"): names, registration, addresses, districts,
// the state's other columns, and the vote history table. Fields the server leaves out or
// sends as null are shown as "—" or skipped, never as "undefined".

import {
  getVoter,
  getVoterContacts,
  isAbort,
  type ContactRecord,
  type HistoryEntry,
  type VoterRecord,
} from "../api";
import { append, clear, el, type Child } from "../dom";
import {
  electionName,
  formatAddress,
  formatDate,
  fullName,
  genderName,
  humanize,
  partyName,
  statusName,
  titleCase,
  votingMethodName,
} from "../format";
import type { Route } from "../router";
import { showProblem } from "./problem";
import type { View } from "./view";

export class VoterView implements View {
  readonly element: HTMLElement;
  private readonly back: HTMLAnchorElement;
  private readonly problem: HTMLElement;
  private readonly loading: HTMLElement;
  private readonly body: HTMLElement;
  private readonly backTarget: () => { href: string; useHistory: boolean };
  private readonly readsContacts: boolean;
  private inFlight: AbortController | null = null;
  private pageTitle = "Voter · Narwhal";

  // `backTarget` says where "Back to search" goes: the browser's previous page when that
  // was the search (so its results come back as they were), else the given hash.
  // `readsContacts`: the user may read contact timelines (admins, organizers).
  constructor(backTarget: () => { href: string; useHistory: boolean }, readsContacts = false) {
    this.backTarget = backTarget;
    this.readsContacts = readsContacts;
    this.back = el(
      "a",
      { class: "back-link", href: "#/", "data-testid": "back-link" },
      "← Back to search",
    );
    this.problem = el("div", {
      class: "problem",
      role: "alert",
      hidden: true,
      "data-testid": "error",
    });
    this.loading = el("p", { class: "status", role: "status", "aria-live": "polite" });
    this.body = el("article", {
      class: "voter-record",
      "data-testid": "voter-record",
      hidden: true,
    });
    this.element = el(
      "section",
      { class: "view voter-view", "data-testid": "voter-view" },
      el("p", { class: "back" }, this.back),
      this.problem,
      this.loading,
      this.body,
    );
    this.back.addEventListener("click", (event) => {
      if (this.backTarget().useHistory) {
        event.preventDefault();
        window.history.back();
      }
    });
  }

  title(): string {
    return this.pageTitle;
  }

  show(route: Route): void {
    const id = route.params.id ?? "";
    this.back.href = this.backTarget().href;
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    this.problem.hidden = true;
    this.body.hidden = true;
    clear(this.body);
    this.loading.textContent = "Loading voter…";
    this.pageTitle = "Voter · Narwhal";
    document.title = this.pageTitle;

    getVoter(id, controller.signal)
      .then((voter) => {
        if (controller.signal.aborted) return;
        this.loading.textContent = "";
        this.render(voter);
        if (this.readsContacts) void this.showContacts(id, controller.signal);
      })
      .catch((error: unknown) => {
        if (isAbort(error)) return;
        this.loading.textContent = "";
        showProblem(this.problem, error);
        this.problem.setAttribute("tabindex", "-1");
        this.problem.focus();
      })
      .finally(() => {
        if (this.inFlight === controller) this.inFlight = null;
      });
  }

  hide(): void {
    this.inFlight?.abort();
    this.inFlight = null;
  }

  // Appends her contact timeline once it is read; a failure says so in its section.
  private async showContacts(id: string, signal: AbortSignal): Promise<void> {
    const section = el(
      "section",
      { class: "history", "aria-labelledby": "voter-contacts", "data-testid": "voter-contacts" },
      el("h2", { id: "voter-contacts" }, "Contacts"),
    );
    append(this.body, section);
    try {
      const { contacts } = await getVoterContacts(id, signal);
      append(section, contactTable(contacts));
    } catch (error) {
      if (isAbort(error)) return;
      append(section, el("p", { class: "empty" }, "The contact history could not be read."));
    }
  }

  private render(v: VoterRecord): void {
    const name = fullName(v);
    this.pageTitle = `${name} · Narwhal`;
    document.title = this.pageTitle;

    const heading = el("h1", { tabindex: -1, "data-testid": "voter-name" }, name);
    const badges = el(
      "p",
      { class: "badges" },
      el("span", { class: "badge badge-party", "data-testid": "voter-party" }, partyName(v.party)),
      el(
        "span",
        {
          class: `badge badge-${(v.status ?? "unknown").toLowerCase()}`,
          "data-testid": "voter-status",
        },
        statusName(v.status),
      ),
    );

    const registration = facts("Registration", "registration", [
      ["Voter ID", v.voter_id],
      ["Registration number", v.registration_number],
      ["Registered", formatDate(v.registration_date)],
      ["Status", joinParts(statusName(v.status), v.status_reason)],
      ["Party", partyName(v.party)],
      ["Born", v.birth_year ? String(v.birth_year) : ""],
      [
        "County",
        joinParts(
          v.county_name ? titleCase(v.county_name) : "",
          v.county ? `(${v.county})` : "",
          " ",
        ),
      ],
      ["Precinct", v.precinct_name || v.precinct],
    ]);

    const mailing = v.mailing_address || formatAddress(v.mailing);
    const addresses = facts("Addresses", "addresses", [
      ["Residence", formatAddress(v.residence)],
      ["Mailing", mailing],
      ["Phone", v.phone],
    ]);

    const person = facts("Person", "person", [
      ["Gender", genderName(v.gender)],
      ["Race", v.race],
      ["Ethnicity", v.ethnicity],
    ]);

    const districts = facts(
      "Districts",
      "districts",
      Object.entries(v.districts ?? {}).map(([key, value]) => [humanize(key), value]),
    );

    const extraEntries = Object.entries(v.extra ?? {});
    const extra = extraEntries.length
      ? el(
          "details",
          { class: "extra", "data-testid": "voter-extra" },
          el("summary", {}, `Other fields from the state file (${extraEntries.length})`),
          definitionList(extraEntries),
        )
      : null;

    clear(this.body);
    append(
      this.body,
      heading,
      badges,
      registration,
      addresses,
      person,
      districts,
      extra,
      historySection(v.history ?? []),
    );
    this.body.hidden = false;
    heading.focus();
  }
}

type Fact = [label: string, value: unknown];

// A titled list of facts; empty values are left out, and an empty section is dropped.
function facts(title: string, id: string, items: Fact[]): HTMLElement | null {
  const present = items
    .map(([label, value]): [string, string] => [label, textOf(value)])
    .filter(([, value]) => value !== "");
  if (present.length === 0) return null;
  return el(
    "section",
    { class: "facts", "aria-labelledby": `voter-${id}`, "data-testid": `voter-${id}` },
    el("h2", { id: `voter-${id}` }, title),
    definitionList(present),
  );
}

function definitionList(items: Array<[string, unknown]>): HTMLDListElement {
  const list = el("dl", {});
  for (const [label, value] of items) {
    append(list, el("div", {}, el("dt", {}, label), el("dd", {}, textOf(value) || "—")));
  }
  return list;
}

// Server values as text: numbers and booleans as written, null and objects as nothing.
function textOf(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

function historySection(history: HistoryEntry[]): HTMLElement {
  const section = el(
    "section",
    { class: "history", "aria-labelledby": "voter-history", "data-testid": "voter-history" },
    el("h2", { id: "voter-history" }, "Vote history"),
  );
  if (history.length === 0) {
    append(
      section,
      el("p", { class: "empty", "data-testid": "no-history" }, "No vote history on file."),
    );
    return section;
  }
  const rows: Child[] = history.map((h) =>
    el(
      "tr",
      { "data-testid": "history-row" },
      el("td", {}, formatDate(h.election_date) || "—"),
      el("td", {}, electionName(h.election_desc) || "—"),
      el("td", {}, votingMethodName(h.voting_method) || "—"),
      el("td", {}, h.party ? el("abbr", { title: partyName(h.party) }, h.party) : "—"),
      el("td", { class: "col-precinct" }, h.precinct || "—"),
    ),
  );
  append(
    section,
    el(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Vote history table" },
      el(
        "table",
        { "data-testid": "history-table" },
        el("caption", { class: "visually-hidden" }, `${history.length} elections, newest first`),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ...["Date", "Election", "How", "Ballot"].map((h) => el("th", { scope: "col" }, h)),
            el("th", { scope: "col", class: "col-precinct" }, "Precinct"),
          ),
        ),
        el("tbody", {}, ...rows),
      ),
    ),
  );
  return section;
}

// What a contact recorded: its result (or "Added to the visit" for answers tapped after
// it), the support ID, the answers and the tags.
function contactWhat(c: ContactRecord): string {
  const parts = [c.result ? c.result_name || c.result : "Added to the visit"];
  if (c.support) parts.push(`support ${c.support}`);
  for (const [question, answer] of Object.entries(c.answers ?? {})) {
    parts.push(`${question}: ${answer.split(";").join(", ")}`);
  }
  if (c.tags?.length) parts.push(`tagged ${c.tags.join(", ")}`);
  return parts.join("; ");
}

// Newest first: when (the server's time), how, the result with support and answers, where
// (the turf), the note, and who (a user id).
function contactTable(contacts: ContactRecord[]): HTMLElement {
  if (contacts.length === 0) {
    return el("p", { class: "empty", "data-testid": "no-contacts" }, "Nobody has contacted her yet.");
  }
  const rows: Child[] = contacts.map((c) =>
    el(
      "tr",
      { "data-testid": "contact-row", "data-result": c.result },
      el("td", {}, formatDateTime(c.at)),
      el("td", {}, humanize(c.channel)),
      el("td", {}, contactWhat(c)),
      el("td", {}, c.turf ? `turf ${c.turf}` : "—"),
      el("td", {}, c.note || "—"),
      el("td", {}, c.user_id ? `user ${c.user_id}` : "command line"),
    ),
  );
  return el(
    "div",
    { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Contact history table" },
    el(
      "table",
      { "data-testid": "contacts-table" },
      el("caption", { class: "visually-hidden" }, `${contacts.length} contacts, newest first`),
      el(
        "thead",
        {},
        el("tr", {}, ...["When", "How", "Result", "Where", "Note", "By"].map((h) => el("th", { scope: "col" }, h))),
      ),
      el("tbody", {}, ...rows),
    ),
  );
}

// "2026-11-03 14:05 UTC" from an ISO time; the text as given when it is not one.
function formatDateTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function joinParts(a: string, b: string | undefined | null, separator = " — "): string {
  return [a, b].filter((p) => p && p.trim() !== "").join(separator);
}
