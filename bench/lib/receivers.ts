import { ChildProcess, fork } from 'child_process';
import { join } from 'path';
import { sleep } from './stats';

export interface SocketAssignment {
  memberId: string;
  token: string;
}

export interface Collected {
  /** Valid receipts per seq (index = seq − seqFrom), summed over receivers. */
  counts: Uint32Array;
  latencies: number[];
  leakedMessages: number;
  leakedUpserts: number;
  duplicates: number;
  upserts: number;
}

/** Socket-holding child processes (bench/receiver.ts), so the clients do not share the load generator's event loop. */
export class ReceiverPool {
  private readonly children: ChildProcess[] = [];
  private readonly waiting = new Map<ChildProcess, ((m: any) => void)[]>();

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const child = fork(join(__dirname, '..', 'receiver.ts'), [], {
        execArgv: ['-r', 'ts-node/register/transpile-only'],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.waiting.set(child, []);
      child.on('message', (m) => this.waiting.get(child)!.shift()?.(m));
      this.children.push(child);
    }
  }

  get size(): number {
    return this.children.length;
  }

  private ask(child: ChildProcess, msg: unknown): Promise<any> {
    return new Promise((resolve) => {
      this.waiting.get(child)!.push(resolve);
      child.send(msg as never);
    });
  }

  private all(msg: unknown | ((i: number) => unknown)): Promise<any[]> {
    return Promise.all(this.children.map((c, i) => this.ask(c, typeof msg === 'function' ? (msg as (i: number) => unknown)(i) : msg)));
  }

  init(conversationIds: string[], readable: Record<string, number[]>): Promise<unknown> {
    return this.all({ type: 'init', conversationIds, readable });
  }

  /** Spreads the sockets over the receivers; resolves when every handshake has finished. */
  async connect(url: string, sockets: SocketAssignment[], concurrency = 100): Promise<{ ok: number; failed: number }> {
    const shares = this.children.map((_, i) => sockets.filter((_, k) => k % this.children.length === i));
    const res = await this.all((i: number) => ({ type: 'connect', url, sockets: shares[i], concurrency: Math.ceil(concurrency / this.children.length) }));
    return { ok: res.reduce((s, r) => s + r.ok, 0), failed: res.reduce((s, r) => s + r.failed, 0) };
  }

  async total(): Promise<number> {
    return (await this.all({ type: 'count' })).reduce((s, r) => s + r.total, 0);
  }

  /** Waits until `expected` valid receipts arrived (or the timeout), then collects and resets. */
  async collect(seqFrom: number, seqTo: number, expected: number, timeoutMs: number): Promise<Collected & { waitedMs: number }> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs && (await this.total()) < expected) await sleep(50);
    const waitedMs = Date.now() - t0;
    const parts = await this.all({ type: 'collect', seqFrom, seqTo });
    const counts = new Uint32Array(seqTo - seqFrom);
    const latencies: number[] = [];
    const out = { counts, latencies, leakedMessages: 0, leakedUpserts: 0, duplicates: 0, upserts: 0, waitedMs };
    for (const p of parts) {
      for (let i = 0; i < counts.length; i++) counts[i] += p.counts[i];
      for (const l of p.latencies as Float64Array) latencies.push(l);
      out.leakedMessages += p.leakedMessages;
      out.leakedUpserts += p.leakedUpserts;
      out.duplicates += p.duplicates;
      out.upserts += p.upserts;
    }
    return out;
  }

  async close(): Promise<void> {
    for (const c of this.children) c.send({ type: 'close' });
    await sleep(300);
    for (const c of this.children) if (c.exitCode === null) c.kill();
  }
}
