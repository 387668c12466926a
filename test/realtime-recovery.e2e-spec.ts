import Redis from 'ioredis';
import { io, Socket } from 'socket.io-client';
import { OFFSET_RE, recoverySessionKey, recoveryStreamKey, socketKey } from '../src/infra/redis/socket-recovery';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { createMember, SeedOrg, seedOrg } from './support/org-fixture';
import { eventually } from './support/queues';
import { settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

interface Got {
  event: string;
  payload: any;
  /** The offset socket.io appends to every replayable event (a Redis stream id). */
  offset?: string;
}

/** A socket.io client on `/inbox` that records every event with its offset and can drop and reconnect. */
class RecoveringClient {
  readonly events: Got[] = [];
  constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown, offset: unknown) => this.events.push({ event, payload, offset: typeof offset === 'string' ? offset : undefined }));
  }
  /** socket.io-client's private session id and last offset (what it offers when reconnecting). */
  get pid(): string | undefined {
    return (this.socket as unknown as { _pid?: string })._pid;
  }
  get lastOffset(): string | undefined {
    return (this.socket as unknown as { _lastOffset?: string })._lastOffset;
  }
  texts(from = 0): string[] {
    return this.events.slice(from).filter((e) => e.event === 'message.created').map((e) => e.payload.text);
  }
  of(event: string, from = 0): any[] {
    return this.events.slice(from).filter((e) => e.event === event).map((e) => e.payload);
  }
  close(): void {
    this.socket.close();
  }
}

