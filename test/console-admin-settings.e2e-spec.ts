import { readFileSync } from 'fs';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, ensureConsoleBuilt, inBrowser, launchBrowser, logIn, PHONE, shows, snap } from './support/browser';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { createRole, createUnit, memberWithPermissions, SeedOrg, seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

/** The REST operations the canned-responses and organisation tabs and the delete buttons use. */
const OPERATIONS = [
  ['get', '/api/v1/canned-responses'],
  ['post', '/api/v1/canned-responses'],
  ['patch', '/api/v1/canned-responses/{id}'],
  ['delete', '/api/v1/canned-responses/{id}'],
  ['get', '/api/v1/org'],
  ['patch', '/api/v1/org'],
  ['delete', '/api/v1/units/{id}'],
  ['delete', '/api/v1/roles/{id}'],
  ['delete', '/api/v1/channel-accounts/{id}'],
] as const;
const SCHEMAS = ['CannedResponseView', 'CannedResponseList', 'CreateCannedResponseDto', 'UpdateCannedResponseDto', 'OrgDto', 'OrgSettingsViewDto', 'UpdateOrgDto', 'OrgSettingsDto'];

/**
 * The admin tabs added after the first admin pages (web/src/pages/admin): canned responses,
 * the organisation settings form and the delete buttons, in a real Chromium against the booted
 * server. Each change made in the page is checked over REST (or in the database), and each
 * refusal (409 duplicate shortcode, 400 malformed setting, 409 unit/role/account still in use)
 * is shown beside its form in the server's words.
 */
describe('agent console: canned responses, organisation settings and deletes in the browser', () => {
  let t: TestApp;
  let org: SeedOrg;
  let stub: ProviderStub;
  let line: TestChannel;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureConsoleBuilt();
    stub = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: stub.url, GRAPH_API_BASE_URL: stub.url }, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line', 'Store LINE');
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await stub?.stop();
  });

  it('was type-checked against the OpenAPI document the server serves (else: npm run web:openapi && npm run web:types)', async () => {
    const live = (await t.http().get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'web', 'src', 'api', 'openapi.json'), 'utf8'));
    const pick = (doc: any) => ({
      operations: OPERATIONS.map(([m, p]) => ({ op: `${m} ${p}`, parameters: doc.paths[p]?.[m]?.parameters, body: doc.paths[p]?.[m]?.requestBody, responses: Object.keys(doc.paths[p]?.[m]?.responses ?? {}) })),
      schemas: Object.fromEntries(SCHEMAS.map((k) => [k, doc.components.schemas[k]])),
    });
    expect(pick(committed).operations.every((o) => o.responses.length > 0)).toBe(true);
    expect(pick(committed)).toEqual(pick(live));
  });

  const openAdminTab = async (page: Page, name: string) => {
    await page.getByTestId('view-admin').click();
    await page.getByRole('tab', { name }).click();
    await page.getByRole('tabpanel').waitFor();
  };
  /** Clicks an item's delete button, then confirms. */
  const deleteThrough = async (page: Page, id: string, name: string) => {
    const control = page.locator(`[data-delete="${id}"]`);
    await control.getByRole('button', { name: `刪除 ${name}`, exact: true }).click();
    await shows(control.getByRole('group', { name: '確認刪除' }), `確定刪除「${name}」`);
    await control.getByRole('button', { name: '確定刪除' }).click();
  };
  const manageable = async () => (await t.as(org.admin.token).get('/api/v1/canned-responses?manageable=true').expect(200)).body.items as { id: string; shortcode: string; unitId: string | null; text: string }[];

  inBrowser(
    'canned responses: created, a duplicate shortcode refused (409), edited and deleted; an agent then answers with /shortcode',
    async () => {
      browser ??= await launchBrowser();
      const [, page] = await logIn(browser, t.url!, org.admin, DESKTOP);
      await openAdminTab(page, '罐頭回覆');
      const form = page.getByTestId('canned-form');

      // A response for 台中北屯門市.
      const create = async (unit: { value: string } | { label: string }, shortcode: string, title: string, text: string) => {
        await form.getByLabel('所屬單位').selectOption(unit);
        await form.getByLabel('快捷碼(').fill(shortcode);
        await form.getByLabel('標題').fill(title);
        await form.getByLabel('內容').fill(text);
        await form.getByRole('button', { name: '建立' }).click();
      };
      await create({ value: org.units.beitun }, 'bthours', '北屯營業時間', '北屯門市營業時間為每日 11:00–21:00。');
      await shows(page.getByRole('list', { name: '可管理的罐頭回覆' }), '/bthours');
      let items = await manageable();
      const hours = items.find((c) => c.shortcode === 'bthours')!;
      expect(hours).toMatchObject({ unitId: org.units.beitun, text: '北屯門市營業時間為每日 11:00–21:00。' });
      await shows(page.locator(`[data-canned="${hours.id}"] [data-testid="canned-unit"]`), '台中北屯門市');

      // The same shortcode in the same unit: the server's 409 beside the form, the form kept as typed.
      await create({ value: org.units.beitun }, 'bthours', '重複', '不應建立');
      const refusal = page.locator('#canned-error');
      await shows(refusal, '409');
      expect(await refusal.textContent()).toContain('already has a canned response with this shortcode');
      expect(await refusal.isVisible()).toBe(true);
      expect(await form.getByLabel('內容').inputValue()).toBe('不應建立');
      expect((await manageable()).filter((c) => c.shortcode === 'bthours')).toHaveLength(1);
      await snap(page, 'admin-canned-409');

      // A second one, org-wide, then the prefix filter shows only what starts with "bt".
      await create({ label: '全組織' }, 'closing', '打烊提醒', '本店即將打烊,謝謝光臨。');
      await shows(page.getByRole('list', { name: '可管理的罐頭回覆' }), '/closing');
      await page.getByTestId('canned-filter').fill('bt');
      await eventually(async () => (await page.locator('[data-canned]').count()) === 1);
      await shows(page.locator('[data-canned]'), '/bthours');
      await page.getByTestId('canned-filter').fill('');
      await eventually(async () => (await page.locator('[data-canned]').count()) === 2);
      items = await manageable();
      const closing = items.find((c) => c.shortcode === 'closing')!;
      expect(closing.unitId).toBeNull();

      // Edit: new text for /bthours.
      await page.getByRole('button', { name: '編輯 /bthours' }).click();
      await page.getByRole('heading', { name: '編輯 /bthours' }).waitFor();
      await form.getByLabel('內容').fill('北屯門市營業時間為每日 10:00–22:00,週一公休。');
      await form.getByRole('button', { name: '儲存' }).click();
      await shows(page.locator(`[data-canned="${hours.id}"]`), '週一公休');
      const edited = (await manageable()).find((c) => c.id === hours.id)!;
      expect(edited).toMatchObject({ shortcode: 'bthours', unitId: org.units.beitun, text: '北屯門市營業時間為每日 10:00–22:00,週一公休。' });

      // Delete /closing after confirming; the API no longer has it.
      await deleteThrough(page, closing.id, '/closing');
      await eventually(async () => (await page.locator(`[data-canned="${closing.id}"]`).count()) === 0);
      expect((await manageable()).map((c) => c.id)).toEqual([hours.id]);
      const [audit] = await t.query(`SELECT action FROM audit_logs WHERE org_id = $1 AND target_id = $2 AND action = 'canned_response.deleted'`, [org.orgId, closing.id]);
      expect(audit).toEqual({ action: 'canned_response.deleted' });

      // Winnie (台中北屯門市) answers a customer with "/bth": the edited text goes out.
      const { conversationId } = await customerSays(t, line, newLineUserId(), '請問今天幾點開?');
      await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id }).expect(200);
      const [, winnie] = await logIn(browser, t.url!, org.winnie, DESKTOP);
      await winnie.locator('[data-folder="assigned"]').click();
      await winnie.locator(`[data-conversation="${conversationId}"]`).click();
      await shows(winnie.locator('.messages'), '請問今天幾點開?');
      await winnie.getByRole('tab', { name: '回覆' }).click();
      const box = winnie.locator('#composer-text');
      await box.click();
      await box.pressSequentially('/bth');
      const offered = winnie.getByRole('listbox', { name: '快捷回覆' }).getByRole('option');
      await shows(offered.first(), '/bthours');
      expect(await offered.count()).toBe(1);
      await box.press('Enter');
      expect(await box.inputValue()).toBe('北屯門市營業時間為每日 10:00–22:00,週一公休。');
      await winnie.getByRole('button', { name: '送出' }).click();
      await shows(winnie.locator('.messages'), '週一公休');
      await eventually(
        async () => (await t.query(`SELECT 1 FROM messages WHERE conversation_id = $1 AND kind = 'text' AND direction = 'out' AND text = $2`, [conversationId, edited.text])).length === 1,
      );
      // A deleted response is no longer offered to anyone.
      const offeredNow = (await t.as(org.winnie.token).get('/api/v1/canned-responses?q=clos').expect(200)).body.items;
      expect(offeredNow).toEqual([]);
    },
    180000,
  );

  inBrowser(
    'the organisation is renamed through the settings form (a malformed time zone refused), the new name is there after a reload, and members added meanwhile are offered once the admin view is left',
    async () => {
      browser ??= await launchBrowser();
      const [, page] = await logIn(browser, t.url!, org.admin, DESKTOP);
      await openAdminTab(page, '組織設定');
      const form = page.getByTestId('org-form');
      const before = (await t.as(org.admin.token).get('/api/v1/org').expect(200)).body;
      expect(await form.getByLabel('組織名稱').inputValue()).toBe(before.name);
      expect(await form.getByLabel('時區').inputValue()).toBe(before.settings.timezone);

      // Validation is the server's: a time zone that does not exist is its 400, shown beside the form.
      await form.getByLabel('時區').fill('Mars/Olympus_Mons');
      await form.getByRole('button', { name: '儲存' }).click();
      const refusal = page.locator('#org-error');
      await shows(refusal, '400');
      expect(await refusal.textContent()).toContain('IANA time zone');
      // …and a max depth below the current tree (3 levels) its 422.
      await form.getByLabel('時區').fill(before.settings.timezone);
      await page.locator('[data-setting="maxUnitDepth"]').fill('2');
      await form.getByRole('button', { name: '儲存' }).click();
      await shows(refusal, '422');
      expect(await refusal.textContent()).toContain('maxUnitDepth cannot be below the current tree depth (3)');
      expect((await t.as(org.admin.token).get('/api/v1/org').expect(200)).body).toEqual(before);

      // Rename, a retention period and "never re-route" (blank = null).
      await page.locator('[data-setting="maxUnitDepth"]').fill(String(before.settings.maxUnitDepth));
      await form.getByLabel('組織名稱').fill('八方雲集 中部');
      await page.locator('[data-setting="retentionDays"]').fill('365');
      await page.locator('[data-setting="requeueOfflineAfterSeconds"]').fill('');
      await form.getByRole('button', { name: '儲存' }).click();
      await shows(page.locator('.admin-saved'), '已儲存');
      expect(await refusal.isVisible()).toBe(false);
      const after = (await t.as(org.admin.token).get('/api/v1/org').expect(200)).body;
      expect(after).toEqual({ ...before, name: '八方雲集 中部', settings: { ...before.settings, retentionDays: 365, requeueOfflineAfterSeconds: null } });

      await page.reload();
      await page.locator('.dot.on').waitFor();
      await openAdminTab(page, '組織設定');
      await shows(page.getByTestId('org-name'), '八方雲集 中部');
      expect(await page.getByTestId('org-form').getByLabel('組織名稱').inputValue()).toBe('八方雲集 中部');
      expect(await page.locator('[data-setting="retentionDays"]').inputValue()).toBe('365');
      await snap(page, 'admin-org');

      // Leaving the admin view reloads the shell's member list: someone added meanwhile is offered for @mention at once.
      const { conversationId } = await customerSays(t, line, newLineUserId(), '新同事可以幫忙嗎?');
      await memberWithPermissions(t, org.admin.token, org.units.central, ['inbox.access', 'folder.department'], 'Newcomer Nora');
      await page.getByTestId('view-inbox').click();
      await page.locator('[data-folder="unassigned"]').click();
      await page.locator(`[data-conversation="${conversationId}"]`).click();
      await shows(page.locator('.messages'), '新同事可以幫忙嗎?');
      await page.getByRole('tab', { name: '備註' }).click();
      const box = page.locator('#composer-text');
      await box.click();
      await box.pressSequentially('@Newcomer');
      await shows(page.getByRole('listbox', { name: '可提及的成員' }), 'Newcomer Nora');
    },
    120000,
  );

  inBrowser(
    'units, roles and channel accounts are deleted after a confirmation, and the server’s refusal is shown while one is in use',
    async () => {
      browser ??= await launchBrowser();
      const emptyUnit = await createUnit(t, org.admin.token, '台中西屯門市', org.units.central);
      const unusedRole = await createRole(t, org.admin.token, '臨時支援', ['inbox.access']);
      const spare = await createChannel(t, org.admin.token, 'messenger', 'Spare Messenger');
      const [, page] = await logIn(browser, t.url!, org.admin, DESKTOP);

      // Units: 台中北屯門市 has members (409 in the server's words); the empty store goes.
      await openAdminTab(page, '組織單位');
      await page.locator(`[data-unit="${org.units.beitun}"]`).click();
      expect(await page.getByRole('button', { name: '確定刪除' }).count()).toBe(0); // nothing goes without the confirmation step
      await deleteThrough(page, org.units.beitun, '台中北屯門市');
      const unitRefusal = page.locator(`#delete-error-${org.units.beitun}`);
      await shows(unitRefusal, '409');
      expect(await unitRefusal.textContent()).toMatch(/Unit still has .*2 member\(s\)/);
      await t.as(org.admin.token).get(`/api/v1/units/${org.units.beitun}`).expect(200);
      // The root unit offers no delete button at all.
      await page.locator(`[data-unit="${org.units.hq}"]`).click();
      expect(await page.locator(`[data-delete="${org.units.hq}"]`).count()).toBe(0);
      await page.locator(`[data-unit="${emptyUnit}"]`).click();
      await deleteThrough(page, emptyUnit, '台中西屯門市');
      await eventually(async () => (await page.locator(`[data-unit="${emptyUnit}"]`).count()) === 0);
      await t.as(org.admin.token).get(`/api/v1/units/${emptyUnit}`).expect(404);
      await snap(page, 'admin-unit-deleted');

      // Roles: 門市人員 is held by Winnie and Vincent; 臨時支援 by nobody.
      await page.getByRole('tab', { name: '角色權限' }).click();
      await page.locator(`[data-role="${org.roles.storeAgent}"]`).click();
      await deleteThrough(page, org.roles.storeAgent, '門市人員');
      const roleRefusal = page.locator(`#delete-error-${org.roles.storeAgent}`);
      await shows(roleRefusal, '409');
      expect(await roleRefusal.textContent()).toContain('Role is still held by 2 member(s)');
      await t.as(org.admin.token).get(`/api/v1/roles/${org.roles.storeAgent}`).expect(200);
      // Built-in roles offer no delete button.
      await page.locator(`[data-role="${org.roles.supervisor}"]`).click();
      expect(await page.locator(`[data-delete="${org.roles.supervisor}"]`).count()).toBe(0);
      await page.locator(`[data-role="${unusedRole}"]`).click();
      await deleteThrough(page, unusedRole, '臨時支援');
      await eventually(async () => (await page.locator(`[data-role="${unusedRole}"]`).count()) === 0);
      await t.as(org.admin.token).get(`/api/v1/roles/${unusedRole}`).expect(404);

      // Channel accounts: the LINE account has customers (409); the spare Messenger account is disconnected.
      await page.getByRole('tab', { name: '渠道帳號' }).click();
      await deleteThrough(page, line.id, 'Store LINE');
      const chRefusal = page.locator(`#delete-error-${line.id}`);
      await shows(chRefusal, '409');
      expect(await chRefusal.textContent()).toContain('Channel account still has');
      await deleteThrough(page, spare.id, 'Spare Messenger');
      await eventually(async () => (await page.locator(`[data-channel-account="${spare.id}"]`).count()) === 0);
      await t.as(org.admin.token).get(`/api/v1/channel-accounts/${spare.id}`).expect(404);
      const accounts = (await t.as(org.admin.token).get('/api/v1/channel-accounts').expect(200)).body.items.map((a: { id: string }) => a.id);
      expect(accounts).toEqual([line.id]);
      const actions = (await t.query(`SELECT action, target_id FROM audit_logs WHERE org_id = $1 AND action LIKE '%.deleted' ORDER BY at`, [org.orgId])).filter((r) => r.action !== 'canned_response.deleted');
      expect(actions).toEqual([
        { action: 'unit.deleted', target_id: emptyUnit },
        { action: 'role.deleted', target_id: unusedRole },
        { action: 'channel_account.deleted', target_id: spare.id },
      ]);
      await snap(page, 'admin-channel-deleted');
    },
    120000,
  );

  inBrowser(
    'a canned-response editor without org.manage sees only the tabs their permissions open, their own subtree, and no sideways scrolling at 390 px',
    async () => {
      browser ??= await launchBrowser();
      await t.as(org.admin.token).post('/api/v1/canned-responses', { shortcode: 'south', title: '南區', text: '南區專用', unitId: org.units.south }).expect(201);
      await t.as(org.admin.token).post('/api/v1/canned-responses', { shortcode: 'thanks', title: '感謝', text: '謝謝您的耐心等候', unitId: null }).expect(201);
      // canned.manage alone opens the admin view, with only the canned-responses tab.
      const editor = await memberWithPermissions(t, org.admin.token, org.units.central, ['inbox.access', 'canned.manage'], 'Canned Carol');
      const [, phone] = await logIn(browser, t.url!, editor, PHONE);
      await phone.getByTestId('view-admin').click();
      expect(await phone.getByRole('tab').allTextContents()).toEqual(['罐頭回覆']);
      await phone.getByRole('tab', { name: '罐頭回覆' }).click();
      await shows(phone.getByRole('list', { name: '可管理的罐頭回覆' }), '/bthours');
      // Only 中區營業所 and the store below it: 南區's and the org-wide responses are not hers to edit.
      const shown = await phone.locator('[data-canned] strong').allTextContents();
      const api = (await t.as(editor.token).get('/api/v1/canned-responses?manageable=true').expect(200)).body.items.map((c: { shortcode: string }) => `/${c.shortcode}`);
      expect(shown).toEqual(api);
      expect(shown).not.toContain('/south');
      expect(shown).not.toContain('/thanks');
      const options = await phone.getByTestId('canned-form').getByLabel('所屬單位').locator('option').allTextContents();
      expect(options.map((o) => o.trim())).toEqual(['中區營業所', '台中北屯門市']);
      expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await snap(phone, 'admin-canned-390');

      const [, adminPhone] = await logIn(browser, t.url!, org.admin, PHONE);
      await openAdminTab(adminPhone, '組織設定');
      await adminPhone.getByTestId('org-form').waitFor();
      expect(await adminPhone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await snap(adminPhone, 'admin-org-390');
    },
    120000,
  );
});
