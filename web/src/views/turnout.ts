// Headquarters turnout (route "#/turnout"): overall and per-county sums, a bar chart and a
// table of precincts (registered, voted, turnout, supporters to go, last report), quiet
// precincts marked. Data from GET /api/v1/turnout; kept live by the Server-Sent Events of
// GET /api/v1/turnout/events (each message is the whole turnout), with a plain re-fetch
// every 30 seconds as a fallback while the stream is down. Bars are <meter> elements: no inline
// styles (the CSP refuses them) and no chart library.

import { followTurnout, getTurnout, isAbort, type Turnout, type TurnoutSums } from "../api";
import { append, clear, el } from "../dom";
import { formatDate } from "../format";
import { showProblem } from "./problem";
import type { View } from "./view";

const kRefreshMs = 30000;

function pct(s: TurnoutSums): number {
  return s.registered > 0 ? (100 * s.voted) / s.registered : 0;
}

function pctText(s: TurnoutSums): string {
  return `${pct(s).toFixed(1)}%`;
}

function when(iso: string | null | undefined): string {
  if (!iso) return "no report";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? formatDate(iso) : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export class TurnoutView implements View {
  readonly element: HTMLElement;
  private readonly overall: HTMLElement;
  private readonly chart: HTMLElement;
  private readonly table: HTMLTableSectionElement;
  private readonly status: HTMLElement;
  private readonly problem: HTMLElement;
  private controller: AbortController | null = null;
  private timer: number | undefined;
  private live = false;

  constructor() {
    this.overall = el("div", { class: "turnout-overall", "data-testid": "turnout-overall" });
    this.chart = el("div", { class: "turnout-chart", "aria-hidden": "true" });
    this.table = el("tbody");
    this.status = el("p", { class: "status", role: "status", "data-testid": "turnout-status" });
    this.problem = el("div", { class: "problem", role: "alert", hidden: true });
    this.element = el(
      "section",
      { class: "view turnout-view", "aria-labelledby": "turnout-heading", "data-testid": "turnout-view" },
      el("h1", { id: "turnout-heading", tabindex: -1 }, "Turnout"),
      this.status,
      this.problem,
      this.overall,
      this.chart,
      el(
        "div",
        { class: "table-scroll" },
        el(
          "table",
          { class: "turnout-table", "data-testid": "turnout-table" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              el("th", { scope: "col" }, "Precinct"),
              el("th", { scope: "col" }, "Registered"),
              el("th", { scope: "col" }, "Voted"),
              el("th", { scope: "col" }, "Turnout"),
              el("th", { scope: "col" }, "Supporters to go"),
              el("th", { scope: "col" }, "Last report"),
            ),
          ),
          this.table,
        ),
      ),
    );
  }

  title(): string {
    return "Turnout · Narwhal";
  }

  show(): void {
    this.stop();
    this.controller = new AbortController();
    void this.refresh(this.controller.signal);
    void this.follow(this.controller.signal);
  }

  hide(): void {
    this.stop();
  }

  private stop(): void {
    this.controller?.abort();
    this.controller = null;
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async refresh(signal: AbortSignal): Promise<void> {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    if (this.live) {
      this.timer = window.setTimeout(() => void this.refresh(signal), kRefreshMs);
      return;
    }
    try {
      const t = await getTurnout("", signal);
      this.problem.hidden = true;
      this.render(t);
      this.status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (isAbort(error)) return;
      showProblem(this.problem, error);
    }
    if (!signal.aborted) this.timer = window.setTimeout(() => void this.refresh(signal), kRefreshMs);
  }

  // The event stream: every message is the turnout now. Reconnects after 3 s when the
  // server ends the stream (every 10 minutes) or the network drops.
  private async follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await followTurnout((t) => {
          this.live = true;
          this.problem.hidden = true;
          this.render(t);
          this.status.textContent = `Live · updated ${new Date().toLocaleTimeString()}`;
        }, signal);
      } catch (error) {
        if (isAbort(error)) return;
      }
      this.live = false;
      await sleep(3000, signal);
    }
  }

  private render(t: Turnout): void {
    clear(this.overall);
    const o = t.overall;
    if (t.stale) {
      const age = Math.round(t.stale.age_ms / 1000);
      append(
        this.overall,
        el(
          "p",
          { class: "stale", role: "alert", "data-testid": "turnout-stale" },
          `Not live: the database is not answering. These are the numbers of ${when(t.stale.as_of)} (${age} s ago); strikes are still kept on the phones and count when it is back.`,
        ),
      );
    }
    append(
      this.overall,
      el("p", { class: "turnout-big", "data-testid": "overall-voted" }, `${o.voted} of ${o.registered} voted (${pctText(o)})`),
      el("p", {}, `Supporters: ${o.supporters_voted} voted, ${o.supporters_to_go} to go · election ${t.election}`),
    );
    clear(this.chart);
    for (const c of t.counties) {
      append(
        this.chart,
        el(
          "div",
          { class: "bar-row" },
          el("span", { class: "bar-label" }, `County ${c.county}`),
          el("meter", { min: 0, max: 100, value: pct(c).toFixed(1) }),
          el("span", {}, pctText(c)),
        ),
      );
    }
    const quiet = new Set(t.quiet_precincts.map((p) => `${p.county}/${p.precinct}`));
    clear(this.table);
    for (const p of t.precincts) {
      const key = `${p.county}/${p.precinct}`;
      append(
        this.table,
        el(
          "tr",
          {
            class: quiet.has(key) ? "quiet" : "",
            "data-testid": "turnout-row",
            "data-county": p.county,
            "data-precinct": p.precinct,
          },
          el("th", { scope: "row" }, `${p.county}/${p.precinct}`, quiet.has(key) ? el("span", { class: "badge badge-denied" }, "quiet") : null),
          el("td", {}, String(p.registered)),
          el("td", { "data-testid": "turnout-voted" }, String(p.voted)),
          el("td", {}, el("meter", { min: 0, max: 100, value: pct(p).toFixed(1) }), " ", pctText(p)),
          el("td", {}, String(p.supporters_to_go)),
          el("td", {}, when(p.last_report_at)),
        ),
      );
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = window.setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      window.clearTimeout(t);
      resolve();
    });
  });
}
