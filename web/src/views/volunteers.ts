// Volunteers (route "#/volunteers?county=92"): the organizer's console. She adds a
// volunteer (her first login code shown once), uploads a sign-up sheet (refused rows
// listed with line and reason, the rest added), prints login codes for a selection as a
// credential sheet (PDF, one section per field office) or CSV — each print draws fresh
// codes, so earlier ones of those volunteers stop working — and works the list: a new code
// for one volunteer, her sessions ended, disabled or enabled, her assignment changed,
// and the volunteers not yet logged in exported with phone and email for a reminder.
// Data from /api/v1/users (the server limits everything to the caller's counties).

import {
  addVolunteer,
  changeVolunteer,
  endSessions,
  exportVolunteers,
  importVolunteers,
  isAbort,
  listPrecincts,
  listVolunteers,
  printCodes,
  reissueCode,
  type DownloadedFile,
  type Me,
  type SheetImport,
  type Volunteer,
  type VolunteerFields,
} from "../api";
import { append, clear, el } from "../dom";
import { titleCase } from "../format";
import type { Route, Router } from "../router";
import { showProblem } from "./problem";
import type { View } from "./view";

const kVolunteerRoles = ["poll_watcher", "canvasser", "phone_banker"];
const kStaffRoles = ["organizer", "analyst", "admin"];

function roleLabel(role: string): string {
  return role.replace(/_/g, " ");
}

function assignment(v: Volunteer): string {
  const parts: string[] = [];
  for (const p of v.scope.precincts) parts.push(`precinct ${p.county}/${p.precinct}`);
  for (const c of v.scope.counties) parts.push(`county ${c}`);
  for (const t of v.scope.turfs) parts.push(`turf ${t}`);
  return parts.join(", ");
}

// Whom the caller may print codes for and change: an admin anyone, an organizer the
// volunteers of her counties (the server says so too; the list already holds only those).
function manageable(me: Me, v: Volunteer): boolean {
  return me.role === "admin" || kVolunteerRoles.includes(v.role);
}

function ready(v: Volunteer): boolean {
  return !v.disabled && (!!v.first_login_at || !!v.code_tested_at);
}

function statusOf(v: Volunteer): string {
  if (v.disabled) return "disabled";
  if (v.first_login_at) return "logged in";
  return v.code_tested_at ? "tested her code" : "not ready";
}

