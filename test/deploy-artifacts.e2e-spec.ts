import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { parse } from 'yaml';
import { MIGRATIONS } from '../migrations';
import { databaseUrl, dropDatabase } from './support/databases';

/**
 * The deployment files (Dockerfile, docker-compose.yml, .env.example) checked without Docker:
 * everything they start exists in the build output, commands are exec-form (signals reach node),
 * the migrate → api/worker ordering, Redis durability, a non-root runtime, and the built migration
 * entry applying every migration to a fresh database without ts-node.
 */
const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: unknown;
  init?: boolean;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  profiles?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.build !== undefined);

/** Dockerfile instructions (continuation lines joined), with the stage each belongs to. */
function dockerfile(): { stage: number; op: string; args: string }[] {
  const lines = read('Dockerfile').replace(/\\\n/g, ' ').split('\n');
  const out: { stage: number; op: string; args: string }[] = [];
  let stage = -1;
  for (const line of lines.map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const [, op, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!op) continue;
    if (op.toUpperCase() === 'FROM') stage++;
    out.push({ stage, op: op.toUpperCase(), args: args.trim() });
  }
  return out;
}

/** `node dist/…` → the compiled file it names, relative to the build output. */
function nodeEntry(argv: string[]): string | undefined {
  if (argv[0] !== 'node') return undefined;
  const file = argv.slice(1).find((a) => !a.startsWith('-'));
  return file && file.startsWith('dist/') && !argv.includes('-e') ? file : undefined;
}

/** Every variable the configuration validates: the properties of EnvironmentVariables. */
function configVariables(): string[] {
  const source = read('src/infra/config/app.config.ts');
  const body = source.slice(source.indexOf('export class EnvironmentVariables'));
  const klass = body.slice(0, body.indexOf('\n}\n'));
  return [...klass.matchAll(/^\s+([A-Z][A-Z0-9_]*)[!?]?\s*:/gm)].map((m) => m[1]);
}

