import { readFileSync } from 'fs';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt, inBrowser, launchBrowser, logIn, PHONE, shows, snap } from './support/browser';
import { createChannel } from './support/channels';
import { createRole, SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

/** The REST operations and shapes the admin tabs use (web/src/pages/admin). */
const ADMIN_OPERATIONS = [
  ['get', '/api/v1/units'],
  ['post', '/api/v1/units'],
  ['patch', '/api/v1/units/{id}'],
  ['get', '/api/v1/roles'],
  ['post', '/api/v1/roles'],
  ['patch', '/api/v1/roles/{id}'],
  ['get', '/api/v1/permissions'],
  ['get', '/api/v1/channel-accounts'],
  ['post', '/api/v1/channel-accounts'],
  ['patch', '/api/v1/channel-accounts/{id}'],
  ['get', '/api/v1/units/{id}/binding-links'],
  ['post', '/api/v1/units/{id}/binding-links'],
  ['delete', '/api/v1/binding-links/{id}'],
  ['get', '/api/v1/audit-logs'],
  ['get', '/api/v1/audit-logs.csv'],
] as const;
const ADMIN_SCHEMAS = ['UnitDto', 'CreateUnitDto', 'UpdateUnitDto', 'RoleDto', 'CreateRoleDto', 'UpdateRoleDto', 'SendWindowDto', 'PermissionCatalogDto', 'PermissionInfoDto', 'ChannelAccountDto', 'CreateChannelAccountDto', 'UpdateChannelAccountDto', 'BindingLinkDto', 'CreatedBindingLinkDto', 'CreateBindingLinkDto', 'AuditLogDto'];

/**
 * The console's admin view (web/src/pages/admin) in a real Chromium against the booted server:
 * every change made through a form is checked in the database or over REST, and a refusal
 * (422) is shown beside its form in the server's words.
 */
describe('agent console: admin pages in the browser', () => {
  let t: TestApp;
  let org: SeedOrg;
  let browser: Browser | undefined;
  /** A role with the message center only: it may not receive binding notifications. */
  let plainRoleId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp({}, { listen: true });
    org = await seedOrg(t);
    plainRoleId = await createRole(t, org.admin.token, '通知測試', ['inbox.access']);
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('was type-checked against the OpenAPI document the server serves (else: npm run web:openapi && npm run web:types)', async () => {
    const live = (await t.http().get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'web', 'src', 'api', 'openapi.json'), 'utf8'));
    const pick = (doc: any) =>
      ADMIN_OPERATIONS.map(([m, p]) => ({ op: `${m} ${p}`, parameters: doc.paths[p]?.[m]?.parameters, body: doc.paths[p]?.[m]?.requestBody, ok: doc.paths[p]?.[m]?.responses?.['200'] ?? doc.paths[p]?.[m]?.responses?.['201'] }));
    const schemas = (doc: any) => Object.fromEntries(ADMIN_SCHEMAS.map((k) => [k, doc.components.schemas[k]]));
    expect(pick(committed)).toEqual(pick(live));
    expect(schemas(committed)).toEqual(schemas(live));
  });

  const tab = (page: Page, name: string) => page.getByRole('tab', { name });
  const openTab = async (page: Page, name: string) => {
    await tab(page, name).click();
    await page.getByRole('tabpanel').waitFor();
  };

  inBrowser(
    'the administrator manages units, roles, channel accounts, binding links and reads the audit log',
    async () => {
      browser = await launchBrowser();
      const [, page] = await logIn(browser, t.url!, org.admin);
      await page.getByTestId('view-admin').click();

      // The tabs follow the keyboard: → moves to the next tab and selects it, Home back to the first.
      await tab(page, '組織單位').focus();
      await page.keyboard.press('ArrowRight');
      expect(await tab(page, '角色權限').getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('Home');
      expect(await tab(page, '組織單位').getAttribute('aria-selected')).toBe('true');

      // Units: a new store under 中區營業所, then round-robin routing for it.
      await page.locator(`[data-unit="${org.units.central}"]`).click();
      await page.getByLabel('新單位名稱').fill('台中西屯門市');
      await page.getByRole('button', { name: '建立' }).click();
      await page.getByRole('heading', { name: /台中西屯門市/ }).waitFor();
      await page.getByLabel('分派方式').selectOption('round_robin');
      await page.getByRole('button', { name: '儲存' }).click();
      await shows(page.locator('.admin-saved'), '已儲存');
      const [unit] = await t.query(`SELECT id, parent_id, depth, routing FROM units WHERE org_id = $1 AND name = '台中西屯門市'`, [org.orgId]);
      expect(unit).toMatchObject({ parent_id: org.units.central, depth: 3, routing: 'round_robin' });
      await shows(page.locator(`[data-unit="${unit.id}"]`), '輪流分派');
      await snap(page, 'admin-units');

      // Roles: the store role gains 認領未指派對話 through its checkbox.
      await openTab(page, '角色權限');
      await page.locator(`[data-role="${org.roles.storeAgent}"]`).click();
      const claim = page.getByRole('checkbox', { name: '認領未指派對話' });
      expect(await claim.isChecked()).toBe(false);
      await claim.check();
      await page.getByRole('button', { name: '儲存' }).click();
      await shows(page.locator('.admin-saved'), '已儲存');
      const storeRole = (await t.as(org.admin.token).get(`/api/v1/roles/${org.roles.storeAgent}`).expect(200)).body;
      expect(storeRole.permissions).toContain('conversation.claim');

      // Binding notifications for a role without a bound-customer folder: the server's 422 beside the form.
      await page.locator(`[data-role="${plainRoleId}"]`).click();
      await page.getByRole('checkbox', { name: '客戶綁定: 網頁' }).check();
      await page.getByRole('button', { name: '儲存' }).click();
      const refusal = page.locator('#role-error');
      await shows(refusal, '422');
      expect(await refusal.textContent()).toContain('folder.bound');
      expect(await refusal.isVisible()).toBe(true);
      const plain = (await t.as(org.admin.token).get(`/api/v1/roles/${plainRoleId}`).expect(200)).body;
      expect(plain.notifications['customer.bound']).toBeUndefined();
      await snap(page, 'admin-roles-422');

      // Channel accounts: a LINE account, and the webhook URL to paste into LINE.
      await openTab(page, '渠道帳號');
      await page.getByLabel('名稱').fill('Super 8 LINE');
      await page.getByLabel('LINE Bot user ID(destination)').fill('U0123456789abcdef0123456789abcdef');
      await page.getByLabel('Channel secret / App secret').fill('line-channel-secret');
      await page.getByLabel('Access token').fill('line-access-token');
      await page.getByRole('button', { name: '建立' }).click();
      const webhook = page.getByTestId('webhook-url-created');
      await webhook.waitFor();
      const accounts = (await t.as(org.admin.token).get('/api/v1/channel-accounts').expect(200)).body.items;
      const line = accounts.find((a: { name: string }) => a.name === 'Super 8 LINE');
      expect(line).toMatchObject({ type: 'line', externalId: 'U0123456789abcdef0123456789abcdef' });
      expect(line.webhookUrl).toMatch(new RegExp(`/webhooks/line/${line.id}$`));
      expect(await webhook.inputValue()).toBe(line.webhookUrl);
      expect(JSON.stringify(accounts)).not.toContain('line-channel-secret');

      // Binding links: one for 中區營業所 on that account; its QR code is a real image.
      await openTab(page, '綁定連結');
      await page.getByRole('combobox', { name: /^單位/ }).selectOption(org.units.central);
      await page.getByRole('combobox', { name: /^渠道帳號/ }).selectOption(line.id);
      await page.getByRole('button', { name: '建立綁定連結' }).click();
      const qr = page.getByRole('img', { name: '綁定「中區營業所」的 QR Code' });
      await qr.waitFor();
      expect(await qr.isVisible()).toBe(true);
      const decoded = await qr.evaluate(async (img: { decode(): Promise<void>; naturalWidth: number; naturalHeight: number; src: string }) => (await img.decode(), { w: img.naturalWidth, h: img.naturalHeight, src: img.src.slice(0, 22) }));
      expect(decoded.src).toBe('data:image/png;base64,');
      expect(decoded.w).toBeGreaterThan(50);
      expect(decoded.w).toBe(decoded.h);
      const token = ((await page.getByTestId('binding-text').textContent()) ?? '').match(/OMNI-[0-9A-Z]{12}/)?.[0];
      const [link] = await t.query(`SELECT unit_id, channel_account_id, revoked_at FROM binding_links WHERE org_id = $1 AND token = $2`, [org.orgId, token]);
      expect(link).toMatchObject({ unit_id: org.units.central, channel_account_id: line.id, revoked_at: null });
      await shows(page.locator(`[data-binding-link]`), token!);
      await snap(page, 'admin-binding-qr');
      // Revoked from the list (the API answers 204): the card says so, the link no longer binds.
      await page.getByRole('button', { name: `停用 ${token}` }).click();
      await shows(page.locator(`[data-binding-link].revoked`), '已停用');
      expect(await page.locator('#bl-error').textContent()).toBe('');
      const [revoked] = await t.query(`SELECT revoked_at FROM binding_links WHERE org_id = $1 AND token = $2`, [org.orgId, token]);
      expect(revoked.revoked_at).not.toBeNull();

      // Audit log: the role change is there, and the CSV download carries it.
      await openTab(page, '稽核紀錄');
      await page.getByLabel('動作').fill('role.updated');
      await page.getByRole('button', { name: '篩選' }).click();
      await shows(page.locator('.admin-audit'), 'role.updated');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下載 CSV' }).click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv).toContain('role.updated');
      expect(csv).toContain(org.roles.storeAgent);
      expect(csv).not.toContain('unit.created');
    },
    180000,
  );

  inBrowser(
    'fits a 390 px phone, and a store member has no admin view',
    async () => {
      browser ??= await launchBrowser();
      const phoneLine = await createChannel(t, org.admin.token, 'line', 'Phone LINE');
      const [adminCtx, phone] = await logIn(browser, t.url!, org.admin, PHONE);
      await phone.getByTestId('view-admin').click();
      await openTab(phone, '角色權限');
      await phone.locator(`[data-role="${org.roles.storeAgent}"]`).click();
      await phone.getByRole('checkbox', { name: '認領未指派對話' }).waitFor();
      // Nothing wider than the screen on any tab: no sideways scrolling on a phone.
      const width = () => phone.evaluate<number>('document.documentElement.scrollWidth');
      expect(await width()).toBeLessThanOrEqual(PHONE.width);
      const ready: Record<string, () => Promise<void>> = {
        組織單位: () => phone.getByRole('button', { name: /中區營業所/ }).waitFor(),
        渠道帳號: () => phone.getByTestId('webhook-url-list').first().waitFor(),
        綁定連結: async () => {
          await phone.getByRole('combobox', { name: /^渠道帳號/ }).selectOption(phoneLine.id);
          await phone.getByRole('button', { name: '建立綁定連結' }).click();
          await phone.getByTestId('binding-qr').waitFor();
        },
        稽核紀錄: () => phone.locator('.admin-audit').waitFor(),
      };
      for (const [name, isReady] of Object.entries(ready)) {
        await openTab(phone, name);
        await isReady();
        expect(await width()).toBeLessThanOrEqual(PHONE.width);
        await snap(phone, `admin-390-${Object.keys(ready).indexOf(name)}`);
      }
      await adminCtx.close();

      const [, winnie] = await logIn(browser, t.url!, org.winnie, PHONE);
      await winnie.getByTestId('view-inbox').waitFor();
      expect(await winnie.getByTestId('view-admin').count()).toBe(0);
      expect(await winnie.getByRole('tab', { name: '組織單位' }).count()).toBe(0);
    },
    120000,
  );
});
