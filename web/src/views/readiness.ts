// Readiness (route "#/readiness?county=92"): for each precinct, the poll watchers assigned,
// how many have logged in, and the names of those who have not, so organizers can call
// them before election day. Data from GET /api/v1/readiness; counties from
// GET /api/v1/precincts (the server limits both to the caller's scope).

import {
  getReadiness,
  isAbort,
  listPrecincts,
  type PrecinctSummary,
  type ReadinessRow,
} from "../api";
import { append, clear, el } from "../dom";
import { titleCase } from "../format";
import type { Route, Router } from "../router";
import { showProblem } from "./problem";
import type { View } from "./view";

export class ReadinessView implements View {
  readonly element: HTMLElement;
  private readonly router: Router;
  private readonly county: HTMLSelectElement;
  private readonly problem: HTMLElement;
  private readonly status: HTMLElement;
  private readonly list: HTMLOListElement;
  private countiesLoaded: Promise<void> | null = null;
  private inFlight: AbortController | null = null;

  constructor(router: Router) {
    this.router = router;
    this.county = el(
      "select",
      { id: "readiness-county", name: "county", "data-testid": "readiness-county" },
      el("option", { value: "" }, "All counties"),
    );
    this.problem = el("div", {
      class: "problem",
      role: "alert",
      hidden: true,
      "data-testid": "error",
    });
    this.status = el("p", {
      class: "status",
      role: "status",
      "aria-live": "polite",
      "data-testid": "readiness-status",
    });
    this.list = el("ol", { class: "readiness", "data-testid": "readiness-list" });
    this.element = el(
      "section",
      {
        class: "view readiness-view",
        "aria-labelledby": "readiness-heading",
        "data-testid": "readiness-view",
      },
      el("h1", { id: "readiness-heading", tabindex: -1 }, "Poll watcher readiness"),
      el(
        "form",
        { class: "search-form", "aria-label": "Filter" },
        el(
          "div",
          { class: "field" },
          el("label", { for: "readiness-county" }, "County"),
          this.county,
        ),
      ),
      this.problem,
      this.status,
      this.list,
    );
    this.county.addEventListener("change", () => {
      const county = this.county.value;
      this.router.replace(
        county ? `#/readiness?county=${encodeURIComponent(county)}` : "#/readiness",
      );
      void this.load(county);
    });
  }

  title(): string {
    return "Readiness · Narwhal";
  }

  show(route: Route): void {
    const county = route.query.get("county") ?? "";
    void this.ensureCounties().then(() => {
      this.county.value = county;
      void this.load(this.county.value);
    });
  }

  hide(): void {
    this.inFlight?.abort();
  }

  private ensureCounties(): Promise<void> {
    if (!this.countiesLoaded) {
      this.countiesLoaded = listPrecincts()
        .then((body) => this.fillCounties(Array.isArray(body.precincts) ? body.precincts : []))
        .catch((error: unknown) => {
          this.countiesLoaded = null;
          if (!isAbort(error)) showProblem(this.problem, error);
        });
    }
    return this.countiesLoaded;
  }

  private fillCounties(precincts: PrecinctSummary[]): void {
    const seen = new Map<string, string>();
    for (const p of precincts) if (!seen.has(p.county)) seen.set(p.county, p.county_name ?? "");
    clear(this.county);
    // One county: nothing to choose. Several: all of them, or one.
    if (seen.size !== 1) append(this.county, el("option", { value: "" }, "All counties"));
    for (const [code, name] of seen) {
      append(
        this.county,
        el("option", { value: code }, name ? `${titleCase(name)} (${code})` : code),
      );
    }
    this.county.disabled = seen.size === 1;
  }

  private async load(county: string): Promise<void> {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    this.list.setAttribute("aria-busy", "true");
    this.status.textContent = "Loading…";
    try {
      const body = await getReadiness(county, controller.signal);
      if (controller.signal.aborted) return;
      this.problem.hidden = true;
      this.render(Array.isArray(body.precincts) ? body.precincts : []);
    } catch (error) {
      if (isAbort(error)) return;
      clear(this.list);
      this.status.textContent = "";
      showProblem(this.problem, error);
    } finally {
      if (this.inFlight === controller) {
        this.inFlight = null;
        this.list.removeAttribute("aria-busy");
      }
    }
  }

  private render(rows: ReadinessRow[]): void {
    clear(this.list);
    let ready = 0;
    let waiting = 0;
    let uncovered = 0;
    const counties = new Set(rows.map((r) => r.county));
    for (const row of rows) {
      const assigned = row.assigned ?? 0;
      const loggedIn = row.logged_in ?? 0;
      if (assigned === 0) uncovered++;
      else if (loggedIn < assigned) waiting++;
      else ready++;
      this.list.appendChild(readinessItem(row, counties.size > 1));
    }
    this.status.textContent =
      rows.length === 0
        ? "No precincts."
        : `${rows.length} precinct${rows.length === 1 ? "" : "s"}: ${ready} ready, ` +
          `${waiting} waiting for watchers to log in, ${uncovered} with no watcher assigned.`;
  }
}

function readinessItem(row: ReadinessRow, showCounty: boolean): HTMLLIElement {
  const assigned = row.assigned ?? 0;
  const loggedIn = row.logged_in ?? 0;
  const state = assigned === 0 ? "uncovered" : loggedIn < assigned ? "waiting" : "ready";
  const badge =
    state === "uncovered" ? "nobody assigned" : state === "waiting" ? "not ready" : "ready";
  const name =
    row.precinct_name && row.precinct_name.includes(row.precinct)
      ? row.precinct_name
      : [row.precinct, row.precinct_name].filter(Boolean).join(" ");
  const missing = row.not_logged_in ?? [];
  const missingCount = row.not_logged_in_count ?? missing.length;
  return el(
    "li",
    {
      class: `readiness-row readiness-${state}`,
      "data-testid": "readiness-row",
      "data-county": row.county,
      "data-precinct": row.precinct,
      "data-state": state,
    },
    el(
      "div",
      { class: "readiness-head" },
      el(
        "span",
        { class: "readiness-name" },
        name,
        showCounty ? el("span", { class: "readiness-county" }, ` · county ${row.county}`) : null,
      ),
      el("span", { class: `badge badge-${state}` }, badge),
    ),
    el(
      "p",
      { class: "readiness-counts", "data-testid": "readiness-counts" },
      assigned === 0
        ? "No poll watcher assigned"
        : `${loggedIn} of ${assigned} poll watcher${assigned === 1 ? "" : "s"} logged in`,
    ),
    missing.length > 0
      ? el(
          "ul",
          { class: "readiness-missing", "aria-label": `Not logged in yet in ${name}` },
          ...missing.map((v) =>
            el(
              "li",
              { "data-testid": "not-logged-in", "data-user-id": v.id },
              v.name,
              v.phone ? el("a", { class: "phone", href: `tel:${v.phone}` }, v.phone) : null,
            ),
          ),
        )
      : missingCount > 0
        ? el("p", { class: "hint" }, `${missingCount} not logged in yet`)
        : null,
  );
}
