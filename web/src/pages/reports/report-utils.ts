import { ApiError, tokenStore, type Unit } from '../../api/client';
import type { Lang } from '../../i18n';

export type GroupBy = 'member' | 'unit' | 'day';
export interface ReportQuery {
  from: string;
  to: string;
  groupBy: GroupBy;
  unitId?: string;
}

/** Today as YYYY-MM-DD in the org's time zone (the API's days are the org's local days). */
export function todayIn(tz: string, now = new Date()): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** A calendar date moved by `days` (plain date arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Seconds as a short duration: 45 s, 3 min 05 s, 2 h 10 min, 3 d 4 h; `–` without a value. */
export function formatDuration(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined) return '–';
  const zh = lang !== 'en';
  const s = Math.round(seconds);
  const [d, h, m, r] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  const u = zh ? { d: ' 天', h: ' 小時', m: ' 分', s: ' 秒' } : { d: ' d', h: ' h', m: ' min', s: ' s' };
  if (d) return `${d}${u.d} ${h}${u.h}`;
  if (h) return `${h}${u.h} ${m}${u.m}`;
  if (m) return `${m}${u.m} ${String(r).padStart(2, '0')}${u.s}`;
  return `${r}${u.s}`;
}

export const queryString = (q: ReportQuery) => new URLSearchParams({ from: q.from, to: q.to, groupBy: q.groupBy, ...(q.unitId ? { unitId: q.unitId } : {}) }).toString();

/**
 * Saves the report as CSV. The token lives in localStorage, not a cookie, so a plain link
 * would be refused: the file is fetched with the Authorization header and saved from a Blob URL.
 */
export async function downloadCsv(q: ReportQuery): Promise<void> {
  const res = await fetch(`/api/v1/reports/summary.csv?${queryString(q)}`, { headers: { Authorization: `Bearer ${tokenStore.get() ?? ''}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string | string[] };
    throw new ApiError(res.status, Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? res.statusText));
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? `report-${q.groupBy}-${q.from}-${q.to}.csv`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked a little later: some browsers read the Blob after the click returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The viewer's unit and every unit below it: the only ones the API reports on for them. */
export function subtree(units: Unit[], rootId: string): Unit[] {
  const inside = new Set([rootId]);
  const sorted = [...units].sort((a, b) => a.depth - b.depth);
  for (const u of sorted) if (u.parentId && inside.has(u.parentId)) inside.add(u.id);
  // Depth-first, so each unit follows its parent in the picker.
  const children = (id: string | null): Unit[] => sorted.filter((u) => u.parentId === id && inside.has(u.id)).sort((a, b) => a.name.localeCompare(b.name));
  const out: Unit[] = [];
  const walk = (u: Unit) => (out.push(u), children(u.id).forEach(walk));
  const root = units.find((u) => u.id === rootId);
  if (root) walk(root);
  return out;
}