function envExampleVariables(): Set<string> {
  return new Set([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

describe('deployment artifacts', () => {
  // The layout `npm run build` produces (nest build: tsconfig.build.json, rootDir "."), emitted to a
  // private directory so nothing else using dist/ is disturbed. Inside node_modules/ so the
  // compiled files resolve their dependencies exactly as dist/ does.
  const outDir = join(ROOT, 'node_modules', '.cache', `omni-deploy-${randomBytes(4).toString('hex')}`);
  const built = (distPath: string) => join(outDir, distPath.replace(/^dist\//, ''));

  beforeAll(() => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noCheck', '--outDir', outDir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (!existsSync(join(outDir, 'src', 'main.js'))) throw new Error(`build failed:\n${tsc.stdout}\n${tsc.stderr}`);
  }, 300_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('starts only files the build produces: compose commands and health checks, the Dockerfile CMD, the npm start scripts', () => {
    const referenced = new Set<string>();
    for (const [, s] of appServices) {
      const entry = nodeEntry(s.command as string[]);
      if (entry) referenced.add(entry);
      const test = s.healthcheck?.test as string[] | undefined;
      const probe = test && test[0] === 'CMD' ? nodeEntry(test.slice(1)) : undefined;
      if (probe) referenced.add(probe);
    }
    const cmd = dockerfile().filter((i) => i.op === 'CMD').pop()!;
    referenced.add(nodeEntry(JSON.parse(cmd.args))!);
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    for (const name of ['start:prod', 'start:worker', 'migration:run:prod']) referenced.add(nodeEntry(scripts[name].split(/\s+/))!);

    expect([...referenced].sort()).toEqual(
      expect.arrayContaining(['dist/src/infra/database/migrate.cli.js', 'dist/src/main.js', 'dist/src/worker-health.js', 'dist/src/worker.js']),
    );
    const missing = [...referenced].filter((p) => !existsSync(built(p)));
    expect(missing).toEqual([]);
  });

  it('runs every container command in exec form (node receives SIGTERM), under init', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'worker']);
    for (const [name, s] of Object.entries(services)) {
      if (s.command !== undefined) expect({ name, command: Array.isArray(s.command) }).toEqual({ name, command: true });
      if (s.healthcheck) {
        const test = s.healthcheck.test as string[];
        expect({ name, healthcheck: Array.isArray(test) && test[0] === 'CMD' }).toEqual({ name, healthcheck: true });
      }
    }
    for (const [name, s] of appServices) {
      expect({ name, init: s.init }).toEqual({ name, init: true });
      expect({ name, runsNode: (s.command as string[])[0] }).toEqual({ name, runsNode: 'node' });
    }
    const instructions = dockerfile();
    for (const i of instructions.filter((x) => x.op === 'CMD' || x.op === 'ENTRYPOINT')) expect(() => JSON.parse(i.args)).not.toThrow();
    const healthcheck = instructions.find((i) => i.op === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \["node", "-e", /);
  });

  it('migrates once before the api and the worker start; the worker runs the same image without HTTP', () => {
    expect(services.migrate.command).toEqual(['node', 'dist/src/infra/database/migrate.cli.js']);
    expect(services.migrate.restart).toBe('no');
    expect(services.migrate.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(services[name].image).toBe(services.migrate.image);
    }
    expect(services.api.command).toEqual(['node', 'dist/src/main.js']);
    expect(services.api.environment?.RUN_WORKERS).toBe('false');
    expect(services.worker.command).toEqual(['node', 'dist/src/worker.js']);
    expect(services.worker.healthcheck?.test).toEqual(['CMD', 'node', 'dist/src/worker-health.js']);
    // The API probe is Node's own fetch against the liveness route: no curl or wget in the image.
    const apiProbe = (services.api.healthcheck?.test as string[]).join(' ');
    expect(apiProbe).toContain("fetch('http://127.0.0.1:3000/health/live')");
    expect(apiProbe).not.toMatch(/curl|wget/);
  });

  it('keeps queue data across a Redis restart (AOF, noeviction) and waits for healthy PostgreSQL and Redis', () => {
    const redis = (services.redis.command as string[]).join(' ');
    expect(redis).toContain('--appendonly yes');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect((services.postgres.healthcheck?.test as string[]).slice(0, 2)).toEqual(['CMD', 'pg_isready']);
    expect(services.mailpit?.profiles).toEqual(['mail']);
  });

  it('builds in stages on a supported Node image and runs as the unprivileged node user with production dependencies only', () => {
    const instructions = dockerfile();
    const args = Object.fromEntries(instructions.filter((i) => i.op === 'ARG').map((i) => i.args.split('=') as [string, string]));
    const froms = instructions.filter((i) => i.op === 'FROM').map((i) => i.args.replace(/\$\{(\w+)\}/g, (_, k: string) => args[k]));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^node:(22|24)(\.\d+)*-bookworm-slim\b/);
    const last = instructions.filter((i) => i.stage === froms.length - 1);
    expect(last.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n')).toMatch(/npm ci --omit=dev/);
    expect(last.some((i) => i.op === 'COPY' && /--from=build\b.*\/app\/dist/.test(i.args))).toBe(true);
    const users = last.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.pop()).toBe('node');
    expect(last.findIndex((i) => i.op === 'USER')).toBeLessThan(last.findIndex((i) => i.op === 'CMD'));
    // What the build stage copies is in the build context (.dockerignore does not drop it).
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const copied = instructions
      .filter((i) => i.stage === 0 && i.op === 'COPY' && !i.args.includes('--from'))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    for (const path of copied) {
      expect({ path, exists: existsSync(join(ROOT, path)) }).toEqual({ path, exists: true });
      expect({ path, ignored: ignored.includes(path) }).toEqual({ path, ignored: false });
    }
  });

  it('.env.example lists every variable the configuration reads, and every variable compose interpolates', () => {
    const listed = envExampleVariables();
    const wanted = configVariables();
    expect(wanted.length).toBeGreaterThan(30);
    expect(wanted.filter((v) => !listed.has(v))).toEqual([]);
    const interpolated = [...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
    expect([...new Set(interpolated)].filter((v) => !listed.has(v))).toEqual([]);
  });

  it('the built migration entry (npm run migration:run:prod) creates and migrates a fresh database, then finds nothing to do', async () => {
    const name = `omni_t_deploy_${process.pid}_${Date.now().toString(36)}`;
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl(name) };
    const run = () => spawnSync(process.execPath, [built('dist/src/infra/database/migrate.cli.js')], { cwd: ROOT, env, encoding: 'utf8' });
    try {
      const first = run();
      expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
      expect(first.stdout).toContain('Applied migrations:');
      const c = new Client({ connectionString: databaseUrl(name) });
      await c.connect();
      const applied = await c.query<{ name: string }>('SELECT name FROM typeorm_migrations').finally(() => c.end());
      expect(applied.rows.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      const second = run();
      expect(second.status).toBe(0);
      expect(second.stdout).toContain('Database schema is up to date.');
    } finally {
      await dropDatabase(name);
    }
  }, 120_000);
});
