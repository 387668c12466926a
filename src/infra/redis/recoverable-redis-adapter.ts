import { Logger } from '@nestjs/common';
import { RedisAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Socket } from 'socket.io';
import { closeNow, configuredMaxSocketBufferBytes, EngineConnection, SLOW_CONSUMER_RESYNC, SlowConsumerGuard, slowConsumerLimits } from './slow-consumer';
import {
  compareOffsets,
  decodeEntryData,
  OFFSET_RE,
  RecoveryRedis,
  recoverySessionKey,
  recoveryStreamKey,
  redisFailureLogger,
  sleep,
  withRecoveryScripts,
} from './socket-recovery';

type SessionToPersist = Parameters<RedisAdapter['persistSession']>[0];
type RestoredSession = Awaited<ReturnType<RedisAdapter['restoreSession']>>;
type BroadcastOpts = Parameters<RedisAdapter['broadcast']>[1];

/** Why a reconnect could not be replayed (sent to the client in `resync`). */
export type ResyncReason = 'expired' | 'unavailable' | 'revoked' | 'too-many' | 'error';

/** Decides, from the persisted `socket.data`, whether a session may still be restored (member active, token not revoked). */
export type RestoreGuard = (data: unknown) => Promise<boolean>;

export interface RecoveryOptions {
  /** The socket.io key (`<prefix>:socket.io`), shared with the emitter. */
  key: string;
  /** How long a disconnected session and the events it may miss are kept. */
  windowMs: number;
  /** A new connection (with its own `error` listener) for the blocking stream reads, one per namespace that reads. */
  readerConnection: () => Redis;
  /**
   * Unsent bytes per socket beyond which it is dropped as a slow consumer (docs/realtime.md
   * "Slow consumers"); defaults to `REALTIME_MAX_SOCKET_BUFFER_BYTES` from the environment.
   */
  maxSocketBufferBytes?: number;
}

/** Entries read per Lua call while replaying (bounds how long one call blocks Redis). */
const REPLAY_BATCH = 500;
/** Beyond this many missed events a refetch is cheaper than a replay: `resync`. */
const MAX_REPLAY = 1000;
/** A restore waiting longer than this for Redis gives up (the client gets `resync`). */
const RESTORE_TIMEOUT_MS = 5000;
/** Entries per XREAD. */
const READ_COUNT = 1000;

/**
 * Reads the namespace's stream in order, forever, on its own connection, and hands each
 * entry to the adapter. `lastId` is the last entry delivered to this process's sockets.
 * A Redis outage pauses it; it resumes after `lastId` (entries trimmed meanwhile are lost).
 */
