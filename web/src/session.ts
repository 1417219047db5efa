// What the signed-in user may see, as the pages need it: which filters are fixed to her
// assignment and which links she gets. The server enforces all of it (every voter query is
// limited to the caller's scope); this only keeps the page from offering what would fail.

import type { Me, PrecinctSummary } from "./api";

// Search filters fixed by the user's assignment; "" leaves a filter free.
export interface FixedFilter {
  county: string;
  precinct: string;
}

export function roleName(role: string): string {
  return role.replace(/_/g, " ");
}

// Organizers and admins follow who has logged in before election day.
export function seesReadiness(me: Me): boolean {
  return me.role === "admin" || me.role === "organizer";
}

// Who strikes voters from the strike list: poll watchers (admins and organizers strike
// through the API and paper-list entry).
export function strikes(me: Me): boolean {
  return me.role === "poll_watcher";
}

// Who keys in strike lists phoned in or brought to a field office (#/entry).
export function entersPaper(me: Me): boolean {
  return me.role === "admin" || me.role === "organizer";
}

// Who opens turfs by list number and records results at the door (#/canvass): canvassers
// on their turfs, organizers and admins on any of theirs.
export function canvasses(me: Me): boolean {
  return me.role === "canvasser" || me.role === "admin" || me.role === "organizer";
}

// Who reads voters' contact timelines (the voter page's "Contacts").
export function readsContacts(me: Me): boolean {
  return me.role === "admin" || me.role === "organizer";
}

// Who sees headquarters turnout.
export function seesTurnout(me: Me): boolean {
  return me.role === "admin" || me.role === "organizer" || me.role === "analyst";
}

function limited(me: Me): boolean {
  return me.role !== "admin";
}

// One precinct (a poll watcher): county and precinct fixed. Precincts of one county, or
// one county: the county fixed. Anything else: nothing fixed.
export function fixedFilter(me: Me): FixedFilter {
  const none = { county: "", precinct: "" };
  if (!limited(me)) return none;
  const counties = me.scope?.counties ?? [];
  const precincts = me.scope?.precincts ?? [];
  if (counties.length === 0 && precincts.length === 1) {
    return { county: precincts[0].county, precinct: precincts[0].precinct };
  }
  const all = new Set([...counties, ...precincts.map((p) => p.county)]);
  if (all.size === 1) return { county: [...all][0], precinct: "" };
  return none;
}

// The precincts the user's assignment covers, out of `precincts`; all of them for an admin.
export function precinctsInScope(me: Me, precincts: PrecinctSummary[]): PrecinctSummary[] {
  if (!limited(me)) return precincts;
  const counties = new Set(me.scope?.counties ?? []);
  const own = new Set((me.scope?.precincts ?? []).map((p) => `${p.county}\u0000${p.precinct}`));
  if (counties.size === 0 && own.size === 0) return precincts; // let the server decide
  return precincts.filter(
    (p) => counties.has(p.county) || own.has(`${p.county}\u0000${p.precinct}`),
  );
}

// Who calls voters from a call list (#/call): phone bankers on the lists assigned to them,
// organizers and admins on any.
export function calls(me: Me): boolean {
  return me.role === "phone_banker" || me.role === "admin" || me.role === "organizer";
}

// Who watches how a call list is being worked (#/call/:list/progress): organizers, admins.
export function managesCalls(me: Me): boolean {
  return me.role === "admin" || me.role === "organizer";
}
