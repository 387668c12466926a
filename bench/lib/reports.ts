import { loadavg } from 'os';
import { Client } from 'pg';
import { HttpClient } from './http';
import { nowMs, percentiles } from './stats';

/** The reports target (docs/reports.md): p99 at the API. */
export const REPORT_P99_TARGET_MS = 300;

export interface ReportTiming {
  query: string;
  path: string;
  samples: number;
  items: number;
  conversations: number;
  ms: Record<string, number | null>;
  /** The machine's 1-minute load average when this query's samples were done (a shared machine inflates everything). */
  load1?: number;
}

export interface ReportPersonas {
  orgId: string;
  year: number;
  hq: string;
  store: string;
  storeUnitId: string;
}

/** The newest `scripts/seed-report-events.ts` org: its HQ supervisor, a store's 門市主管, the seeded year. */
export async function reportPersonas(databaseUrl: string): Promise<ReportPersonas | null> {
  const c = new Client({ connectionString: databaseUrl });
  try {
    await c.connect();
  } catch {
    return null;
  }
  try {
    const org = await c.query(`SELECT id FROM orgs WHERE name LIKE 'Report Org %' ORDER BY created_at DESC LIMIT 1`).catch(() => ({ rows: [] as { id: string }[] }));
    if (org.rows.length === 0) return null;
    const orgId = org.rows[0].id;
    const person = async (depth: number, role: string) =>
      (
        await c.query(
          `SELECT m.email, m.unit_id FROM members m JOIN units u ON u.id = m.unit_id JOIN roles r ON r.id = m.role_id
            WHERE m.org_id = $1 AND u.depth = $2 AND (r.builtin = $3 OR r.name = $3) ORDER BY m.email LIMIT 1`,
          [orgId, depth, role],
        )
      ).rows[0];
    const hq = await person(1, 'supervisor');
    const store = await person(3, '門市主管');
    const [{ year }] = (await c.query(`SELECT extract(year FROM min(period))::int AS year FROM report_rollups WHERE org_id = $1 AND grain = 4`, [orgId])).rows;
    if (!hq || !store || !year) return null;
    return { orgId, year, hq: hq.email, store: store.email, storeUnitId: store.unit_id };
  } finally {
    await c.end();
  }
}

/** HQ over the year by unit and a store over a month by day (the targets) and neighbours, `samples` times each after a warm-up, one request at a time. */
export async function measureReports(api: HttpClient, p: ReportPersonas, password: string, samples: number, log: (s: string) => void): Promise<ReportTiming[]> {
  const login = async (email: string) => (await api.json<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, { email, password })).accessToken;
  const hqToken = await login(p.hq);
  const cases: [string, string, string][] = [
    // The cost of any authenticated request on this machine right now (a shared machine inflates everything).
    ['reference: GET /api/v1/me', hqToken, '/api/v1/me'],
    ['HQ supervisor, the year, by unit', hqToken, `/api/v1/reports/summary?from=${p.year}-01-01&to=${p.year}-12-31&groupBy=unit`],
    ['HQ supervisor, the year, by member', hqToken, `/api/v1/reports/summary?from=${p.year}-01-01&to=${p.year}-12-31&groupBy=member`],
    // Not a calendar year: 17 + 14 daily and 10 monthly rows per unit (the most a year can read).
    ['HQ supervisor, 15 Jan–14 Dec (days and months), by unit', hqToken, `/api/v1/reports/summary?from=${p.year}-01-15&to=${p.year}-12-14&groupBy=unit`],
    ['store 門市主管, June, by day', await login(p.store), `/api/v1/reports/summary?from=${p.year}-06-01&to=${p.year}-06-30&groupBy=day`],
    ['store 門市主管, 10 Mar–20 Apr (days only), by day', await login(p.store), `/api/v1/reports/summary?from=${p.year}-03-10&to=${p.year}-04-20&groupBy=day`],
  ];
  const out: ReportTiming[] = [];
  for (const [query, token, path] of cases) {
    let body: { items?: unknown[]; totals?: { conversations: number } } = {};
    const once = async () => {
      const t = nowMs();
      const res = await api.request('GET', path, undefined, { authorization: `Bearer ${token}` });
      const ms = nowMs() - t;
      if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${res.body.slice(0, 200)}`);
      body = JSON.parse(res.body);
      return ms;
    };
    for (let i = 0; i < 3; i++) await once();
    const ms: number[] = [];
    for (let i = 0; i < samples; i++) ms.push(await once());
    const load1 = Math.round(loadavg()[0] * 10) / 10;
    const timing = { query, path, samples, items: body.items?.length ?? 0, conversations: body.totals?.conversations ?? 0, ms: percentiles(ms, [50, 99]), load1 };
    log(`   ${query}: ${timing.items} items, ${timing.conversations.toLocaleString('en')} conversations; p50 ${timing.ms.p50} ms, p99 ${timing.ms.p99} ms (load ${load1})`);
    out.push(timing);
  }
  return out;
}

/** The report's section (and its target line). */
export function renderReportTimings(timings: ReportTiming[] | undefined): string[] {
  if (!timings?.length) return [];
  const lines = ['', `## Reports at the API (target p99 ≤ ${REPORT_P99_TARGET_MS} ms)`, '', '| query | items | conversations | p50 ms | p99 ms | target | load (1 min) |', '|---|---|---|---|---|---|---|'];
  for (const t of timings) {
    const ok = t.ms.p99 !== null && t.ms.p99 <= REPORT_P99_TARGET_MS;
    const reference = t.path === '/api/v1/me';
    lines.push(`| ${t.query} | ${reference ? '–' : t.items} | ${reference ? '–' : t.conversations.toLocaleString('en')} | ${t.ms.p50 ?? '–'} | ${t.ms.p99 ?? '–'} | ${reference ? '–' : ok ? 'met' : '**missed**'} | ${t.load1 ?? '–'} |`);
  }
  return lines;
}
