import { HttpClient } from './http';
import { nowMs, percentiles } from './stats';

/** BENCH_SCENARIOS=search: search and the customer directory at the API on the seed:large data (docs/search.md). */
export interface SearchTiming {
  viewer: string;
  /** `search '北屯'` (and its kind), or `directory first page` / `directory page N`. */
  what: string;
  samples: number;
  /** Items on the measured page (a sanity check that the query found something). */
  items: number;
  ms: Record<string, number | null>;
}

/**
 * The queries: 2 and 4 CJK characters (no word breaks) and a Latin word, all frequent in
 * seed:large's message texts; and a 2-character term found nowhere, the case a read in time
 * order cannot stop early on (every message of the org would be read: the short-grams index
 * answers it, docs/search.md).
 */
export const SEARCH_QUERIES: [label: string, q: string][] = [
  ['2-char Chinese', '北屯'],
  ['4-char Chinese', '北屯門市'],
  ['Latin', 'order'],
  ['2-char, no match', '颱風'],
];

export const SEARCH_TARGETS = { searchP99Ms: 200, directoryP99Ms: 15 };

export async function measureSearch(
  api: HttpClient,
  personas: { label: string; email: string }[],
  password: string,
  opts: { samples: number; limit: number; directoryDeepPages: number },
  log: (s: string) => void,
): Promise<SearchTiming[]> {
  const out: SearchTiming[] = [];
  const once = async (path: string, token: string) => {
    const t = nowMs();
    const res = await api.request('GET', path, undefined, { authorization: `Bearer ${token}` });
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}`);
    return nowMs() - t;
  };
  const sample = async (path: string, token: string) => {
    for (let i = 0; i < 3; i++) await once(path, token);
    const ms: number[] = [];
    for (let i = 0; i < opts.samples; i++) ms.push(await once(path, token));
    return percentiles(ms, [50, 99]);
  };
  for (const p of personas) {
    const { accessToken: token } = await api.json<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, { email: p.email, password });
    for (const [label, q] of SEARCH_QUERIES) {
      const path = `/api/v1/search?q=${encodeURIComponent(q)}&limit=${opts.limit}`;
      const { items } = await api.json<{ items: unknown[] }>('GET', path, token);
      const ms = await sample(path, token);
      out.push({ viewer: p.label, what: `search '${q}' (${label})`, samples: opts.samples, items: items.length, ms });
      log(`  ${p.label.padEnd(26)} search ${q.padEnd(6)} (${label.padEnd(14)}) ${String(items.length).padStart(3)} hits  p50/p99 ${ms.p50}/${ms.p99} ms`);
    }
    const first = `/api/v1/customers?limit=50`;
    const page1 = await api.json<{ items: unknown[]; nextCursor: string | null }>('GET', first, token);
    const ms1 = await sample(first, token);
    out.push({ viewer: p.label, what: 'directory first page', samples: opts.samples, items: page1.items.length, ms: ms1 });
    let cursor = page1.nextCursor;
    let depth = 1;
    for (; cursor && depth < opts.directoryDeepPages; depth++) {
      const next: { nextCursor: string | null } = await api.json('GET', `${first}&cursor=${cursor}`, token);
      if (!next.nextCursor) break;
      cursor = next.nextCursor;
    }
    if (cursor) {
      const ms = await sample(`${first}&cursor=${cursor}`, token);
      out.push({ viewer: p.label, what: `directory page ${depth + 1}`, samples: opts.samples, items: 50, ms });
    }
    log(`  ${p.label.padEnd(26)} directory first / deep page p99 ${out.filter((r) => r.viewer === p.label && r.what.startsWith('directory')).map((r) => r.ms.p99).join(' / ')} ms`);
  }
  return out;
}

/** Markdown lines for the report. */
export function searchSection(rows: SearchTiming[], conversations: number | undefined): string[] {
  const lines = ['', `## Search and customer directory at the API (${(conversations ?? 0).toLocaleString('en')} conversations; targets: search p99 ≤ ${SEARCH_TARGETS.searchP99Ms} ms, directory page p99 ≤ ${SEARCH_TARGETS.directoryP99Ms} ms)`, ''];
  lines.push('| viewer | request | items | p50 ms | p99 ms | target |', '|---|---|---|---|---|---|');
  for (const r of rows) {
    const target = r.what.startsWith('search') ? SEARCH_TARGETS.searchP99Ms : SEARCH_TARGETS.directoryP99Ms;
    const p99 = r.ms.p99;
    lines.push(`| ${r.viewer} | ${r.what} | ${r.items} | ${r.ms.p50 ?? '–'} | ${p99 ?? '–'} | ${p99 === null ? '–' : p99 <= target ? 'met' : '**missed**'} |`);
  }
  return lines;
}
