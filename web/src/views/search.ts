// The voter search page (route "#/", state in the hash: "#/?q=smith+mary&county=92").
// Search as you type (debounced), county and precinct filters from /api/v1/precincts,
// 25 results a page with "Show more" following the server's cursor. A user assigned to
// one precinct (a poll watcher) or one county has those filters preset and fixed.

import {
  isAbort,
  listPrecincts,
  searchVoters,
  type Me,
  type PrecinctSummary,
  type VoterSummary,
} from "../api";
import { append, clear, el } from "../dom";
import { listName, partyName, statusName, titleCase } from "../format";
import { searchHash, voterHash, type Route, type Router } from "../router";
import { fixedFilter, precinctsInScope, type FixedFilter } from "../session";
import { showProblem } from "./problem";
import type { View } from "./view";

const kPageSize = 25;
const kDebounceMs = 250;

interface SearchState {
  q: string;
  county: string;
  precinct: string;
}

export class SearchView implements View {
  readonly element: HTMLElement;
  private readonly router: Router;
  private readonly input: HTMLInputElement;
  private readonly county: HTMLSelectElement;
  private readonly precinct: HTMLSelectElement;
  private readonly problem: HTMLElement;
  private readonly status: HTMLElement;
  private readonly results: HTMLOListElement;
  private readonly more: HTMLButtonElement;

  private precincts: PrecinctSummary[] = [];
  private precinctsLoaded: Promise<void> | null = null;
  private debounceTimer: number | undefined;
  private inFlight: AbortController | null = null;
  private shown: SearchState | null = null; // what the results on screen answer
  private nextCursor: string | null = null;
  private resultCount = 0;
  private lastOpened: string | null = null; // voter id whose record was opened from here
  private readonly me: Me;
  private readonly fixed: FixedFilter;

  // A view serves one signed-in user; the shell builds new views after another login.
  constructor(router: Router, me: Me) {
    this.router = router;
    this.me = me;
    this.fixed = fixedFilter(me);
    this.input = el("input", {
      id: "search-q",
      name: "q",
      type: "search",
      autocomplete: "off",
      autocapitalize: "none",
      spellcheck: "false",
      enterkeyhint: "search",
      maxlength: 100,
      placeholder: "SMITH MARY or 123456",
      "aria-describedby": "search-hint",
      "data-testid": "search-input",
    });
    this.county = el(
      "select",
      { id: "search-county", name: "county", "data-testid": "county-select" },
      el("option", { value: "" }, "All counties"),
    );
    this.precinct = el(
      "select",
      { id: "search-precinct", name: "precinct", disabled: true, "data-testid": "precinct-select" },
      el("option", { value: "" }, "All precincts"),
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
      "data-testid": "search-status",
    });
    this.results = el("ol", { class: "results", id: "search-results", "data-testid": "results" });
    this.more = el(
      "button",
      { type: "button", class: "button more", hidden: true, "data-testid": "more" },
      "Show more",
    );

    const form = el(
      "form",
      {
        class: "search-form",
        role: "search",
        id: "search-form",
        "aria-label": "Voter search",
        "data-testid": "search-form",
      },
      el(
        "div",
        { class: "field field-q" },
        el("label", { for: "search-q" }, "Name or registration number"),
        this.input,
        el(
          "p",
          { class: "hint", id: "search-hint" },
          "Last and first name in either order, or a registration number.",
        ),
      ),
      el("div", { class: "field" }, el("label", { for: "search-county" }, "County"), this.county),
      el(
        "div",
        { class: "field" },
        el("label", { for: "search-precinct" }, "Precinct"),
        this.precinct,
      ),
    );
    this.element = el(
      "section",
      {
        class: "view search-view",
        "aria-labelledby": "search-heading",
        "data-testid": "search-view",
      },
      el("h1", { id: "search-heading" }, "Find a voter"),
      form,
      this.problem,
      this.status,
      this.results,
      this.more,
    );

