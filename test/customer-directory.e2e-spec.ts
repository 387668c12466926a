import { Permission } from '../src/modules/access/permissions';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, expectError, memberWithPermissions, SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

interface DirectoryItem {
  id: string;
  conversationId: string;
  displayName: string;
  profile?: Record<string, unknown>;
  masked?: string[];
  tags?: string[];
}

/**
 * The customer directory (SPEC §15) on the seed's worked example. Customers:
 *   林小姐  unassigned, bound to 台中北屯門市, phone 0912345678, email lin@example.com, tag VIP
 *   王先生  assigned to Winnie (台中北屯門市)
 *   高先生  assigned to the 南區 manager, on a second LINE account
 * A customer is listed iff their conversation is readable, and each item is exactly what
 * GET /customers/:id answers the same viewer (field permissions, masking).
 */
describe('customer directory: GET /customers', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let line2: TestChannel;
  let noProfile: Actor;
  const cust = { lin: '', wang: '', kao: '' };

  const list = async (who: Actor, query = '') => {
    const items: DirectoryItem[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const sep = query ? '&' : '';
      const res: { body: { items: DirectoryItem[]; nextCursor: string | null } } = await t
        .as(who.token)
        .get(`/api/v1/customers?${query}${sep}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('pagination did not end');
  };
  const name = (id: string) => Object.entries(cust).find(([, v]) => v === id)?.[0] ?? id;
  const names = async (who: Actor, query = '') => (await list(who, query)).map((i) => name(i.id));

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line', 'LINE 北屯');
    line2 = await createChannel(t, org.admin.token, 'line', 'LINE 高雄');
    const admin = t.as(org.admin.token);
    noProfile = await memberWithPermissions(t, org.admin.token, org.units.hq, [Permission.InboxAccess, Permission.FolderUnassigned, Permission.FolderSubordinates], '無個資權限');

    const { conversationId: c1, customerId: lin } = await customerSays(t, line, newLineUserId(), '想詢問會員資格');
    cust.lin = lin;
    await admin.patch(`/api/v1/customers/${lin}`, { displayName: '林小姐', profile: { name: '林美華', phone: '0912345678', email: 'lin@example.com' } }).expect(200);
    await admin.put(`/api/v1/customers/${lin}/binding`, { unitId: org.units.beitun }).expect(200);
    await admin.put(`/api/v1/customers/${lin}/tags`, { tags: ['VIP', '台中北屯門市'] }).expect(200);
    void c1;

    const { conversationId: c2, customerId: wang } = await customerSays(t, line, newLineUserId(), '訂單查詢');
    cust.wang = wang;
    await admin.patch(`/api/v1/customers/${wang}`, { displayName: '王先生' }).expect(200);
    await admin.post(`/api/v1/conversations/${c2}/assign`, { assigneeId: org.winnie.id }).expect(200);

    const { conversationId: c3, customerId: kao } = await customerSays(t, line2, newLineUserId(), '高雄門市在哪');
    cust.kao = kao;
    await admin.patch(`/api/v1/customers/${kao}`, { displayName: '高先生' }).expect(200);
    await admin.post(`/api/v1/conversations/${c3}/assign`, { assigneeId: org.southManager.id }).expect(200);
  }, 480_000);
  afterAll(() => t?.close());

  it('lists exactly the customers whose conversation each viewer can read, newest activity first', async () => {
    expect(await names(org.heine)).toEqual(['kao', 'wang', 'lin']);
    expect(await names(org.managerA)).toEqual(['wang', 'lin']); // subordinates + unassigned (bound below 中區)
    expect(await names(org.winnie)).toEqual(['wang', 'lin']); // department + bound to her store
    expect(await names(org.southManager)).toEqual(['kao']); // 林小姐 is bound outside 南區
    for (const who of [org.heine, org.managerA, org.winnie, org.southManager]) {
      for (const item of await list(who)) await t.as(who.token).get(`/api/v1/conversations/${item.conversationId}`).expect(200);
    }
    await t.as(org.southManager.token).get(`/api/v1/customers/${cust.lin}`).expect(404);
  });

  it('presents each customer exactly as GET /customers/:id does (field permissions, masking)', async () => {
    for (const who of [org.heine, org.managerA, org.winnie, noProfile]) {
      for (const item of await list(who)) {
        const { conversationId, ...customer } = item;
        expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
        const single = await t.as(who.token).get(`/api/v1/customers/${item.id}`).expect(200);
        expect(customer).toEqual(single.body);
      }
    }
    const [lin] = (await list(org.managerA)).filter((i) => i.id === cust.lin);
    expect(lin.profile).toMatchObject({ name: '林美華', phone: '******5678', email: 'lin@example.com' });
    expect(lin.masked).toEqual(['phone']);
    const [bare] = (await list(noProfile)).filter((i) => i.id === cust.lin);
    expect(bare).not.toHaveProperty('profile');
    expect(bare).not.toHaveProperty('tags');
  });

  it('q matches the display name for everyone, and profile name, phone, email only with customer.profile.view', async () => {
    expect(await names(org.heine, `q=${encodeURIComponent('先生')}`)).toEqual(['kao', 'wang']);
    expect(await names(org.heine, `q=${encodeURIComponent('林')}`)).toEqual(['lin']);
    expect(await names(org.winnie, `q=${encodeURIComponent('高先生')}`)).toEqual([]);
    for (const q of ['美華', '0912', 'LIN@EXAMPLE']) {
      expect(await names(org.managerA, `q=${encodeURIComponent(q)}`)).toEqual(['lin']);
      expect(await names(noProfile, `q=${encodeURIComponent(q)}`)).toEqual([]);
    }
    expect(await names(noProfile, `q=${encodeURIComponent('林小')}`)).toEqual(['lin']);
  });

  it('filters by tag (needs customer.tags.view), bound unit and channel account', async () => {
    expect(await names(org.heine, 'tag=VIP')).toEqual(['lin']);
    expect(await names(org.heine, 'tag=vip')).toEqual([]);
    expectError(await t.as(org.winnie.token).get('/api/v1/customers?tag=VIP'), 403);
    expect(await names(org.heine, `boundUnitId=${org.units.beitun}`)).toEqual(['lin']);
    expect(await names(org.heine, `boundUnitId=${org.units.central}`)).toEqual([]);
    expect(await names(org.heine, `channelAccountId=${line2.id}`)).toEqual(['kao']);
    expect(await names(org.managerA, `channelAccountId=${line2.id}`)).toEqual([]);
  });

  it('validates the query', async () => {
    expectError(await t.as(org.heine.token).get('/api/v1/customers?boundUnitId=nope'), 400);
    expectError(await t.as(org.heine.token).get('/api/v1/customers?limit=500'), 400);
    expectError(await t.as(org.heine.token).get('/api/v1/customers?cursor=bogus'), 400);
    expectError(await t.as(org.heine.token).get('/api/v1/customers?unknown=1'), 400);
  });
});
