import { BadRequestException } from '@nestjs/common';
import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('keyset cursors', () => {
  it('round-trips a sort key', () => {
    const c = encodeCursor(['2026-11-24 05:12:43.123456+00', 'a1b2']);
    expect(decodeCursor(c, 2)).toEqual(['2026-11-24 05:12:43.123456+00', 'a1b2']);
  });

  it('rejects tampered or mis-shaped cursors with 400', () => {
    expect(() => decodeCursor('not-json', 2)).toThrow(BadRequestException);
    expect(() => decodeCursor(encodeCursor(['x']), 2)).toThrow(BadRequestException);
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'), 1)).toThrow(BadRequestException);
  });

  it('returns no cursor on the last page', () => {
    const rows = [1, 2, 3];
    expect(toPage(rows, 3, (r) => r, (r) => [r])).toEqual({ items: [1, 2, 3], nextCursor: null });
    const page = toPage([1, 2, 3, 4], 3, (r) => r * 10, (r) => [r]);
    expect(page.items).toEqual([10, 20, 30]);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual([3]);
  });
});
