import { lineEvent } from '../../../../test/fixtures/providers';
import { InboundEvent, InboundMessage, MalformedPayloadError, ParsedWebhook } from './inbound-event';
import { parseLineWebhook } from './line.parser';
import { parseMetaWebhook } from './meta.parser';
import { cleanText, cut, excerpt, INBOUND_LIMITS, rejectedKey } from './normalise';
import { parseWhatsAppWebhook } from './whatsapp.parser';

/** A value `levels` deep, built the way JSON.parse builds it from a hostile body. */
function deep(levels: number, kind: 'object' | 'array' = 'object'): unknown {
  const open = kind === 'object' ? '{"a":' : '[';
  const close = kind === 'object' ? '}' : ']';
  return JSON.parse(`${open.repeat(levels)}"bottom"${close.repeat(levels)}`);
}

const DEEP = 10_000;
const NUL = '\u0000';

/**
 * One provider as the tests below see it: an envelope around raw events, a valid raw event
 * with a given text, the key it is stored under, and the hostile variants.
 */
interface Kit {
  name: string;
  parse(body: unknown): ParsedWebhook;
  envelope(items: unknown[]): unknown;
  event(n: number, text?: string): Record<string, any>;
  key(n: number): string;
  /** A 10,000-level value in a field the inbox keeps inside `attachments`. */
  nestedInKeptField(n: number, value: unknown): Record<string, any>;
  /** Malformed variants of event n: [what, raw event, path in the reason]. */
  wrongTypes(n: number): [string, unknown, RegExp][];
  /** An event with `count` attachments, when the provider sends several. */
  manyAttachments?(n: number, count: number): Record<string, any>;
}

const line: Kit = {
  name: 'LINE',
  parse: (b) => parseLineWebhook(b),
  envelope: (items) => ({ destination: 'Udest', events: items }),
  event: (n, text = `hello ${n}`) => lineEvent({ text, webhookEventId: `evt-${n}`, timestamp: 1_000 + n, message: { type: 'text', id: `m-${n}`, text } }),
  key: (n) => `evt-${n}`,
  nestedInKeptField: (n, value) => lineEvent({ webhookEventId: `evt-${n}`, timestamp: 1_000 + n, message: { type: 'sticker', id: `m-${n}`, packageId: value, stickerId: '1988' } }),
  wrongTypes: (n) => {
    const e = () => line.event(n);
    return [
      ['message.id a number', { ...e(), message: { type: 'text', id: 468789577898262530, text: 'x' } }, /message\.id: expected a string id, got a number/],
      ['message.text a number', { ...e(), message: { type: 'text', id: 'm', text: 42 } }, /message\.text: expected a string/],
      ['message an array', { ...e(), message: [{ type: 'text', id: 'm', text: 'x' }] }, /message: expected an object, got an array/],
      ['source an array', { ...e(), source: [{ userId: 'U1' }] }, /source: expected an object, got an array/],
      ['userId an object', { ...e(), source: { type: 'user', userId: { id: 'U1' } } }, /source\.userId: expected a string id/],
      ['userId with a NUL', { ...e(), source: { type: 'user', userId: `U1${NUL}` } }, /source\.userId: .*control characters/],
      ['timestamp a string', { ...e(), timestamp: '1692251666727' }, /timestamp: expected milliseconds/],
      ['timestamp beyond year 9999', { ...e(), timestamp: 1e20 }, /timestamp: expected milliseconds/],
      ['type an object', { ...e(), type: { message: true } }, /type: expected a type name/],
      ['contentProvider a string', lineEvent({ webhookEventId: `evt-${n}`, message: { type: 'image', id: 'i', contentProvider: 'line' } }), /contentProvider: expected an object/],
      ['the event a number', 7, /events\[\d+\]: expected an event object, got a number/],
      ['the event null', null, /expected an event object, got null/],
      ['the event an array', [e()], /expected an event object, got an array/],
    ];
  },
};

