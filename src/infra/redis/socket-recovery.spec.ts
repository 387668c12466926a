import { Emitter } from '@socket.io/redis-emitter';
import { decode } from 'notepack.io';
import { compareOffsets, decodeEntryData, encodeEntry, OFFSET_RE, roomsField } from './socket-recovery';

/** The packet data the stock `@socket.io/redis-emitter` would have sent for `emit(event, payload, offset)`. */
function stockPacketData(event: string, ...args: unknown[]): unknown[] {
  const sent: Buffer[] = [];
  new Emitter({ publish: (_channel: string, message: Buffer) => sent.push(message) }, { key: 'k' }).of('/inbox').to(['member:a', 'member:b']).emit(event, ...args);
  const [, packet] = decode(sent[0]) as [string, { data: unknown[] }];
  return packet.data;
}

describe('socket recovery stream entries', () => {
  const payload = { id: 'c1', text: '請問門市營業時間?', folders: ['unassigned'], n: 3, nested: { ok: true, none: null }, list: [1, 'two'] };

  it('decode to the packet data socket.io sends: [event, payload, offset]', () => {
    const entry = encodeEntry(['member:a', 'member:b'], 'conversation.upserted', payload);
    expect(decodeEntryData(entry.data, '1714000000000-7')).toEqual(['conversation.upserted', payload, '1714000000000-7']);
    expect(decodeEntryData(entry.data, '1714000000000-7')).toEqual(stockPacketData('conversation.upserted', payload, '1714000000000-7'));
  });

  it('store rooms space-delimited so that a room matches only whole', () => {
    const { rooms } = encodeEntry(['member:a1', 'member:b'], 'x', {});
    expect(rooms).toBe(roomsField(['member:a1', 'member:b']));
    expect(rooms.includes(' member:a1 ')).toBe(true);
    expect(rooms.includes(' member:a ')).toBe(false);
    expect(rooms.includes(' member:b ')).toBe(true);
  });

  it('order offsets numerically and accept only stream ids', () => {
    expect(compareOffsets('999-0', '1000-0')).toBeLessThan(0);
    expect(compareOffsets('1000-10', '1000-9')).toBeGreaterThan(0);
    expect(compareOffsets('1000-3', '1000-3')).toBe(0);
    expect(OFFSET_RE.test('1714000000000-0')).toBe(true);
    expect(OFFSET_RE.test('abc')).toBe(false);
    expect(OFFSET_RE.test('1-2-3')).toBe(false);
    expect(OFFSET_RE.test('(1-2')).toBe(false);
  });
});