    // A fixed assignment shows at once, before the precinct names arrive.
    if (this.fixed.county) {
      clear(this.county);
      append(this.county, el("option", { value: this.fixed.county }, this.fixed.county));
      this.county.disabled = true;
    }
    if (this.fixed.precinct) {
      clear(this.precinct);
      append(this.precinct, el("option", { value: this.fixed.precinct }, this.fixed.precinct));
      this.precinct.disabled = true;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.search();
    });
    this.input.addEventListener("input", () => this.scheduleSearch());
    this.county.addEventListener("change", () => {
      this.fillPrecincts(this.county.value);
      this.search();
    });
    this.precinct.addEventListener("change", () => this.search());
    this.more.addEventListener("click", () => void this.load(true));
    this.results.addEventListener("click", (event) => {
      const item = (event.target as Element).closest<HTMLElement>("[data-voter-id]");
      if (item) this.lastOpened = item.dataset.voterId ?? null;
    });
  }

  title(): string {
    return "Find a voter · Narwhal";
  }

  show(route: Route): void {
    const wanted: SearchState = {
      q: route.query.get("q") ?? "",
      county: this.fixed.county || (route.query.get("county") ?? ""),
      precinct: this.fixed.precinct || (route.query.get("precinct") ?? ""),
    };
    const typedBefore = this.input.value;
    void this.ensurePrecincts().then(() => {
      // Typed while the precincts were loading: that search wins over the address.
      if (this.input.value !== typedBefore) return;
      // Coming back to the same search (the back button): keep results and scroll, and put
      // focus back on the voter that was opened.
      if (this.shown && sameState(this.shown, wanted)) {
        this.focusLastOpened();
        return;
      }
      this.input.value = wanted.q;
      this.county.value = wanted.county;
      this.fillPrecincts(this.county.value);
      this.precinct.value = wanted.precinct;
      this.search();
    });
  }

  hide(): void {
    window.clearTimeout(this.debounceTimer);
  }

  // Focus for a freshly opened page; the search box is what everyone wants first.
  focus(): void {
    this.input.focus();
  }

  private focusLastOpened(): void {
    if (!this.lastOpened) return;
    for (const item of this.results.querySelectorAll<HTMLElement>("[data-voter-id]")) {
      if (item.dataset.voterId === this.lastOpened) {
        item.querySelector("a")?.focus();
        return;
      }
    }
  }

  private ensurePrecincts(): Promise<void> {
    if (!this.precinctsLoaded) {
      this.precinctsLoaded = listPrecincts()
        .then((body) => {
          this.precincts = precinctsInScope(
            this.me,
            Array.isArray(body.precincts) ? body.precincts : [],
          );
          this.fillCounties();
        })
        .catch((error: unknown) => {
          this.precinctsLoaded = null; // try again on the next visit
          this.showError(error);
        });
    }
    return this.precinctsLoaded;
  }

  private fillCounties(): void {
    const seen = new Map<string, string>();
    for (const p of this.precincts)
      if (!seen.has(p.county)) seen.set(p.county, p.county_name ?? "");
    const selected = this.county.value;
    clear(this.county);
    if (!this.fixed.county) append(this.county, el("option", { value: "" }, "All counties"));
    for (const [code, name] of seen) {
      append(
        this.county,
        el("option", { value: code }, name ? `${titleCase(name)} (${code})` : code),
      );
    }
    this.county.value = this.fixed.county || (seen.has(selected) ? selected : "");
    this.county.disabled = this.fixed.county !== "";
  }

  private fillPrecincts(county: string): void {
    clear(this.precinct);
    if (!this.fixed.precinct) append(this.precinct, el("option", { value: "" }, "All precincts"));
    this.precinct.disabled = county === "" || this.fixed.precinct !== "";
    for (const p of this.precincts) {
      if (p.county !== county) continue;
      const name =
        p.precinct_name && p.precinct_name.includes(p.precinct)
          ? p.precinct_name
          : [p.precinct, p.precinct_name].filter(Boolean).join(" ");
      const label =
        typeof p.voters === "number"
          ? `${name} · ${p.voters.toLocaleString("en-US")} voters`
          : name;
      append(this.precinct, el("option", { value: p.precinct }, label));
    }
    if (this.fixed.precinct) this.precinct.value = this.fixed.precinct;
  }

  private currentState(): SearchState {
    return {
      q: this.input.value.trim(),
      county: this.fixed.county || this.county.value,
      precinct: this.fixed.precinct || (this.county.value === "" ? "" : this.precinct.value),
    };
  }

  private scheduleSearch(): void {
    window.clearTimeout(this.debounceTimer);
    this.debounceTimer = window.setTimeout(() => this.search(), kDebounceMs);
  }

  private search(): void {
    window.clearTimeout(this.debounceTimer);
    const state = this.currentState();
    this.router.replace(searchHash({ ...state }));
    void this.load(false);
  }

  // Loads the first page of the current search, or (append) the next page of the shown one.
  private async load(append: boolean): Promise<void> {
    const state = append && this.shown ? this.shown : this.currentState();
    this.inFlight?.abort();
    if (!append && state.q === "" && state.county === "") {
      this.inFlight = null;
      this.shown = state;
      this.renderResults([], false);
      this.hideError();
      this.setStatus("Type a name or registration number, or choose a county.");
      return;
    }
    const controller = new AbortController();
    this.inFlight = controller;
    this.results.setAttribute("aria-busy", "true");
    this.more.disabled = true;
    if (!append) this.setStatus("Searching…");
    try {
      const page = await searchVoters(
        { ...state, limit: kPageSize, cursor: append ? this.nextCursor : null },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      this.hideError();
      this.shown = state;
      this.nextCursor = page.next_cursor ?? null;
      this.renderResults(Array.isArray(page.voters) ? page.voters : [], append);
      if (this.resultCount === 0) {
        this.setStatus("No voters found.", "no-results");
      } else {
        const shown = `${this.resultCount} voter${this.resultCount === 1 ? "" : "s"} shown`;
        this.setStatus(this.nextCursor ? `${shown}; more below.` : `${shown}.`);
      }
    } catch (error) {
      if (isAbort(error)) return;
      if (!append) {
        this.shown = null;
        this.renderResults([], false);
        this.setStatus("");
      }
      this.showError(error);
    } finally {
      if (this.inFlight === controller) {
        this.inFlight = null;
        this.results.removeAttribute("aria-busy");
        this.more.disabled = false;
      }
    }
  }

  private renderResults(voters: VoterSummary[], append: boolean): void {
    if (!append) {
      clear(this.results);
      this.resultCount = 0;
    }
    for (const v of voters) this.results.appendChild(resultItem(v));
    this.resultCount += voters.length;
    this.more.hidden = !this.nextCursor || (!append && voters.length === 0);
    if (!append && voters.length === 0) this.nextCursor = null;
  }

  private setStatus(text: string, testid?: string): void {
    this.status.textContent = text;
    if (testid) this.status.dataset.state = testid;
    else delete this.status.dataset.state;
  }

  private showError(error: unknown): void {
    showProblem(this.problem, error);
  }

  private hideError(): void {
    this.problem.hidden = true;
    clear(this.problem);
  }
}

function resultItem(v: VoterSummary): HTMLLIElement {
  const where = [v.street, v.city].filter(Boolean).join(", ");
  const facts = [
    v.birth_year ? `born ${v.birth_year}` : "",
    v.party ? partyName(v.party) : "",
    v.precinct ? `precinct ${v.precinct}` : "",
    v.registration_number ? `reg. #${v.registration_number}` : "",
  ].filter(Boolean);
  const inactive = v.status && v.status.toLowerCase() !== "active";
  return el(
    "li",
    { class: "result", "data-testid": "voter-result", "data-voter-id": v.voter_id },
    el(
      "a",
      { class: "result-link", href: voterHash(v.voter_id) },
      el("span", { class: "result-name", "data-testid": "voter-result-name" }, listName(v)),
      inactive
        ? el("span", { class: `badge badge-${v.status!.toLowerCase()}` }, statusName(v.status))
        : null,
      where ? el("span", { class: "result-address" }, where) : null,
      el("span", { class: "result-facts" }, facts.join(" · ")),
    ),
  );
}

function sameState(a: SearchState, b: SearchState): boolean {
  return a.q === b.q && a.county === b.county && a.precinct === b.precinct;
}
