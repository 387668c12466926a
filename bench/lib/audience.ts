import { BENCH_PASSWORD, BenchOrg } from './bench-org';
import { HttpClient, pool } from './http';

/**
 * Who may read what, asked of the product's own REST API before the run (SPEC §8: a socket may
 * receive an event only if its member could read the same data over REST). Each member's
 * readable set is the union of every folder they have, paged to the end.
 */
export async function loginAll(api: HttpClient, org: BenchOrg): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  await pool(org.members, 8, async (m) => {
    const res = await api.json<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, { email: m.email, password: BENCH_PASSWORD });
    tokens.set(m.id, res.accessToken);
  });
  return tokens;
}

export async function readableSets(api: HttpClient, org: BenchOrg, tokens: Map<string, string>): Promise<Record<string, number[]>> {
  const index = new Map(org.conversations.map((c, i) => [c.id, i]));
  const out: Record<string, number[]> = {};
  await pool(org.members, 8, async (m) => {
    const token = tokens.get(m.id)!;
    const set = new Set<number>();
    const { items: folders } = await api.json<{ items: { folder: string }[] }>('GET', '/api/v1/folders', token);
    for (const { folder } of folders) {
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await api.json(
          'GET',
          `/api/v1/folders/${folder}/conversations?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          token,
        );
        for (const c of page.items) {
          const i = index.get(c.id);
          if (i === undefined) throw new Error(`unexpected conversation ${c.id} in ${m.email}'s ${folder}`);
          set.add(i);
        }
        cursor = page.nextCursor;
      } while (cursor);
    }
    out[m.id] = [...set];
  });
  return out;
}
