import { loadAppConfig } from '../config/app.config';

/**
 * Slow consumers (docs/realtime.md "Slow consumers"). A socket that does not read what it is
 * sent keeps every undelivered event in this process: packets engine.io queues while the
 * transport is busy (`socket.conn.writeBuffer`) and, on websocket, the bytes the kernel has not
 * accepted yet (`ws.bufferedAmount`: the net socket's pending writes + ws' own queue). Before a
 * stream entry is written to a socket its backlog is checked (a few property reads); past the
 * bound the socket gets nothing more and its transport is closed at once, which frees both.
 */

export const DEFAULT_MAX_SOCKET_BUFFER_BYTES = 1024 * 1024;
/** Packets queued in engine.io beyond which a socket is slow whatever their size (each is an object of its own). */
export const MAX_QUEUED_PACKETS = 10_000;
/** What a dropped socket is sent, if it ever reads it. */
export const SLOW_CONSUMER_RESYNC = { reason: 'slow-consumer' } as const;

export interface SlowConsumerLimits {
  /** Unsent bytes (engine.io queue + websocket buffer) beyond which a socket is dropped. */
  maxBytes: number;
  /** Packets in the engine.io queue beyond which a socket is dropped. */
  maxPackets: number;
}

export function slowConsumerLimits(maxBytes: number): SlowConsumerLimits {
  return { maxBytes, maxPackets: MAX_QUEUED_PACKETS };
}

/**
 * The decision: is the socket too far behind to be written to? What it is about to be sent is
 * not counted, so one event larger than the bound still reaches a socket that keeps up.
 */
export function isTooFarBehind(queuedPackets: number, queuedBytes: number, bufferedBytes: number, limits: SlowConsumerLimits): boolean {
  return queuedBytes + bufferedBytes > limits.maxBytes || queuedPackets >= limits.maxPackets;
}

/**
 * What is read of an engine.io 6 connection (`socket.conn`, typed private there): its queue, its
 * transport and, on websocket, the transport's `ws` socket.
 */
export interface EngineConnection {
  writeBuffer: unknown[];
  transport: { writable: boolean; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

/** `write` it; `drop` it (it has just fallen too far behind); `skip` it (already dropped, closing). */
export type SlowConsumerVerdict = 'write' | 'drop' | 'skip';

/**
 * Checks sockets once per round (one read from the stream, up to 1,000 entries, delivered in one
 * go): a socket cannot send anything while a round is being delivered, so only what it has left
 * unsent since the previous round counts against it, never the burst it is being handed now. A
 * socket thus holds at most the bound plus one round (whose frames all sockets share).
 */
export class SlowConsumerGuard {
  private round = 0;
  /** The round in which each connection was last checked. */
  private readonly checkedIn = new WeakMap<EngineConnection, number>();
  /**
   * Bytes of the entries we queued, per engine.io queue. engine.io replaces the array when it
   * flushes it to the transport, so a flushed queue's count is forgotten with it (and the
   * bytes, if the kernel does not take them, show in `bufferedAmount`).
   */
  private readonly queued = new WeakMap<unknown[], number>();
  private readonly dropped = new WeakSet<EngineConnection>();

  constructor(readonly limits: SlowConsumerLimits) {}

  /** A new round of deliveries starts. */
  nextRound(): void {
    this.round++;
  }

  /** Called before writing an entry of about `bytes` to the connection; `write` counts it. */
  check(conn: EngineConnection, bytes: number): SlowConsumerVerdict {
    if (this.dropped.has(conn)) return 'skip';
    const queue = conn.writeBuffer;
    const transport = conn.transport;
    const queuedBytes = this.queued.get(queue) ?? 0;
    if (this.checkedIn.get(conn) !== this.round) {
      this.checkedIn.set(conn, this.round);
      if (isTooFarBehind(queue.length, queuedBytes, transport.socket?.bufferedAmount ?? 0, this.limits)) {
        this.dropped.add(conn);
        return 'drop';
      }
    }
    // A busy transport leaves the packet in the queue; a writable one flushes the whole queue now.
    if (!transport.writable) this.queued.set(queue, queuedBytes + bytes);
    return 'write';
  }
}

/**
 * Closes a connection at once, discarding what it has not sent: the websocket is destroyed (not
 * the closing handshake, which would wait up to 30 s behind the backlog), polling is discarded.
 * socket.io sees a transport close: the client reconnects by itself, offering its session.
 */
export function closeNow(conn: EngineConnection): void {
  const ws = conn.transport.socket;
  if (typeof ws?.terminate === 'function') ws.terminate();
  else conn.close(true);
}

/** `REALTIME_MAX_SOCKET_BUFFER_BYTES` as validated by the app's configuration (its default when the environment is incomplete). */
export function configuredMaxSocketBufferBytes(env: Record<string, string | undefined> = process.env): number {
  try {
    return loadAppConfig(env).realtimeMaxSocketBufferBytes ?? DEFAULT_MAX_SOCKET_BUFFER_BYTES;
  } catch {
    return DEFAULT_MAX_SOCKET_BUFFER_BYTES;
  }
}
