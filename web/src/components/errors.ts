import { ApiError } from '../api/client';

/**
 * An action's failure as the member should read it: the server's own message (a 422 names the
 * rule). A 401 is not shown here: the caller hands it to the console, which logs out.
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.status}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

export const isUnauthorized = (e: unknown) => e instanceof ApiError && e.status === 401;
