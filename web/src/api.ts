// The client of Narwhal's HTTP API (/api/v1/, same origin). Every call returns parsed
// JSON or throws an ApiError carrying the server's application/problem+json body (or a
// problem made up here when the network or the body failed), so views show one kind of
// error. Aborted requests reject with the fetch AbortError, which views ignore.
//
// Every call carries the session's bearer token; a 401 drops the token and hands control
// to the shell's login screen (setUnauthorizedHandler).
//
// Field types mirror docs/api.md; every field is optional on the reading side so that a
// missing or null field shows as "unknown" instead of breaking a page.

export interface Problem {
  title: string;
  detail?: string;
  status: number;
  type?: string;
  code?: string;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = "ApiError";
    this.problem = problem;
  }
}

export interface PrecinctSummary {
  county: string;
  county_name?: string;
  precinct: string;
  precinct_name?: string;
  voters?: number;
}

export interface VoterSummary {
  voter_id: string;
  last_name?: string;
  first_name?: string;
  middle_name?: string;
  name_suffix?: string;
  county?: string;
  precinct?: string;
  registration_number?: string;
  street?: string;
  city?: string;
  birth_year?: number | null;
  party?: string;
  status?: string;
}

export interface VoterPage {
  voters: VoterSummary[];
  next_cursor: string | null;
}

export interface Address {
  street?: string;
  city?: string;
  state?: string;
  zip?: string;
}

export interface HistoryEntry {
  election_date?: string;
  election_desc?: string;
  voting_method?: string;
  party?: string;
  county?: string;
  precinct?: string;
}

export interface VoterRecord extends VoterSummary {
  state?: string;
  county_name?: string;
  precinct_name?: string;
  residence?: Address | null;
  mailing_address?: string | null;
  mailing?: Address | null;
  status_reason?: string;
  registration_date?: string | null;
  phone?: string;
  gender?: string;
  race?: string;
  ethnicity?: string;
  districts?: Record<string, string> | null;
  extra?: Record<string, string> | null;
  history?: HistoryEntry[] | null;
  removed_at?: string | null;
  updated_at?: string | null;
}

export interface VoterSearch {
  q?: string;
  county?: string;
  precinct?: string;
  limit?: number;
  cursor?: string | null;
}

export interface Scope {
  counties?: string[];
  precincts?: Array<{ county: string; precinct: string }>;
  turfs?: string[];
}

// The signed-in user, as GET /api/v1/me and POST /api/v1/sessions describe her.
export interface Me {
  id: number;
  name: string;
  role: string; // "admin", "organizer", "analyst", "poll_watcher", "canvasser", "phone_banker"
  scope?: Scope;
}

export interface SessionInfo {
  token: string;
  expires_at?: string;
  user: Me;
}

export interface ReadinessVolunteer {
  id: number;
  name: string;
  phone?: string;
  field_office?: string;
}

export interface ReadinessRow {
  county: string;
  precinct: string;
  precinct_name?: string;
  assigned?: number;
  logged_in?: number;
  not_logged_in_count?: number;
  not_logged_in?: ReadinessVolunteer[]; // left out for analysts
}

type Params = Record<string, string | number | null | undefined>;

// The session token: a bearer token in localStorage (docs/web.md says why), sent on every
// call. A 401 from any call but the login itself drops it and tells the shell, which shows
// the login screen.
const kTokenKey = "narwhal.session";
let bearerToken: string | null = readStoredToken();
let onUnauthorized: (problem: Problem) => void = () => {};

function readStoredToken(): string | null {
  try {
    return window.localStorage.getItem(kTokenKey);
  } catch {
    return null; // storage disabled: the session lasts as long as the page
  }
}

export function hasSession(): boolean {
  return bearerToken !== null;
}

export function setBearerToken(token: string | null): void {
  bearerToken = token;
  try {
    if (token) window.localStorage.setItem(kTokenKey, token);
    else window.localStorage.removeItem(kTokenKey);
  } catch {
    // Private browsing with storage off: keep the token in memory only.
  }
}

