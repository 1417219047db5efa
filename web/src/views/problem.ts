// Shows an error in a view's alert box: the problem+json title in bold, its detail below.

import { ApiError } from "../api";
import { append, clear, el } from "../dom";

export function showProblem(box: HTMLElement, error: unknown): void {
  let title = "Something went wrong";
  let detail = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError) {
    title = error.problem.title;
    detail = error.problem.detail ?? "";
    if (error.problem.status >= 500) detail = detail || "The server failed; try again shortly.";
  }
  clear(box);
  append(
    box,
    el("strong", { class: "problem-title", "data-testid": "error-title" }, title),
    detail ? el("span", { class: "problem-detail", "data-testid": "error-detail" }, detail) : null,
  );
  box.hidden = false;
}
