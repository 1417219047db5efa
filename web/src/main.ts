// The shell: signs the user in, builds the views, routes the URL hash to them, and keeps
// focus and the document title in step for keyboard and screen-reader users. A new page is
// a view module plus a line in `routes` and in `createView` (the poll watcher's strike list,
// headquarters turnout and paper entry are three). It also registers the service worker
// (public/sw.js) and remembers the signed-in user so a reload without network still opens
// the strike list.
//
// Nothing but the login screen is shown without a session: with no token, or when any
// call answers 401, the login screen replaces the page (the address stays, so the page
// that was asked for comes back after the login). Views are built for one user and
// dropped at logout, so nothing of hers stays in the page for the next one.

import "./styles.css";
import { ApiError, getMe, hasSession, logOut, setUnauthorizedHandler, type Me } from "./api";
import { Router, searchHash, type Route } from "./router";
import {
  calls,
  managesCalls,
  canvasses,
  readsContacts,
  entersPaper,
  fixedFilter,
  roleName,
  seesReadiness,
  seesTurnout,
  strikes,
} from "./session";
import { EntryView } from "./views/entry";
import { LoginView } from "./views/login";
import { NotFoundView } from "./views/not_found";
import { ReadinessView } from "./views/readiness";
import { SearchView } from "./views/search";
import { TurnoutView } from "./views/turnout";
import type { View } from "./views/view";
import { VoterView } from "./views/voter";
import { WatchView } from "./views/watch";
import { CallView } from "./views/call";
import { CallProgressView } from "./views/call_progress";
import { CanvassView } from "./views/canvass";
import { TurfsView } from "./views/turfs";
import { VolunteersView } from "./views/volunteers";

const routes = {
  search: "/",
  voter: "/voters/:id",
  readiness: "/readiness",
  volunteers: "/volunteers",
  watch: "/watch",
  turnout: "/turnout",
  entry: "/entry",
  canvass: "/canvass",
  "canvass-turf": "/canvass/:list",
  turfs: "/turfs",
  "turfs-turf": "/turfs/:list",
  call: "/call",
  "call-list": "/call/:list",
  "call-progress": "/call/:list/progress",
};
// Routes shown by another route's view (one canvassing page, with or without a turf; one
// turfs page, with or without a turf chosen).
const viewOf: Record<string, string> = {
  "canvass-turf": "canvass",
  "turfs-turf": "turfs",
  "call-list": "call",
};

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`index.html has no #${id} element`);
  return node as T;
}

const main = byId<HTMLElement>("main");
const userBox = byId<HTMLElement>("app-user");
const userName = byId<HTMLElement>("app-user-name");
const logoutButton = byId<HTMLButtonElement>("logout");
const nav = byId<HTMLElement>("app-nav");
const readinessLink = byId<HTMLAnchorElement>("nav-readiness");
const volunteersLink = byId<HTMLAnchorElement>("nav-volunteers");
const watchLink = byId<HTMLAnchorElement>("nav-watch");
const turnoutLink = byId<HTMLAnchorElement>("nav-turnout");
const entryLink = byId<HTMLAnchorElement>("nav-entry");
const canvassLink = byId<HTMLAnchorElement>("nav-canvass");
const turfsLink = byId<HTMLAnchorElement>("nav-turfs");
const callLink = byId<HTMLAnchorElement>("nav-call");
// The signed-in user as last seen, so a reload without network (a poll watcher at a
// school gym) still opens her offline strike list. The server checks the token on every
// call once the network is back.
const kMeKey = "narwhal.me";

const views = new Map<string, View>();
let active: View | null = null;
let firstRoute = true;
let me: Me | null = null;

const router = new Router(routes, (route) => showRoute(route));
const login = new LoginView((session) => signedIn(session.user));
login.element.hidden = true;
main.appendChild(login.element);

function createView(name: string, user: Me): View {
  switch (name) {
    case "search":
      return new SearchView(router, user);
    case "voter":
      return new VoterView(() => {
        const previous = router.previousRoute();
        return previous?.name === "search"
          ? { href: previous.hash, useHistory: true }
          : { href: searchHash({ ...fixedFilter(user) }), useHistory: false };
      }, readsContacts(user));
    case "readiness":
      return new ReadinessView(router);
    case "volunteers":
      return seesReadiness(user) ? new VolunteersView(router, user) : new NotFoundView();
    case "watch":
      return strikes(user) ? new WatchView(user) : new NotFoundView();
    case "turnout":
      return seesTurnout(user) ? new TurnoutView() : new NotFoundView();
    case "entry":
      return entersPaper(user) ? new EntryView(user) : new NotFoundView();
    case "canvass":
      return canvasses(user) ? new CanvassView(user) : new NotFoundView();
    case "turfs":
      return readsContacts(user) ? new TurfsView() : new NotFoundView();
    case "call":
      return calls(user) ? new CallView(managesCalls(user)) : new NotFoundView();
    case "call-progress":
      return managesCalls(user) ? new CallProgressView() : new NotFoundView();
    default:
      return new NotFoundView();
  }
}

