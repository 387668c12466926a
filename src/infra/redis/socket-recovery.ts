import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { decode, encode } from 'notepack.io';

/**
 * socket.io connection-state recovery across processes (SPEC §20), shared by the socket
 * server's adapter (`RecoverableRedisAdapter`) and the emitter (`RealtimeEmitter`, which also
 * runs in worker-only processes). See docs/realtime.md "Reconnecting".
 *
 * Events to member rooms are not published over pub/sub: the emitter appends each audience
 * group once to a capped Redis stream per namespace (`XADD … MINID ~ now-window`), and every
 * socket server reads that stream (`XREAD BLOCK`) and delivers each entry to its local
 * sockets in those rooms. The entry id is the packet's offset, appended as the last element
 * of the packet's data exactly as socket.io's own in-memory recovery does, so
 * socket.io-client tracks it by itself; one stream means one order for every process. A
 * reconnect replays the entries after the client's offset for its rooms from the same stream.
 */

/** The socket.io adapter/emitter key for a deployment (`REDIS_PREFIX`). */
export const socketKey = (redisPrefix: string) => `${redisPrefix}:socket.io`;
/** The capped stream of recent events for a namespace: the delivery path and the replay source. */
export const recoveryStreamKey = (key: string, nsp: string) => `${key}-recovery#${nsp}#`;
/** A disconnected socket's session (id, rooms, data), kept for the recovery window. */
export const recoverySessionKey = (key: string, nsp: string, pid: string) => `${key}-session#${nsp}#${pid}`;

/** A Redis stream entry id, `<ms>-<seq>`: the only offsets we hand out. */
export const OFFSET_RE = /^\d{1,20}-\d{1,20}$/;

/** Compares two stream ids numerically. */
export function compareOffsets(a: string, b: string): number {
  const [am, as] = a.split('-');
  const [bm, bs] = b.split('-');
  if (am.length !== bm.length) return am.length - bm.length;
  if (am !== bm) return am < bm ? -1 : 1;
  if (as.length !== bs.length) return as.length - bs.length;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * Hard cap on the stream, whatever the window (guards Redis memory during a burst); a socket
 * whose offset was trimmed by it gets `resync`, never a partial replay.
 */
export const RECOVERY_MAX_EVENTS = 200_000;

/** The stream entry's fields: `r` rooms (space-delimited, padded), `d` event + payload (msgpack). */
export function encodeEntry(rooms: readonly string[], event: string, payload: unknown): { rooms: string; data: Buffer } {
  return { rooms: roomsField(rooms), data: Buffer.concat([encode(event), encode(payload)]) };
}

/** An entry's `d` back to the packet data `[event, payload, offset]` socket.io sends. */
export function decodeEntryData(data: Buffer, offset: string): unknown[] {
  const [event, payload] = decode(Buffer.concat([Buffer.from([0x92]), data])) as [string, unknown];
  return [event, payload, offset];
}

/** Rooms as stored in the stream: ` a b c ` (room names never contain spaces; ours are `member:<uuid>`). */
export const roomsField = (rooms: readonly string[]) => ` ${rooms.join(' ')} `;

/**
 * KEYS[1] stream · ARGV: after (exclusive), until (inclusive), batch size, '1' when the offset
 * itself must still be kept (first batch), then the session's rooms as ' room ' needles.
 * Returns false when the offset is gone (trimmed, or never ours), else
 * { last id scanned, entries scanned, [id, d, …] of the entries for those rooms }.
 * Filtering runs inside Redis, so only the member's own events cross the network.
 */
const REPLAY_LUA = `
if ARGV[4] == '1' and #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return false end
local entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], ARGV[2], 'COUNT', ARGV[3])
local out = {}
local last = ARGV[1]
for _, e in ipairs(entries) do
  last = e[1]
  local f = e[2]
  local r, d
  for i = 1, #f, 2 do
    if f[i] == 'r' then r = f[i + 1] elseif f[i] == 'd' then d = f[i + 1] end
  end
  if r and d then
    for j = 5, #ARGV do
      if string.find(r, ARGV[j], 1, true) then
        out[#out + 1] = e[1]
        out[#out + 1] = d
        break
      end
    end
  end
end
return { last, #entries, out }
`;

export type ReplayReply = [Buffer, number, Buffer[]] | null;

/** ioredis with the replay script defined (EVALSHA, falling back to EVAL after a Redis restart). */
export type RecoveryRedis = Redis & {
  socketRecoveryReplayBuffer(stream: string, after: string, until: string, count: number, checkOffset: '0' | '1', ...needles: string[]): Promise<ReplayReply>;
};

export function withRecoveryScripts(redis: Redis): RecoveryRedis {
  const r = redis as RecoveryRedis;
  if (typeof r.socketRecoveryReplayBuffer !== 'function') redis.defineCommand('socketRecoveryReplay', { numberOfKeys: 1, lua: REPLAY_LUA });
  return r;
}

/**
 * Logs Redis failures without flooding: the first at once, then at most one line per
 * interval with the number of failures in between. Never throws.
 */
export function redisFailureLogger(logger: Logger, what: string, intervalMs = 10_000): (e: unknown) => void {
  let last = 0;
  let suppressed = 0;
  return (e: unknown) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (+${suppressed} more since the last report)` : '';
    last = now;
    suppressed = 0;
    logger.error(`${what}: ${e instanceof Error ? e.message : String(e)}${more}`);
  };
}

/**
 * Closes a connection after the commands already sent are answered (QUIT), without waiting
 * more than `timeoutMs` for a Redis that is down.
 */
export async function closeRedis(client: Redis | undefined, timeoutMs = 2000): Promise<void> {
  if (!client || client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const quit = client.status === 'ready' ? client.quit().then(() => 'ok' as const, () => 'failed' as const) : Promise.resolve('failed' as const);
  const outcome = await Promise.race([quit, timeout]);
  clearTimeout(timer);
  if (outcome !== 'ok') client.disconnect();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