// `handler` runs when the server answers 401 to a call made with a token.
export function setUnauthorizedHandler(handler: (problem: Problem) => void): void {
  onUnauthorized = handler;
}

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  params?: Params;
  body?: unknown;
  signal?: AbortSignal;
  // The login call: no token is sent, and a 401 there is a wrong code, not an ended session.
  anonymous?: boolean;
  // Logging out: a 401 means the session had ended already, which is what was wanted.
  quietUnauthorized?: boolean;
  // A body sent as is, with its own Content-Type (a CSV sheet), instead of `body` as JSON.
  raw?: { body: string; type: string };
  accept?: string;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError({
      status: response.status,
      title: "Unexpected answer from the server",
      detail: "The response was not valid JSON.",
    });
  }
}

// One call, answered: a successful Response, or an ApiError (a 401 also ends the session).
// `raw` sends a body as is, with its own Content-Type (a CSV sheet).
async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(options.params ?? {})) {
    if (value !== undefined && value !== null && value !== "") {
      url.searchParams.set(name, String(value));
    }
  }
  const headers: Record<string, string> = { Accept: options.accept ?? "application/json" };
  const token = options.anonymous ? null : bearerToken;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.raw) headers["Content-Type"] = options.raw.type;

  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "GET",
      headers,
      body: options.raw ? options.raw.body : options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
      credentials: "omit", // no cookies: the bearer token is the only credential
      cache: "no-store",
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError({
      status: 0,
      title: "Cannot reach the Narwhal server",
      detail: "Check the network connection and try again.",
    });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !options.anonymous && !options.quietUnauthorized) {
      // Only the token this call was made with is dropped: a newer login stays.
      if (token !== null && bearerToken === token) setBearerToken(null);
      onUnauthorized(problem);
    }
    throw new ApiError(problem);
  }
  return response;
}

function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { params, signal });
}

