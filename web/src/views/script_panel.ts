// A script of the campaign's field book (GET /api/v1/field-book) walked for one voter: the
// steps said and asked so far, following each answer's branch, with a button per choice, a
// text box for free answers, the tags and a note. Every tap is handed to `onTap` at once
// (the page records it as its own contact): there is no "save" to forget. Shared by the
// canvassing page and, later, the calling page.

import type { FieldBook, FieldQuestion, FieldScript, ScriptStep } from "../api";
import { append, el } from "../dom";

// What this phone recorded of one conversation: answers by question (choice keys, or the
// text), the tags, the note.
export interface Talk {
  key: string; // `${list}:${voter_id}#talk`
  answers: Record<string, string[] | string>;
  tags: string[];
  note: string;
}

export type Tap =
  | { kind: "answer"; question: string; value: string | string[] }
  | { kind: "tag"; tag: string }
  | { kind: "note"; note: string };

export function emptyTalk(key: string): Talk {
  return { key, answers: {}, tags: [], note: "" };
}

// The steps shown: from the first, each followed by its branch for the answer given (else
// its next); it stops at the first single-choice question not answered yet, which is where
// the conversation is. Multiple-choice and text questions never hold it up.
export function scriptPath(script: FieldScript, book: FieldBook, answers: Talk["answers"]): ScriptStep[] {
  const byId = new Map(script.steps.map((s) => [s.id, s]));
  const path: ScriptStep[] = [];
  let step: ScriptStep | undefined = script.steps[0];
  while (step && path.length < script.steps.length) {
    path.push(step);
    const question = step.question ? book.questions.find((q) => q.key === step!.question) : undefined;
    const answer = question ? answers[question.key] : undefined;
    if (question?.kind === "single" && typeof answer !== "string") break;
    const branch = typeof answer === "string" ? step.branches?.[answer] : undefined;
    step = byId.get(branch ?? step.next ?? "");
  }
  return path;
}

function choiceButtons(question: FieldQuestion, talk: Talk, onTap: (tap: Tap) => void): HTMLElement {
  const given = talk.answers[question.key];
  const chosen = new Set(Array.isArray(given) ? given : typeof given === "string" ? [given] : []);
  const row = el("div", { class: "script-choices", role: "group", "aria-label": question.short_name });
  for (const choice of question.choices ?? []) {
    const on = chosen.has(choice.key);
    const button = el(
      "button",
      {
        type: "button",
        class: on ? "button button-choice chosen" : "button button-choice",
        "aria-pressed": on ? "true" : "false",
        "data-testid": `answer-${question.key}-${choice.key}`,
      },
      choice.label,
    );
    button.addEventListener("click", () => {
      if (question.kind === "single") {
        if (!on) onTap({ kind: "answer", question: question.key, value: choice.key });
        return;
      }
      // Multiple choice: each tap records the whole new set; the last choice stays (an
      // answer is never empty: a later one replaces it).
      const next = new Set(chosen);
      if (on) next.delete(choice.key);
      else next.add(choice.key);
      if (next.size === 0) return;
      const ordered = (question.choices ?? []).map((c) => c.key).filter((k) => next.has(k));
      onTap({ kind: "answer", question: question.key, value: ordered });
    });
    append(row, button);
  }
  return row;
}

function textAnswer(question: FieldQuestion, talk: Talk, onTap: (tap: Tap) => void): HTMLElement {
  const given = talk.answers[question.key];
  const input = el("input", {
    type: "text",
    class: "script-text",
    maxlength: 500,
    "aria-label": question.short_name,
    "data-testid": `answer-${question.key}`,
  });
  input.value = typeof given === "string" ? given : "";
  // Recorded when she leaves the box (or presses enter), as soon as it says something new.
  input.addEventListener("change", () => {
    const text = input.value.trim();
    if (text && text !== given) onTap({ kind: "answer", question: question.key, value: text });
  });
  return input;
}

// The panel for one voter.
export function scriptPanel(book: FieldBook, script: FieldScript, talk: Talk, onTap: (tap: Tap) => void): HTMLElement {
  const steps = el("ol", { class: "script-steps" });
  const path = scriptPath(script, book, talk.answers);
  for (const step of path) {
    const question = step.question ? book.questions.find((q) => q.key === step.question) : undefined;
    append(
      steps,
      el(
        "li",
        { class: "script-step", "data-testid": "script-step", "data-step": step.id },
        step.say ? el("p", { class: "script-say" }, step.say) : null,
        question ? el("p", { class: "script-question" }, question.text) : null,
        question && question.kind !== "text" ? choiceButtons(question, talk, onTap) : null,
        question && question.kind === "text" ? textAnswer(question, talk, onTap) : null,
      ),
    );
  }
  const last = path[path.length - 1];
  const ended = last && !last.question && !last.next;
  const tags = el("div", { class: "script-tags", role: "group", "aria-label": "Tags" });
  for (const tag of book.tags) {
    const on = talk.tags.includes(tag.key);
    const button = el(
      "button",
      {
        type: "button",
        class: on ? "button button-tag chosen" : "button button-tag",
        "aria-pressed": on ? "true" : "false",
        "data-testid": `tag-${tag.key}`,
      },
      tag.label,
    );
    // A tag is added once; the log keeps it (removing one is an organizer's correction).
    if (!on) button.addEventListener("click", () => onTap({ kind: "tag", tag: tag.key }));
    append(tags, button);
  }
  const note = el("textarea", {
    class: "script-note",
    rows: 2,
    maxlength: 2000,
    placeholder: "Note",
    "aria-label": "Note",
    "data-testid": "talk-note",
  });
  note.value = talk.note;
  note.addEventListener("change", () => {
    const text = note.value.trim();
    if (text && text !== talk.note) onTap({ kind: "note", note: text });
  });
  return el(
    "div",
    { class: "script-panel", "data-testid": "script-panel" },
    el("p", { class: "script-title" }, script.title),
    steps,
    ended ? el("p", { class: "script-end", "data-testid": "script-end" }, "End of the script") : null,
    book.tags.length ? el("p", { class: "script-question script-tags-label" }, "Tags") : null,
    book.tags.length ? tags : null,
    note,
  );
}
