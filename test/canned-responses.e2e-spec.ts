import { Permission } from '../src/modules/access/permissions';
import { Actor, createMember, createRole, expectError, REGION_MANAGER_PERMISSIONS, SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

interface Canned {
  id: string;
  shortcode: string;
  title: string;
  text: string;
  unitId: string | null;
}

/**
 * Canned responses (SPEC §16) on the seed's worked example. Manager D (中區營業所) holds
 * canned.manage; the administrator (HQ) holds everything. Org-wide responses are offered to
 * everyone with inbox.access, a unit's to that unit and everything below it.
 */
describe('canned responses', () => {
  let t: TestApp;
  let org: SeedOrg;
  let managerD: Actor;
  let southEditor: Actor;
  let noInbox: Actor;
  const r = { hours: {} as Canned, central: {} as Canned, store: {} as Canned };

  const offered = async (who: Actor, query = '') => {
    const res = await t.as(who.token).get(`/api/v1/canned-responses${query}`).expect(200);
    return (res.body.items as Canned[]).map((c) => `${c.shortcode}@${c.unitId === null ? 'org' : c.unitId === org.units.central ? '中區' : c.unitId === org.units.beitun ? '北屯' : c.unitId}`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    const editorRole = await createRole(t, org.admin.token, '區經理(罐頭訊息)', [...REGION_MANAGER_PERMISSIONS, Permission.CannedManage]);
    managerD = await createMember(t, org.admin.token, { name: 'Manager D', unitId: org.units.central, roleId: editorRole });
    southEditor = await createMember(t, org.admin.token, { name: 'South Editor', unitId: org.units.south, roleId: editorRole });
    const noInboxRole = await createRole(t, org.admin.token, '報表', [Permission.AuditView]);
    noInbox = await createMember(t, org.admin.token, { name: 'No Inbox', unitId: org.units.hq, roleId: noInboxRole });
  }, 480_000);
  afterAll(() => t?.close());

  it('creates org-wide (org.manage) and unit responses within the editor\'s subtree', async () => {
    const admin = t.as(org.admin.token);
    r.hours = (await admin.post('/api/v1/canned-responses', { shortcode: 'hours', title: '營業時間', text: '各門市營業時間為每日 10:00–21:00' }).expect(201)).body;
    expect(r.hours).toMatchObject({ shortcode: 'hours', title: '營業時間', unitId: null, id: expect.any(String) });

    const d = t.as(managerD.token);
    r.central = (await d.post('/api/v1/canned-responses', { shortcode: 'thanks', title: '感謝來訊', text: '感謝您聯繫中區營業所', unitId: org.units.central }).expect(201)).body;
    r.store = (await d.post('/api/v1/canned-responses', { shortcode: 'pickup', title: '門市取貨', text: '台中北屯門市取貨時間 14:00 後', unitId: org.units.beitun }).expect(201)).body;

    expectError(await d.post('/api/v1/canned-responses', { shortcode: 'x', title: 'x', text: 'x', unitId: org.units.south }), 403, /your unit/);
    expectError(await d.post('/api/v1/canned-responses', { shortcode: 'x', title: 'x', text: 'x', unitId: org.units.hq }), 403);
    expectError(await d.post('/api/v1/canned-responses', { shortcode: 'x', title: 'x', text: 'x' }), 403, /org\.manage/);
    expectError(await d.post('/api/v1/canned-responses', { shortcode: 'x', title: 'x', text: 'x', unitId: null }), 403, /org\.manage/);
    expectError(await d.post('/api/v1/canned-responses', { shortcode: 'x', title: 'x', text: 'x', unitId: '00000000-0000-4000-8000-000000000000' }), 422);
    // Winnie (store agent) lacks canned.manage.
    expectError(await t.as(org.winnie.token).post('/api/v1/canned-responses', { shortcode: 'x', title: 'x', text: 'x', unitId: org.units.beitun }), 403);
    expectError(await d.post('/api/v1/canned-responses', { shortcode: 'has space', title: 'x', text: 'x', unitId: org.units.central }), 400);
    expectError(await d.post('/api/v1/canned-responses', { shortcode: 'ok', title: 'x', text: 'x', unitId: org.units.central, extra: 1 }), 400);
  });

  it('offers org-wide responses to everyone and a unit\'s to that unit and below', async () => {
    expect(await offered(org.winnie)).toEqual(['hours@org', 'pickup@北屯', 'thanks@中區']);
    expect(await offered(org.managerA)).toEqual(['hours@org', 'thanks@中區']);
    expect(await offered(org.heine)).toEqual(['hours@org']);
    expect(await offered(org.southManager)).toEqual(['hours@org']);
    expectError(await t.as(noInbox.token).get('/api/v1/canned-responses'), 403);
    // What one may edit: D manages 中區 and 北屯's; the administrator everything.
    expect(await offered(managerD, '?manageable=true')).toEqual(['pickup@北屯', 'thanks@中區']);
    expect(await offered(org.admin, '?manageable=true')).toEqual(['hours@org', 'pickup@北屯', 'thanks@中區']);
    expect(await offered(org.winnie, '?manageable=true')).toEqual([]);
  });

  it('filters by shortcode or title prefix, case-insensitively', async () => {
    expect(await offered(org.winnie, '?q=PI')).toEqual(['pickup@北屯']);
    expect(await offered(org.winnie, `?q=${encodeURIComponent('營業')}`)).toEqual(['hours@org']);
    expect(await offered(org.winnie, `?q=${encodeURIComponent('時間')}`)).toEqual([]); // prefix, not substring
    expect(await offered(org.winnie, '?q=%25')).toEqual([]);
  });

  it('keeps shortcodes unique per unit (409), org-wide ones included', async () => {
    const admin = t.as(org.admin.token);
    expectError(await admin.post('/api/v1/canned-responses', { shortcode: 'HOURS', title: 'dup', text: 'dup' }), 409);
    expectError(await t.as(managerD.token).post('/api/v1/canned-responses', { shortcode: 'Thanks', title: 'dup', text: 'dup', unitId: org.units.central }), 409);
    // The same shortcode in another unit is fine: the most specific unit comes first.
    await t.as(managerD.token).post('/api/v1/canned-responses', { shortcode: 'hours', title: '北屯營業時間', text: '台中北屯門市 11:00–22:00', unitId: org.units.beitun }).expect(201);
    expect(await offered(org.winnie, '?q=hours')).toEqual(['hours@北屯', 'hours@org']);
    expectError(await t.as(managerD.token).patch(`/api/v1/canned-responses/${r.store.id}`, { shortcode: 'hours' }), 409);
  });

  it('edits and deletes within the editor\'s subtree only; everything audited', async () => {
    const d = t.as(managerD.token);
    const edited = await d.patch(`/api/v1/canned-responses/${r.central.id}`, { text: '感謝您聯繫中區營業所,我們將盡快回覆' }).expect(200);
    expect(edited.body).toMatchObject({ id: r.central.id, shortcode: 'thanks', text: '感謝您聯繫中區營業所,我們將盡快回覆', unitId: org.units.central });

    expectError(await d.patch(`/api/v1/canned-responses/${r.hours.id}`, { text: 'x' }), 403, /org\.manage/);
    expectError(await d.patch(`/api/v1/canned-responses/${r.central.id}`, { unitId: org.units.south }), 403);
    expectError(await d.patch(`/api/v1/canned-responses/${r.central.id}`, { unitId: null }), 403);
    // 南區's editor can neither use nor manage 中區's responses: 404.
    expectError(await t.as(southEditor.token).patch(`/api/v1/canned-responses/${r.central.id}`, { text: 'x' }), 404);
    expectError(await t.as(southEditor.token).delete(`/api/v1/canned-responses/${r.central.id}`), 404);
    expectError(await d.patch('/api/v1/canned-responses/not-a-uuid', { text: 'x' }), 404); // like any unknown id

    await d.delete(`/api/v1/canned-responses/${r.store.id}`).expect(204);
    expectError(await d.delete(`/api/v1/canned-responses/${r.store.id}`), 404);
    expect(await offered(org.winnie, '?q=pickup')).toEqual([]);

    const logs = await t.as(org.admin.token).get('/api/v1/audit-logs?limit=100').expect(200);
    const canned = (logs.body.items as { action: string; targetId: string; actorId: string; before: unknown; after: unknown }[]).filter((l) => l.action.startsWith('canned_response.'));
    expect(canned).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'canned_response.created', targetId: r.hours.id, actorId: org.admin.id, after: expect.objectContaining({ shortcode: 'hours', unitId: null }) }),
        expect.objectContaining({
          action: 'canned_response.updated',
          targetId: r.central.id,
          actorId: managerD.id,
          before: expect.objectContaining({ text: '感謝您聯繫中區營業所' }),
          after: expect.objectContaining({ text: '感謝您聯繫中區營業所,我們將盡快回覆' }),
        }),
        expect.objectContaining({ action: 'canned_response.deleted', targetId: r.store.id, actorId: managerD.id, before: expect.objectContaining({ shortcode: 'pickup' }) }),
      ]),
    );
    // Refused changes leave no trace.
    expect(canned.filter((l) => l.action === 'canned_response.created')).toHaveLength(4);
  });
});
