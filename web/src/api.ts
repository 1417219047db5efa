// The client of Narwhal's HTTP API (/api/v1/, same origin). Every call returns parsed
// JSON or throws an ApiError carrying the server's application/problem+json body (or a
// problem made up here when the network or the body failed), so views show one kind of
// error. Aborted requests reject with the fetch AbortError, which views ignore.
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

type Params = Record<string, string | number | null | undefined>;

// Set once a login screen exists; sent as a bearer token on every call.
let bearerToken: string | null = null;
export function setBearerToken(token: string | null): void {
  bearerToken = token;
}

async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") {
      url.searchParams.set(name, String(value));
    }
  }
  const headers: Record<string, string> = { Accept: "application/json" };
  if (bearerToken) headers.Authorization = `Bearer ${bearerToken}`;

  let response: Response;
  try {
    response = await fetch(url, { headers, signal, credentials: "same-origin" });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError({
      status: 0,
      title: "Cannot reach the Narwhal server",
      detail: "Check the network connection and try again.",
    });
  }
  if (!response.ok) throw new ApiError(await readProblem(response));
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
