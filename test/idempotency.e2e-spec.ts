import { randomUUID } from 'crypto';
import type request from 'supertest';
import { Db } from '../src/infra/database/db';
import { IdempotencyRepository } from '../src/infra/http/idempotency.repository';
import { messengerWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, createMember, expectError, PASSWORD, SeedOrg, seedOrg, uniqueSuffix } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { eventually } from './support/queues';
import { appRoutes, concretePath } from './support/routes';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Idempotency-Key on authenticated POSTs (src/infra/http/idempotency.interceptor.ts): the key
 * and the write commit in one transaction, a retry replays the first answer.
 */
describe('Idempotency-Key', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let messenger: TestChannel;
  let stub: ProviderStub;

  const key = () => `key-${randomUUID()}`;
  const send = (who: Actor, conversationId: string, body: object, k?: string, action = 'messages'): request.Test => {
    const req = t.as(who.token).post(`/api/v1/conversations/${conversationId}/${action}`, body);
    return k === undefined ? req : req.set('Idempotency-Key', k);
  };
  const fresh = async () => (await customerSays(t, line, newLineUserId(), 'hello')).conversationId;
  const outbound = async (conversationId: string, kind = 'text') =>
    (await t.query(`SELECT id, text FROM messages WHERE conversation_id = $1 AND direction = 'out' AND kind = $2 ORDER BY created_at`, [conversationId, kind])) as { id: string; text: string }[];
  const keyRows = (k: string) => t.query(`SELECT member_id, route, status, body FROM idempotency_keys WHERE key = $1`, [k]);

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: stub.url, GRAPH_API_BASE_URL: stub.url, OUTBOUND_BACKOFF_MS: '20' });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    messenger = await createChannel(t, org.admin.token, 'messenger');
  });
  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  it('a reply sent twice with the same key creates one message; the retry gets the first answer, marked replayed', async () => {
    const id = await fresh();
    const k = key();
    const first = await send(org.admin, id, { text: 'Your order shipped' }, k).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await send(org.admin, id, { text: 'Your order shipped' }, k).expect(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect((await outbound(id)).map((m) => m.id)).toEqual([first.body.id]);
    // The key was recorded with the write, answer included.
    const [row] = await keyRows(k);
    expect(row).toMatchObject({ member_id: org.admin.id, route: 'POST /api/v1/conversations/:id/messages', status: 201 });
    expect(row.body.id).toBe(first.body.id);
  });

  it('the same key with a different body answers 422 naming the rule, and sends nothing', async () => {
    const id = await fresh();
    const k = key();
    await send(org.admin, id, { text: 'first text' }, k).expect(201);
    const res = await send(org.admin, id, { text: 'another text' }, k);
    expectError(res, 422, /Idempotency-Key.*different request/);
    // Same body on another conversation (another path) with the same key: also a different request.
    expectError(await send(org.admin, await fresh(), { text: 'first text' }, k), 422, /Idempotency-Key/);
    expect((await outbound(id)).map((m) => m.text)).toEqual(['first text']);
  });

  it('the body is compared canonically: the same fields in another order replay', async () => {
    const id = await fresh();
    const k = key();
    const raw = (s: string) =>
      t.http().post(`/api/v1/conversations/${id}/notes`).set('Authorization', `Bearer ${org.admin.token}`).set('Idempotency-Key', k).set('Content-Type', 'application/json').send(s);
    const first = await raw(`{"text":"note","mentionIds":[]}`).expect(201);
    const second = await raw(`{ "mentionIds": [], "text": "note" }`).expect(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });

  it('10 concurrent requests with one key: exactly one message; each answer is that 201 (replayed) or 409 while it ran', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await fresh();
      const k = key();
      const results = await Promise.all(Array.from({ length: 10 }, () => send(org.managerA, id, { text: `burst ${round}` }, k)));
      const messages = await outbound(id);
      expect(messages).toHaveLength(1);
      for (const r of results) expect([201, 409]).toContain(r.status);
      const created = results.filter((r) => r.status === 201);
      expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
      for (const r of created) expect(r.body.id).toBe(messages[0].id);
      for (const r of results.filter((x) => x.status === 409)) {
        expectError(r, 409, /Idempotency-Key.*still being processed/);
        expect(r.headers['retry-after']).toBe('1');
      }
      // Once it has answered, every retry replays.
      const again = await send(org.managerA, id, { text: `burst ${round}` }, k).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(messages[0].id);
    }
  });

  it('a request that fails rolls its key back: the corrected retry with the same key succeeds', async () => {
    const psid = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    await postWebhook(t, messenger, messengerWebhook(messenger.externalId, [{ psid, text: 'hi from messenger' }])).expect(200);
    const [{ id }] = await t.query(`SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.channel_account_id = $1 AND cu.external_id = $2`, [messenger.id, psid]);
    const k = key();
    expectError(await send(org.admin, id, { text: 'x'.repeat(2001) }, k), 422, /messenger accepts at most 2000/); // thrown by the service
    expect(await keyRows(k)).toEqual([]);
    expectError(await send(org.admin, id, { text: '' }, k), 400); // thrown by the validation pipe
    expect(await keyRows(k)).toEqual([]);
    const ok = await send(org.admin, id, { text: 'x'.repeat(2000) }, k).expect(201);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
    expect((await outbound(id)).map((m) => m.id)).toEqual([ok.body.id]);
  });

  it('keys are per member and per route: another member, or another route, with the same key is independent', async () => {
    const id = await fresh();
    const k = key();
    const a = await send(org.admin, id, { text: 'same words' }, k).expect(201);
    const b = await send(org.heine, id, { text: 'same words' }, k).expect(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
    const note = await send(org.admin, id, { text: 'same words' }, k, 'notes').expect(201);
    expect(note.headers['idempotent-replayed']).toBeUndefined();
    expect((await outbound(id)).map((m) => m.id).sort()).toEqual([a.body.id, b.body.id].sort());
    expect((await outbound(id, 'note')).map((m) => m.id)).toEqual([note.body.id]);
  });

  it('without the header nothing changes: the same reply twice is two messages', async () => {
    const id = await fresh();
    const first = await send(org.admin, id, { text: 'twice' }).expect(201);
    const second = await send(org.admin, id, { text: 'twice' }).expect(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.id).not.toBe(first.body.id);
    expect(await outbound(id)).toHaveLength(2);
  });

  it('replays actions with their own status (claim: 200 again instead of 409)', async () => {
    const id = await fresh();
    const k = key();
    const first = await send(org.managerA, id, {}, k, 'claim').expect(200);
    const again = await send(org.managerA, id, {}, k, 'claim').expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    await send(org.managerA, id, {}, undefined, 'claim').expect(409);
    expect(Number((await t.query(`SELECT count(*) FROM assignments WHERE conversation_id = $1`, [id]))[0].count)).toBe(1);
  });

  it('refuses invalid keys with 400 and changes nothing', async () => {
    const id = await fresh();
    for (const bad of ['', 'x'.repeat(256), 'tab\there']) {
      expectError(await send(org.admin, id, { text: 'never sent' }, bad), 400, /Idempotency-Key must be 1–255 printable/);
    }
    await send(org.admin, id, { text: 'fine' }, 'k'.repeat(255)).expect(201);
    expect(await outbound(id)).toHaveLength(1);
  });

  it('applies to every authenticated POST route, and to no public one', async () => {
    const posts = appRoutes(t.app).filter((r) => r.method === 'POST');
    const authed = posts.filter((r) => r.rule?.kind !== 'public');
    // The brief's list: sends, notes, the conversation actions, binding links, members, units, roles, channel accounts, deactivate, push, notifications read.
    const paths = authed.map((r) => r.path);
    for (const p of ['messages', 'notes', 'claim', 'assign', 'complete', 'reopen', 'trash', 'unassign']) expect(paths).toContain(`/api/v1/conversations/:id/${p}`);
    for (const p of ['units/:id/binding-links', 'members', 'units', 'roles', 'channel-accounts', 'members/:id/deactivate', 'push-subscriptions', 'notifications/:id/read']) {
      expect(paths).toContain(`/api/v1/${p}`);
    }
    for (const r of authed) {
      const res = await t.as(org.admin.token).post(concretePath(r.path, randomUUID()), {}).set('Idempotency-Key', 'x'.repeat(256));
      expect({ route: `${r.method} ${r.path}`, status: res.status, message: res.body.message }).toEqual({
        route: `${r.method} ${r.path}`,
        status: 400,
        message: expect.stringMatching(/Idempotency-Key/),
      });
    }
    // Public POSTs ignore the header: login twice with one key logs in twice, nothing is recorded.
    expect(posts.some((r) => r.rule?.kind === 'public' && r.path === '/api/v1/auth/login')).toBe(true);
    const k = key();
    for (let i = 0; i < 2; i++) {
      const res = await t.http().post('/api/v1/auth/login').set('Idempotency-Key', k).send({ email: org.admin.email, password: PASSWORD }).expect(200);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(await keyRows(k)).toEqual([]);
  });

  it('every authenticated POST runs with a key: the first answer is replayed, with its status, and the write happens once', async () => {
    const twice = async (label: string, who: Actor, path: string, body: object, count?: () => Promise<number>) => {
      const k = key();
      const first = await t.as(who.token).post(path, body).set('Idempotency-Key', k);
      expect({ label, status: first.status }).toEqual({ label, status: expect.any(Number) });
      if (first.status >= 300) throw new Error(`${label}: ${first.status} ${JSON.stringify(first.body)}`);
      const before = count && (await count());
      const second = await t.as(who.token).post(path, body).set('Idempotency-Key', k);
      expect({ label, status: second.status, replayed: second.headers['idempotent-replayed'], body: second.body }).toEqual({ label, status: first.status, replayed: 'true', body: first.body });
      if (count) expect({ label, count: await count() }).toEqual({ label, count: before });
      return first.body;
    };
    const conv = (id: string, action: string) => `/api/v1/conversations/${id}/${action}`;
    const assignments = (id: string) => async () => Number((await t.query(`SELECT count(*) FROM assignments WHERE conversation_id = $1`, [id]))[0].count);
    const events = (id: string) => async () => Number((await t.query(`SELECT count(*) FROM domain_events WHERE conversation_id = $1`, [id]))[0].count);

    const id = await fresh();
    await twice('assign', org.admin, conv(id, 'assign'), { assigneeId: org.managerA.id, note: 'yours' }, assignments(id));
    await twice('unassign', org.managerA, conv(id, 'unassign'), {}, events(id));
    await twice('claim', org.managerB, conv(id, 'claim'), {}, assignments(id));
    await twice('complete', org.managerB, conv(id, 'complete'), {}, events(id));
    await twice('reopen', org.managerB, conv(id, 'reopen'), {}, events(id));
    await twice('trash', org.admin, conv(id, 'trash'), {}, events(id));

    const id2 = await fresh();
    await twice('note with a mention', org.admin, conv(id2, 'notes'), { text: 'look @A', mentionIds: [org.managerA.id] });
    const mention = await eventually(async () => {
      const items = (await t.as(org.managerA.token).get('/api/v1/notifications?limit=100').expect(200)).body.items as { id: string; type: string; payload: { conversationId: string } }[];
      return items.find((n) => n.type === 'mention' && n.payload.conversationId === id2);
    });
    await twice('notification read', org.managerA, `/api/v1/notifications/${mention.id}/read`, {});
    await twice('push subscription', org.managerA, '/api/v1/push-subscriptions', { endpoint: `https://push.example.com/${uniqueSuffix()}`, keys: { p256dh: 'p256dh-key', auth: 'auth-key' } });

    const tag = uniqueSuffix();
    const channel = await twice('channel account', org.admin, '/api/v1/channel-accounts', { type: 'line', name: `line ${tag}`, externalId: `U${tag}${'0'.repeat(24)}`, secret: 's', accessToken: 'a' });
    await twice('binding link', org.admin, `/api/v1/units/${org.units.central}/binding-links`, { channelAccountId: channel.id });
    const role = await twice('role', org.admin, '/api/v1/roles', { name: `role ${tag}`, permissions: ['inbox.access'] }, async () => Number((await t.query(`SELECT count(*) FROM roles`))[0].count));
    const email = `idem-${tag}@example.com`;
    await twice('member', org.admin, '/api/v1/members', { email, password: PASSWORD, displayName: 'Idem', unitId: org.units.south, roleId: role.id }, async () => Number((await t.query(`SELECT count(*) FROM members WHERE email = $1`, [email]))[0].count));
    const leaving = await createMember(t, org.admin.token, { name: `Leaving ${tag}`, unitId: org.units.south, roleId: org.roles.agent });
    await twice('deactivate', org.admin, `/api/v1/members/${leaving.id}/deactivate`, { handoverMemberId: org.southManager.id });
  });

  it('replays admin writes too (a unit created once)', async () => {
    const k = key();
    const body = { name: `Store ${randomUUID().slice(0, 8)}`, parentId: org.units.central };
    const first = await t.as(org.admin.token).post('/api/v1/units', body).set('Idempotency-Key', k).expect(201);
    const second = await t.as(org.admin.token).post('/api/v1/units', body).set('Idempotency-Key', k).expect(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(Number((await t.query(`SELECT count(*) FROM units WHERE name = $1`, [body.name]))[0].count)).toBe(1);
  });

  it('keys expire after 24 h: an expired key is new again, and expired rows are purged', async () => {
    const id = await fresh();
    const k = key();
    await send(org.admin, id, { text: 'yesterday' }, k).expect(201);
    await t.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [k]);
    const today = await send(org.admin, id, { text: 'today' }, k).expect(201);
    expect(today.headers['idempotent-replayed']).toBeUndefined();
    expect((await outbound(id)).map((m) => m.text)).toEqual(['yesterday', 'today']);

    const old = key();
    await send(org.admin, id, { text: 'old' }, old).expect(201);
    await t.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [old]);
    const purged = await new IdempotencyRepository(t.app.get(Db)).purgeExpired();
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await keyRows(old)).toEqual([]);
    expect(await keyRows(k)).toHaveLength(1);
  });

  it('documents the header on authenticated POSTs in the OpenAPI document', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    const names = (op: { parameters?: { name: string }[] } | undefined) => (op?.parameters ?? []).map((p) => p.name);
    expect(names(doc.paths['/api/v1/conversations/{id}/messages'].post)).toContain('Idempotency-Key');
    expect(names(doc.paths['/api/v1/conversations/{id}/messages'].get)).not.toContain('Idempotency-Key');
    expect(names(doc.paths['/api/v1/auth/login'].post)).not.toContain('Idempotency-Key');
  });
});