function metaKit(object: 'page' | 'instagram'): Kit {
  const page = object === 'page' ? 'PAGE1' : 'IG1';
  const kit: Kit = {
    name: object === 'page' ? 'Messenger' : 'Instagram',
    parse: (b) => parseMetaWebhook(b, object, page),
    envelope: (items) => ({ object, entry: [{ id: page, time: 1, messaging: items }] }),
    event: (n, text = `hello ${n}`) => ({ sender: { id: 'PSID1' }, recipient: { id: page }, timestamp: 1_000 + n, message: { mid: `mid.${n}`, text } }),
    key: (n) => `mid:mid.${n}`,
    nestedInKeptField: (n, value) => ({ ...kit.event(n), message: { mid: `mid.${n}`, attachments: [{ type: 'image', payload: { url: value } }] } }),
    wrongTypes: (n) => {
      const e = () => kit.event(n);
      return [
        ['mid a number', { ...e(), message: { mid: 1457764197618, text: 'x' } }, /message\.mid: expected a string id, got a number/],
        ['text a number', { ...e(), message: { mid: `mid.${n}`, text: 12 } }, /message\.text: expected a string/],
        ['message an array', { ...e(), message: [] }, /message: expected an object, got an array/],
        ['sender an array', { ...e(), sender: ['PSID1'] }, /sender: expected an object, got an array/],
        ['sender.id a number', { ...e(), sender: { id: 6945281138822345 } }, /sender\.id: expected a string id/],
        ['attachments an object', { ...e(), message: { mid: `mid.${n}`, attachments: { type: 'image' } } }, /attachments: expected an array/],
        ['an attachment a string', { ...e(), message: { mid: `mid.${n}`, attachments: ['image'] } }, /attachments\[0\]: expected an object/],
        ['payload an array', { ...e(), message: { mid: `mid.${n}`, attachments: [{ type: 'image', payload: [] }] } }, /payload: expected an object/],
        ['postback.payload an object', { ...e(), message: undefined, postback: { payload: { a: 1 } } }, /postback\.payload: expected a string/],
        ['timestamp a string', { ...e(), timestamp: 'now' }, /timestamp: expected milliseconds/],
        ['the event a string', 'hello', /messaging\[\d+\]: expected an object, got a string/],
      ];
    },
    manyAttachments: (n, count) => ({
      ...kit.event(n),
      message: { mid: `mid.${n}`, attachments: Array.from({ length: count }, (_, i) => ({ type: 'image', payload: { url: `https://cdn.example/${i}.jpg` } })) },
    }),
  };
  return kit;
}

const whatsapp: Kit = {
  name: 'WhatsApp',
  parse: (b) => parseWhatsAppWebhook(b, 'P1'),
  envelope: (items) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: 'P1' }, messages: items } }] }],
  }),
  event: (n, text = `hello ${n}`) => ({ from: '16505551234', id: `wamid.${n}`, timestamp: String(1_000 + n), type: 'text', text: { body: text } }),
  key: (n) => `wamid:wamid.${n}`,
  nestedInKeptField: (n, value) => ({ from: '16505551234', id: `wamid.${n}`, timestamp: String(1_000 + n), type: 'image', image: { id: value, mime_type: 'image/jpeg' } }),
  wrongTypes: (n) => {
    const e = () => whatsapp.event(n);
    return [
      ['id a number', { ...e(), id: 42 }, /\.id: expected a string id, got a number/],
      ['from a number', { ...e(), from: 16505551234 }, /\.from: expected a string id, got a number/],
      ['text.body a number', { ...e(), text: { body: 3 } }, /text\.body: expected a string/],
      ['text an array', { ...e(), text: [{ body: 'x' }] }, /\.text: expected an object, got an array/],
      ['image an array', { ...e(), type: 'image', image: [] }, /\.image: expected an object, got an array/],
      ['timestamp not digits', { ...e(), timestamp: 'yesterday' }, /timestamp: expected seconds/],
      ['type with spaces', { ...e(), type: 'not a type' }, /\.type: expected a type name/],
      ['the event an array', [e()], /messages\[\d+\]: expected an object, got an array/],
    ];
  },
};

const kits = [line, metaKit('page'), metaKit('instagram'), whatsapp];

