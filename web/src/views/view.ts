// The contract between the shell (main.ts) and each page. A view owns one root element
// that the shell attaches once and hides while another view is shown, so a view keeps its
// state (the search box and its results) across a visit to another page.

import type { Route } from "../router";

export interface View {
  readonly element: HTMLElement;
  // Called each time the route selects this view, after the element is visible.
  show(route: Route): void;
  // Called when another view takes over; cancel requests in flight here.
  hide(): void;
  // The document title while the view is shown.
  title(): string;
}
