// The shell: builds the views, routes the URL hash to them, and keeps focus and the
// document title in step for keyboard and screen-reader users. New pages (login, the
// poll watcher's strike list, headquarters turnout) are a view module plus a line in
// `routes` and in `createView`.

import "./styles.css";
import { Router, searchHash, type Route } from "./router";
import { NotFoundView } from "./views/not_found";
import { SearchView } from "./views/search";
import type { View } from "./views/view";
import { VoterView } from "./views/voter";

const routes = {
  search: "/",
  voter: "/voters/:id",
};

const main = document.getElementById("main");
if (!main) throw new Error("index.html has no #main element");

const views = new Map<string, View>();
let active: View | null = null;
let firstRoute = true;

const router = new Router(routes, (route) => showRoute(route));

function createView(name: string): View {
  switch (name) {
    case "search":
      return new SearchView(router);
    case "voter":
      return new VoterView(() => {
        const previous = router.previousRoute();
        return previous?.name === "search"
          ? { href: previous.hash, useHistory: true }
          : { href: searchHash({}), useHistory: false };
      });
    default:
      return new NotFoundView();
  }
}

function showRoute(route: Route): void {
  let view = views.get(route.name);
  if (!view) {
    view = createView(route.name);
    views.set(route.name, view);
    main!.appendChild(view.element);
  }
  if (active && active !== view) {
    active.hide();
    active.element.hidden = true;
  }
  view.element.hidden = false;
  active = view;
  document.title = view.title();
  markCurrentNav(route.name);
  view.show(route);
  if (view instanceof SearchView && (firstRoute || route.query.toString() === "")) view.focus();
  firstRoute = false;
}

function markCurrentNav(name: string): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>("#app-nav a[data-route]")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

// The skip link points at #main, which the hash router would take for a page; move focus
// by hand instead.
document.querySelector(".skip-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

router.start();
