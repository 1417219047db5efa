// How a call list is being worked, for its organizer (route "#/call/:list/progress"): the
// callers holding someone now, calls in the last minutes and their pace, each person's
// last result by code, the contact rate, the people left in each time zone (whether it is
// inside the calling hours now) and when the list runs out at this pace. Read again every
// 10 seconds while shown. Data from GET /api/v1/call-lists/{id}, which answers the activity
// to admins and organizers only.

import { getCallList, isAbort, type CallListDetail } from "../api";
import { append, clear, el } from "../dom";
import type { Route } from "../router";
import { showProblem } from "./problem";
import type { View } from "./view";

const kRefreshMs = 10000;

function hoursAndMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export class CallProgressView implements View {
  readonly element: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly problem: HTMLElement;
  private readonly status: HTMLElement;
  private readonly body: HTMLElement;
  private listId = 0;
  private name = "";
  private timer: number | undefined;
  private inFlight: AbortController | null = null;

  constructor() {
    this.heading = el("h1", { id: "call-progress-heading", tabindex: -1 }, "Call list");
    this.problem = el("div", { class: "problem", role: "alert", hidden: true });
    this.status = el("p", { class: "status", role: "status", "aria-live": "polite", "data-testid": "progress-status" });
    this.body = el("div", { "data-testid": "progress-body" });
    this.element = el(
      "section",
      { class: "view call-progress-view", "aria-labelledby": "call-progress-heading", "data-testid": "call-progress-view" },
      this.heading,
      this.problem,
      this.status,
      this.body,
      el("a", { href: "#/call", class: "back-link" }, "All call lists"),
    );
  }

  title(): string {
    return this.name ? `${this.name}: progress · Narwhal` : "Call list progress · Narwhal";
  }

  show(route: Route): void {
    const id = Number(route.params.list);
    if (id !== this.listId) {
      this.listId = id;
      this.name = "";
      clear(this.body);
      this.status.textContent = "Loading…";
    }
    void this.load();
    if (this.timer === undefined) this.timer = window.setInterval(() => void this.load(), kRefreshMs);
  }

  hide(): void {
    this.inFlight?.abort();
    this.inFlight = null;
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
  }

  private async load(): Promise<void> {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const list = await getCallList(this.listId, controller.signal);
      this.problem.hidden = true;
      this.render(list);
    } catch (error) {
      if (isAbort(error)) return;
      this.status.textContent = "";
      showProblem(this.problem, error);
    }
  }

  private render(list: CallListDetail): void {
    this.name = list.name;
    this.heading.textContent = list.name;
    document.title = this.title();
    const a = list.activity;
    this.status.textContent = `As of ${new Date().toLocaleTimeString()}; read again every 10 seconds.`;
    clear(this.body);
    const figure = (label: string, value: string, id: string) =>
      el("div", { class: "figure", "data-testid": id }, el("span", { class: "figure-value" }, value), el("span", { class: "figure-label" }, label));
    const runsOut =
      a?.runs_out_in_minutes == null ? "—" : list.left === 0 ? "done" : hoursAndMinutes(a.runs_out_in_minutes);
    append(
      this.body,
      el(
        "div",
        { class: "figures" },
        figure("callers on a call now", String(a?.callers_holding ?? 0), "progress-callers"),
        figure(`calls in the last ${a?.minutes ?? 10} min`, String(a?.calls_finished ?? 0), "progress-calls"),
        figure("calls a minute", (a?.per_minute ?? 0).toFixed(1), "progress-pace"),
        figure(
          "contact rate",
          a?.contact_rate == null ? "—" : `${Math.round(100 * a.contact_rate)}%`,
          "progress-rate",
        ),
        figure("people left", `${list.left} of ${list.people}`, "progress-left"),
        figure("runs out in", runsOut, "progress-runs-out"),
      ),
      el(
        "p",
        { class: "call-progress-counts" },
        `${list.done} finished · ${list.held} on a call · ${list.waiting} waiting for a retry · ${list.dropped} dropped by the do-not-contact list · calls ${list.call_from}–${list.call_until} their time`,
      ),
    );
    const table = (caption: string, head: string[], rows: string[][], id: string) =>
      el(
        "table",
        { "data-testid": id },
        el("caption", {}, caption),
        el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))),
      );
    const results = a?.results ?? [];
    append(
      this.body,
      results.length
        ? table(
            `Each person's last result (${a?.called ?? 0} called, ${a?.reached ?? 0} reached)`,
            ["Code", "Result", "Kind", "People"],
            results.map((r) => [r.code, r.name, r.category, String(r.people)]),
            "progress-results",
          )
        : el("p", { "data-testid": "progress-no-results" }, "Nobody has been called yet."),
      table(
        "People left by time zone",
        ["Zone", "Left", "Local time", "Calling now"],
        list.zones.map((z) => [z.label, String(z.left), z.local_time, z.open_now ? "yes" : "no: outside the hours"]),
        "progress-zones",
      ),
      el(
        "p",
        { "data-testid": "progress-callers-assigned" },
        list.callers?.length
          ? `Phone bankers assigned: ${list.callers.map((c) => c.name).join(", ")}`
          : "No phone banker is assigned to this list yet.",
      ),
    );
  }
}
