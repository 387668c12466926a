import { Client } from 'pg';
import { HttpClient } from './http';
import { nowMs, percentiles } from './stats';

export interface FolderTiming {
  viewer: string;
  folder: string;
  page: 'first' | 'deep' | 'counts';
  /** For deep pages: how many pages in (limit 50). */
  depth: number;
  samples: number;
  ms: Record<string, number | null>;
}

const PERSONAS: [string, number, string][] = [
  ['store agent (level 3)', 3, 'agent'],
  ['region manager (level 2)', 2, '區經理'],
  ['HQ supervisor (level 1)', 1, 'supervisor'],
];

/** The newest `npm run seed:large` org's three personas (the same ones `npm run explain:folders` uses). */
export async function largePersonas(databaseUrl: string): Promise<{ label: string; email: string }[] | null> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const org = await c.query(`SELECT id FROM orgs WHERE name LIKE 'Large Org %' ORDER BY created_at DESC LIMIT 1`).catch(() => ({ rows: [] }));
    if (org.rows.length === 0) return null;
    const out: { label: string; email: string }[] = [];
    for (const [label, depth, role] of PERSONAS) {
      const { rows } = await c.query(
        `SELECT m.email FROM members m JOIN units u ON u.id = m.unit_id JOIN roles r ON r.id = m.role_id
          WHERE m.org_id = $1 AND u.depth = $2 AND (r.builtin = $3 OR r.name = $3) ORDER BY m.email LIMIT 1`,
        [org.rows[0].id, depth, role],
      );
      out.push({ label, email: rows[0].email });
    }
    return out;
  } finally {
    await c.end();
  }
}

/**
 * Each persona's every folder at the API (HTTP keep-alive, one request at a time): the first
 * page and a page `deepPages` in, `samples` times each after a warm-up, plus `GET /folders`.
 */
export async function measureFolders(
  api: HttpClient,
  personas: { label: string; email: string }[],
  password: string,
  opts: { samples: number; deepPages: number; limit: number },
  log: (s: string) => void,
): Promise<FolderTiming[]> {
  const out: FolderTiming[] = [];
  const time = async (path: string, token: string) => {
    const t = nowMs();
    const res = await api.request('GET', path, undefined, { authorization: `Bearer ${token}` });
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status}`);
    return nowMs() - t;
  };
  const sample = async (path: string, token: string) => {
    for (let i = 0; i < 3; i++) await time(path, token);
    const ms: number[] = [];
    for (let i = 0; i < opts.samples; i++) ms.push(await time(path, token));
    return percentiles(ms, [50, 99]);
  };
  for (const p of personas) {
    const { accessToken: token } = await api.json<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, { email: p.email, password });
    const counts = await sample('/api/v1/folders', token);
    out.push({ viewer: p.label, folder: 'GET /folders (counts)', page: 'counts', depth: 0, samples: opts.samples, ms: counts });
    const { items } = await api.json<{ items: { folder: string }[] }>('GET', '/api/v1/folders', token);
    for (const { folder } of items) {
      const first = `/api/v1/folders/${folder}/conversations?limit=${opts.limit}`;
      out.push({ viewer: p.label, folder, page: 'first', depth: 1, samples: opts.samples, ms: await sample(first, token) });
      let cursor: string | null = null;
      let depth = 1;
      for (; depth <= opts.deepPages; depth++) {
        const page: { nextCursor: string | null } = await api.json('GET', first + (cursor ? `&cursor=${cursor}` : ''), token);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      if (cursor) out.push({ viewer: p.label, folder, page: 'deep', depth: depth, samples: opts.samples, ms: await sample(`${first}&cursor=${cursor}`, token) });
      log(`  ${p.label.padEnd(26)} ${folder.padEnd(20)} first p50/p99 ${out.filter((r) => r.viewer === p.label && r.folder === folder).map((r) => `${r.ms.p50}/${r.ms.p99}`).join('  deep ')}`);
    }
  }
  return out;
}
