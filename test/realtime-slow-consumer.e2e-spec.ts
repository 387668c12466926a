import { Socket as NetSocket } from 'net';
import { io, Socket } from 'socket.io-client';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { RecoverableRedisAdapter } from '../src/infra/redis/recoverable-redis-adapter';
import { InboxGateway } from '../src/modules/realtime/inbox.gateway';
import { RealtimeEmitter } from '../src/modules/realtime/realtime.emitter';
import { signup } from './support/org-fixture';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

/** Small, so the test is quick (the default is 1 MiB). */
const MAX_BUFFER = 256 * 1024;
const SLOW_SOCKETS = 20;
const EVENTS = 6000;
const PAYLOAD_BYTES = 4 * 1024;
/** Events emitted at once: well under the bound, so the reading socket is never a bound behind. */
const BATCH = 25;

/** A full collection whether or not node runs with --expose-gc (jest workers do not). */
function collector(): () => void {
  if (typeof global.gc === 'function') return global.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface Mem {
  heap: number;
  buffers: number;
  rss: number;
}

/** What this process holds (MB) after a full collection: the sockets' queues are JS objects, their frames Buffers. */
function retained(gc: () => void): Mem {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, buffers: m.external / 2 ** 20, rss: m.rss / 2 ** 20 };
}

function open(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/inbox`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

/** The client's TCP socket, under socket.io-client → engine.io-client → ws. */
const tcpOf = (s: Socket) => (s.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;

describe('slow consumers: bounded per-socket buffers', () => {
  let t: TestApp;
  let admin: { id: string; token: string };
  const sockets: Socket[] = [];
  const paused: NetSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ REALTIME_MAX_SOCKET_BUFFER_BYTES: String(MAX_BUFFER) }, { listen: true });
    ({ admin } = await signup(t));
  });
  afterAll(async () => {
    paused.forEach((tcp) => tcp.destroy()); // a paused socket would never read the server's FIN
    sockets.forEach((s) => s.close());
    await t?.close();
  });

  it('sockets that stop reading are closed once their backlog passes the bound, and their memory is freed; a socket that reads gets every event, in order', async () => {
    const gc = collector();
    const adapter = (t.app.get(InboxGateway) as unknown as { adapter: RecoverableRedisAdapter }).adapter;
    const serverSockets = () => adapter.nsp.sockets.size as number;
    const engineClients = () => adapter.nsp.server.engine.clientsCount as number;
    const emitter = t.app.get(RealtimeEmitter);
    const blob = 'x'.repeat(PAYLOAD_BYTES);

    // One member, N + 1 sockets in the same room; N will stop reading, one keeps reading.
    const slow: Socket[] = [];
    for (let i = 0; i < SLOW_SOCKETS; i++) slow.push(await open(t.url!, admin.token));
    const normal = await open(t.url!, admin.token);
    sockets.push(...slow, normal);
    const seqs: number[] = [];
    const resyncs: unknown[] = [];
    let normalDisconnected: string | undefined;
    let waiting: { n: number; done: () => void } | undefined;
    normal.on('slow.test', (p: { seq: number }) => {
      seqs.push(p.seq); // the payload itself is not kept
      if (waiting && seqs.length >= waiting.n) waiting.done();
    });
    normal.on('resync', (r: unknown) => resyncs.push(r));
    normal.on('disconnect', (reason) => (normalDisconnected = reason));
    const normalHas = (n: number) =>
      seqs.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { n, done: () => ((waiting = undefined), resolve()) }));

    // Warm-up (every socket still reads): code paths and pools are allocated before measuring.
    await Promise.all(Array.from({ length: BATCH }, (_, k) => emitter.toMembers([admin.id], 'warm-up', { k, blob })));
    await eventually(async () => slow.every((s) => (s as unknown as { _lastOffset?: string })._lastOffset !== undefined));
    await new Promise((r) => setTimeout(r, 200));

    // The slow ones stop reading, as a stalled client would: their TCP socket is paused.
    for (const s of slow) {
      const tcp = tcpOf(s);
      tcp.pause();
      paused.push(tcp);
    }
    const slowReasons: string[] = [];
    slow.forEach((s) => s.on('disconnect', (reason) => slowReasons.push(reason)));
    expect(serverSockets()).toBe(SLOW_SOCKETS + 1);
    const before = retained(gc);

    const rss: number[] = [];
    const started = Date.now();
    for (let seq = 0; seq < EVENTS; seq += BATCH) {
      const n = Math.min(BATCH, EVENTS - seq);
      await Promise.all(Array.from({ length: n }, (_, k) => emitter.toMembers([admin.id], 'slow.test', { seq: seq + k, blob })));
      await normalHas(seq + n);
      if (seq % 500 === 0) rss.push(Math.round(process.memoryUsage().rss / 2 ** 20));
    }
    const elapsed = Date.now() - started;

    // every slow socket was closed on the server; the reading one is still there, with every event in order
    await eventually(async () => serverSockets() === 1 && engineClients() === 1, 10000);
    expect(normal.connected).toBe(true);
    expect(normalDisconnected).toBeUndefined();
    expect(resyncs).toEqual([]);
    expect(seqs).toEqual(Array.from({ length: EVENTS }, (_, i) => i));

    const after = retained(gc);
    const pushedMb = (EVENTS * PAYLOAD_BYTES) / 2 ** 20;
    const grew = after.heap + after.buffers - (before.heap + before.buffers);
    // eslint-disable-next-line no-console
    console.log(
      `slow consumers: ${SLOW_SOCKETS} paused sockets + 1 reading, ${EVENTS} events of ${PAYLOAD_BYTES} B (${pushedMb.toFixed(1)} MB per socket) in ${elapsed} ms; ` +
        `after GC heap ${before.heap.toFixed(1)} → ${after.heap.toFixed(1)} MB, external ${before.buffers.toFixed(1)} → ${after.buffers.toFixed(1)} MB (${grew >= 0 ? '+' : ''}${grew.toFixed(1)}); ` +
        `rss ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} MB (sampled: ${rss.join(', ')})`,
    );
    // Unbounded, the paused sockets would keep the whole burst: its frames (shared between the
    // sockets, so ≥ pushedMb) plus a packet object per event per socket. Bounded, what is left is noise.
    expect(grew).toBeLessThan(pushedMb / 4);

    // A slow client that reads again finds its connection closed; reconnecting, it is not handed
    // the thousands of events it missed (more than 1,000, more than half the bound): `resync`.
    const late = slow[0];
    const gone = new Promise<string>((resolve) => (late.connected ? late.once('disconnect', resolve) : resolve(slowReasons[0])));
    paused[0].resume();
    expect(await gone).toMatch(/^transport (close|error)$/);
    const lateResyncs: unknown[] = [];
    late.on('resync', (r: unknown) => lateResyncs.push(r));
    await new Promise<void>((resolve, reject) => {
      late.once('connect', () => resolve());
      late.once('connect_error', reject);
      late.connect();
    });
    expect(late.recovered).toBe(false);
    await eventually(async () => lateResyncs.length > 0);
    expect(lateResyncs).toEqual([{ reason: 'too-many' }]);
  });
});