const messages = (p: ParsedWebhook) => p.events.filter((e): e is InboundMessage => e.kind === 'message');

describe.each(kits)('$name parser against hostile input', (kit) => {
  it('replaces NUL and lone surrogates in text with U+FFFD and keeps the event', () => {
    const p = kit.parse(kit.envelope([kit.event(1, `a${NUL}b${NUL}`), kit.event(2, 'x\uD800y\uDC00z'), kit.event(3, 'fine 😀')]));
    expect(p.rejected).toEqual([]);
    expect(messages(p).map((m) => m.text)).toEqual(['a\uFFFDb\uFFFD', 'x\uFFFDy\uFFFDz', 'fine 😀']);
    expect(messages(p).map((m) => m.eventKey)).toEqual([kit.key(1), kit.key(2), kit.key(3)]);
  });

  it('rejects an event with a 10,000-level value in a kept field, keeps the others, and never recurses to the bottom', () => {
    const p = kit.parse(kit.envelope([kit.event(1), kit.nestedInKeptField(2, deep(DEEP)), kit.nestedInKeptField(3, deep(DEEP, 'array')), kit.event(4)]));
    expect(p.events.map((e) => e.eventKey)).toEqual([kit.key(1), kit.key(4)]);
    expect(p.rejected).toHaveLength(2);
    for (const r of p.rejected) {
      expect(r.reason).toMatch(/expected a (string id|URL string), got an (object|array)/);
      expect(r.excerpt.length).toBeLessThanOrEqual(INBOUND_LIMITS.excerpt);
    }
    expect(p.rejected.map((r) => r.eventKey)).toEqual([kit.key(2), kit.key(3)]);
    expect(() => JSON.stringify(p)).not.toThrow(); // what is kept is shallow
  });

  it('rejects an event that is itself 10,000 levels deep', () => {
    const p = kit.parse(kit.envelope([deep(DEEP), deep(DEEP, 'array'), kit.event(1)]));
    expect(p.events.map((e) => e.eventKey)).toEqual([kit.key(1)]);
    expect(p.rejected).toHaveLength(2);
    expect(p.rejected[1].excerpt).toBe(`${'['.repeat(101)}…${']'.repeat(101)}`); // levels past 100 elided
  });

  it('reads a body whose JSON is 100,000 levels deep outside the fields it reads', () => {
    const body = kit.envelope([kit.event(1)]) as Record<string, unknown>;
    const raw = JSON.stringify(body).replace(/}$/, `,"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(kit.parse(JSON.parse(raw)).events).toHaveLength(1);
    expect(() => kit.parse(deep(DEEP, 'array'))).toThrow(MalformedPayloadError);
    expect(() => kit.parse(deep(DEEP))).toThrow(MalformedPayloadError);
  });

  it('reads at most 1,000 events of a huge array and records the rest as one rejection', () => {
    const started = Date.now();
    const p = kit.parse(kit.envelope(Array.from({ length: 5_000 }, (_, i) => kit.event(i))));
    expect(p.events).toHaveLength(INBOUND_LIMITS.events);
    expect(p.rejected).toEqual([{ eventKey: null, reason: expect.stringMatching(/\[1000\] and after: 4000 more than the 1000 events read per webhook/), excerpt: expect.any(String) }]);
    const junk = kit.parse(kit.envelope(new Array(200_000).fill(0)));
    expect(junk.events).toEqual([]);
    expect(junk.rejected).toHaveLength(INBOUND_LIMITS.events + 1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('turns wrong types into rejected events with a reason, never an exception', () => {
    const cases = kit.wrongTypes(9);
    const p = kit.parse(kit.envelope([kit.event(1), ...cases.map(([, raw]) => raw), kit.event(2)]));
    expect(p.events.map((e) => e.eventKey)).toEqual([kit.key(1), kit.key(2)]);
    expect(p.rejected).toHaveLength(cases.length);
    cases.forEach(([what, , reason], i) => expect({ what, reason: p.rejected[i].reason }).toEqual({ what, reason: expect.stringMatching(reason) }));
  });

  it('cuts oversized text at 20,000 characters and rejects ids over 256', () => {
    const huge = 'x'.repeat(INBOUND_LIMITS.text - 1) + '😀' + 'y'.repeat(100_000);
    const longId = kit.event(3);
    if (kit === line) longId.webhookEventId = 'k'.repeat(257);
    else if (kit === whatsapp) longId.id = 'w'.repeat(257);
    else longId.message.mid = 'm'.repeat(257);
    const p = kit.parse(kit.envelope([kit.event(1, huge), kit.event(2, 'z'.repeat(INBOUND_LIMITS.text)), longId]));
    const [first, second] = messages(p);
    expect(first.text).toBe('x'.repeat(INBOUND_LIMITS.text - 1)); // the pair at the boundary is not split
    expect(second.text).toHaveLength(INBOUND_LIMITS.text);
    expect(p.rejected).toEqual([{ eventKey: expect.stringMatching(/sha256:[0-9a-f]{64}/), reason: expect.stringMatching(/expected an id of 1 to 256 characters, got 257/), excerpt: expect.any(String) }]);
  });

  if (kit.manyAttachments) {
    it('keeps at most 10 attachments of a message', () => {
      const p = kit.parse(kit.envelope([kit.manyAttachments!(1, 100_000)]));
      expect(messages(p)[0].attachments).toHaveLength(INBOUND_LIMITS.attachments);
      expect(messages(p)[0].attachments[9]).toEqual({ type: 'image', url: 'https://cdn.example/9.jpg' });
    });
  }
});

describe('LINE parser: kept fields', () => {
  it('keeps only the known fields of an attachment, each checked', () => {
    const p = parseLineWebhook({
      events: [
        lineEvent({ webhookEventId: 'e1', message: { type: 'image', id: 'i1', contentProvider: { type: 'external', originalContentUrl: 'https://x/y.jpg', evil: { deep: 1 } }, extra: 'dropped' } }),
        lineEvent({ webhookEventId: 'e2', message: { type: 'image', id: 'i2', contentProvider: { type: 'line', previewImageUrl: deep(DEEP) } } }),
        lineEvent({ webhookEventId: 'e3', message: { type: 'location', id: 'l1', title: `Home${NUL}`, address: 'a'.repeat(5_000), latitude: 35.6, longitude: '139.7' } }),
      ],
    });
    expect((p.events[0] as InboundMessage).attachments).toEqual([{ type: 'image', providerId: 'i1', contentProvider: { type: 'external', originalContentUrl: 'https://x/y.jpg' } }]);
    expect(p.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/events\[1\]\.message\.contentProvider\.previewImageUrl: expected a URL string, got an object/),
      expect.stringMatching(/events\[2\]\.message\.longitude: expected a number, got a string/),
    ]);
  });

  it('skips what is not a customer conversation event without rejecting it', () => {
    const p = parseLineWebhook({
      events: [
        lineEvent({ mode: 'standby', text: 'standby' }),
        { type: 'join', mode: 'active', timestamp: 1, source: { type: 'group', groupId: 'G1' }, webhookEventId: 'j1' },
        { type: 'message', mode: 'active', timestamp: 1, source: { type: 'group', groupId: 'G1' }, webhookEventId: 'g1', message: { type: 'text', id: '1', text: 'no user' } },
      ],
    });
    expect(p).toEqual({ events: [], rejected: [] });
  });
});

describe('WhatsApp parser: statuses and names', () => {
  const envelope = (value: Record<string, unknown>) => ({ object: 'whatsapp_business_account', entry: [{ id: 'W', changes: [{ field: 'messages', value: { metadata: { phone_number_id: 'P1' }, ...value } }] }] });

  it('rejects malformed statuses, cleans names and error texts', () => {
    const p = parseWhatsAppWebhook(
      envelope({
        contacts: [{ wa_id: '1', profile: { name: `Sheena${NUL}` } }, { wa_id: 2, profile: { name: 'ignored' } }, 'junk'],
        messages: [{ from: '1', id: 'wamid.1', timestamp: '1', type: 'text', text: { body: 'hi' } }],
        statuses: [
          { id: 'wamid.OUT', status: 'failed', timestamp: '2', errors: [{ code: 131047, title: `Re-engagement${NUL} message` }] },
          { id: 'wamid.OUT', status: 7 },
          { id: 'wamid.OUT', status: 'read', errors: { code: 1 } },
          { id: 'wamid.OUT', status: 'deleted' },
        ],
      }),
      'P1',
    );
    expect(p.events).toMatchObject([
      { kind: 'message', displayName: 'Sheena\uFFFD' },
      { kind: 'status', status: 'failed', error: '131047 Re-engagement\uFFFD message' },
    ]);
    expect(p.rejected.map((r) => [r.eventKey, r.reason])).toEqual([
      [null, expect.stringMatching(/statuses\[1\]\.status: expected a string, got a number/)],
      ['status:wamid.OUT:read', expect.stringMatching(/statuses\[2\]\.errors: expected an array, got an object/)],
    ]);
  });

  it('rejects a change whose messages are not an array, and a phone number id of the wrong type', () => {
    const p = parseWhatsAppWebhook(envelope({ messages: { id: 'x' } }), 'P1');
    expect(p.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/changes\[0\]\.value\.messages: expected an array, got an object/)]);
    const q = parseWhatsAppWebhook({ object: 'whatsapp_business_account', entry: [{ changes: [{ value: { metadata: { phone_number_id: deep(DEEP, 'array') } } }] }] }, 'P1');
    expect(q.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/phone_number_id: expected a string id, got an array/)]);
  });
});

describe('Meta parser: entries', () => {
  it('rejects an entry whose id or messaging has the wrong type, and reads the others', () => {
    const good = { id: 'PAGE1', messaging: [{ sender: { id: 'P' }, timestamp: 1, message: { mid: 'm1', text: 'ok' } }] };
    const p = parseMetaWebhook({ object: 'page', entry: [{ id: deep(DEEP, 'array'), messaging: [] }, { id: 'PAGE1', messaging: {} }, 5, good] }, 'page', 'PAGE1');
    expect(p.events.map((e: InboundEvent) => e.eventKey)).toEqual(['mid:m1']);
    expect(p.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/entry\[0\]\.id: expected a string id, got an array/),
      expect.stringMatching(/entry\[1\]\.messaging: expected an array, got an object/),
      expect.stringMatching(/entry\[2\]: expected an object, got a number/),
    ]);
  });
});

describe('normalisation helpers', () => {
  it('cleans and cuts text', () => {
    expect(cleanText(`a${NUL}b\uDBFFc\uDC00😀`)).toBe('a\uFFFDb\uFFFDc\uFFFD😀');
    expect(cut('ab😀', 3)).toBe('ab');
    expect(cut('ab😀', 4)).toBe('ab😀');
  });

  it('writes bounded excerpts of anything, without NUL', () => {
    expect(excerpt({ a: `x${NUL}y`, b: [1, null, true], c: new Date(0), d: undefined })).toBe('{"a":"xy","b":[1,null,true],"c":"1970-01-01T00:00:00.000Z"}');
    expect(excerpt(deep(100_000))).toHaveLength(INBOUND_LIMITS.excerpt);
    expect(excerpt(new Array(1_000_000).fill('zzz'))).toHaveLength(INBOUND_LIMITS.excerpt);
    expect(excerpt({ [`k${NUL}`]: 'v'.repeat(10_000) })).toHaveLength(INBOUND_LIMITS.excerpt);
  });

  it('keys a rejected event the way it would have been stored, or by a hash of an id out of bounds', () => {
    expect(rejectedKey('mid.1', (k) => `mid:${k}`)).toBe('mid:mid.1');
    expect(rejectedKey(`a${NUL}`, (k) => `mid:${k}`)).toMatch(/^mid:sha256:[0-9a-f]{64}$/);
    expect(rejectedKey(5, (k) => k)).toBeNull();
    expect(rejectedKey('', (k) => k)).toBeNull();
  });
});
