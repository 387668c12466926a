import 'reflect-metadata';
import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import Redis from 'ioredis';
import { cpus, loadavg } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { loginAll, readableSets } from './lib/audience';
import { createBenchOrg, dropDatabase } from './lib/bench-org';
import { largePersonas, measureFolders } from './lib/folders';
import { HttpClient } from './lib/http';
import { IngestPattern, patternConversations, runLadder } from './lib/ingest';
import { measureIdleSockets } from './lib/memory';
import { startProcess } from './lib/procs';
import { ReceiverPool, SocketAssignment } from './lib/receivers';
import { BenchReport, IngestScenario, renderMarkdown } from './lib/report';
import { measureReports, reportPersonas } from './lib/reports';
import { measureRoutingIngest } from './lib/routing';
import { measureSearch } from './lib/search';
import { sleep } from './lib/stats';

/**
 * `npm run bench`: see docs/benchmarks.md. Everything is configured by environment variables
 * (below) and measured in one run, our server and the bare baseline side by side.
 */
const env = (name: string, fallback: string) => process.env[name] || fallback;
const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * What runs. BENCH_SCENARIOS names parts (`ingest`, `baseline`, `memory`, `folders`) and/or
 * ingest patterns (`spread`, `hot`): naming a pattern narrows the ingest ladders to it (and
 * implies `ingest`); naming no part means all four; naming no pattern means both.
 * BENCH_ONLY=ingest (or memory, folders; a list) replaces the parts with that part and its
 * baseline counterpart: `BENCH_ONLY=ingest` = our ladders and the baseline's, nothing else.
 */
const PARTS = ['ingest', 'baseline', 'memory', 'folders'] as const;
const PATTERNS = ['spread', 'hot'] as const;
/** Parts run only when named (never by default): `reports` (docs/reports.md). */
const EXTRA_PARTS = ['reports', 'routing', 'search'] as const;
function selection(): { scenarios: Set<string>; patterns: string[] } {
  const tokens = list(env('BENCH_SCENARIOS', PARTS.join(',')));
  const only = list(env('BENCH_ONLY', ''));
  for (const t of tokens) if (![...PARTS, ...EXTRA_PARTS, ...PATTERNS].includes(t as never)) throw new Error(`BENCH_SCENARIOS: unknown "${t}" (known: ${[...PARTS, ...EXTRA_PARTS, ...PATTERNS].join(', ')})`);
  for (const t of only) if (!['ingest', 'memory', 'folders'].includes(t)) throw new Error(`BENCH_ONLY: unknown "${t}" (known: ingest, memory, folders)`);
  const patterns = PATTERNS.filter((p) => tokens.includes(p));
  let parts = new Set(tokens.filter((t) => (PARTS as readonly string[]).includes(t) || (EXTRA_PARTS as readonly string[]).includes(t)));
  if (only.length) parts = new Set(only.flatMap((t) => (t === 'folders' ? [t] : [t, 'baseline'])));
  else if (parts.size === 0) parts = new Set(PARTS);
  else if (patterns.length) parts.add('ingest');
  return { scenarios: parts, patterns: patterns.length ? patterns : [...PATTERNS] };
}
const selected = selection();

