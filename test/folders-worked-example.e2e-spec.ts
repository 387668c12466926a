import { FOLDERS } from '../src/modules/access/permissions';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, foldersHolding, newLineUserId } from './support/inbox';
import { Actor, SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The seed's worked example (003 §2, SPEC §3): HQ → 中區營業所 (managers A, B, C) →
 * 台中北屯門市 (Winnie, Vincent). Assigned to manager A, then transferred to a store member.
 */
describe('folders: the seed worked example', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let conversationId: string;

  const sees = (who: Actor) => foldersHolding(t, who.token, conversationId, FOLDERS);
  const detail = (who: Actor) => t.as(who.token).get(`/api/v1/conversations/${conversationId}`);

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    ({ conversationId } = await customerSays(t, line, newLineUserId(), '我想預約試駕'));
  });
  afterAll(() => t.close());

  it('starts unassigned: HQ and regions see it in unassigned, store members cannot read it', async () => {
    expect(await sees(org.heine)).toEqual(['unassigned']);
    expect(await sees(org.managerA)).toEqual(['unassigned']);
    expect(await sees(org.winnie)).toEqual([]);
    await detail(org.winnie).expect(404);
  });

  it('assigned to region manager A: A in assigned + department, B and C in department, HQ in department + subordinates', async () => {
    const res = await t.as(org.heine.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.managerA.id, note: '請區經理 A 跟進' }).expect(200);
    expect(res.body).toMatchObject({ assigneeId: org.managerA.id, assigneeUnitId: org.units.central, folders: ['department', 'subordinates'] });

    expect(await sees(org.managerA)).toEqual(['assigned', 'department']);
    expect(await sees(org.managerB)).toEqual(['department']);
    expect(await sees(org.managerC)).toEqual(['department']);
    expect(await sees(org.heine)).toEqual(['department', 'subordinates']);
    for (const who of [org.winnie, org.vincent, org.southManager]) {
      expect(await sees(who)).toEqual([]);
      await detail(who).expect(404);
    }
    const a = await detail(org.managerA).expect(200);
    expect(a.body).toMatchObject({ readOnly: false, folders: ['assigned', 'department'] });
  });

  it('the transfer note is an internal note, kept in the assignment history', async () => {
    const msgs = await t.as(org.managerA.token).get(`/api/v1/conversations/${conversationId}/messages`).expect(200);
    expect(msgs.body.items[0]).toMatchObject({ kind: 'note', text: '請區經理 A 跟進', sender: { type: 'member', memberId: org.heine.id } });
    const history = await t.as(org.managerA.token).get(`/api/v1/conversations/${conversationId}/assignments`).expect(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ memberId: org.managerA.id, unitId: org.units.central, assignedById: org.heine.id, note: '請區經理 A 跟進', endedAt: null, endReason: null }),
    ]);
  });

  it('transferred on to store member Winnie: store in department, 中區 in department + subordinates (A also previously_handled), HQ only subordinates', async () => {
    await t.as(org.managerA.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id, note: '門市接手' }).expect(200);

    expect(await sees(org.winnie)).toEqual(['assigned', 'department']);
    expect(await sees(org.vincent)).toEqual(['department']);
    expect(await sees(org.managerA)).toEqual(['department', 'subordinates', 'previously_handled']);
    expect(await sees(org.managerB)).toEqual(['department', 'subordinates']);
    expect(await sees(org.heine)).toEqual(['subordinates']);
    expect(await sees(org.southManager)).toEqual([]);
    await detail(org.southManager).expect(404);

    const history = await t.as(org.heine.token).get(`/api/v1/conversations/${conversationId}/assignments`).expect(200);
    expect(history.body.items.map((a: { memberId: string; endReason: string | null }) => [a.memberId, a.endReason])).toEqual([
      [org.managerA.id, 'transferred'],
      [org.winnie.id, null],
    ]);
  });

  it('completed by Winnie: A keeps it in previously_handled (read-only once nothing else holds it)', async () => {
    await t.as(org.winnie.token).post(`/api/v1/conversations/${conversationId}/complete`).expect(403); // store agents lack conversation.complete
    await t.as(org.managerB.token).post(`/api/v1/conversations/${conversationId}/complete`).expect(200);
    expect(await sees(org.managerA)).toEqual(['previously_handled', 'done']);
    expect(await sees(org.winnie)).toEqual(['previously_handled']);
    const w = await detail(org.winnie).expect(200);
    expect(w.body).toMatchObject({ readOnly: true, folders: ['previously_handled'], status: 'done' });
    const refused = await t.as(org.winnie.token).post(`/api/v1/conversations/${conversationId}/messages`, { text: 'hi' }).expect(403);
    expect(refused.body.message).toMatch(/read-only/);
    await t.as(org.winnie.token).post(`/api/v1/conversations/${conversationId}/notes`, { text: 'x' }).expect(403);
  });
});
