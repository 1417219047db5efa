// Any hash no route knows: say so and offer the way home.

import { el } from "../dom";
import type { View } from "./view";

export class NotFoundView implements View {
  readonly element = el(
    "section",
    { class: "view", "data-testid": "not-found-view" },
    el("h1", { tabindex: -1 }, "Page not found"),
    el(
      "p",
      {},
      "There is no page at this address. ",
      el("a", { href: "#/" }, "Search for a voter"),
      ".",
    ),
  );

  title(): string {
    return "Not found · Narwhal";
  }

  show(): void {
    this.element.querySelector("h1")?.focus();
  }

  hide(): void {}
}