async function readProblem(response: Response): Promise<Problem> {
  const fallback: Problem = {
    status: response.status,
    title: response.statusText || `Request failed (HTTP ${response.status})`,
  };
  if (!(response.headers.get("Content-Type") ?? "").includes("json")) return fallback;
  try {
    const body = (await response.json()) as Partial<Problem>;
    return {
      status: typeof body.status === "number" ? body.status : response.status,
      title: typeof body.title === "string" && body.title ? body.title : fallback.title,
      detail: typeof body.detail === "string" ? body.detail : undefined,
      type: typeof body.type === "string" ? body.type : undefined,
      code: typeof body.code === "string" ? body.code : undefined,
    };
  } catch {
    return fallback;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export function listPrecincts(signal?: AbortSignal): Promise<{ precincts: PrecinctSummary[] }> {
  return getJson("/api/v1/precincts", {}, signal);
}

export function searchVoters(search: VoterSearch, signal?: AbortSignal): Promise<VoterPage> {
  return getJson(
    "/api/v1/voters",
    {
      q: search.q?.trim(),
      county: search.county,
      precinct: search.precinct,
      limit: search.limit ?? 25,
      cursor: search.cursor,
    },
    signal,
  );
}

export function getVoter(voterId: string, signal?: AbortSignal): Promise<VoterRecord> {
  return getJson(`/api/v1/voters/${encodeURIComponent(voterId)}`, {}, signal);
}

// Exchanges a login code for a session and keeps its token.
export async function logIn(code: string): Promise<SessionInfo> {
  const session = await request<SessionInfo>("/api/v1/sessions", {
    method: "POST",
    body: { code },
    anonymous: true,
  });
  setBearerToken(session.token);
  return session;
}

// Ends the session on the server (best effort) and forgets the token either way.
export interface CodeTestResult {
  user: Me;
  expires_at: string;
  tested_at: string;
}

// Checks a login code without spending it (no session is opened).
export function testCode(code: string): Promise<CodeTestResult> {
  return request("/api/v1/sessions/test", { method: "POST", body: { code }, anonymous: true });
}

export async function logOut(): Promise<void> {
  try {
    if (bearerToken) {
      await request<void>("/api/v1/sessions/current", {
        method: "DELETE",
        quietUnauthorized: true,
      });
    }
  } finally {
    setBearerToken(null);
  }
}

export function getMe(signal?: AbortSignal): Promise<Me> {
  return getJson("/api/v1/me", {}, signal);
}

export function getReadiness(
  county: string,
  signal?: AbortSignal,
): Promise<{ precincts: ReadinessRow[] }> {
  return getJson("/api/v1/readiness", { county }, signal);
}

// Election day: strikes, undo, turnout and its change feed (docs/election-day.md).
export interface StrikeItem {
  voter_id: string;
  idempotency_key: string;
  // Who reported it: "poll_watcher" (the server's default) or "paper_entry" (keyed in at a
  // field office from a handwritten list).
  source?: "poll_watcher" | "paper_entry";
}

export interface StrikeResult {
  voter_id: string;
  idempotency_key: string;
  outcome?: "struck" | "already_struck" | "replayed";
  strike_id?: number;
  struck_at?: string;
  error?: Problem;
}

// Sends a batch of items (strikes, contacts) to `path` as {member: items}. A body the
// server will never take is refused as a whole (400, or 413 when too large: one malformed
// item, such as a key over 100 characters, makes the whole batch invalid); then each half
// is sent on its own, and so on down to the item it cannot take, which comes back with its
// error, while every other item goes through: an outbox is never stuck behind one bad
// entry. Returns answers for a leading part of `items` when a later part could not be sent
// (the rest stays queued); throws when nothing was answered and on what is worth retrying
// (network, 401, 403, 429, 5xx).
async function postBatch<I extends { voter_id: string; idempotency_key: string }, R>(
  path: string,
  member: string,
  items: I[],
  signal?: AbortSignal,
): Promise<{ results: R[] }> {
  try {
    return await request<{ results: R[] }>(path, { method: "POST", body: { [member]: items }, signal });
  } catch (error) {
    const status = error instanceof ApiError ? error.problem.status : 0;
    if (!(error instanceof ApiError) || (status !== 400 && status !== 413)) throw error;
    if (items.length === 1) {
      const { voter_id, idempotency_key } = items[0];
      return { results: [{ voter_id, idempotency_key, error: error.problem } as R] };
    }
    const half = Math.ceil(items.length / 2);
    const first = await postBatch<I, R>(path, member, items.slice(0, half), signal);
    if (first.results.length < half) return first;
    try {
      const second = await postBatch<I, R>(path, member, items.slice(half), signal);
      return { results: [...first.results, ...second.results] };
    } catch {
      return first; // the second half waits for the next round
    }
  }
}

// Sends strikes as one batch (postBatch).
export function postStrikes(
  strikes: StrikeItem[],
  signal?: AbortSignal,
): Promise<{ results: StrikeResult[] }> {
  return postBatch<StrikeItem, StrikeResult>("/api/v1/strikes", "strikes", strikes, signal);
}

export function undoStrike(voterId: string, reason: string): Promise<unknown> {
  return request("/api/v1/strikes/undo", {
    method: "POST",
    body: { voter_id: voterId, reason },
  });
}

export interface TurnoutSums {
  registered: number;
  voted: number;
  supporters: number;
  supporters_voted: number;
  supporters_to_go: number;
  expected?: number;
  last_report_at?: string | null;
}

export interface TurnoutPrecinct extends TurnoutSums {
  county: string;
  precinct: string;
  precinct_name?: string;
}

export interface Turnout {
  election: string;
  overall: TurnoutSums;
  counties: Array<TurnoutSums & { county: string }>;
  precincts: TurnoutPrecinct[];
  quiet_precincts: TurnoutPrecinct[];
  // Present when the database did not answer: these are the last numbers the server read.
  stale?: { age_ms: number; as_of: string; reason: string };
}

export function getTurnout(county: string, signal?: AbortSignal): Promise<Turnout> {
  return getJson("/api/v1/turnout", { county }, signal);
}

// Follows GET /api/v1/turnout/events (Server-Sent Events) until the stream ends, the
// signal aborts or the network fails: calls `onTurnout` with every turnout message. Read
// with fetch rather than EventSource, because EventSource cannot send the bearer token.
// Resolves when the server ended the stream (reconnect); rejects with ApiError when it
// refused it (a 429 past its stream limit, a 401 for an ended session).
export async function followTurnout(
  onTurnout: (t: Turnout) => void,
  signal: AbortSignal,
): Promise<void> {
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  const token = bearerToken;
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(new URL("/api/v1/turnout/events", window.location.origin), {
      headers,
      signal,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError({ status: 0, title: "Cannot reach the Narwhal server" });
  }
  if (!response.ok || response.body === null) {
    const problem = await readProblem(response);
    if (response.status === 401 && token !== null && bearerToken === token) {
      setBearerToken(null);
      onUnauthorized(problem);
    }
    throw new ApiError(problem);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value.replace(/\r\n?/g, "\n");
    let end: number;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (event === "turnout" && data.length > 0) onTurnout(JSON.parse(data.join("\n")) as Turnout);
    }
  }
}

export interface TurnoutChanges {
  events: Array<{ id: number; county: string; precinct: string; undone?: boolean; at?: string }>;
  next_after: number;
}

export function getTurnoutChanges(
  after: number,
  wait: number,
  signal?: AbortSignal,
): Promise<TurnoutChanges> {
  return getJson("/api/v1/turnout/changes", { after, wait, limit: 1000 }, signal);
}

// One contact as a canvasser's phone reports it (POST /api/v1/contacts).
export interface ContactItem {
  voter_id: string;
  idempotency_key: string;
  // A result code: "C", "NH", a campaign's own... Empty when the item only adds answers,
  // support, tags or a note to the visit.
  result: string;
  channel?: "door" | "phone" | "text" | "mail" | "email";
  support?: number; // 1 (strong for us) .. 5
  answers?: Record<string, string | string[]>; // question key -> choice key(s) or text
  tags?: string[]; // the field book's tag keys
  note?: string;
  client_at?: string;
  turf?: string; // the list number
}

export interface ContactResult {
  voter_id: string;
  idempotency_key: string;
  outcome?: "recorded" | "replayed";
  contact_id?: number;
  error?: Problem;
}

// Sends contacts as one batch (postBatch).
export function postContacts(
  contacts: ContactItem[],
  signal?: AbortSignal,
): Promise<{ results: ContactResult[] }> {
  return postBatch<ContactItem, ContactResult>("/api/v1/contacts", "contacts", contacts, signal);
}

export interface TurfVoter {
  voter_id: string;
  name: string;
  age: number | null;
  gender: string;
  party: string;
  removed: boolean;
  last: {
    result: string;
    support: number | null;
    at: string;
    user_id: number;
    contact_id: number;
  } | null;
}

export interface TurfStop {
  stop: number;
  address: string;
  lat?: number;
  lon?: number;
  voters: TurfVoter[];
}

// A kept turf as GET /api/v1/turfs/{list_number} gives it: its doors in walk order.
export interface TurfSheet extends TurfSummary {
  stops: TurfStop[];
}

export function getTurf(listNumber: string, signal?: AbortSignal): Promise<TurfSheet> {
  return request<TurfSheet>(`/api/v1/turfs/${encodeURIComponent(listNumber)}`, { signal });
}

export interface ResultCode {
  code: string;
  name: string;
  category: "success" | "retry" | "suppress";
  scope: "person" | "household" | "address";
}

// The campaign's field book (GET /api/v1/field-book; docs/field.md).
export interface FieldChoice {
  key: string;
  label: string;
}
export interface FieldQuestion {
  key: string;
  short_name: string;
  text: string;
  kind: "single" | "multi" | "text";
  choices?: FieldChoice[];
}
export interface ScriptStep {
  id: string;
  say?: string;
  question?: string;
  branches?: Record<string, string>; // choice key -> step id
  next?: string;
}
export interface FieldScript {
  key: string;
  title: string;
  channels: string[];
  steps: ScriptStep[];
}
export interface FieldBook {
  result_codes: ResultCode[];
  questions: FieldQuestion[];
  tags: FieldChoice[];
  scripts: FieldScript[];
}
export interface SavedFieldBook {
  version: number;
  book: FieldBook;
}

export function getFieldBook(signal?: AbortSignal): Promise<SavedFieldBook> {
  return request<SavedFieldBook>("/api/v1/field-book", { signal });
}

export function getResultCodes(signal?: AbortSignal): Promise<{ result_codes: ResultCode[] }> {
  return request<{ result_codes: ResultCode[] }>("/api/v1/result-codes", { signal });
}

// One contact of a voter's timeline (GET /api/v1/voters/{id}/contacts).
export interface ContactRecord {
  id: number;
  voter_id: string;
  channel: string;
  result: string;
  result_name: string;
  category: string;
  support: number | null;
  answers: Record<string, string>; // choice keys of a multiple-choice answer joined by ';'
  tags: string[];
  note: string;
  user_id: number;
  at: string;
  client_at: string | null;
  list_id: number | null;
  turf: string | null;
}

export function getVoterContacts(
  voterId: string,
  signal?: AbortSignal,
): Promise<{ contacts: ContactRecord[] }> {
  return request<{ contacts: ContactRecord[] }>(
    `/api/v1/voters/${encodeURIComponent(voterId)}/contacts?limit=50`,
    { signal },
  );
}

// A kept turf as GET /api/v1/turfs lists it, with its progress.
export interface TurfSummary {
  list_number: string;
  cut_id: number;
  number: number;
  of: number;
  county: string;
  precinct: string;
  doors: number;
  voters: number;
  route_metres: number;
  minutes: number;
  drive: boolean;
  created_at: string;
  doors_contacted: number;
  voters_contacted: number;
}

export function listTurfs(signal?: AbortSignal): Promise<{ turfs: TurfSummary[] }> {
  return request<{ turfs: TurfSummary[] }>("/api/v1/turfs", { signal });
}

export interface CanvasserActivity {
  user_id: number;
  name: string;
  contacts: number;
  doors: number;
  voters: number;
  voters_reached: number;
  contact_rate: number;
  minutes_between_doors: number;
  first_at: string;
  last_at: string;
}

export interface TurfActivity extends TurfSummary {
  canvassers: CanvasserActivity[];
  // The doors for the map, in walk order, without names.
  stops: Array<{ stop: number; address: string; lat?: number; lon?: number; reached: boolean }>;
}

export function getTurfActivity(listNumber: string, signal?: AbortSignal): Promise<TurfActivity> {
  return request<TurfActivity>(`/api/v1/turfs/${encodeURIComponent(listNumber)}/activity`, { signal });
}

// Phone banks (docs/field.md): call lists, claims with leases, results.
export interface CallList {
  id: number;
  name: string;
  voter_list_id: number;
  script: string;
  call_from: string; // "09:00", local time of each person
  call_until: string;
  people: number;
  done: number;
  held: number;
  waiting: number;
  dropped: number; // held back by the do-not-contact list when their turn came
  left: number;
}

// GET /api/v1/call-lists/{id} as an organizer reads it.
export interface CallListDetail extends CallList {
  zones: Array<{ zone: string; label: string; left: number; open_now: boolean; local_time: string }>;
  callers?: Array<{ user_id: number; name: string }>;
  activity?: {
    callers_holding: number;
    minutes: number;
    calls_finished: number;
    per_minute: number;
    called: number;
    reached: number;
    contact_rate: number | null;
    runs_out_in_minutes: number | null;
    results: Array<{ code: string; name: string; category: string; people: number }>;
  };
}

export interface CallClaim {
  list_id: number;
  position: number;
  phone: string;
  phones: string[];
  phone_index: number;
  attempts: number;
  lease_until: string;
  lease_seconds: number;
  zone: { zone?: string; label: string; local_time: string };
  voter: {
    voter_id: string;
    name: string;
    first_name: string;
    last_name: string;
    age: number | null;
    gender: string;
    party: string;
    city: string;
    zip: string;
  };
  // The others of the list at her door, leased to the same caller (a claim's only).
  household?: CallClaim[];
}

export interface CallOutcome {
  contact_id: number;
  outcome: "recorded" | "replayed";
  finished: boolean;
  next_call_at: string | null;
}

export interface CallResultBody {
  voter_id: string;
  idempotency_key: string;
  result: string;
  answers?: Record<string, string | string[]>;
  tags?: string[];
  note?: string;
  call_back_at?: string;
  client_at?: string;
}

export function listCallLists(signal?: AbortSignal): Promise<{ call_lists: CallList[] }> {
  return request<{ call_lists: CallList[] }>("/api/v1/call-lists", { signal });
}

export function getCallList(id: number, signal?: AbortSignal): Promise<CallListDetail> {
  return request<CallListDetail>(`/api/v1/call-lists/${id}`, { signal });
}

export function claimCall(
  id: number,
  leaseSeconds: number,
  signal?: AbortSignal,
): Promise<{ claim: CallClaim | null; reason?: string }> {
  // The page handles a household in one call: the others at the door come with the claim.
  return request(`/api/v1/call-lists/${id}/claim`, {
    method: "POST",
    body: { lease_seconds: leaseSeconds, household: true },
    signal,
  });
}

export function renewCall(
  id: number,
  position: number,
  leaseSeconds: number,
): Promise<{ lease_until: string; lease_seconds: number }> {
  return request(`/api/v1/call-lists/${id}/calls/${position}/renew`, {
    method: "POST",
    body: { lease_seconds: leaseSeconds },
  });
}

export function recordCall(id: number, position: number, body: CallResultBody): Promise<CallOutcome> {
  return request<CallOutcome>(`/api/v1/call-lists/${id}/calls/${position}/result`, {
    method: "POST",
    body,
  });
}

// --- volunteers (the organizer's console) ---

export interface VolunteerScope {
  counties: string[];
  precincts: Array<{ county: string; precinct: string }>;
  turfs: string[];
}

export interface Volunteer {
  id: number;
  name: string;
  phone: string;
  email: string;
  role: string;
  scope: VolunteerScope;
  field_office: string;
  created_at: string | null;
  first_login_at: string | null;
  last_seen_at: string | null;
  code_tested_at: string | null;
  disabled: boolean;
}

export interface VolunteerFields {
  name?: string;
  role?: string;
  phone?: string;
  email?: string;
  county?: string;
  precinct?: string;
  field_office?: string;
  turfs?: string[];
  disabled?: boolean;
}

export interface SheetReject {
  line: number;
  column: string;
  reason: string;
  record: string;
}

export interface SheetImport {
  rows: number;
  imported: number;
  rejected: number;
  rejects: SheetReject[];
  users: Volunteer[];
}

export interface IssuedVolunteerCode {
  user: Volunteer;
  code: string;
  expires_at: string;
}

export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

export function listVolunteers(
  filter: { county?: string; role?: string; cursor?: string },
  signal?: AbortSignal,
): Promise<{ users: Volunteer[]; next_cursor: string | null }> {
  return getJson("/api/v1/users", { ...filter, limit: 1000 }, signal);
}

export function addVolunteer(fields: VolunteerFields): Promise<IssuedVolunteerCode> {
  return request("/api/v1/users", { method: "POST", body: fields });
}

export function changeVolunteer(id: number, fields: VolunteerFields): Promise<Volunteer> {
  return request(`/api/v1/users/${id}`, { method: "PATCH", body: fields });
}

export function importVolunteers(sheet: string): Promise<SheetImport> {
  return request("/api/v1/users/import", {
    method: "POST",
    raw: { body: sheet, type: "text/csv; charset=utf-8" },
  });
}

export function reissueCode(id: number): Promise<{ user_id: number; code: string; expires_at: string }> {
  return request(`/api/v1/users/${id}/login-code`, { method: "POST", body: {} });
}

export function endSessions(id: number): Promise<{ revoked: number }> {
  return request(`/api/v1/users/${id}/sessions`, { method: "DELETE" });
}

async function download(path: string, options: RequestOptions): Promise<DownloadedFile> {
  const response = await send(path, options);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const match = /filename="([^"]+)"/.exec(disposition);
  return { blob: await response.blob(), fileName: match ? match[1] : "download" };
}

// Fresh codes for the volunteers, as a credential sheet (pdf) or CSV; earlier codes of
// theirs stop working.
export function printCodes(userIds: number[], format: "pdf" | "csv"): Promise<DownloadedFile> {
  return download("/api/v1/users/credentials", {
    method: "POST",
    body: { user_ids: userIds, format, login_url: window.location.origin + "/" },
    accept: format === "pdf" ? "application/pdf" : "text/csv",
  });
}

export function exportVolunteers(filter: { county?: string; not_ready?: boolean }): Promise<DownloadedFile> {
  return download("/api/v1/users/export", {
    params: { county: filter.county, not_ready: filter.not_ready ? "true" : undefined },
    accept: "text/csv",
  });
}
