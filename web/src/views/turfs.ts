// The organizer's turfs (routes "#/turfs" and "#/turfs/:list"): every kept turf of her
// counties with its progress — doors and voters with a result so far — and, for the turf
// chosen, who canvassed it and how: results, doors, voters reached, contact rate, the
// median minutes between doors, the last result. Read again every 15 seconds while shown,
// so the field office watches the afternoon's canvass as it happens. Data from
// GET /api/v1/turfs and GET /api/v1/turfs/{list}/activity (the server limits both to the
// caller's counties).

import { getTurfActivity, isAbort, listTurfs, type TurfActivity, type TurfSummary } from "../api";
import { append, clear, el } from "../dom";
import { TurfMap } from "../turf_map";
import type { Route } from "../router";
import { showProblem } from "./problem";
import type { View } from "./view";

const kRefreshMs = 15000;

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : "—";
}

function timeOf(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso || "—";
}

export class TurfsView implements View {
  readonly element: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly status: HTMLElement;
  private readonly table: HTMLTableSectionElement;
  private readonly detail: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly map = new TurfMap();
  private list = "";
  private timer: number | undefined;
  private inFlight: AbortController | null = null;

  constructor() {
    this.problem = el("div", { class: "problem", role: "alert", hidden: true, "data-testid": "error" });
    this.status = el("p", { class: "status", role: "status", "aria-live": "polite", "data-testid": "turfs-status" });
    this.table = el("tbody", {});
    this.summary = el("div", {});
    this.detail = el(
      "section",
      { class: "turf-detail", "data-testid": "turf-detail", hidden: true },
      this.summary,
      this.map.element,
    );
    this.element = el(
      "section",
      { class: "view turfs-view", "aria-labelledby": "turfs-heading", "data-testid": "turfs-view" },
      el("h1", { id: "turfs-heading", tabindex: -1 }, "Turfs"),
      this.problem,
      this.status,
      this.detail,
      el(
        "div",
        { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Turfs table" },
        el(
          "table",
          { "data-testid": "turfs-table" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              ...["List", "Precinct", "Turf", "Doors", "Voters", "Doors reached", "Voters reached", "Cut"].map(
                (h) => el("th", { scope: "col" }, h),
              ),
            ),
          ),
          this.table,
        ),
      ),
    );
  }

  title(): string {
    return this.list ? `Turf ${this.list} · Narwhal` : "Turfs · Narwhal";
  }

  show(route: Route): void {
    this.list = (route.params.list ?? "").toUpperCase();
    document.title = this.title();
    void this.load();
    if (this.timer === undefined) this.timer = window.setInterval(() => void this.load(), kRefreshMs);
  }

  hide(): void {
    this.inFlight?.abort();
    this.inFlight = null;
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
  }

  // The list and the chosen turf's activity are read side by side and shown each on its
  // own, so a turf that cannot be read (a stale link) leaves the list in place.
  private async load(): Promise<void> {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const [turfs, activity] = await Promise.allSettled([
      listTurfs(controller.signal),
      this.list ? getTurfActivity(this.list, controller.signal) : Promise.resolve(null),
    ]);
    if (controller.signal.aborted) return;
    if (this.inFlight === controller) this.inFlight = null;
    this.problem.hidden = true;
    if (turfs.status === "fulfilled") {
      this.renderTurfs(turfs.value.turfs);
      this.status.textContent = turfs.value.turfs.length
        ? `${turfs.value.turfs.length} turfs · updated ${new Date().toLocaleTimeString()}`
        : "No turfs kept yet: narwhal turf cut --save keeps a cut.";
    } else if (!isAbort(turfs.reason)) {
      showProblem(this.problem, turfs.reason);
    }
    if (activity.status === "fulfilled") {
      this.renderActivity(activity.value);
    } else if (!isAbort(activity.reason)) {
      this.renderActivity(null);
      showProblem(this.problem, activity.reason);
    }
  }

  private renderTurfs(turfs: TurfSummary[]): void {
    clear(this.table);
    for (const t of turfs) {
      append(
        this.table,
        el(
          "tr",
          { "data-testid": "turf-row", "data-list": t.list_number, class: t.list_number === this.list ? "selected" : "" },
          el("td", {}, el("a", { href: `#/turfs/${t.list_number}` }, t.list_number)),
          el("td", {}, `${t.county} / ${t.precinct || "—"}`),
          el("td", {}, `${t.number} of ${t.of}${t.drive ? " (drive)" : ""}`),
          el("td", { class: "num" }, String(t.doors)),
          el("td", { class: "num" }, String(t.voters)),
          el("td", { class: "num", "data-testid": "turf-doors-reached" }, `${t.doors_contacted} (${percent(t.doors_contacted, t.doors)})`),
          el("td", { class: "num" }, `${t.voters_contacted} (${percent(t.voters_contacted, t.voters)})`),
          el("td", {}, timeOf(t.created_at)),
        ),
      );
    }
  }

  private renderActivity(activity: TurfActivity | null): void {
    clear(this.summary);
    this.detail.hidden = activity === null;
    if (!activity) return;
    // Drawn while the section is visible, so the map knows its size.
    this.map.draw(activity.list_number, activity.stops);
    append(
      this.summary,
      el("h2", {}, `Turf ${activity.list_number}: ${activity.number} of ${activity.of}, precinct ${activity.precinct}`),
      el(
        "p",
        {},
        `${activity.doors_contacted} of ${activity.doors} doors and ${activity.voters_contacted} of ${activity.voters} voters reached; about ${Math.ceil(activity.minutes)} min to walk.`,
      ),
    );
    if (activity.canvassers.length === 0) {
      append(this.summary, el("p", { class: "empty" }, "Nobody has recorded a result on this turf yet."));
      return;
    }
    const rows = activity.canvassers.map((c) =>
      el(
        "tr",
        { "data-testid": "canvasser-row", "data-user": c.user_id },
        el("td", {}, c.name || `user ${c.user_id}`),
        el("td", { class: "num" }, String(c.contacts)),
        el("td", { class: "num", "data-testid": "canvasser-doors" }, String(c.doors)),
        el("td", { class: "num" }, `${c.voters_reached} of ${c.voters}`),
        el("td", { class: "num" }, percent(c.voters_reached, c.voters)),
        el("td", { class: "num" }, c.minutes_between_doors > 0 ? c.minutes_between_doors.toFixed(1) : "—"),
        el("td", {}, timeOf(c.last_at)),
      ),
    );
    append(
      this.summary,
      el(
        "div",
        { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Canvassers table" },
        el(
          "table",
          { "data-testid": "canvassers-table" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              ...["Canvasser", "Results", "Doors", "Talked to", "Contact rate", "Min between doors", "Last result"].map(
                (h) => el("th", { scope: "col" }, h),
              ),
            ),
          ),
          el("tbody", {}, ...rows),
        ),
      ),
    );
  }
}
