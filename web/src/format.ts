// How voter data reads on screen: names, parties, statuses, dates. Pure functions.

import { joinWords } from "./dom";
import type { Address, VoterSummary } from "./api";

const kPartyNames: Record<string, string> = {
  DEM: "Democratic",
  REP: "Republican",
  UNA: "Unaffiliated",
  LIB: "Libertarian",
  GRE: "Green",
  CST: "Constitution",
  NLB: "No Labels",
  JFA: "Justice For All",
};

export function partyName(code: string | undefined | null): string {
  if (!code) return "Unknown";
  return kPartyNames[code.toUpperCase()] ?? code;
}

const kStatusNames: Record<string, string> = {
  active: "Active",
  inactive: "Inactive",
  temporary: "Temporary (military/overseas)",
  denied: "Denied",
  removed: "Removed",
  unknown: "Unknown",
};

export function statusName(status: string | undefined | null): string {
  if (!status) return "Unknown";
  return kStatusNames[status.toLowerCase()] ?? status;
}

// "SMITH, MARY ANN JR" for lists, sorted by last name.
export function listName(v: VoterSummary): string {
  const given = joinWords(v.first_name, v.middle_name, v.name_suffix);
  if (!v.last_name) return given || "(no name)";
  return given ? `${v.last_name}, ${given}` : v.last_name;
}

// "MARY ANN SMITH JR" for headings.
export function fullName(v: VoterSummary): string {
  return joinWords(v.first_name, v.middle_name, v.last_name, v.name_suffix) || "(no name)";
}

// "2024-11-05" -> "Nov 5, 2024"; anything else is shown as it came.
export function formatDate(iso: string | undefined | null): string {
  if (!iso) return "";
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

// "12 MAIN ST, RALEIGH, NC 27601", empty when nothing is known.
export function formatAddress(a: Address | null | undefined): string {
  if (!a) return "";
  const stateZip = joinWords(a.state, a.zip);
  return [a.street, a.city, stateZip].filter((p) => p && p.trim() !== "").join(", ");
}

// "state_house" -> "State house"
export function humanize(key: string): string {
  const words = key.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// "WAKE FOREST" -> "Wake Forest": county and town names read better in lists that way.
export function titleCase(text: string): string {
  return text
    .toLowerCase()
    .replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

const kVotingMethods: Record<string, string> = {
  "IN-PERSON": "In person",
  "ABSENTEE ONESTOP": "Early voting",
  "ABSENTEE BY MAIL": "By mail",
  "ABSENTEE CURBSIDE": "Curbside",
  PROVISIONAL: "Provisional",
  TRANSFER: "Transfer",
};

// NC's method codes in plain words; unknown ones as they came.
export function votingMethodName(method: string | undefined | null): string {
  if (!method) return "";
  return kVotingMethods[method.toUpperCase()] ?? method;
}

// "11/05/2024 GENERAL" -> "General": the date has its own column.
export function electionName(desc: string | undefined | null): string {
  if (!desc) return "";
  const rest = desc.replace(/^\s*\d{1,2}\/\d{1,2}\/\d{4}\s+/, "");
  return rest ? titleCase(rest) : desc;
}

const kGenders: Record<string, string> = { F: "Female", M: "Male", U: "Undesignated" };

export function genderName(code: string | undefined | null): string {
  if (!code) return "";
  return kGenders[code.toUpperCase()] ?? code;
}
