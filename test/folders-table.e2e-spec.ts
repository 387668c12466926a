import { createChannel, TestChannel } from './support/channels';
import { customerSays, folderIds, newLineUserId } from './support/inbox';
import { Actor, SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Folder by folder (SPEC §3), with the order of each: nine conversations in known states on
 * the seed's tree, customer messages stamped one minute apart in the past, actions in a
 * known sequence (so assignment times are ordered too), and one fresh agent reply.
 */
describe('folders: membership and order, folder by folder', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  const c: Record<string, string> = {};
  const customers: Record<string, string> = {};
  const label = (ids: string[]) => ids.map((id) => Object.keys(c).find((k) => c[k] === id) ?? id);

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    const t0 = Date.now() - 24 * 3600 * 1000;
    const minute = (n: number) => t0 + n * 60_000;
    for (const [name, at] of [['c1', 1], ['c2', 2], ['c3', 3], ['c4', 4], ['c5', 5], ['c6', 9], ['c7', 7], ['c8', 8], ['c9', 6]] as const) {
      const r = await customerSays(t, line, newLineUserId(), `I am ${name}`, minute(at));
      c[name] = r.conversationId;
      customers[name] = r.customerId;
    }
    const as = (who: Actor) => t.as(who.token);
    await as(org.admin).put(`/api/v1/customers/${customers.c2}/binding`, { unitId: org.units.beitun }).expect(200);
    await as(org.admin).put(`/api/v1/customers/${customers.c5}/binding`, { unitId: org.units.central }).expect(200);
    await as(org.managerA).post(`/api/v1/conversations/${c.c3}/claim`).expect(200);
    const assign = (id: string, who: Actor) => as(org.heine).post(`/api/v1/conversations/${id}/assign`, { assigneeId: who.id }).expect(200);
    await assign(c.c4, org.winnie);
    await assign(c.c5, org.southManager);
    await assign(c.c6, org.winnie);
    await assign(c.c9, org.managerB);
    await assign(c.c7, org.managerB);
    await assign(c.c8, org.managerA);
    await assign(c.c8, org.managerB);
    await as(org.heine).post(`/api/v1/conversations/${c.c6}/complete`).expect(200);
    await as(org.heine).post(`/api/v1/conversations/${c.c9}/complete`).expect(200);
    await as(org.heine).post(`/api/v1/conversations/${c.c7}/trash`).expect(200);
    await as(org.managerA).post(`/api/v1/conversations/${c.c3}/messages`, { text: '馬上為您處理' }).expect(201);
  });
  afterAll(() => t.close());

  const table: [who: keyof SeedOrg, folder: string, expected: string[]][] = [
    // HQ supervisor (總公司含客服)
    ['heine', 'unassigned', ['c2', 'c1']],
    ['heine', 'assigned', []],
    ['heine', 'department', ['c8', 'c5', 'c3']], // by latest customer message, not c3's newer reply
    ['heine', 'subordinates', ['c8', 'c5', 'c4', 'c3']],
    ['heine', 'bound', []],
    ['heine', 'subordinate_bound', ['c5', 'c2']],
    ['heine', 'previously_handled', []],
    ['heine', 'private', []],
    ['heine', 'done', ['c9', 'c6']], // by assignment time: c9 was assigned after c6
    ['heine', 'trash', ['c7']],
    // region manager A (中區營業所)
    ['managerA', 'unassigned', ['c2', 'c1']],
    ['managerA', 'assigned', ['c3']],
    ['managerA', 'department', ['c8', 'c4', 'c3']],
    ['managerA', 'subordinates', ['c4']],
    ['managerA', 'bound', ['c5']],
    ['managerA', 'subordinate_bound', ['c2']],
    ['managerA', 'previously_handled', ['c8']],
    ['managerA', 'done', ['c9', 'c6']],
    // store member Winnie (台中北屯門市)
    ['winnie', 'assigned', ['c4']],
    ['winnie', 'department', ['c4']],
    ['winnie', 'bound', ['c2']],
    ['winnie', 'previously_handled', ['c6']],
    // another region (南區營業所)
    ['southManager', 'unassigned', ['c1']],
    ['southManager', 'assigned', ['c5']],
    ['southManager', 'department', ['c5']],
    ['southManager', 'subordinates', []],
    ['southManager', 'bound', []],
    ['southManager', 'done', []],
    // the administrator's all: by latest of customer message or agent reply
    ['admin', 'all', ['c3', 'c6', 'c8', 'c7', 'c9', 'c5', 'c4', 'c2', 'c1']],
  ];

  it.each(table)('%s › %s', async (who, folder, expected) => {
    const actor = org[who] as Actor;
    expect(label(await folderIds(t, actor.token, folder))).toEqual(expected);
  });

  it('folders a role does not open answer 404, and unknown folders too', async () => {
    await t.as(org.winnie.token).get('/api/v1/folders/unassigned/conversations').expect(404);
    await t.as(org.managerA.token).get('/api/v1/folders/all/conversations').expect(404);
    await t.as(org.admin.token).get('/api/v1/folders/nope/conversations').expect(404);
  });

  it('GET /folders counts each of my folders', async () => {
    const res = await t.as(org.managerA.token).get('/api/v1/folders').expect(200);
    expect(res.body.items).toEqual([
      { folder: 'unassigned', count: 2, capped: false },
      { folder: 'assigned', count: 1, capped: false },
      { folder: 'department', count: 3, capped: false },
      { folder: 'subordinates', count: 1, capped: false },
      { folder: 'bound', count: 1, capped: false },
      { folder: 'subordinate_bound', count: 1, capped: false },
      { folder: 'previously_handled', count: 1, capped: false },
      { folder: 'done', count: 2, capped: false },
    ]);
  });

  it('summaries carry the SPEC §11 fields', async () => {
    const res = await t.as(org.managerA.token).get('/api/v1/folders/assigned/conversations').expect(200);
    expect(res.body.items[0]).toMatchObject({
      id: c.c3,
      status: 'open',
      channelAccountId: line.id,
      customer: { id: expect.any(String), displayName: expect.any(String) },
      assigneeId: org.managerA.id,
      assigneeUnitId: org.units.central,
      assignedAt: expect.any(String),
      lastCustomerMessageAt: expect.any(String),
      lastAgentReplyAt: expect.any(String),
      lastMessage: { text: '馬上為您處理', direction: 'out', sender: { type: 'member', memberId: org.managerA.id } },
    });
  });

  it('keyset pages are stable while new messages arrive', async () => {
    const first = await t.as(org.heine.token).get('/api/v1/folders/subordinates/conversations?limit=2').expect(200);
    expect(label(first.body.items.map((i: { id: string }) => i.id))).toEqual(['c8', 'c5']);
    // c3's customer writes again: it jumps to the top, but the next page neither repeats nor skips anything.
    const [cu] = await t.query(`SELECT external_id FROM customers WHERE id = (SELECT customer_id FROM conversations WHERE id = $1)`, [c.c3]);
    await customerSays(t, line, cu.external_id, 'still waiting');
    const second = await t.as(org.heine.token).get(`/api/v1/folders/subordinates/conversations?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`).expect(200);
    expect(label(second.body.items.map((i: { id: string }) => i.id))).toEqual(['c4']);
    expect(second.body.nextCursor).toBeNull();
    expect(label(await folderIds(t, org.heine.token, 'subordinates'))).toEqual(['c3', 'c8', 'c5', 'c4']);
    await t.as(org.heine.token).get('/api/v1/folders/subordinates/conversations?cursor=garbage').expect(400);
    // well-formed cursors whose keys are not (timestamp, uuid) are 400 too, never a database error
    const forged = Buffer.from(JSON.stringify(['not-a-time', 'not-a-uuid'])).toString('base64url');
    await t.as(org.heine.token).get(`/api/v1/folders/subordinates/conversations?cursor=${forged}`).expect(400);
    await t.as(org.heine.token).get(`/api/v1/conversations/${c.c3}/messages?before=${forged}`).expect(400);
    await t.as(org.heine.token).get(`/api/v1/notifications?cursor=${forged}`).expect(400);
    await t.as(org.heine.token).get('/api/v1/folders/subordinates/conversations?limit=101').expect(400);
  });

  it('channel scope hides every conversation of other channels', async () => {
    const wa = await createChannel(t, org.admin.token, 'whatsapp');
    await t.as(org.admin.token).patch(`/api/v1/members/${org.managerC.id}`, { channelAccountIds: [wa.id] }).expect(200);
    for (const folder of ['unassigned', 'department', 'subordinates', 'bound', 'done']) {
      expect(await folderIds(t, org.managerC.token, folder)).toEqual([]);
    }
    await t.as(org.managerC.token).get(`/api/v1/conversations/${c.c3}`).expect(404);
    expect(label(await folderIds(t, org.managerB.token, 'department'))).toEqual(['c3', 'c8', 'c4']);
  });
});
