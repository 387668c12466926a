import { Permission } from '../src/modules/access/permissions';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, createMember, createRole, expectError, SeedOrg, seedOrg, STORE_AGENT_PERMISSIONS } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

interface Hit {
  conversation: { id: string; customer: { displayName: string }; lastMessage: { redacted: boolean; text: string | null } | null };
  message: { id: string; kind: string; text: string | null; private: boolean; redacted: boolean } | null;
  snippet: string;
}

/**
 * Search (SPEC §15) on the seed's worked example: HQ (heine, supervisor: reads private content)
 * → 中區營業所 (managers A, B, C) → 台中北屯門市 (Winnie, Vincent, and Pam, whose role makes her
 * conversations private), plus 南區營業所.
 *
 *   walkIn   unassigned: 「請問台中北屯門市週末幾點開門?」           HQ and regions (folder.unassigned); not the store
 *   order    assigned to Winnie: 「我的 ORDER #A123 還沒到」 + Winnie's note 「北屯倉庫缺貨」   store, 中區, HQ
 *   south    assigned to the south manager: 「高雄也有北屯門市的商品嗎」   南區 and HQ only
 *   vip      assigned to Pam (conversation.private): 「北屯門市 VIP 包廂預約」 is private   readable by the store,
 *            中區 and HQ, but only HQ (conversation.private.view) may find it by its private text
 */
