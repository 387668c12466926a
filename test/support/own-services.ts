import { ChildProcess, execFile, spawn } from 'child_process';
import { chownSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir, userInfo } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { promisify } from 'util';
import { runMigrations } from '../../src/infra/database/migrate';

/**
 * Private PostgreSQL and Redis servers for fault tests: started on free ports, stopped and
 * started again at will, thrown away afterwards. The shared services on the default ports are
 * never touched.
 *
 * PostgreSQL refuses to run as root, so as root its binaries run as the `postgres` user
 * (`runuser -u postgres --`) in a temporary directory that user owns; as `postgres` they run
 * directly. Anyone else cannot run one: `ownServicesUnavailable()` then says why and the fault
 * tests skip with that message.
 */

const run = promisify(execFile);
const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why private servers cannot be started here, or null when they can. */
export function ownServicesUnavailable(): string | null {
  const user = userInfo();
  if (user.uid !== 0 && user.username !== 'postgres') {
    return `fault tests need to start a private PostgreSQL: run them as root or as the postgres user (running as ${user.username})`;
  }
  if (user.uid === 0 && postgresIds() === null) return 'fault tests need a `postgres` system user to run a private PostgreSQL as (PostgreSQL refuses to run as root)';
  return null;
}

function postgresIds(): { uid: number; gid: number } | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = require('net').connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** `redis-server --port <port> --save '' --appendonly no`: restarted, it comes back empty, as a real crash without persistence would. */
export class OwnRedis {
  port = 0;
  private proc?: ChildProcess;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(): Promise<this> {
    if (this.running) return this;
    if (!this.port) this.port = await freePort();
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    const proc = this.proc;
    proc.once('error', () => undefined);
    await waitFor(`redis-server on port ${this.port}`, async () => proc.exitCode === null && (await portOpen(this.port)), 15000);
    return this;
  }

  /** Stops it (SIGTERM; SIGKILL after 5 s): clients see refused connections until `start`. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.proc = undefined;
  }
}

/** A throw-away PostgreSQL cluster (`initdb` + `pg_ctl`), trust authentication, listening on 127.0.0.1 only. */
export class OwnPostgres {
  port = 0;
  private dir = '';
  private runAs: string[] = [];

  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** initdb into a fresh temporary directory, then start. */
  async init(): Promise<this> {
    const why = ownServicesUnavailable();
    if (why) throw new Error(why);
    this.port = await freePort();
    this.dir = mkdtempSync(join(tmpdir(), 'omni-pg-'));
    if (userInfo().uid === 0) {
      const ids = postgresIds()!;
      chownSync(this.dir, ids.uid, ids.gid);
      this.runAs = ['runuser', '-u', 'postgres', '--'];
    }
    mkdirSync(join(this.dir, 'sock'));
    if (this.runAs.length) chownSync(join(this.dir, 'sock'), postgresIds()!.uid, postgresIds()!.gid);
    await this.exec('initdb', ['-D', join(this.dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    await this.start();
    return this;
  }

  async start(): Promise<void> {
    const opts = [
      `-p ${this.port}`,
      `-k ${join(this.dir, 'sock')}`,
      `-c listen_addresses=127.0.0.1`,
      `-c fsync=off`,
      `-c synchronous_commit=off`,
      `-c full_page_writes=off`,
      `-c max_connections=60`,
      `-c shared_buffers=32MB`,
    ].join(' ');
    const log = join(this.dir, 'server.log');
    // pg_ctl needs the log file writable by the server's user
    if (this.runAs.length) {
      openSync(log, 'a');
      chownSync(log, postgresIds()!.uid, postgresIds()!.gid);
    }
    await this.exec('pg_ctl', ['-D', join(this.dir, 'data'), '-o', opts, '-l', log, '-w', '-t', '60', 'start']);
    await waitFor(`PostgreSQL on port ${this.port}`, () => this.accepts(), 30000);
  }

  /** `pg_ctl stop -m fast`: sessions are ended (57P01) and new connections refused until `start`. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.exec('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Creates `name` and runs every migration in it; answers its URL. */
  async migratedDatabase(name: string): Promise<string> {
    const url = this.url(name);
    await runMigrations(url);
    return url;
  }

  /** Stops the server (if running) and removes its directory. */
  async destroy(): Promise<void> {
    if (!this.dir) return;
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }

  serverLog(): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  private async accepts(): Promise<boolean> {
    const c = new Client({ connectionString: this.url(), connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  private async exec(bin: string, args: string[]): Promise<void> {
    const [cmd, ...rest] = [...this.runAs, join(PG_BIN, bin), ...args];
    try {
      await run(cmd, rest, { cwd: this.dir, timeout: 120_000 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`${bin} failed: ${err.stderr || err.message}\n${this.serverLog().slice(-2000)}`);
    }
  }
}