// Saves a downloaded file the way a browser saves a link's target.
function save(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = el("a", { href: url, download: file.fileName, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLElement {
  return el(
    "div",
    { class: "field" },
    el("label", { for: id }, label),
    input,
    hint ? el("p", { class: "hint" }, hint) : null,
  );
}

function textInput(id: string, attrs: Record<string, string | boolean> = {}): HTMLInputElement {
  return el("input", { id, name: id, type: "text", autocomplete: "off", "data-testid": id, ...attrs });
}

export class VolunteersView implements View {
  readonly element: HTMLElement;
  private readonly router: Router;
  private readonly me: Me;
  private readonly problem: HTMLElement;
  private readonly county: HTMLSelectElement;
  private readonly roleFilter: HTMLSelectElement;
  private readonly notReady: HTMLInputElement;
  private readonly office: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly table: HTMLTableSectionElement;
  private readonly selectionBar: HTMLElement;
  private readonly selectionCount: HTMLElement;
  private readonly added: HTMLElement;
  private readonly report: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly inputs: Record<string, HTMLInputElement>;
  private readonly role: HTMLSelectElement;
  private readonly sheetInput: HTMLInputElement;
  private readonly selected = new Set<number>();
  private volunteers: Volunteer[] = [];
  private countiesLoaded: Promise<void> | null = null;
  private inFlight: AbortController | null = null;

  constructor(router: Router, me: Me) {
    this.router = router;
    this.me = me;
    this.problem = el("div", { class: "problem", role: "alert", hidden: true, "data-testid": "error" });
    this.county = el("select", { id: "volunteers-county", "data-testid": "volunteers-county" });
    this.roleFilter = el(
      "select",
      { id: "volunteers-role", "data-testid": "volunteers-role" },
      el("option", { value: "" }, "All roles"),
      ...[...kVolunteerRoles, ...kStaffRoles].map((r) => el("option", { value: r }, roleLabel(r))),
    );
    this.notReady = el("input", { id: "volunteers-not-ready", type: "checkbox", "data-testid": "volunteers-not-ready" });
    // A field office's volunteers together: select them all and print that office's sheet.
    this.office = el(
      "select",
      { id: "volunteers-office", "data-testid": "volunteers-office" },
      el("option", { value: "" }, "All offices"),
    );
    this.status = el("p", { class: "status", role: "status", "aria-live": "polite", "data-testid": "volunteers-status" });
    this.table = el("tbody", { "data-testid": "volunteers-rows" });
    this.selectionCount = el("span", { "data-testid": "selection-count" }, "");
    this.selectionBar = el(
      "div",
      { class: "selection-bar", "data-testid": "selection-bar", hidden: true },
      this.selectionCount,
      el("button", { type: "button", class: "button", "data-testid": "print-pdf" }, "Print login codes (PDF)"),
      el("button", { type: "button", class: "button button-secondary", "data-testid": "print-csv" }, "Codes as CSV"),
      el("p", { class: "hint" }, "Printing draws new codes: any earlier code of these volunteers stops working."),
    );
    this.added = el("div", { class: "notice-box", role: "status", hidden: true, "data-testid": "added-code" });
    this.report = el("div", { class: "sheet-report", "data-testid": "sheet-report", hidden: true });

    const allowedRoles = me.role === "admin" ? [...kVolunteerRoles, ...kStaffRoles] : kVolunteerRoles;
    this.role = el(
      "select",
      { id: "add-role", name: "role", "data-testid": "add-role" },
      ...allowedRoles.map((r) => el("option", { value: r }, roleLabel(r))),
    );
    this.inputs = {
      name: textInput("add-name", { required: true }),
      county: textInput("add-county"),
      precinct: textInput("add-precinct"),
      phone: textInput("add-phone", { type: "tel" }),
      email: textInput("add-email", { type: "email" }),
      field_office: textInput("add-office"),
    };
    this.form = el(
      "form",
      { class: "volunteer-form", "aria-label": "Add a volunteer", "data-testid": "add-form" },
      field("add-name", "Name", this.inputs.name),
      field("add-role", "Role", this.role),
      field("add-county", "County", this.inputs.county, "County code; a poll watcher also needs her precinct"),
      field("add-precinct", "Precinct", this.inputs.precinct),
      field("add-phone", "Phone", this.inputs.phone),
      field("add-email", "Email", this.inputs.email),
      field("add-office", "Field office", this.inputs.field_office),
      el("button", { type: "submit", class: "button", "data-testid": "add-submit" }, "Add volunteer"),
    );
    this.sheetInput = el("input", {
      id: "sheet-file",
      type: "file",
      accept: ".csv,.tsv,.txt,text/csv",
      "data-testid": "sheet-file",
    });
    const uploadButton = el("button", { type: "button", class: "button", "data-testid": "sheet-upload" }, "Upload sheet");

    this.element = el(
      "section",
      { class: "view volunteers-view", "aria-labelledby": "volunteers-heading", "data-testid": "volunteers-view" },
      el("h1", { id: "volunteers-heading", tabindex: -1 }, "Volunteers"),
      this.problem,
      el(
        "details",
        { class: "volunteer-add" },
        el("summary", {}, "Add a volunteer"),
        this.form,
        this.added,
      ),
      el(
        "details",
        { class: "volunteer-sheet", "data-testid": "sheet-section" },
        el("summary", {}, "Upload a sign-up sheet"),
        el(
          "p",
          { class: "hint" },
          "A CSV with a header line: name, role, county, precinct, and optionally phone, email, field_office, turf. Rows that cannot be added are listed with their line and reason; the rest are added without codes until their sheet is printed.",
        ),
        field("sheet-file", "Sheet", this.sheetInput),
        uploadButton,
        this.report,
      ),
      el(
        "form",
        { class: "search-form", "aria-label": "Filter" },
        field("volunteers-county", "County", this.county),
        field("volunteers-role", "Role", this.roleFilter),
        field("volunteers-office", "Field office", this.office),
        el("div", { class: "field field-check" }, this.notReady, el("label", { for: "volunteers-not-ready" }, "Not ready only")),
        el("button", { type: "button", class: "button button-secondary", "data-testid": "export-not-ready" }, "Export not-ready (CSV)"),
      ),
      this.status,
      this.selectionBar,
      el(
        "div",
        { class: "table-scroll" },
        el(
          "table",
          { class: "volunteers", "data-testid": "volunteers-table" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              el("th", { scope: "col" }, el("input", { type: "checkbox", "aria-label": "Select all", "data-testid": "select-all" })),
              el("th", { scope: "col" }, "Name"),
              el("th", { scope: "col" }, "Role"),
              el("th", { scope: "col" }, "Assignment"),
              el("th", { scope: "col" }, "Office"),
              el("th", { scope: "col" }, "Phone"),
              el("th", { scope: "col" }, "Status"),
              el("th", { scope: "col" }, "Actions"),
            ),
          ),
          this.table,
        ),
      ),
    );

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.add();
    });
    uploadButton.addEventListener("click", () => void this.upload());
    this.county.addEventListener("change", () => {
      const county = this.county.value;
      this.router.replace(county ? `#/volunteers?county=${encodeURIComponent(county)}` : "#/volunteers");
      void this.load();
    });
    this.roleFilter.addEventListener("change", () => void this.load());
    this.notReady.addEventListener("change", () => this.render());
    this.office.addEventListener("change", () => this.render());
    this.element.querySelector('[data-testid="print-pdf"]')?.addEventListener("click", () => void this.print([...this.selected], "pdf"));
    this.element.querySelector('[data-testid="print-csv"]')?.addEventListener("click", () => void this.print([...this.selected], "csv"));
    this.element.querySelector('[data-testid="export-not-ready"]')?.addEventListener("click", () => void this.exportNotReady());
    this.element.querySelector('[data-testid="select-all"]')?.addEventListener("change", (event) => {
      const on = (event.target as HTMLInputElement).checked;
      for (const v of this.shown()) {
        if (on && !v.disabled && manageable(this.me, v)) this.selected.add(v.id);
        else this.selected.delete(v.id);
      }
      this.render();
    });
  }

  title(): string {
    return "Volunteers · Narwhal";
  }

  show(route: Route): void {
    const county = route.query.get("county") ?? "";
    void this.ensureCounties().then(() => {
      if (county) this.county.value = county;
      void this.load();
    });
  }

  hide(): void {
    this.inFlight?.abort();
  }

  private ensureCounties(): Promise<void> {
    if (!this.countiesLoaded) {
      this.countiesLoaded = listPrecincts()
        .then((body) => {
          const seen = new Map<string, string>();
          for (const p of body.precincts ?? []) if (!seen.has(p.county)) seen.set(p.county, p.county_name ?? "");
          clear(this.county);
          // An organizer of several counties lists one at a time; an admin may see all.
          if (this.me.role === "admin") append(this.county, el("option", { value: "" }, "All counties"));
          for (const [code, name] of seen) {
            append(this.county, el("option", { value: code }, name ? `${titleCase(name)} (${code})` : code));
          }
          this.county.disabled = seen.size === 1 && this.me.role !== "admin";
        })
        .catch((error: unknown) => {
          this.countiesLoaded = null;
          if (!isAbort(error)) showProblem(this.problem, error);
        });
    }
    return this.countiesLoaded;
  }

  private async load(): Promise<void> {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    this.status.textContent = "Loading…";
    try {
      const all: Volunteer[] = [];
      let cursor: string | undefined;
      do {
        const page = await listVolunteers(
          { county: this.county.value, role: this.roleFilter.value, cursor },
          controller.signal,
        );
        all.push(...page.users);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      if (controller.signal.aborted) return;
      this.volunteers = all;
      this.fillOffices();
      for (const id of [...this.selected]) if (!all.some((v) => v.id === id)) this.selected.delete(id);
      this.problem.hidden = true;
      this.render();
    } catch (error) {
      if (isAbort(error)) return;
      this.status.textContent = "";
      showProblem(this.problem, error);
    } finally {
      if (this.inFlight === controller) this.inFlight = null;
    }
  }

  // The offices of the volunteers listed, keeping the one chosen when it is still there.
  private fillOffices(): void {
    const chosen = this.office.value;
    const offices = [...new Set(this.volunteers.map((v) => v.field_office).filter((o) => o !== ""))].sort();
    clear(this.office);
    append(this.office, el("option", { value: "" }, "All offices"));
    for (const o of offices) append(this.office, el("option", { value: o }, o));
    this.office.value = offices.includes(chosen) ? chosen : "";
  }

  private shown(): Volunteer[] {
    const office = this.office.value;
    return this.volunteers.filter(
      (v) => (!this.notReady.checked || (!v.disabled && !ready(v))) && (office === "" || v.field_office === office),
    );
  }

  private render(): void {
    clear(this.table);
    const shown = this.shown();
    const readyCount = this.volunteers.filter(ready).length;
    this.status.textContent =
      `${this.volunteers.length} ${this.volunteers.length === 1 ? "person" : "people"}, ` +
      `${readyCount} ready (logged in or tested her code)` +
      (shown.length !== this.volunteers.length ? `; ${shown.length} shown` : "");
    for (const v of shown) append(this.table, this.row(v));
    this.selectionBar.hidden = this.selected.size === 0;
    this.selectionCount.textContent = `${this.selected.size} selected`;
  }

  private row(v: Volunteer): HTMLTableRowElement {
    const check = el("input", {
      type: "checkbox",
      "aria-label": `Select ${v.name}`,
      "data-testid": "select-volunteer",
      checked: this.selected.has(v.id),
      disabled: v.disabled || !manageable(this.me, v),
    });
    check.addEventListener("change", () => {
      if (check.checked) this.selected.add(v.id);
      else this.selected.delete(v.id);
      this.selectionBar.hidden = this.selected.size === 0;
      this.selectionCount.textContent = `${this.selected.size} selected`;
    });
    const note = el("div", { class: "row-note", role: "status", "data-testid": "row-note" });
    const button = (label: string, testid: string, action: () => Promise<void>): HTMLButtonElement => {
      const b = el("button", { type: "button", class: "button button-secondary button-small", "data-testid": testid }, label);
      b.addEventListener("click", () => {
        b.disabled = true;
        action()
          .catch((error: unknown) => showProblem(this.problem, error))
          .finally(() => {
            b.disabled = false;
          });
      });
      return b;
    };
    const actions = !manageable(this.me, v)
      ? el("td", { class: "row-actions" })
      : el(
      "td",
      { class: "row-actions" },
      v.disabled
        ? null
        : button("New code", "reissue", async () => {
            const issued = await reissueCode(v.id);
            note.textContent = `New code for ${v.name}: ${issued.code} — shown once; her earlier code no longer works.`;
          }),
      v.disabled
        ? null
        : button("End sessions", "end-sessions", async () => {
            const ended = await endSessions(v.id);
            note.textContent = `${ended.revoked} session${ended.revoked === 1 ? "" : "s"} ended.`;
          }),
      button(v.disabled ? "Enable" : "Disable", v.disabled ? "enable" : "disable", async () => {
        if (!v.disabled && !window.confirm(`Disable ${v.name}? Her sessions end at once and her codes stop working.`)) return;
        await changeVolunteer(v.id, { disabled: !v.disabled });
        await this.load();
      }),
      button("Change", "change", async () => {
        this.editor(v, note);
        return Promise.resolve();
      }),
      note,
    );
    return el(
      "tr",
      { "data-testid": "volunteer-row", "data-user-id": v.id, class: v.disabled ? "row-disabled" : null },
      el("td", {}, check),
      el("td", { "data-testid": "volunteer-name" }, v.name),
      el("td", {}, roleLabel(v.role)),
      el("td", { "data-testid": "volunteer-assignment" }, assignment(v)),
      el("td", {}, v.field_office),
      el("td", { class: "nowrap" }, v.phone),
      el("td", { "data-testid": "volunteer-status" }, statusOf(v)),
      actions,
    );
  }

  // An inline form to change a volunteer's assignment, office and contact details.
  private editor(v: Volunteer, into: HTMLElement): void {
    clear(into);
    const p = v.scope.precincts[0];
    const county = textInput(`edit-county-${v.id}`, { value: p ? p.county : (v.scope.counties[0] ?? "") });
    const precinct = textInput(`edit-precinct-${v.id}`, { value: p ? p.precinct : "" });
    const office = textInput(`edit-office-${v.id}`, { value: v.field_office });
    const phone = textInput(`edit-phone-${v.id}`, { value: v.phone });
    const email = textInput(`edit-email-${v.id}`, { value: v.email });
    const form = el(
      "form",
      { class: "volunteer-edit", "aria-label": `Change ${v.name}`, "data-testid": "edit-form" },
      field(`edit-county-${v.id}`, "County", county),
      field(`edit-precinct-${v.id}`, "Precinct", precinct),
      field(`edit-office-${v.id}`, "Field office", office),
      field(`edit-phone-${v.id}`, "Phone", phone),
      field(`edit-email-${v.id}`, "Email", email),
      el("button", { type: "submit", class: "button", "data-testid": "edit-save" }, "Save"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const fields: VolunteerFields = { field_office: office.value, phone: phone.value, email: email.value };
      if (v.scope.turfs.length === 0) {
        fields.county = county.value;
        fields.precinct = precinct.value;
      }
      changeVolunteer(v.id, fields)
        .then(() => this.load())
        .catch((error: unknown) => showProblem(this.problem, error));
    });
    append(into, form);
    county.focus();
  }

  private async add(): Promise<void> {
    const fields: VolunteerFields = { role: this.role.value };
    for (const [name, input] of Object.entries(this.inputs)) {
      const value = input.value.trim();
      if (value) (fields as Record<string, string>)[name] = value;
    }
    const submit = this.form.querySelector("button[type=submit]") as HTMLButtonElement;
    submit.disabled = true;
    try {
      const issued = await addVolunteer(fields);
      this.problem.hidden = true;
      clear(this.added);
      append(
        this.added,
        el("p", {}, `${issued.user.name} was added. Her login code, shown this once:`),
        el("p", { class: "code-shown", "data-testid": "added-code-value" }, issued.code),
        el("p", { class: "hint" }, "Write it down or hand it over now; it cannot be shown again (print a new one from the list if it is lost)."),
      );
      this.added.hidden = false;
      this.form.reset();
      await this.load();
    } catch (error) {
      showProblem(this.problem, error);
    } finally {
      submit.disabled = false;
    }
  }

  private async upload(): Promise<void> {
    const file = this.sheetInput.files?.[0];
    if (!file) {
      this.sheetInput.focus();
      return;
    }
    try {
      const result = await importVolunteers(await file.text());
      this.problem.hidden = true;
      this.showReport(result);
      await this.load();
    } catch (error) {
      showProblem(this.problem, error);
    }
  }

  private showReport(result: SheetImport): void {
    clear(this.report);
    append(
      this.report,
      el(
        "p",
        { "data-testid": "sheet-summary" },
        `${result.imported} of ${result.rows} rows added, ${result.rejected} refused.`,
      ),
    );
    if (result.rejects.length > 0) {
      append(
        this.report,
        el(
          "table",
          { class: "rejects", "data-testid": "sheet-rejects" },
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Line"), el("th", { scope: "col" }, "Column"), el("th", { scope: "col" }, "Why"))),
          el(
            "tbody",
            {},
            ...result.rejects.map((r) =>
              el("tr", { "data-testid": "sheet-reject" }, el("td", {}, String(r.line)), el("td", {}, r.column), el("td", {}, r.reason)),
            ),
          ),
        ),
      );
    }
    if (result.users.length > 0) {
      const ids = result.users.map((u) => u.id);
      const pdf = el("button", { type: "button", class: "button", "data-testid": "sheet-print-pdf" }, ids.length === 1 ? "Print the login code (PDF)" : `Print login codes for these ${ids.length} (PDF)`);
      const csv = el("button", { type: "button", class: "button button-secondary", "data-testid": "sheet-print-csv" }, "Codes as CSV");
      pdf.addEventListener("click", () => void this.print(ids, "pdf"));
      csv.addEventListener("click", () => void this.print(ids, "csv"));
      append(this.report, pdf, csv, el("p", { class: "hint" }, "Each print draws new codes: print once, as PDF or CSV."));
    }
    this.report.hidden = false;
  }

  private async print(ids: number[], format: "pdf" | "csv"): Promise<void> {
    if (ids.length === 0) return;
    try {
      save(await printCodes(ids, format));
      this.problem.hidden = true;
    } catch (error) {
      showProblem(this.problem, error);
    }
  }

  private async exportNotReady(): Promise<void> {
    try {
      save(await exportVolunteers({ county: this.county.value, not_ready: true }));
    } catch (error) {
      showProblem(this.problem, error);
    }
  }
}
