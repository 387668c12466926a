import { lineEvent, lineWebhook, messengerWebhook, whatsappWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { newLineUserId } from './support/inbox';
import { SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Hostile and broken provider payloads through real signed webhooks: a NUL in a customer's
 * text, a field nested 10,000 levels deep, wrong types, huge arrays, an event PostgreSQL
 * still refuses. Each webhook answers 200 with what it stored and what it rejected (never a
 * 500 the provider would redeliver forever), and a redelivery changes nothing.
 */
describe('poison payloads', () => {
  let t: TestApp;
  let org: SeedOrg;
  let channels: Record<TestChannel['type'], TestChannel>;

  const DEEP = '{"a":'.repeat(10_000) + '"bottom"' + '}'.repeat(10_000);
  /** The body as JSON, with the placeholder string replaced by a 10,000-level object (JSON.stringify could not write it). */
  const withDeep = (body: unknown) => JSON.stringify(body).replace('"__DEEP__"', DEEP);
  const rejectedOf = (accountId: string) =>
    t.query<{ event_key: string | null; reason: string; excerpt: string; org_id: string }>(`SELECT event_key, reason, excerpt, org_id FROM rejected_inbound_events WHERE channel_account_id = $1 ORDER BY id`, [accountId]);
  const textsOf = async (accountId: string) => (await t.query<{ text: string }>(`SELECT text FROM messages WHERE channel_account_id = $1 AND direction = 'in' ORDER BY created_at, id`, [accountId])).map((r) => r.text);
  const snapshot = async (accountId: string) =>
    (
      await t.query(
        `SELECT (SELECT count(*)::int FROM messages WHERE channel_account_id = $1) AS messages,
                (SELECT count(*)::int FROM customers WHERE channel_account_id = $1) AS customers,
                (SELECT count(*)::int FROM inbound_events WHERE channel_account_id = $1) AS keys,
                (SELECT count(*)::int FROM rejected_inbound_events WHERE channel_account_id = $1) AS rejected,
                (SELECT count(*)::int FROM domain_events) AS events`,
        [accountId],
      )
    )[0];
  /** Nothing recorded for after commit may name a message or conversation that was rolled back. */
  const ghostEvents = async () =>
    (
      await t.query(
        `SELECT count(*)::int AS n FROM domain_events d
          WHERE (d.type = 'message.created' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = (d.data->>'messageId')::uuid))
             OR (d.conversation_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = d.conversation_id))
             OR (d.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = d.customer_id))`,
      )
    )[0].n;

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    const list = await Promise.all((['line', 'messenger', 'instagram', 'whatsapp'] as const).map((type) => createChannel(t, org.admin.token, type, `${type} poison`)));
    channels = Object.fromEntries(list.map((c) => [c.type, c])) as typeof channels;
  });
  afterAll(() => t.close());

  /** Per provider: a webhook of [a NUL text, a 10,000-level field kept in attachments, a good text], and its redelivery. */
  const poisoned: Record<TestChannel['type'], (tag: string) => { first: string; again: string; deepKey: string }> = {
    line: (tag) => {
      const userId = newLineUserId();
      const events = [
        lineEvent({ userId, text: `${tag} before\u0000after`, timestamp: 1_000 }),
        lineEvent({ userId, message: { type: 'sticker', id: `st-${tag}`, packageId: '__DEEP__', stickerId: '1988' }, timestamp: 2_000 }),
        lineEvent({ userId, text: `${tag} good`, timestamp: 3_000 }),
      ];
      const again = events.map((e) => ({ ...e, deliveryContext: { isRedelivery: true } }));
      return { first: withDeep(lineWebhook(channels.line.externalId, events)), again: withDeep(lineWebhook(channels.line.externalId, again)), deepKey: events[1].webhookEventId as string };
    },
    messenger: (tag) => meta('messenger', tag),
    instagram: (tag) => meta('instagram', tag),
    whatsapp: (tag) => {
      const ch = channels.whatsapp;
      const body = whatsappWebhook(ch.externalId, { messages: [{ id: `wamid.${tag}.1`, text: `${tag} before\u0000after`, timestamp: 1_000_000 }, { id: `wamid.${tag}.2`, timestamp: 2_000_000 }, { id: `wamid.${tag}.3`, text: `${tag} good`, timestamp: 3_000_000 }] });
      const messages = (body.entry[0].changes[0].value as { messages: Record<string, unknown>[] }).messages;
      messages[1] = { ...messages[1], type: 'image', text: undefined, image: { id: '__DEEP__', mime_type: 'image/jpeg' } };
      const raw = withDeep(body);
      return { first: raw, again: raw, deepKey: `wamid:wamid.${tag}.2` };
    },
  };

  function meta(type: 'messenger' | 'instagram', tag: string) {
    const ch = channels[type];
    const body = messengerWebhook(ch.externalId, [
      { psid: `PSID-${tag}`, text: `${tag} before\u0000after`, mid: `mid.${tag}.1`, timestamp: 1_000 },
      { psid: `PSID-${tag}`, mid: `mid.${tag}.2`, timestamp: 2_000 },
      { psid: `PSID-${tag}`, text: `${tag} good`, mid: `mid.${tag}.3`, timestamp: 3_000 },
    ], type === 'messenger' ? 'page' : 'instagram');
    body.entry[0].messaging[1].message = { mid: `mid.${tag}.2`, attachments: [{ type: 'image', payload: { url: '__DEEP__' } }] } as never;
    const raw = withDeep(body);
    return { first: raw, again: raw, deepKey: `mid:mid.${tag}.2` };
  }

  describe.each(['line', 'messenger', 'instagram', 'whatsapp'] as const)('%s', (type) => {
    it('stores the NUL event (normalised) and the good one, records the deeply nested one as rejected, answers 200; a redelivery is a no-op', async () => {
      const ch = channels[type];
      const tag = `${type}-${Date.now()}`;
      const { first, again, deepKey } = poisoned[type](tag);

      const res = await postWebhook(t, ch, null, { raw: first }).expect(200);
      expect(res.body).toEqual({ ok: true, applied: 2, duplicates: 0, rejected: 1 });
      expect(await textsOf(ch.id)).toEqual(expect.arrayContaining([`${tag} before\uFFFDafter`, `${tag} good`]));
      const rejected = await rejectedOf(ch.id);
      expect(rejected).toEqual([{ event_key: deepKey, reason: expect.stringMatching(/expected a (string id|URL string), got an object/), excerpt: expect.any(String), org_id: org.orgId }]);
      expect(rejected[0].excerpt.length).toBeLessThanOrEqual(500);
      expect(rejected[0].excerpt).not.toContain('\u0000');

      const before = await snapshot(ch.id);
      const redelivered = await postWebhook(t, ch, null, { raw: again }).expect(200);
      expect(redelivered.body).toEqual({ ok: true, applied: 0, duplicates: 2, rejected: 1 });
      expect(await snapshot(ch.id)).toEqual(before);
    });
  });

  it('turns wrong types into rejections and keeps the good events; a body that is not the envelope stays a 400', async () => {
    const line = channels.line;
    const userId = newLineUserId();
    const good = lineEvent({ userId, text: 'among the wrong types' });
    const base = () => lineEvent({ userId, text: 'x' });
    const body = { destination: line.externalId, events: [
      { ...base(), message: { type: 'text', id: 123, text: 'id is a number' } },
      { ...base(), message: [{ type: 'text' }] },
      { ...base(), source: [] },
      { ...base(), timestamp: 'yesterday' },
      { ...base(), source: { type: 'user', userId: `U\u0000` } },
      42,
      null,
      'text',
      good,
    ] };
    const res = await postWebhook(t, line, body).expect(200);
    expect(res.body).toEqual({ ok: true, applied: 1, duplicates: 0, rejected: 8 });
    expect(await textsOf(line.id)).toContain('among the wrong types');

    const wa = channels.whatsapp;
    const waBody = whatsappWebhook(wa.externalId, { messages: [{ id: `wamid.types.${Date.now()}`, text: 'ok' }], statuses: [{ id: 'wamid.X', status: 'read' }] });
    const value = waBody.entry[0].changes[0].value as Record<string, any>;
    value.messages.push({ from: 16505551234, id: 'wamid.num', type: 'text', text: { body: 'from is a number' } }, { from: '1', id: 'wamid.arr', type: 'text', text: [] });
    value.statuses.push({ id: 42, status: 'read' });
    expect((await postWebhook(t, wa, waBody).expect(200)).body).toEqual({ ok: true, applied: 2, duplicates: 0, rejected: 3 });

    await postWebhook(t, line, { destination: line.externalId, events: { 0: good } }).expect(400);
    await postWebhook(t, channels.messenger, { object: 'page', entry: 'nope' }).expect(400);
    await postWebhook(t, wa, [1, 2, 3]).expect(400);
  });

  it('answers a body 10,000 (and 100,000) levels deep without a 500', async () => {
    const line = channels.line;
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    await postWebhook(t, line, null, { raw: deepArray(10_000) }).expect(400);
    await postWebhook(t, line, null, { raw: DEEP }).expect(400);
    const deepEvents = `{"destination":"${line.externalId}","events":[${deepArray(10_000)}, ${DEEP}]}`;
    expect((await postWebhook(t, line, null, { raw: deepEvents }).expect(200)).body).toEqual({ ok: true, applied: 0, duplicates: 0, rejected: 2 });
    const userId = newLineUserId();
    const ok = JSON.stringify(lineWebhook(line.externalId, [lineEvent({ userId, text: 'beside a deep field' })])).replace(/}$/, `,"extra":${deepArray(100_000)}}`);
    expect((await postWebhook(t, line, null, { raw: ok }).expect(200)).body).toMatchObject({ applied: 1, rejected: 0 });
  });

  it('reads at most 1,000 events of a huge array and rejects the rest in one row', async () => {
    const wa = channels.whatsapp;
    const before = (await rejectedOf(wa.id)).length;
    // Statuses for messages the inbox never sent: acknowledged and ignored, so 1,000 of them apply quickly.
    const body = whatsappWebhook(wa.externalId, { statuses: Array.from({ length: 1_200 }, (_, i) => ({ id: `wamid.bulk.${i}.${Date.now()}`, status: 'read' as const })) });
    const res = await postWebhook(t, wa, body).expect(200);
    expect(res.body).toEqual({ ok: true, applied: 1_000, duplicates: 0, rejected: 1 });
    const rows = await rejectedOf(wa.id);
    expect(rows.length - before).toBe(1);
    expect(rows[rows.length - 1]).toMatchObject({ event_key: null, reason: expect.stringMatching(/200 more than the 1000 events read per webhook/) });
  }, 60_000);

  describe('an event the database still refuses', () => {
    beforeAll(async () => {
      // Stand-in for whatever slips past the parser: a row PostgreSQL refuses for its data (22023), or a statement cancelled (57014).
      await t.query(`
        CREATE FUNCTION poison_messages() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.text LIKE 'db-poison%' THEN RAISE EXCEPTION 'poisoned value' USING ERRCODE = '22023'; END IF;
          IF NEW.text LIKE 'db-timeout%' THEN RAISE EXCEPTION 'canceling statement due to statement timeout' USING ERRCODE = '57014'; END IF;
          RETURN NEW;
        END $$`);
      await t.query(`CREATE TRIGGER poison_messages BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION poison_messages()`);
    });
    afterAll(async () => {
      await t.query(`DROP TRIGGER poison_messages ON messages`);
      await t.query(`DROP FUNCTION poison_messages()`);
    });

    it('is rolled back alone to its savepoint and recorded as rejected; the others are stored; a redelivery is a no-op', async () => {
      const line = channels.line;
      const [a, b] = [newLineUserId(), newLineUserId()];
      const events = [
        lineEvent({ userId: a, text: 'savepoint first', timestamp: 1_000 }),
        lineEvent({ userId: b, text: 'db-poison from a new customer', timestamp: 2_000 }),
        lineEvent({ userId: a, text: 'db-poison from a known customer', timestamp: 3_000 }),
        lineEvent({ userId: a, text: 'savepoint last', timestamp: 4_000 }),
      ];
      const res = await postWebhook(t, line, lineWebhook(line.externalId, events)).expect(200);
      expect(res.body).toEqual({ ok: true, applied: 2, duplicates: 0, rejected: 2 });
      const texts = await textsOf(line.id);
      expect(texts).toEqual(expect.arrayContaining(['savepoint first', 'savepoint last']));
      expect(texts.filter((x) => x.startsWith('db-poison'))).toEqual([]);
      // The new customer's row and conversation went with the savepoint; nothing relayed names them.
      expect(await t.query(`SELECT id FROM customers WHERE channel_account_id = $1 AND external_id = $2`, [line.id, b])).toEqual([]);
      expect(await ghostEvents()).toBe(0);
      const rejected = (await rejectedOf(line.id)).filter((r) => /database refused/.test(r.reason));
      expect(rejected.map((r) => r.event_key)).toEqual([events[1].webhookEventId, events[2].webhookEventId]);
      expect(rejected[0].reason).toMatch(/^database refused the event: 22023 poisoned value/);
      expect(rejected[0].excerpt).toContain('db-poison from a new customer');

      const before = await snapshot(line.id);
      const again = await postWebhook(t, line, lineWebhook(line.externalId, events.map((e) => ({ ...e, deliveryContext: { isRedelivery: true } })))).expect(200);
      expect(again.body).toEqual({ ok: true, applied: 0, duplicates: 2, rejected: 2 });
      expect(await snapshot(line.id)).toEqual(before);
    });

    it('fails the whole webhook on a timeout (503, nothing stored) so the provider retries', async () => {
      const line = channels.line;
      const userId = newLineUserId();
      const before = await snapshot(line.id);
      const res = await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: 'before the timeout' }), lineEvent({ userId, text: 'db-timeout' })]));
      expect(res.status).toBe(503);
      expect(await snapshot(line.id)).toEqual(before);
    });
  });
});
