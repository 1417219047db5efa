// A tiny hash router: "#/voters/BN123456?x=1" -> { name: "voter", params: { id }, query }.
// The hash keeps every page addressable and makes the browser's back button work without
// any server-side routing (the server answers index.html for "/").

export interface Route {
  name: string; // the matched route's name, or "not-found"
  params: Record<string, string>; // ":name" segments, decoded
  query: URLSearchParams;
  hash: string; // the hash as matched, "#/voters/BN1"
}

interface Pattern {
  name: string;
  segments: string[];
}

export class Router {
  private readonly patterns: Pattern[];
  private readonly onRoute: (route: Route) => void;
  private current: Route | null = null;
  private previous: Route | null = null;

  // `routes` maps a name to a path pattern ("/voters/:id"); the first match wins.
  constructor(routes: Record<string, string>, onRoute: (route: Route) => void) {
    this.patterns = Object.entries(routes).map(([name, path]) => ({
      name,
      segments: splitPath(path),
    }));
    this.onRoute = onRoute;
  }

  start(): void {
    window.addEventListener("hashchange", () => this.dispatch());
    this.dispatch();
  }

  // Shows the current address again (after a login, say).
  refresh(): void {
    this.dispatch();
  }

  // The route shown before the current one, or null on the first page.
  previousRoute(): Route | null {
    return this.previous;
  }

  // Changes the hash without a history entry or a re-render: for state the current view
  // already shows (the search box), so a reload or "back" lands on the same state.
  replace(hash: string): void {
    if (window.location.hash === hash) return;
    window.history.replaceState(window.history.state, "", hash);
    if (this.current) this.current = this.match(hash);
  }

  match(hash: string): Route {
    const raw = hash.replace(/^#/, "") || "/";
    const queryStart = raw.indexOf("?");
    const path = queryStart >= 0 ? raw.slice(0, queryStart) : raw;
    const query = new URLSearchParams(queryStart >= 0 ? raw.slice(queryStart + 1) : "");
    const segments = splitPath(path);
    for (const pattern of this.patterns) {
      const params = matchSegments(pattern.segments, segments);
      if (params) return { name: pattern.name, params, query, hash: `#${raw}` };
    }
    return { name: "not-found", params: {}, query, hash: `#${raw}` };
  }

  private dispatch(): void {
    const route = this.match(window.location.hash);
    this.previous = this.current;
    this.current = route;
    this.onRoute(route);
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith(":")) {
      try {
        params[p.slice(1)] = decodeURIComponent(actual[i]);
      } catch {
        return null; // malformed escape: treat as no match
      }
    } else if (p !== actual[i]) {
      return null;
    }
  }
  return params;
}

// "#/voters/BN%201" for voterHash("BN 1").
export function voterHash(voterId: string): string {
  return `#/voters/${encodeURIComponent(voterId)}`;
}

// "#/?q=smith&county=92" with empty values left out.
export function searchHash(values: Record<string, string>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) query.set(name, value);
  const text = query.toString();
  return text ? `#/?${text}` : "#/";
}
