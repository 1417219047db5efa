// The login screen: one big box for the code on the volunteer's credential sheet. Shown by
// the shell (main.ts) whenever there is no session or the server answered 401, whatever
// the address; after a login the shell shows the page that was asked for.

import { ApiError, logIn, testCode, type SessionInfo } from "../api";
import { clear, el } from "../dom";
import { showProblem } from "./problem";
import type { View } from "./view";

export class LoginView implements View {
  readonly element: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly submit: HTMLButtonElement;
  private readonly test: HTMLButtonElement;
  private readonly tested: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly onLogin: (session: SessionInfo) => void;
  private busy = false;

  constructor(onLogin: (session: SessionInfo) => void) {
    this.onLogin = onLogin;
    this.input = el("input", {
      id: "login-code",
      name: "code",
      type: "text",
      inputmode: "text",
      autocomplete: "one-time-code",
      autocapitalize: "characters",
      autocorrect: "off",
      spellcheck: "false",
      enterkeyhint: "go",
      maxlength: 32,
      required: true,
      placeholder: "K7QM-9XMR-T2PW",
      "aria-describedby": "login-hint",
      class: "code-input",
      "data-testid": "login-code",
    });
    this.submit = el(
      "button",
      { type: "submit", class: "button login-submit", "data-testid": "login-submit" },
      "Log in",
    );
    this.test = el(
      "button",
      { type: "button", class: "button button-secondary login-test", "data-testid": "login-test" },
      "Only test my code",
    );
    this.tested = el("div", {
      class: "notice-box",
      role: "status",
      hidden: true,
      "data-testid": "login-tested",
    });
    this.problem = el("div", {
      class: "problem",
      role: "alert",
      hidden: true,
      tabindex: -1,
      "data-testid": "login-error",
    });
    this.notice = el("p", {
      class: "notice-box",
      role: "status",
      hidden: true,
      "data-testid": "login-notice",
    });
    this.form = el(
      "form",
      { class: "login-form", "aria-labelledby": "login-heading", "data-testid": "login-form" },
      el("label", { for: "login-code" }, "Login code"),
      this.input,
      el(
        "p",
        { class: "hint", id: "login-hint" },
        "It is on the sheet your organizer gave you: 12 letters and digits. Dashes and " +
          "capitals do not matter.",
      ),
      this.submit,
      this.test,
      el(
        "p",
        { class: "hint" },
        "Before election day? Test your code: it is checked but keeps working, and your " +
          "organizer sees that you are ready.",
      ),
    );
    this.element = el(
      "section",
      { class: "view login-view", "data-testid": "login-view" },
      el("h1", { id: "login-heading", tabindex: -1 }, "Enter your login code"),
      this.notice,
      this.problem,
      this.tested,
      this.form,
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.logIn();
    });
    this.test.addEventListener("click", () => void this.testCode());
  }

  title(): string {
    return "Log in · Narwhal";
  }

  show(): void {
    this.busy = false;
    this.submit.disabled = false;
    this.input.focus();
  }

  hide(): void {
    this.input.value = "";
    this.problem.hidden = true;
    this.notice.hidden = true;
    this.tested.hidden = true;
  }

  // A line above the form, e.g. why the volunteer is asked to log in again.
  setNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = text === "";
  }

  // Checks the code without spending it, and says whose it is and where she is assigned.
  private async testCode(): Promise<void> {
    if (this.busy) return;
    const code = this.input.value.trim();
    if (code === "") {
      showProblem(this.problem, new ApiError({ status: 400, title: "Type the code from your sheet first." }));
      this.input.focus();
      return;
    }
    this.busy = true;
    this.test.disabled = true;
    this.problem.hidden = true;
    try {
      const result = await testCode(code);
      const where = [
        ...(result.user.scope?.precincts ?? []).map((p) => `precinct ${p.county}/${p.precinct}`),
        ...(result.user.scope?.counties ?? []).map((c) => `county ${c}`),
      ].join(", ");
      clear(this.tested);
      this.tested.append(
        el("strong", {}, "Your code works."),
        ` It is ${result.user.name}'s, ${result.user.role.replace(/_/g, " ")}` +
          (where ? ` (${where})` : "") +
          `. It still works until ${new Date(result.expires_at).toLocaleString()}: keep your sheet and log in with it when your shift starts.`,
      );
      this.tested.hidden = false;
      this.notice.hidden = true;
      this.input.value = "";
    } catch (error) {
      this.tested.hidden = true;
      showProblem(this.problem, describeLoginError(error));
      this.input.select();
      this.input.focus();
    } finally {
      this.busy = false;
      this.test.disabled = false;
    }
  }

  private async logIn(): Promise<void> {
    if (this.busy) return;
    const code = this.input.value.trim();
    if (code === "") {
      showProblem(
        this.problem,
        new ApiError({ status: 400, title: "Type the code from your sheet first." }),
      );
      this.input.focus();
      return;
    }
    this.busy = true;
    this.submit.disabled = true;
    this.problem.hidden = true;
    try {
      const session = await logIn(code);
      this.onLogin(session);
    } catch (error) {
      this.notice.hidden = true; // "You are logged out" is old news beside an error
      showProblem(this.problem, describeLoginError(error));
      this.input.select();
      this.input.focus();
    } finally {
      this.busy = false;
      this.submit.disabled = false;
    }
  }
}

// The server's problem detail says what went wrong (wrong code, already used, expired,
// locked until ...) in words a volunteer can act on; its title is the generic one of the
// HTTP status, so the title is replaced by one about the code.
function describeLoginError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const p = error.problem;
  const detail = p.detail ? sentence(p.detail) : undefined;
  switch (p.status) {
    case 0:
      return error;
    case 400:
    case 401:
      return new ApiError({ ...p, title: "That code did not work", detail });
    case 429:
      return new ApiError({ ...p, title: "Too many tries", detail });
    default:
      if (p.status >= 500) {
        return new ApiError({
          ...p,
          title: "The server could not log you in",
          detail: detail || "Try again in a minute; if it keeps failing, call your organizer.",
        });
      }
      return error;
  }
}

// "that code is not right" -> "That code is not right."
function sentence(text: string): string {
  const t = text.trim();
  if (t === "") return t;
  const upper = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(upper) ? upper : `${upper}.`;
}
