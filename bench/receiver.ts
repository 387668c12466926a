import { io, Socket } from 'socket.io-client';

/**
 * A receiver process of the benchmark: holds a share of the sockets and judges every event
 * against the audience the parent computed over REST before the run.
 *   message.created text is `bench:<seq>:<conversation index>:<hrtime ns at POST>`;
 *   conversation.upserted carries the conversation id.
 * A receipt on a socket whose member may read the conversation counts (and gives a latency);
 * any other is a leak. Parent ↔ child messages use the `advanced` serialization (typed arrays).
 */
interface SocketSpec {
  memberId: string;
  token: string;
}
type FromParent =
  | { type: 'init'; conversationIds: string[]; readable: Record<string, number[]> }
  | { type: 'connect'; url: string; sockets: SocketSpec[]; concurrency: number }
  | { type: 'count' }
  | { type: 'collect'; seqFrom: number; seqTo: number }
  | { type: 'close' };

const sockets: Socket[] = [];
let convIndex = new Map<string, number>();
let readable = new Map<string, Set<number>>();
let received = new Map<number, number>();
let seen = new Map<number, Set<number>>(); // per socket index: seqs seen (duplicates)
let latencies: number[] = [];
let total = 0;
let leakedMessages = 0;
let leakedUpserts = 0;
let duplicates = 0;
let upserts = 0;

const send = (m: unknown) => process.send!(m);

function onMessageCreated(socketIndex: number, memberId: string, text: unknown): void {
  const now = process.hrtime.bigint();
  if (typeof text !== 'string' || !text.startsWith('bench:')) return;
  const [, seqS, convS, tS] = text.split(':');
  const seq = Number(seqS);
  if (!readable.get(memberId)?.has(Number(convS))) {
    leakedMessages++;
    return;
  }
  let s = seen.get(socketIndex);
  if (!s) seen.set(socketIndex, (s = new Set()));
  if (s.has(seq)) {
    duplicates++;
    return;
  }
  s.add(seq);
  received.set(seq, (received.get(seq) ?? 0) + 1);
  latencies.push(Number(now - BigInt(tS)) / 1e6);
  total++;
}

function onUpserted(memberId: string, payload: { id?: string }): void {
  const idx = convIndex.get(payload?.id ?? '');
  if (idx === undefined || !readable.get(memberId)?.has(idx)) leakedUpserts++;
  else upserts++;
}

async function connectAll(url: string, specs: SocketSpec[], concurrency: number): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  let next = 0;
  const one = (spec: SocketSpec) =>
    new Promise<void>((resolve) => {
      const index = sockets.length;
      const s = io(`${url}/inbox`, { auth: { token: spec.token }, transports: ['websocket'], reconnection: false, timeout: 30_000 });
      sockets.push(s);
      s.on('message.created', (m: { text?: unknown }) => onMessageCreated(index, spec.memberId, m?.text));
      s.on('conversation.upserted', (p: { id?: string }) => onUpserted(spec.memberId, p));
      s.once('connect', () => {
        ok++;
        resolve();
      });
      s.once('connect_error', () => {
        failed++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: Math.min(concurrency, specs.length) }, async () => {
      while (next < specs.length) await one(specs[next++]);
    }),
  );
  return { ok, failed };
}

process.on('message', (m: FromParent) => {
  switch (m.type) {
    case 'init':
      convIndex = new Map(m.conversationIds.map((id, i) => [id, i]));
      readable = new Map(Object.entries(m.readable).map(([k, v]) => [k, new Set(v)]));
      send({ type: 'ready' });
      return;
    case 'connect':
      void connectAll(m.url, m.sockets, m.concurrency).then((r) => send({ type: 'connected', ...r }));
      return;
    case 'count':
      send({ type: 'count', total });
      return;
    case 'collect': {
      const counts = new Uint32Array(m.seqTo - m.seqFrom);
      for (const [seq, n] of received) if (seq >= m.seqFrom && seq < m.seqTo) counts[seq - m.seqFrom] = n;
      send({ type: 'collected', counts, latencies: Float64Array.from(latencies), leakedMessages, leakedUpserts, duplicates, upserts });
      received = new Map();
      seen = new Map();
      latencies = [];
      total = 0;
      leakedMessages = leakedUpserts = duplicates = upserts = 0;
      return;
    }
    case 'close':
      for (const s of sockets) s.disconnect();
      setTimeout(() => process.exit(0), 100);
      return;
  }
});
