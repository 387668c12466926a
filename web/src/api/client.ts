import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** REST shapes, all generated from the server's OpenAPI document (npm run web:types). */
export type Schemas = components['schemas'];
export type Me = Schemas['MeDto'];
export type Org = Schemas['OrgDto'];
export type FolderName = Me['folders'][number];
export type FolderCount = Schemas['FolderCountDto'];
export type ConversationSummary = Schemas['ConversationSummaryDto'];
export type ConversationDetail = Schemas['ConversationDetailDto'];
export type Message = Schemas['MessageDto'];
export type Member = Schemas['MemberDto'];
export type Unit = Schemas['UnitDto'];
export type Customer = Schemas['CustomerDto'];
export type Notification = Schemas['NotificationDto'];
export type EligibleAssignee = Schemas['EligibleAssigneeDto'];
/** A `conversation.upserted` socket payload: the folder-list summary plus my folders holding it. */
export type ConversationUpserted = ConversationSummary & { folders: FolderName[] };

const TOKEN_KEY = 'omni.token';
export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (t: string) => localStorage.setItem(TOKEN_KEY, t),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** Raised for any non-2xx answer; `status` 401 sends the console back to the login screen. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = tokenStore.get();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

function apiError(error: unknown, response: Response): ApiError {
  const msg = (error as { message?: string | string[] } | undefined)?.message;
  return new ApiError(response.status, Array.isArray(msg) ? msg.join('; ') : (msg ?? response.statusText));
}

/** Unwraps an openapi-fetch result: the typed data, or an ApiError with the server's message. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) throw apiError(error, response);
  return data;
}

/** Unwraps a call answered with 204 (a DELETE has no body for `ok()` to return); a refusal is an ApiError as in `ok()`. */
export async function noContent(call: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok) throw apiError(error, response);
}

/** Every active member of the org, page by page, up to `max` (names and pickers; read fresh where it matters, e.g. a handover). */
export async function activeMembers(max: number): Promise<Member[]> {
  const all: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(api.GET('/api/v1/members', { params: { query: { limit: 100, status: 'active', cursor } } }));
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < max);
  return all;
}
