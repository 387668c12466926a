import 'reflect-metadata';
import { Client } from 'pg';
import { availableFolders } from '../src/modules/access/folder-rules';
import { Permission } from '../src/modules/access/permissions';
import { directorySql } from '../src/modules/customers/customer-directory.query';
import { folderSqlParams, viewerParams } from '../src/modules/folders/folder.query';
import { candidateCountSql, candidateIdsSql, NARROW_MAX_CANDIDATES, privateLast } from '../src/modules/search/readable-scope.sql';
import { likePattern, MIN_TRIGRAM_QUERY, searchSql } from '../src/modules/search/search.sql';

/**
 * EXPLAIN ANALYZE of the search and directory SQL on the newest `npm run seed:large` org, for a
 * store agent, a region manager and an HQ supervisor (docs/search.md). Prints plans to stdout.
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/omni_large); SEARCH_QUERIES (comma list);
 * PARALLEL=1 allows parallel workers (the server does not, see docs/search.md). The plan (narrow or
 * wide) is picked as ReadableScope does; PLAN=wide forces the wide one.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/omni_large';
const QUERIES = (process.env.SEARCH_QUERIES ?? '北屯,北屯門市,order,瑕疵想退').split(',');
const PERSONAS: [string, number, string][] = [
  ['store agent', 3, 'agent'],
  ['region manager', 2, '區經理'],
  ['HQ supervisor', 1, 'supervisor'],
];

async function main(): Promise<void> {
  const c = new Client({ connectionString: DATABASE_URL });
  await c.connect();
  // As the server runs it (src/modules/search/search.query.ts); PARALLEL=1 shows PostgreSQL's default plan.
  if (!process.env.PARALLEL) await c.query(`SET max_parallel_workers_per_gather = 0`);
  const [org] = (await c.query(`SELECT id FROM orgs WHERE name LIKE 'Large Org %' ORDER BY created_at DESC LIMIT 1`)).rows;
  for (const [label, depth, role] of PERSONAS) {
    const [m] = (
      await c.query(
        `SELECT m.id, m.unit_id, u.path, m.channel_account_ids, r.permissions FROM members m JOIN units u ON u.id = m.unit_id JOIN roles r ON r.id = m.role_id
          WHERE m.org_id = $1 AND u.depth = $2 AND (r.builtin = $3 OR r.name = $3) ORDER BY m.email LIMIT 1`,
        [org.id, depth, role],
      )
    ).rows;
    const permissions = new Set<Permission>(m.permissions);
    const folders = privateLast(availableFolders({ permissions }));
    const viewer = { orgId: org.id, memberId: m.id, unitPath: m.path, unitId: m.unit_id, channelAccountIds: m.channel_account_ids };
    const seesPrivate = permissions.has(Permission.ConversationPrivateView);
    let candidates = process.env.PLAN === 'wide' ? null : candidateIdsSql(folders);
    if (candidates) {
      const t0 = Date.now();
      const [{ n }] = (await c.query(candidateCountSql(folders)!, viewerParams(viewer))).rows;
      console.log(`\n${label}: ${n} candidate rows (counted in ${Date.now() - t0} ms)`);
      if (n > NARROW_MAX_CANDIDATES) candidates = null;
    }
    console.log(`\n${label}: ${candidates ? 'narrow' : 'wide'} plan`);
    for (const q of QUERIES) {
      const sql = searchSql({ folders, long: [...q].length >= MIN_TRIGRAM_QUERY, keyset: false, candidates });
      const plan = await c.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, folderSqlParams(viewer, [likePattern(q), seesPrivate, 21, q.toLowerCase()]));
      console.log(`\n### ${label}: search '${q}'\n`);
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    const cols = 'cu.id';
    const dir = await c.query(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${directorySql(folders, { q: false, short: false, profileFields: true, keyset: false, filtered: false, candidates }, cols)}`,
      folderSqlParams(viewer, [null, null, null, null, null, 51]),
    );
    console.log(`\n### ${label}: directory first page\n`);
    console.log(dir.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  await c.end();
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
