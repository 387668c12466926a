import { closeNow, configuredMaxSocketBufferBytes, DEFAULT_MAX_SOCKET_BUFFER_BYTES, EngineConnection, isTooFarBehind, SlowConsumerGuard, slowConsumerLimits } from './slow-consumer';

/** An engine.io connection as the guard sees it: a queue that is replaced on flush, like engine.io's. */
function fakeConn(opts: { writable?: boolean; bufferedAmount?: number; websocket?: boolean } = {}) {
  const ws = opts.websocket === false ? undefined : { bufferedAmount: opts.bufferedAmount ?? 0, terminate: jest.fn() };
  const conn = {
    writeBuffer: [] as unknown[],
    transport: { writable: opts.writable ?? true, socket: ws },
    close: jest.fn(),
    /** What engine.io does with a write: queue it, and flush the queue (a new array) when the transport is writable. */
    write(packet: unknown) {
      this.writeBuffer.push(packet);
      if (this.transport.writable) this.writeBuffer = [];
    },
  };
  return conn;
}

describe('isTooFarBehind', () => {
  const limits = { maxBytes: 1000, maxPackets: 10 };
  it('counts queued and buffered bytes together, strictly beyond the bound', () => {
    expect(isTooFarBehind(0, 0, 0, limits)).toBe(false);
    expect(isTooFarBehind(3, 600, 400, limits)).toBe(false);
    expect(isTooFarBehind(3, 600, 401, limits)).toBe(true);
    expect(isTooFarBehind(0, 0, 1001, limits)).toBe(true);
  });
  it('bounds the number of queued packets too', () => {
    expect(isTooFarBehind(9, 0, 0, limits)).toBe(false);
    expect(isTooFarBehind(10, 0, 0, limits)).toBe(true);
  });
});

describe('SlowConsumerGuard', () => {
  const limits = { maxBytes: 1000, maxPackets: 50 };

  it('writes to a socket that keeps up, whatever the size of one event', () => {
    const guard = new SlowConsumerGuard(limits);
    const conn = fakeConn();
    for (let i = 0; i < 100; i++) {
      expect(guard.check(conn, 5000)).toBe('write');
      conn.write(i);
    }
  });

  it('counts what waits in the engine.io queue while the transport is busy, then drops the socket once, and skips it after', () => {
    const guard = new SlowConsumerGuard(limits);
    const conn = fakeConn({ writable: false });
    const verdicts: string[] = [];
    for (let i = 0; i < 6; i++) {
      guard.nextRound();
      const v = guard.check(conn, 300);
      verdicts.push(v);
      if (v === 'write') conn.write(i);
    }
    // 0, 300, 600, 900 queued: written; 1200 > 1000: dropped; then skipped
    expect(verdicts).toEqual(['write', 'write', 'write', 'write', 'drop', 'skip']);
    expect(conn.writeBuffer).toHaveLength(4);
  });

  it('does not hold a burst delivered in one round against the socket: only what it left unsent since the last round', () => {
    const guard = new SlowConsumerGuard(limits);
    const conn = fakeConn({ writable: false });
    guard.nextRound();
    for (let i = 0; i < 20; i++) {
      expect(guard.check(conn, 300)).toBe('write'); // 6,000 bytes queued in one round
      conn.write(i);
    }
    conn.writeBuffer = []; // it keeps up: flushed before the next round
    conn.transport.socket!.bufferedAmount = 200;
    guard.nextRound();
    expect(guard.check(conn, 300)).toBe('write');
    conn.write(0);
    // stalled now: the next round finds more than the bound unsent
    conn.transport.socket!.bufferedAmount = 6000;
    guard.nextRound();
    expect(guard.check(conn, 300)).toBe('drop');
  });

  it('forgets the queued bytes once engine.io flushes the queue (a new array)', () => {
    const guard = new SlowConsumerGuard(limits);
    const conn = fakeConn({ writable: false });
    for (let i = 0; i < 3; i++) {
      expect(guard.check(conn, 300)).toBe('write');
      conn.write(i);
    }
    conn.writeBuffer = []; // flushed (drain)
    for (let i = 0; i < 3; i++) {
      expect(guard.check(conn, 300)).toBe('write');
      conn.write(i);
    }
  });

  it('counts the websocket bytes the kernel has not taken', () => {
    const guard = new SlowConsumerGuard(limits);
    const conn = fakeConn({ bufferedAmount: 900 });
    expect(guard.check(conn, 300)).toBe('write');
    conn.transport.socket!.bufferedAmount = 1001;
    expect(guard.check(conn, 300)).toBe('write'); // same round
    guard.nextRound();
    expect(guard.check(conn, 300)).toBe('drop');
  });

  it('drops a socket with too many queued packets, even tiny ones', () => {
    const guard = new SlowConsumerGuard({ maxBytes: 1_000_000, maxPackets: 5 });
    const conn = fakeConn({ writable: false, websocket: false });
    for (let i = 0; i < 5; i++) {
      guard.nextRound();
      expect(guard.check(conn, 1)).toBe('write');
      conn.write(i);
    }
    guard.nextRound();
    expect(guard.check(conn, 1)).toBe('drop');
  });

  it('keeps sockets apart', () => {
    const guard = new SlowConsumerGuard(limits);
    const slow = fakeConn({ writable: false });
    const fast = fakeConn();
    for (let i = 0; i < 10; i++) {
      guard.nextRound();
      for (const c of [slow, fast]) if (guard.check(c, 300) === 'write') c.write(i);
    }
    guard.nextRound();
    expect(guard.check(slow, 300)).toBe('skip');
    expect(guard.check(fast, 300)).toBe('write');
  });
});

describe('closeNow', () => {
  it('destroys a websocket at once (no closing handshake behind the backlog)', () => {
    const conn = fakeConn();
    closeNow(conn as unknown as EngineConnection);
    expect(conn.transport.socket!.terminate).toHaveBeenCalledTimes(1);
    expect(conn.close).not.toHaveBeenCalled();
  });
  it('discards any other transport', () => {
    const conn = fakeConn({ websocket: false });
    closeNow(conn as unknown as EngineConnection);
    expect(conn.close).toHaveBeenCalledWith(true);
  });
});

describe('configuration', () => {
  it('reads REALTIME_MAX_SOCKET_BUFFER_BYTES from a valid environment, else the default', () => {
    const env = { JWT_SECRET: 'x'.repeat(16), SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(configuredMaxSocketBufferBytes({ ...env, REALTIME_MAX_SOCKET_BUFFER_BYTES: '262144' })).toBe(262144);
    expect(configuredMaxSocketBufferBytes(env)).toBe(DEFAULT_MAX_SOCKET_BUFFER_BYTES);
    expect(configuredMaxSocketBufferBytes({})).toBe(DEFAULT_MAX_SOCKET_BUFFER_BYTES);
    expect(slowConsumerLimits(4096)).toEqual({ maxBytes: 4096, maxPackets: 10_000 });
  });
});