describe('search: substring search within what each viewer can read', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let pam: Actor;
  const conv = { walkIn: '', order: '', south: '', vip: '' };
  let customerOfOrder = '';

  const search = async (who: Actor, q: string, extra = '') => {
    const res = await t.as(who.token).get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`).expect(200);
    return res.body as { items: Hit[]; nextCursor: string | null };
  };
  const found = async (who: Actor, q: string, extra = '') => (await search(who, q, extra)).items.map((i) => i.conversation.id);
  const name = (id: string) => Object.entries(conv).find(([, v]) => v === id)?.[0] ?? id;
  const names = async (who: Actor, q: string, extra = '') => (await found(who, q, extra)).map(name);

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    const privateRole = await createRole(t, org.admin.token, '門市私密', [...STORE_AGENT_PERMISSIONS, Permission.ConversationPrivate]);
    pam = await createMember(t, org.admin.token, { name: 'Pam', unitId: org.units.beitun, roleId: privateRole });
    const admin = t.as(org.admin.token);

    ({ conversationId: conv.walkIn } = await customerSays(t, line, newLineUserId(), '請問台中北屯門市週末幾點開門?'));

    const orderCustomer = newLineUserId();
    ({ conversationId: conv.order, customerId: customerOfOrder } = await customerSays(t, line, orderCustomer, '我的 ORDER #A123 還沒到'));
    await admin.post(`/api/v1/conversations/${conv.order}/assign`, { assigneeId: org.winnie.id }).expect(200);
    await t.as(org.winnie.token).post(`/api/v1/conversations/${conv.order}/notes`, { text: '北屯倉庫缺貨,明天補寄' }).expect(201);

    ({ conversationId: conv.south } = await customerSays(t, line, newLineUserId(), '高雄也有北屯門市的商品嗎'));
    await admin.post(`/api/v1/conversations/${conv.south}/assign`, { assigneeId: org.southManager.id }).expect(200);

    const vipCustomer = newLineUserId();
    ({ conversationId: conv.vip } = await customerSays(t, line, vipCustomer, '你好'));
    await admin.post(`/api/v1/conversations/${conv.vip}/assign`, { assigneeId: pam.id }).expect(200);
    await customerSays(t, line, vipCustomer, '北屯門市 VIP 包廂預約');
  }, 480_000);
  afterAll(() => t?.close());

  it('finds Chinese substrings without word breaks: 4, 2 and 1 characters', async () => {
    expect(await names(org.heine, '北屯門市')).toEqual(['vip', 'south', 'walkIn']);
    expect(await names(org.heine, '北屯')).toEqual(['vip', 'south', 'order', 'walkIn']);
    expect(await names(org.heine, '屯')).toEqual(['vip', 'south', 'order', 'walkIn']);
    expect(await names(org.heine, '台中北屯門市週末')).toEqual(['walkIn']);
    expect(await names(org.heine, '台北')).toEqual([]);
  });

  it('matches Latin case-insensitively, with a snippet around the match', async () => {
    for (const q of ['order', 'ORDER', 'Order #a1']) {
      const { items } = await search(org.winnie, q);
      expect(items.map((i) => name(i.conversation.id))).toEqual(['order']);
      expect(items[0].message).toMatchObject({ kind: 'text', text: '我的 ORDER #A123 還沒到', redacted: false });
      expect(items[0].snippet).toContain('ORDER #A123');
    }
  });

  it('sees only what each viewer can read: store agent vs region manager vs HQ', async () => {
    // Winnie (store): no unassigned folder, so not the walk-in; her own conversation and Pam's (department).
    expect(await names(org.winnie, '北屯')).toEqual(['order']);
    // Manager A (中區): unassigned + subordinates, not 南區's.
    expect(await names(org.managerA, '北屯')).toEqual(['order', 'walkIn']);
    // 南區's manager: only the walk-in (unassigned) and their own.
    expect(await names(org.southManager, '北屯')).toEqual(['south', 'walkIn']);
    // Every hit of every viewer is a conversation the viewer can open.
    for (const who of [org.winnie, org.managerA, org.southManager, org.heine]) {
      for (const id of await found(who, '北屯')) await t.as(who.token).get(`/api/v1/conversations/${id}`).expect(200);
    }
    await t.as(org.winnie.token).get(`/api/v1/conversations/${conv.walkIn}`).expect(404);
  });

  it('matches private messages only for viewers who read private content; a redacted message never matches', async () => {
    const heine = await search(org.heine, 'VIP');
    expect(heine.items.map((i) => name(i.conversation.id))).toEqual(['vip']);
    expect(heine.items[0].message).toMatchObject({ private: true, redacted: false, text: '北屯門市 VIP 包廂預約' });
    expect(heine.items[0].snippet).toContain('VIP');

    // Winnie and Manager A can read the conversation (department / subordinates) but its text is redacted for them.
    await t.as(org.winnie.token).get(`/api/v1/conversations/${conv.vip}`).expect(200);
    await t.as(org.managerA.token).get(`/api/v1/conversations/${conv.vip}`).expect(200);
    expect(await found(org.winnie, 'VIP')).toEqual([]);
    expect(await found(org.managerA, 'VIP')).toEqual([]);
    expect(await found(org.managerA, '包廂')).toEqual([]);
    // Pam holds the conversation, but without conversation.private.view she too reads it redacted.
    expect(await found(pam, 'VIP')).toEqual([]);
  });

  it('searches internal notes, and the customer name (message null)', async () => {
    const note = await search(org.managerA, '倉庫');
    expect(note.items.map((i) => name(i.conversation.id))).toEqual(['order']);
    expect(note.items[0].message).toMatchObject({ kind: 'note', text: '北屯倉庫缺貨,明天補寄' });

    await t.as(org.admin.token).patch(`/api/v1/customers/${customerOfOrder}`, { displayName: '陳北屯 Chen' }).expect(200);
    for (const q of ['陳北', 'chen', '陳']) {
      const byName = await search(org.winnie, q);
      expect(byName.items.map((i) => name(i.conversation.id))).toEqual(['order']);
      expect(byName.items[0].message).toBeNull();
      expect(byName.items[0].snippet).toBe('陳北屯 Chen');
    }
    // Listed once, by name, although its messages match too.
    expect(await names(org.winnie, '北屯')).toEqual(['order']);
    expect((await search(org.winnie, '北屯')).items[0].message).toBeNull();
    // The south manager cannot read it: neither its name nor its messages are found.
    expect(await found(org.southManager, 'chen')).toEqual([]);
  });

  it('limits to one of the viewer\'s folders; a folder the viewer lacks is 404', async () => {
    expect(await names(org.heine, '北屯', '&folder=unassigned')).toEqual(['walkIn']);
    expect(await names(org.heine, '北屯', '&folder=subordinates')).toEqual(['vip', 'south', 'order']);
    expect(await names(org.managerA, '北屯', '&folder=subordinates')).toEqual(['order']);
    const res = await t.as(org.winnie.token).get(`/api/v1/search?q=${encodeURIComponent('北屯')}&folder=unassigned`);
    expectError(res, 404);
  });

  it('pages newest first with a cursor, each conversation once', async () => {
    const all = await found(org.heine, '屯');
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: { items: Hit[]; nextCursor: string | null } = await search(org.heine, '屯', `&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      paged.push(...page.items.map((h) => h.conversation.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(paged).toEqual(all);
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged).toHaveLength(4);
  });

  it('treats LIKE wildcards literally and validates its input', async () => {
    expect(await found(org.heine, '%')).toEqual([]);
    expect(await found(org.heine, '_')).toEqual([]);
    expectError(await t.as(org.heine.token).get('/api/v1/search'), 400);
    expectError(await t.as(org.heine.token).get('/api/v1/search?q=%20'), 400);
    expectError(await t.as(org.heine.token).get('/api/v1/search?q=x&cursor=bogus'), 400);
    expectError(await t.http().get('/api/v1/search?q=x'), 401);
  });
});