class StreamReader {
  lastId?: string;
  readonly ready: Promise<void>;
  private stopped = false;
  private readonly waiters = new Set<{ id: string; done: (reached: boolean) => void }>();

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly deliver: (id: string, rooms: string, data: Buffer) => void,
    private readonly onError: (e: unknown) => void,
    /** Called before the entries of each read are delivered (in one go). */
    private readonly onRound: () => void = () => undefined,
  ) {
    this.ready = this.init();
    void this.ready.then(() => this.loop());
  }

  /** Resolves true once this process has delivered everything up to `id` (false on timeout or stop). */
  reach(id: string, timeoutMs: number): Promise<boolean> {
    if (this.lastId !== undefined && compareOffsets(this.lastId, id) >= 0) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        id,
        done: (reached: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Stopped, or its connection closed (the socket server shutting down). */
  private get closed(): boolean {
    return this.stopped || this.client.status === 'end';
  }

  stop(): void {
    this.stopped = true;
    for (const w of [...this.waiters]) w.done(false);
    this.client.disconnect();
  }

  /** Starts after the newest entry: what was emitted before this process listened is not its to deliver. */
  private async init(): Promise<void> {
    while (!this.closed) {
      try {
        const newest = await this.client.xrevrange(this.key, '+', '-', 'COUNT', 1);
        this.lastId = newest.length > 0 ? newest[0][0] : '0-0';
        return;
      } catch (e) {
        if (this.closed) return;
        this.onError(e);
        await sleep(500);
      }
    }
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      try {
        const reply = (await this.client.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', 5000, 'STREAMS', this.key, this.lastId!)) as [Buffer, [Buffer, Buffer[]][]][] | null;
        if (!reply || this.stopped) continue;
        this.onRound();
        for (const [, entries] of reply) {
          for (const [rawId, fields] of entries) {
            const id = rawId.toString();
            let rooms: string | undefined;
            let data: Buffer | undefined;
            for (let i = 0; i + 1 < fields.length; i += 2) {
              const name = fields[i].toString();
              if (name === 'r') rooms = fields[i + 1].toString();
              else if (name === 'd') data = fields[i + 1];
            }
            this.lastId = id;
            if (rooms !== undefined && data !== undefined) {
              try {
                this.deliver(id, rooms, data);
              } catch (e) {
                this.onError(e);
              }
            }
          }
        }
        for (const w of [...this.waiters]) if (compareOffsets(this.lastId!, w.id) >= 0) w.done(true);
      } catch (e) {
        if (this.closed) return;
        this.onError(e);
        await sleep(500);
      }
    }
  }
}

/**
 * `@socket.io/redis-adapter` (Redis pub/sub: requests such as `disconnectSockets` from
 * `@socket.io/redis-emitter` keep working) plus events read from the recovery stream and
 * connection-state recovery backed by Redis: sessions are stored on disconnect
 * (`SET … PX window`) and restored by any process, with the missed events read back from
 * the stream (see socket-recovery.ts). A socket that falls too far behind is closed instead of
 * buffering without bound (slow-consumer.ts).
 */
export class RecoverableRedisAdapter extends RedisAdapter {
  private readonly logger = new Logger('SocketRecovery');
  private readonly logFailure = redisFailureLogger(this.logger, 'socket recovery (Redis) failed');
  private readonly logReadFailure = redisFailureLogger(this.logger, 'socket event stream read failed');
  private readonly redis: RecoveryRedis;
  private readonly streamKey: string;
  private readonly failures = new Map<string, ResyncReason>();
  private reader?: StreamReader;
  private guard?: RestoreGuard;
  private readonly slowConsumers: SlowConsumerGuard;
  /** A replay larger than this gets `resync` (`too-many`): it must leave room in the socket's buffer for live events. */
  private readonly maxReplayBytes: number;
  private slowDropped = 0;
  private slowReportedAt = 0;

  constructor(
    nsp: any,
    pub: Redis,
    sub: Redis,
    private readonly recovery: RecoveryOptions,
  ) {
    super(nsp, pub, sub, { key: recovery.key });
    this.redis = withRecoveryScripts(pub);
    this.streamKey = recoveryStreamKey(recovery.key, nsp.name);
    const maxBytes = recovery.maxSocketBufferBytes ?? configuredMaxSocketBufferBytes();
    this.slowConsumers = new SlowConsumerGuard(slowConsumerLimits(maxBytes));
    this.maxReplayBytes = Math.floor(maxBytes / 2);
    // socket.io always creates the main namespace; it gets a reader only if a socket ever joins it.
    if (nsp.name !== '/') this.startReader();
  }

  /** Registered by the gateway: re-checks the member behind a session before replaying to it. */
  setRestoreGuard(guard: RestoreGuard): void {
    this.guard = guard;
  }

  /** Why the last restore for this private session id failed, once (the gateway sends it in `resync`). */
  takeRestoreFailure(pid: string): ResyncReason | undefined {
    const reason = this.failures.get(pid);
    this.failures.delete(pid);
    return reason;
  }

  override addAll(id: string, rooms: Set<string>): Promise<void> | void {
    this.startReader();
    return super.addAll(id, rooms);
  }

  override persistSession(session: SessionToPersist): void {
    const stored = JSON.stringify({ ...session, disconnectedAt: Date.now() });
    this.redis.set(recoverySessionKey(this.recovery.key, this.nsp.name, session.pid), stored, 'PX', this.recovery.windowMs).catch(this.logFailure);
  }

  override async restoreSession(pid: string, offset: string): Promise<RestoredSession> {
    if (!OFFSET_RE.test(offset)) return this.fail(pid, 'unavailable');
    let timer: NodeJS.Timeout | undefined;
    // Redis down: the handshake answers (a fresh socket, then `resync`) instead of waiting for it.
    const timeout = new Promise<RestoredSession>((resolve) => {
      timer = setTimeout(() => resolve(this.fail(pid, 'error')), RESTORE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.restore(pid, offset), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A packet for one local socket (`socket.emit`, e.g. `resync`) stays on this process: no publish. */
  override broadcast(packet: any, opts: BroadcastOpts): void {
    if (opts.rooms.size === 1 && !opts.flags?.local) {
      const [room] = opts.rooms;
      if (this.nsp.sockets.has(room)) opts = { ...opts, flags: { ...opts.flags, local: true } };
    }
    super.broadcast(packet, opts);
  }

  override close(): Promise<void> | void {
    this.reader?.stop();
    return super.close();
  }

  private startReader(): StreamReader {
    if (!this.reader) {
      this.reader = new StreamReader(
        this.recovery.readerConnection(),
        this.streamKey,
        (id, rooms, data) => this.deliver(id, rooms, data),
        this.logReadFailure,
        () => this.slowConsumers.nextRound(),
      );
    }
    return this.reader;
  }

  /**
   * One stream entry to the local sockets in its rooms, with its id as the offset; a socket too
   * far behind (slow-consumer.ts) is left out (`except`: each socket is alone in its id's room)
   * and closed.
   */
  private deliver(id: string, roomsField: string, data: Buffer): void {
    const rooms = roomsField.split(' ').filter((r) => r.length > 0);
    if (!rooms.some((r) => this.rooms.has(r))) return; // nobody here: not even decoded
    const except = new Set<string>();
    let tooSlow: Socket[] | undefined;
    for (const room of rooms) {
      const ids = this.rooms.get(room);
      if (!ids) continue;
      for (const sid of ids) {
        const socket = this.nsp.sockets.get(sid);
        if (!socket) continue;
        // the entry's size stands for the frame's (msgpack vs JSON); a socket in two of its rooms is counted twice
        const verdict = this.slowConsumers.check(socket.conn as unknown as EngineConnection, data.length);
        if (verdict === 'write') continue;
        except.add(sid);
        if (verdict === 'drop') (tooSlow ??= []).push(socket);
      }
    }
    const packet = { type: 2 /* EVENT */, data: decodeEntryData(data, id), nsp: this.nsp.name };
    super.broadcast(packet, { rooms: new Set(rooms), except, flags: { local: true } });
    if (tooSlow) this.dropSlowConsumers(tooSlow);
  }

  /**
   * Sockets too far behind get nothing more: `resync` is queued (a client that is merely slow may
   * still read it), then the transport is closed at once, freeing what it buffered. That close is a
   * transport close for socket.io, so the session is kept and the client reconnects by itself:
   * replayed from its offset if that fits (1,000 events, half the buffer bound), else `resync`.
   */
  private dropSlowConsumers(sockets: Socket[]): void {
    for (const socket of sockets) {
      try {
        socket.emit('resync', SLOW_CONSUMER_RESYNC);
        closeNow(socket.conn as unknown as EngineConnection);
      } catch (e) {
        this.logger.warn(`closing a slow socket failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.slowDropped += sockets.length;
    const now = Date.now();
    if (now - this.slowReportedAt >= 10_000) {
      const max = this.slowConsumers.limits.maxBytes;
      this.logger.warn(`closed ${this.slowDropped} slow socket(s) since the last report: more than ${max} bytes (or ${this.slowConsumers.limits.maxPackets} packets) unsent`);
      this.slowDropped = 0;
      this.slowReportedAt = now;
    }
  }

  /**
   * Replays the entries after `offset` for the session's rooms, up to the last entry this
   * process has delivered live. socket.io rejoins the rooms in the same tick as this resolves,
   * so every later entry reaches the socket live: nothing twice, nothing missed.
   */
  private async restore(pid: string, offset: string): Promise<RestoredSession> {
    try {
      const reader = this.startReader();
      await reader.ready;
      const raw = await this.redis.getdel(recoverySessionKey(this.recovery.key, this.nsp.name, pid));
      if (!raw) return this.fail(pid, 'expired');
      const session = JSON.parse(raw) as SessionToPersist;
      if (this.guard && !(await this.guard(session.data))) return this.fail(pid, 'revoked');
      // The client may have been served by a process further ahead: let this one catch up first.
      if (!(await reader.reach(offset, RESTORE_TIMEOUT_MS))) return this.fail(pid, 'error');

      const needles = session.rooms.filter((r) => r !== session.sid).map((r) => ` ${r} `);
      const missed: unknown[][] = [];
      let missedBytes = 0;
      let after = offset;
      for (let first = true; ; first = false) {
        const until = reader.lastId!;
        if (!first && compareOffsets(after, until) >= 0) break;
        const reply = await this.redis.socketRecoveryReplayBuffer(this.streamKey, after, until, REPLAY_BATCH, first ? '1' : '0', ...needles);
        if (!reply) return this.fail(pid, 'unavailable');
        const [last, scanned, hits] = reply;
        for (let i = 0; i + 1 < hits.length; i += 2) {
          missedBytes += hits[i + 1].length;
          missed.push(decodeEntryData(hits[i + 1], hits[i].toString()));
        }
        if (missed.length > MAX_REPLAY || missedBytes > this.maxReplayBytes) return this.fail(pid, 'too-many');
        after = Number(scanned) < REPLAY_BATCH ? until : last.toString();
      }
      return { ...session, missedPackets: missed };
    } catch (e) {
      this.logFailure(e);
      return this.fail(pid, 'error');
    }
  }

  private fail(pid: string, reason: ResyncReason): RestoredSession {
    if (this.failures.size > 10_000) this.failures.clear(); // entries are taken at once; never let strays pile up
    this.failures.set(pid, reason);
    // socket.io's typings say Promise<Session>, but null ("not restored") is what it expects.
    return null as unknown as RestoredSession;
  }
}

/** `server.adapter(...)` factory (socket.io calls it with `new`, so not an arrow function). */
export function createRecoverableAdapter(pub: Redis, sub: Redis, recovery: RecoveryOptions) {
  return function recoverableAdapter(nsp: any) {
    return new RecoverableRedisAdapter(nsp, pub, sub, recovery);
  };
}