const cfg = {
  sockets: Number(env('BENCH_SOCKETS', '1000')),
  memorySockets: env('BENCH_MEMORY_SOCKETS', '1000,10000').split(',').map(Number),
  rates: env('BENCH_RATES', '100,200,300,400,600,800,1000,1500').split(',').map(Number),
  stepSeconds: Number(env('BENCH_STEP_SECONDS', '10')),
  conversations: Number(env('BENCH_CONVERSATIONS', '2000')),
  regions: Number(env('BENCH_REGIONS', '10')),
  storesPerRegion: Number(env('BENCH_STORES_PER_REGION', '10')),
  staffPerStore: Number(env('BENCH_STAFF_PER_STORE', '4')),
  /** e.g. `--cpu-prof --cpu-prof-dir=bench/results/prof` to profile our server during the run. */
  serverNodeArgs: env('BENCH_SERVER_NODE_ARGS', '').split(' ').filter(Boolean),
  receivers: Number(env('BENCH_RECEIVERS', '2')),
  /** API processes for the ingest scenario (webhooks round-robin, sockets spread, events through Redis). */
  serverProcesses: Number(env('BENCH_SERVER_PROCESSES', '1')),
  maxInFlight: Number(env('BENCH_MAX_IN_FLIGHT', '256')),
  eventsPerWebhook: Number(env('BENCH_EVENTS_PER_WEBHOOK', '1')),
  scenarios: selected.scenarios,
  /** Ingest patterns: `spread` (every conversation) and `hot` (BENCH_HOT_CONVERSATIONS of them). */
  patterns: selected.patterns,
  hotConversations: Number(env('BENCH_HOT_CONVERSATIONS', '60')),
  /** A step counts as sustained only with a delivery p99 at most this (ms). */
  sustainedP99Ms: Number(env('BENCH_SUSTAINED_P99_MS', '1000')),
  adminUrl: env('BENCH_ADMIN_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
  largeUrl: env('BENCH_LARGE_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/omni_large'),
  seedLarge: env('BENCH_SEED_LARGE', 'yes') !== 'no',
  folderSamples: Number(env('BENCH_FOLDER_SAMPLES', '100')),
  folderDeepPages: Number(env('BENCH_FOLDER_DEEP_PAGES', '20')),
  searchSamples: Number(env('BENCH_SEARCH_SAMPLES', '100')),
  reportsUrl: env('BENCH_REPORTS_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/omni_reports'),
  reportSamples: Number(env('BENCH_REPORT_SAMPLES', '100')),
  routingConversations: Number(env('BENCH_ROUTING_CONVERSATIONS', '2000')),
  routingConcurrency: Number(env('BENCH_ROUTING_CONCURRENCY', '32')),
  redisUrl: env('REDIS_URL', 'redis://127.0.0.1:6379'),
  logLevel: env('BENCH_LOG_LEVEL', 'warn'),
  out: env('BENCH_OUT', 'bench/results'),
  keep: env('BENCH_KEEP', 'no') === 'yes',
};
const SECRETS_KEY = 'ZGV2LW9ubHktc2VjcmV0cy1rZXktMzItYnl0ZXMhISE=';
const LARGE_PASSWORD = 'omni-large-1234';
const runId = Date.now().toString(36);
const dbUrl = (name: string) => cfg.adminUrl.replace(/\/[^/]*$/, `/${name}`);
const log = (s: string) => console.log(s);

function serverEnv(databaseUrl: string, port: number, prefix: string, runWorkers = true): NodeJS.ProcessEnv {
  return {
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL: cfg.redisUrl,
    REDIS_PREFIX: prefix,
    JWT_SECRET: 'bench-only-jwt-secret-0123456789',
    SECRETS_KEY,
    LOG_LEVEL: cfg.logLevel,
    LOGIN_THROTTLE_LIMIT: '1000000',
    NODE_ENV: 'production',
    RUN_WORKERS: String(runWorkers),
  };
}

const startOurs = (databaseUrl: string, port: number, prefix: string, logName: string, runWorkers = true) =>
  startProcess('server', [...cfg.serverNodeArgs, 'dist/src/main.js'], serverEnv(databaseUrl, port, prefix, runWorkers), port, '/health', join(cfg.out, logName));

async function versions(): Promise<Record<string, string>> {
  const c = new Client({ connectionString: cfg.adminUrl });
  await c.connect();
  const pg = (await c.query('SHOW server_version')).rows[0].server_version as string;
  await c.end();
  const redis = new Redis(cfg.redisUrl);
  const info = await redis.info('server');
  redis.disconnect();
  // The load average at the start: the machine may be shared, and other work skews every figure.
  const load = loadavg().map((l) => l.toFixed(2)).join(' / ');
  return { node: process.version, postgres: pg, redis: /redis_version:(\S+)/.exec(info)?.[1] ?? '?', cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, loadAtStart: load };
}

async function largeReady(): Promise<boolean> {
  try {
    return (await largePersonas(cfg.largeUrl)) !== null;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  mkdirSync(cfg.out, { recursive: true });
  execFileSync('bash', ['scripts/services.sh'], { stdio: 'inherit' });
  const report: BenchReport = { runId, startedAt: new Date().toISOString(), machine: await versions(), config: { ...cfg, scenarios: [...cfg.scenarios] } };
  log(`== Parts: ${[...cfg.scenarios].join(', ')}${cfg.scenarios.has('ingest') || cfg.scenarios.has('baseline') ? `; ingest patterns: ${cfg.patterns.join(', ')}` : ''}`);
  const benchDb = `omni_bench_${runId}`;
  const baseDb = `omni_bench_base_${runId}`;
  const prefix = `bench_${runId}`;
  const cleanups: (() => Promise<unknown>)[] = [];

  try {
    if (cfg.scenarios.has('reports')) {
      if (!(await reportPersonas(cfg.reportsUrl))) {
        if (!cfg.seedLarge) throw new Error(`no report data at ${cfg.reportsUrl} (BENCH_SEED_LARGE=no)`);
        log(`\n== Reports: seeding ${cfg.reportsUrl} first (scripts/seed-report-events.ts, ${Number(process.env.SEED_REPORT_CONVERSATIONS ?? 1_000_000).toLocaleString('en')} conversations)`);
        const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', 'scripts/seed-report-events.ts'], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: cfg.reportsUrl } });
        if (r.status !== 0) throw new Error('seed-report-events failed');
      }
      log(`\n== Reports at the API against ${cfg.reportsUrl}`);
      execFileSync(process.execPath, ['dist/src/infra/database/migrate.cli.js'], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: cfg.reportsUrl } });
      const srv = await startOurs(cfg.reportsUrl, 3813, `${prefix}_reports`, 'server-reports.log');
      cleanups.push(() => srv.stop());
      const reportsApi = new HttpClient(srv.url, 4);
      report.reports = await measureReports(reportsApi, (await reportPersonas(cfg.reportsUrl))!, 'omni-reports-1234', cfg.reportSamples, log);
      reportsApi.close();
      await srv.stop();
    }
    if (cfg.scenarios.has('search')) {
      // BENCH_SCENARIOS=search: search and the customer directory on the seed:large data (docs/search.md).
      if (!(await largeReady())) {
        if (!cfg.seedLarge) throw new Error(`no seed:large data at ${cfg.largeUrl} (BENCH_SEED_LARGE=no)`);
        log(`\n== Search: seeding ${cfg.largeUrl} first (npm run seed:large)`);
        const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/seed-large.ts'], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: cfg.largeUrl } });
        if (r.status !== 0) throw new Error('seed:large failed');
      }
      log(`\n== Search and customer directory at the API against ${cfg.largeUrl}`);
      execFileSync(process.execPath, ['dist/src/infra/database/migrate.cli.js'], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: cfg.largeUrl } });
      const srv = await startOurs(cfg.largeUrl, 3814, `${prefix}_search`, 'server-search.log');
      cleanups.push(() => srv.stop());
      const searchApi = new HttpClient(srv.url, 4);
      report.search = await measureSearch(searchApi, (await largePersonas(cfg.largeUrl))!, LARGE_PASSWORD, { samples: cfg.searchSamples, limit: 20, directoryDeepPages: 20 }, log);
      report.foldersConversations ??= await countConversations(cfg.largeUrl);
      searchApi.close();
      await srv.stop();
    }
    // BENCH_SCENARIOS=reports (or search) alone: nothing else to set up.
    if ([...cfg.scenarios].some((p) => p !== 'reports' && p !== 'search')) {
    log(`\n== Bench org: 3 levels, ${cfg.regions} regions × ${cfg.storesPerRegion} stores × ${cfg.staffPerStore} staff, ${cfg.conversations} conversations (${benchDb})`);
    const org = await createBenchOrg(dbUrl(benchDb), Buffer.from(SECRETS_KEY, 'base64'), cfg);
    cleanups.push(() => dropDatabase(cfg.adminUrl, benchDb));
    let server = await startOurs(dbUrl(benchDb), 3811, prefix, 'server.log');
    cleanups.push(() => server.stop());
    const api = new HttpClient(server.url, cfg.maxInFlight);
    const tokens = await loginAll(api, org);
    const readable = await readableSets(api, org, tokens);
    const assign = (n: number, baseline: boolean): SocketAssignment[] =>
      Array.from({ length: n }, (_, i) => {
        const m = org.members[i % org.members.length];
        return { memberId: m.id, token: baseline ? `member:${m.id}` : tokens.get(m.id)! };
      });
    const expectedSockets = (n: number) => {
      const e = new Array<number>(org.conversations.length).fill(0);
      for (const s of assign(n, false)) for (const i of readable[s.memberId]) e[i]++;
      return e;
    };
    const expected = expectedSockets(cfg.sockets);
    const avgAudience = expected.reduce((s, v) => s + v, 0) / expected.length;
    report.org = { members: org.members.length, conversations: org.conversations.length, sockets: cfg.sockets, avgSocketsPerMessage: Math.round(avgAudience * 10) / 10 };
    log(`   ${org.members.length} members, ${cfg.sockets} sockets; a message is owed to ${report.org.avgSocketsPerMessage} sockets on average`);
    const conversationIds = org.conversations.map((c) => c.id);

    // The ingest patterns, identical for our server and the baseline (same conversations, same sequence).
    const patterns: IngestPattern[] = cfg.patterns.map((name) => ({ name, conversations: patternConversations(expected, name === 'hot' ? cfg.hotConversations : null) }));
    const scenarios: IngestScenario[] = patterns.map((p) => ({
      name: p.name,
      conversations: p.conversations.length,
      avgSocketsPerMessage: Math.round((p.conversations.reduce((s, i) => s + expected[i], 0) / p.conversations.length) * 10) / 10,
    }));
    const ladders = async (label: string, apis: HttpClient[], receivers: ReceiverPool, side: 'ours' | 'baseline', id: string) => {
      for (const [k, pattern] of patterns.entries()) {
        if (k > 0) await sleep(5000); // let the previous ladder's backlog (queues, GC) settle
        log(`  -- ${pattern.name}: ${pattern.conversations.length} conversations, ${scenarios[k].avgSocketsPerMessage} sockets per message`);
        scenarios[k][side] = await runLadder({ label, apis, accountId: org.lineAccountId, org, receivers, expectedSockets: expected, rates: cfg.rates, stepSeconds: cfg.stepSeconds, maxInFlight: cfg.maxInFlight, eventsPerWebhook: cfg.eventsPerWebhook, pattern, sustainedP99Ms: cfg.sustainedP99Ms, runId: `${id}${pattern.name[0]}`, log });
      }
    };
    const runBaselineLadders = cfg.scenarios.has('baseline') && (cfg.scenarios.has('ingest') || !cfg.scenarios.has('memory'));
    if (cfg.scenarios.has('ingest') || runBaselineLadders) {
      report.ingestScenarios = scenarios;
      for (const sc of scenarios) log(`   ${sc.name}: ${sc.conversations} conversations, a message owed to ${sc.avgSocketsPerMessage} sockets on average`);
    }

    if (cfg.scenarios.has('ingest')) {
      log(`\n== Ingest: our server (${cfg.serverProcesses} API process${cfg.serverProcesses > 1 ? 'es' : ''}), ${cfg.sockets} sockets`);
      const extra = [];
      for (let i = 1; i < cfg.serverProcesses; i++) {
        const s = await startOurs(dbUrl(benchDb), 3811 + i, prefix, `server-${i}.log`, false);
        cleanups.push(() => s.stop());
        extra.push(s);
      }
      const urls = [server.url, ...extra.map((s) => s.url)];
      const apis = [api, ...extra.map((s) => new HttpClient(s.url, cfg.maxInFlight))];
      const receivers = new ReceiverPool(cfg.receivers);
      await receivers.init(conversationIds, readable);
      const all = assign(cfg.sockets, false);
      for (const [k, url] of urls.entries()) {
        const c = await receivers.connect(url, all.filter((_, i) => i % urls.length === k));
        if (c.failed) throw new Error(`${c.failed} sockets failed to connect`);
      }
      await ladders('ours', apis, receivers, 'ours', runId);
      await receivers.close();
      for (const s of extra) await s.stop();
      apis.slice(1).forEach((a) => a.close());
    }
    if (cfg.scenarios.has('routing')) {
      // BENCH_SCENARIOS=routing: new conversations with routing off, then on (round robin in one store), same run (docs/routing.md).
      log(`\n== Routing: ${cfg.routingConversations} new conversations each with routing off and on`);
      report.routing = await measureRoutingIngest({ api, serverUrl: server.url, databaseUrl: dbUrl(benchDb), org, tokens, count: cfg.routingConversations, concurrency: cfg.routingConcurrency, runId, log });
    }
    api.close();

    if (cfg.scenarios.has('baseline')) {
      log(`\n== Baseline: bare socket.io + one INSERT per message, same sockets${runBaselineLadders ? '' : ' (memory only)'}`);
      const audienceFile = join(cfg.out, `baseline-audience-${runId}.json`);
      const audience: string[][] = org.conversations.map(() => []);
      for (const [memberId, idx] of Object.entries(readable)) for (const i of idx) audience[i].push(memberId);
      writeFileSync(audienceFile, JSON.stringify({ secret: org.lineSecret, users: Object.fromEntries(org.conversations.map((c, i) => [c.userId, i])), conversationIds, audience }));
      await createDatabase(baseDb);
      cleanups.push(() => dropDatabase(cfg.adminUrl, baseDb));
      const base = await startProcess('baseline', ['-r', 'ts-node/register/transpile-only', 'bench/baseline-server.ts'], { PORT: '3911', DATABASE_URL: dbUrl(baseDb), BASELINE_AUDIENCE: audienceFile }, 3911, '/health', join(cfg.out, 'baseline.log'));
      if (runBaselineLadders) {
        const baseApi = new HttpClient(base.url, cfg.maxInFlight);
        const receivers = new ReceiverPool(cfg.receivers);
        await receivers.init(conversationIds, readable);
        const c = await receivers.connect(base.url, assign(cfg.sockets, true));
        if (c.failed) throw new Error(`${c.failed} sockets failed to connect to the baseline`);
        await ladders('base', [baseApi], receivers, 'baseline', `${runId}b`);
        await receivers.close();
        baseApi.close();
      }
      if (cfg.scenarios.has('memory')) {
        await base.stop();
        const fresh = await startProcess('baseline', ['-r', 'ts-node/register/transpile-only', 'bench/baseline-server.ts'], { PORT: '3911', DATABASE_URL: dbUrl(baseDb), BASELINE_AUDIENCE: audienceFile }, 3911, '/health', join(cfg.out, 'baseline.log'));
        log(`\n== Memory: baseline, idle sockets`);
        const pool = new ReceiverPool(Math.max(cfg.receivers, 4));
        await pool.init([], {});
        report.baselineMemory = await measureIdleSockets(fresh.url, fresh.rssKiB, pool, (n) => assign(n, true), cfg.memorySockets, log);
        await pool.close();
        await fresh.stop();
      } else await base.stop();
    }

    if (cfg.scenarios.has('memory')) {
      log(`\n== Memory: our server, idle sockets`);
      await server.stop();
      server = await startOurs(dbUrl(benchDb), 3811, prefix, 'server-memory.log');
      const pool = new ReceiverPool(Math.max(cfg.receivers, 4));
      await pool.init([], {});
      report.memory = await measureIdleSockets(server.url, server.rssKiB, pool, (n) => assign(n, false), cfg.memorySockets, log);
      await pool.close();
    }
    await server.stop();

    if (cfg.scenarios.has('folders')) {
      if (!(await largeReady())) {
        if (!cfg.seedLarge) throw new Error(`no seed:large data at ${cfg.largeUrl} (BENCH_SEED_LARGE=no)`);
        log(`\n== Folders: seeding ${cfg.largeUrl} first (npm run seed:large, ~15 minutes on 2 cores)`);
        const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/seed-large.ts'], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: cfg.largeUrl } });
        if (r.status !== 0) throw new Error('seed:large failed');
      }
      log(`\n== Folders at the API against ${cfg.largeUrl}`);
      execFileSync(process.execPath, ['dist/src/infra/database/migrate.cli.js'], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: cfg.largeUrl } });
      const large = await startOurs(cfg.largeUrl, 3812, `${prefix}_large`, 'server-folders.log');
      cleanups.push(() => large.stop());
      const largeApi = new HttpClient(large.url, 4);
      report.folders = await measureFolders(largeApi, (await largePersonas(cfg.largeUrl))!, LARGE_PASSWORD, { samples: cfg.folderSamples, deepPages: cfg.folderDeepPages, limit: 50 }, log);
      report.foldersConversations = await countConversations(cfg.largeUrl);
      largeApi.close();
      await large.stop();
    }
    } // the parts other than reports
  } finally {
    if (!cfg.keep) {
      for (const c of cleanups.reverse()) await c().catch((e: Error) => log(`cleanup: ${e.message}`));
      await deleteRedisKeys(`${prefix}*`);
    }
  }

  // Before the hot scenario the report had one ladder per side; they stay where they were.
  const spread = report.ingestScenarios?.find((sc) => sc.name === 'spread');
  report.ingest = spread?.ours;
  report.baseline = spread?.baseline;
  report.finishedAt = new Date().toISOString();
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const md = renderMarkdown(report);
  for (const name of [`bench-${stamp}`, 'latest']) {
    writeFileSync(join(cfg.out, `${name}.json`), JSON.stringify(report, null, 2));
    writeFileSync(join(cfg.out, `${name}.md`), md);
  }
  log(`\n${md}\nWritten to ${join(cfg.out, `bench-${stamp}.{md,json}`)} (and latest.{md,json}).`);
}

async function createDatabase(name: string): Promise<void> {
  const c = new Client({ connectionString: cfg.adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
}

async function countConversations(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'conversations'`);
  await c.end();
  return Number(rows[0]?.n ?? 0);
}

async function deleteRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(cfg.redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(`bench failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