function activate(view: View): void {
  if (active && active !== view) {
    active.hide();
    active.element.hidden = true;
  }
  view.element.hidden = false;
  active = view;
  document.title = view.title();
}

function showRoute(route: Route): void {
  if (!me) {
    activate(login);
    login.show();
    markCurrentNav("");
    return;
  }
  const name = viewOf[route.name] ?? route.name;
  let view = views.get(name);
  if (!view) {
    view = createView(name, me);
    views.set(name, view);
    main.appendChild(view.element);
  }
  activate(view);
  markCurrentNav(name === "call-progress" ? "call" : name);
  view.show(route);
  if (view instanceof SearchView && (firstRoute || route.query.toString() === "")) view.focus();
  firstRoute = false;
}

function setUser(user: Me): void {
  me = user;
  userName.textContent = `${user.name} · ${roleName(user.role)}`;
  userBox.hidden = false;
  nav.hidden = false;
  readinessLink.hidden = !seesReadiness(user);
  volunteersLink.hidden = !seesReadiness(user);
  watchLink.hidden = !strikes(user);
  turnoutLink.hidden = !seesTurnout(user);
  entryLink.hidden = !entersPaper(user);
  canvassLink.hidden = !canvasses(user);
  turfsLink.hidden = !readsContacts(user);
  callLink.hidden = !calls(user);
  firstRoute = true;
  try {
    window.localStorage.setItem(kMeKey, JSON.stringify(user));
  } catch {
    // storage off: no offline reload
  }
}

function signedIn(user: Me): void {
  setUser(user);
  // A canvasser starts on her turfs; a poll watcher on her precinct's list; everyone else
  // where the address says.
  if (user.role === "canvasser" && !window.location.hash.startsWith("#/canvass")) {
    window.location.hash = "#/canvass";
    return;
  }
  const fixed = fixedFilter(user);
  if (fixed.precinct) {
    const home = searchHash({ ...fixed });
    if (window.location.hash !== home) {
      window.location.hash = home; // the hashchange shows it
      return;
    }
  }
  router.refresh();
}

// Back to the login screen, dropping every view built for the user.
function signedOut(notice: string): void {
  me = null;
  for (const view of views.values()) {
    view.hide();
    view.element.remove();
  }
  views.clear();
  active = null;
  userBox.hidden = true;
  nav.hidden = true;
  userName.textContent = "";
  readinessLink.hidden = true;
  volunteersLink.hidden = true;
  watchLink.hidden = true;
  turnoutLink.hidden = true;
  entryLink.hidden = true;
  canvassLink.hidden = true;
  turfsLink.hidden = true;
  callLink.hidden = true;
  try {
    window.localStorage.removeItem(kMeKey);
  } catch {
    // nothing stored
  }
  login.setNotice(notice);
  showRoute(router.match(window.location.hash));
}

function markCurrentNav(name: string): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>("#app-nav a[data-route]")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

setUnauthorizedHandler(() => {
  if (me) signedOut("Your session has ended. Enter your login code again.");
});

logoutButton.addEventListener("click", () => {
  logoutButton.disabled = true;
  void logOut()
    .catch(() => {}) // the token is forgotten here whatever the server said
    .finally(() => {
      logoutButton.disabled = false;
      window.location.hash = "#/";
      signedOut("You are logged out.");
    });
});

// The skip link points at #main, which the hash router would take for a page; move focus
// by hand instead.
document.querySelector(".skip-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

// A stored token is checked (and the user's assignment fetched) before any page shows, so
// a reload neither flashes the login screen nor shows a page the user may not see.
async function boot(): Promise<void> {
  if (hasSession()) {
    try {
      setUser(await getMe());
    } catch (error) {
      // No network: the user last seen with this token, when there is one.
      const offline = error instanceof ApiError && error.problem.status === 0;
      const cached = offline && hasSession() ? cachedMe() : null;
      if (cached) {
        setUser(cached);
      } else if (hasSession()) {
        // A 401 dropped the token; anything else is said on the login screen.
        login.setNotice(
          error instanceof Error
            ? `${error.message}. Reload the page to try again.`
            : "Reload the page to try again.",
        );
      }
    }
  }
  router.start();
}

function cachedMe(): Me | null {
  try {
    const text = window.localStorage.getItem(kMeKey);
    return text ? (JSON.parse(text) as Me) : null;
  } catch {
    return null;
  }
}

// The service worker keeps the app shell for offline loads (web/public/sw.js).
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  });
}

void boot();
