// The HTTP API client (docs/http-api.md). Every POST carries X-CSRF-Token: the token from
// GET /api/me, renewed by sign-in and sign-up.
import type { ApiError, ComparedQuestions, HistoryItem, Me, Panels, QuestionRecord, User } from "./types";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

let csrfToken = "";
let currentUser: User | null = null;
const listeners: ((user: User | null) => void)[] = [];

export function user(): User | null {
  return currentUser;
}

export function onUserChange(listener: (user: User | null) => void): void {
  listeners.push(listener);
}

function setSession(me: { user: User | null; csrf_token?: string }): void {
  if (me.csrf_token) csrfToken = me.csrf_token;
  currentUser = me.user;
  for (const listener of listeners) listener(currentUser);
}

async function failure(response: Response): Promise<ApiFailure> {
  let error: ApiError = { code: "http_" + response.status, message: response.statusText };
  try {
    const body = (await response.json()) as { error?: ApiError };
    if (body.error && typeof body.error.message === "string") error = body.error;
  } catch {
    // Not JSON (a proxy's page): the status line says enough.
  }
  const message = error.message || `The server answered ${response.status}.`;
  return new ApiFailure(response.status, error.code, message, response.headers.get("Retry-After"));
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

async function post(path: string, body: unknown, retried = false): Promise<Response> {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 403 && !retried) {
    // A stale token (the session changed in another tab): fetch a fresh one and retry once.
    const copy = response.clone();
    const code = await copy.json().then((b: { error?: ApiError }) => b.error?.code, () => undefined);
    if (code === "csrf") {
      await loadMe();
      return post(path, body, true);
    }
  }
  if (!response.ok) throw await failure(response);
  return response;
}

export async function loadMe(): Promise<Me> {
  const me = await getJson<Me>("/api/me");
  setSession(me);
  return me;
}

export function panels(): Promise<Panels> {
  return getJson<Panels>("/api/panels");
}

export async function ask(question: string, panel: string): Promise<{ id: string; url: string }> {
  const response = await post("/api/questions", { question, panel });
  return (await response.json()) as { id: string; url: string };
}

// Asks question id again on panel; the answer's url is the comparison page.
export async function compare(id: string, panel: string): Promise<{ id: string; url: string }> {
  const response = await post(`/api/questions/${encodeURIComponent(id)}/compare`, { panel });
  return (await response.json()) as { id: string; url: string };
}

export function comparison(a: string, b: string): Promise<ComparedQuestions> {
  return getJson<ComparedQuestions>(`/api/compare/${encodeURIComponent(a)}/${encodeURIComponent(b)}`);
}

export function question(id: string): Promise<QuestionRecord> {
  return getJson<QuestionRecord>(`/api/questions/${encodeURIComponent(id)}`);
}

export async function history(): Promise<HistoryItem[]> {
  const body = await getJson<{ questions: HistoryItem[] }>("/api/questions");
  return body.questions ?? [];
}

export async function signIn(mode: "signin" | "signup", email: string, password: string): Promise<User> {
  const response = await post(`/api/auth/${mode}`, { email, password });
  const body = (await response.json()) as { user: User; csrf_token: string };
  setSession(body);
  return body.user;
}

export async function signOut(): Promise<void> {
  await post("/api/auth/signout", undefined);
  await loadMe();
}