/** Reconnection is driven by hand (`reconnect`), so the test decides when the client comes back. */
function open(url: string, token: string): Promise<RecoveringClient> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/inbox`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new RecoveringClient(socket);
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

/** Reconnects (optionally to another server process); resolves once connected, rejects on connect_error. */
function reconnect(c: RecoveringClient, url?: string): Promise<void> {
  if (url) (c.socket.io as unknown as { uri: string }).uri = `${url}/inbox`;
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      c.socket.off('connect_error', onError);
      resolve();
    };
    const onError = (e: Error) => {
      c.socket.off('connect', onConnect);
      reject(e);
    };
    c.socket.once('connect', onConnect);
    c.socket.once('connect_error', onError);
    c.socket.connect();
  });
}

describe('socket connection-state recovery (SPEC §20)', () => {
  let a: TestApp;
  let b: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let redis: Redis;
  const sockets: RecoveringClient[] = [];
  const key = () => socketKey(a.env.REDIS_PREFIX);

  const openOn = async (t: TestApp, token: string) => {
    const c = await open(t.url!, token);
    sockets.push(c);
    return c;
  };

  /** A network drop: the transport dies under the client; waits until the server has stored the session. */
  const drop = async (c: RecoveringClient) => {
    const pid = c.pid;
    expect(pid).toEqual(expect.any(String));
    const gone = new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
    c.socket.io.engine.close();
    expect(await gone).toBe('forced close'); // the client's side; the server sees "transport close", a recoverable reason
    await eventually(async () => (await redis.exists(recoverySessionKey(key(), '/inbox', pid!))) === 1);
  };

  /** A customer writes (the webhook is posted to `t`, whose process commits and emits). */
  const say = (t: TestApp, userId: string, text: string) => customerSays(t, line, userId, text);

  /** Waits until `c` has the message, and then a little more for the events of the same change. */
  const received = async (c: RecoveringClient, text: string, from = 0) => {
    await eventually(async () => c.texts(from).includes(text));
    await settle(150);
  };

  /**
   * Waits until `c` (since `from`) has received as many events as `witness` (since `wFrom`),
   * a socket of the same member that stayed connected, and both are quiet.
   */
  const caughtUp = async (c: RecoveringClient, from: number, witness: RecoveringClient, wFrom: number) => {
    let last = -1;
    await eventually(async () => {
      const n = c.events.length - from;
      const done = n === witness.events.length - wFrom && n === last;
      last = n;
      if (!done) await settle(100);
      return done;
    });
  };

  const strictlyIncreasing = (offsets: (string | undefined)[]) => {
    const ms = offsets.map((o) => {
      expect(o).toMatch(OFFSET_RE);
      const [t, s] = o!.split('-').map(BigInt);
      return t * 1_000_000n + s;
    });
    for (let i = 1; i < ms.length; i++) expect(ms[i] > ms[i - 1]).toBe(true);
  };

  beforeAll(async () => {
    a = await startTestApp({ REALTIME_RECOVERY_SECONDS: '120' }, { listen: true });
    org = await seedOrg(a);
    line = await createChannel(a, org.admin.token, 'line');
    b = await startTestApp({ ...a.env, REALTIME_RECOVERY_SECONDS: '120' }, { listen: true, shareWith: a });
    redis = new Redis(a.env.REDIS_URL);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    redis?.disconnect();
    await b?.close();
    await a?.close();
  });

  it('a socket that drops and reconnects within the window gets exactly the events it missed, in order, and is recovered', async () => {
    const s = await openOn(a, org.managerA.token);
    const witness = await openOn(a, org.managerA.token); // the same member, connected throughout
    expect(s.of('resync')).toEqual([]); // a brand-new connection gets no resync

    const user = newLineUserId();
    await say(a, user, 'one: before the drop');
    await received(s, 'one: before the drop');
    expect(s.lastOffset).toMatch(OFFSET_RE);

    await drop(s);
    const sMark = s.events.length;
    const wMark = witness.events.length;
    for (const text of ['one: missed 1', 'one: missed 2', 'one: missed 3']) await say(a, user, text);
    await received(witness, 'one: missed 3', wMark);
    expect(witness.events.length - wMark).toBeGreaterThanOrEqual(6); // message.created + conversation.upserted per message
    expect(s.events.length).toBe(sMark);

    await reconnect(s);
    expect(s.socket.recovered).toBe(true);
    await caughtUp(s, sMark, witness, wMark);
    const replayed = s.events.slice(sMark);
    expect(replayed).toEqual(witness.events.slice(wMark)); // same events, payloads and offsets, same order
    expect(s.texts(sMark)).toEqual(['one: missed 1', 'one: missed 2', 'one: missed 3']);
    strictlyIncreasing(replayed.map((e) => e.offset));
    expect(s.of('resync')).toEqual([]);

    // back to live delivery, each event once
    await say(a, user, 'one: after');
    await received(s, 'one: after', sMark);
    expect(s.texts(sMark)).toEqual(['one: missed 1', 'one: missed 2', 'one: missed 3', 'one: after']);
  });

  it('only the member’s own events are replayed, whatever else happened meanwhile', async () => {
    const manager = await openOn(a, org.managerA.token);
    const witness = await openOn(a, org.managerA.token);
    const south = await openOn(a, org.southManager.token);
    const user = newLineUserId();
    await say(a, user, 'two: first');
    await received(manager, 'two: first');
    await received(south, 'two: first');
    await drop(manager);
    const mark = manager.events.length;
    const wMark = witness.events.length;
    const southMark = south.events.length;
    // south's own traffic while A is away: a conversation A cannot read once assigned in the south
    const other = await say(a, newLineUserId(), 'two: south only');
    await a.as(org.admin.token).post(`/api/v1/conversations/${other.conversationId}/assign`, { assigneeId: org.southManager.id }).expect(200);
    const { conversationId } = await say(a, user, 'two: missed');
    await a.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.managerB.id }).expect(200);
    await say(a, user, 'two: missed, assigned');
    await received(witness, 'two: missed, assigned', wMark);
    expect(south.of('conversation.removed', southMark)).toEqual([{ conversationId }]);

    await reconnect(manager);
    expect(manager.socket.recovered).toBe(true);
    await caughtUp(manager, mark, witness, wMark);
    expect(manager.events.slice(mark)).toEqual(witness.events.slice(wMark));
    expect(manager.texts(mark)).toEqual(['two: south only', 'two: missed', 'two: missed, assigned']);
    // the south conversation, once assigned in the south, is removed for A: that is part of what A missed
    expect(manager.of('conversation.removed', mark)).toEqual([{ conversationId: other.conversationId }]);
  });

  it('an offset that is no longer kept gets `resync` instead of a partial replay', async () => {
    const s = await openOn(a, org.managerA.token);
    const user = newLineUserId();
    await say(a, user, 'three: before');
    await received(s, 'three: before');
    await drop(s);
    const mark = s.events.length;
    await say(a, user, 'three: missed');
    await settle(200);
    await redis.del(recoveryStreamKey(key(), '/inbox')); // as if trimmed: the history after the offset is gone
    await reconnect(s);
    expect(s.socket.recovered).toBe(false);
    await eventually(async () => s.of('resync', mark).length > 0);
    expect(s.of('resync', mark)).toEqual([{ reason: 'unavailable' }]);
    expect(s.texts(mark)).toEqual([]);
    // the fresh socket is live again (and offsets start over from the new stream)
    await say(a, user, 'three: after');
    await received(s, 'three: after', mark);
    expect(s.lastOffset).toMatch(OFFSET_RE);
  });

  it('a reconnect after the window gets `resync`', async () => {
    const short = await startTestApp({ ...a.env, REALTIME_RECOVERY_SECONDS: '1' }, { listen: true, shareWith: a });
    try {
      const s = await openOn(short, org.managerA.token);
      const user = newLineUserId();
      await say(a, user, 'four: before');
      await received(s, 'four: before');
      await drop(s);
      const mark = s.events.length;
      await say(a, user, 'four: missed');
      // the session is kept for the window (1 s here), then forgotten
      await eventually(async () => (await redis.exists(recoverySessionKey(key(), '/inbox', s.pid!))) === 0, 5000);
      await reconnect(s);
      expect(s.socket.recovered).toBe(false);
      await eventually(async () => s.of('resync', mark).length > 0);
      expect(s.of('resync', mark)).toEqual([{ reason: 'expired' }]);
      expect(s.texts(mark)).toEqual([]);
      s.close();
    } finally {
      await short.close();
    }
  });

  it('a reconnect without any offset (nothing received yet) gets `resync`; a new connection does not', async () => {
    const s = await openOn(a, org.winnie.token);
    await settle(100);
    expect(s.events).toEqual([]);
    await drop(s);
    await reconnect(s);
    expect(s.socket.recovered).toBe(false);
    await eventually(async () => s.of('resync').length > 0);
    expect(s.of('resync')).toEqual([{ reason: 'no-offset' }]);
  });

  it('a member deactivated while disconnected is not restored: the reconnect is refused and nothing is replayed', async () => {
    const m = await createMember(a, org.admin.token, { name: 'South Temp', unitId: org.units.south, roleId: org.roles.regionManager });
    const s = await openOn(a, m.token);
    const user = newLineUserId();
    await say(a, user, 'five: before');
    await received(s, 'five: before');
    await drop(s);
    const mark = s.events.length;
    await say(a, user, 'five: missed');
    await a.as(org.admin.token).post(`/api/v1/members/${m.id}/deactivate`, { handoverMemberId: org.southManager.id }).expect(200);
    await expect(reconnect(s)).rejects.toThrow(/unauthorized/);
    await settle(200);
    expect(s.events.slice(mark)).toEqual([]);
  });

  describe('several server processes on one Redis', () => {
    it('an event emitted by instance A reaches a socket on instance B, and B recovers it after a drop', async () => {
      const s = await openOn(b, org.managerC.token);
      const witness = await openOn(a, org.managerC.token);
      const user = newLineUserId();
      await say(a, user, 'six: from A');
      await received(s, 'six: from A');
      expect(s.lastOffset).toMatch(OFFSET_RE);

      await drop(s);
      const sMark = s.events.length;
      const wMark = witness.events.length;
      for (const text of ['six: missed 1', 'six: missed 2']) await say(a, user, text);
      await received(witness, 'six: missed 2', wMark);

      await reconnect(s);
      expect(s.socket.recovered).toBe(true);
      await caughtUp(s, sMark, witness, wMark);
      expect(s.events.slice(sMark)).toEqual(witness.events.slice(wMark));
      expect(s.texts(sMark)).toEqual(['six: missed 1', 'six: missed 2']);
    });

    it('a socket that dropped from A recovers on B (the session is in Redis, not in a process)', async () => {
      const s = await openOn(a, org.managerB.token);
      const witness = await openOn(b, org.managerB.token);
      const user = newLineUserId();
      await say(a, user, 'seven: before');
      await received(s, 'seven: before');

      await drop(s);
      const sMark = s.events.length;
      const wMark = witness.events.length;
      for (const text of ['seven: missed 1', 'seven: missed 2']) await say(b, user, text);
      await received(witness, 'seven: missed 2', wMark);

      await reconnect(s, b.url!);
      expect(s.socket.recovered).toBe(true);
      await caughtUp(s, sMark, witness, wMark);
      expect(s.events.slice(sMark)).toEqual(witness.events.slice(wMark));
      expect(s.texts(sMark)).toEqual(['seven: missed 1', 'seven: missed 2']);

      // and it is live on B now
      await say(a, user, 'seven: after');
      await received(s, 'seven: after', sMark);
      expect(s.texts(sMark)).toEqual(['seven: missed 1', 'seven: missed 2', 'seven: after']);
    });
  });
});
