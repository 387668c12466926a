import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { crc32, deflateSync } from 'zlib';
import { DESKTOP, ensureConsoleBuilt, inBrowser, launchBrowser, logIn, shows, showsExactly, snap } from './support/browser';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { createMember, createRole, SeedOrg, seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/** The REST operations the inbox screens add to the console's (test/console.e2e-spec.ts lists the shell's). */
const INBOX_OPERATIONS = [
  ['get', '/api/v1/canned-responses'],
  ['post', '/api/v1/attachments'],
  ['get', '/api/v1/customers/{id}'],
  ['put', '/api/v1/customers/{id}/tags'],
  ['put', '/api/v1/customers/{id}/binding'],
  ['delete', '/api/v1/customers/{id}/binding'],
  ['put', '/api/v1/me/status'],
  ['get', '/api/v1/members/{id}'],
  ['get', '/api/v1/roles'],
  ['get', '/api/v1/conversations/{id}/assignees'],
  ['get', '/api/v1/units'],
] as const;
const INBOX_SCHEMAS = ['CannedResponseList', 'CannedResponseView', 'AttachmentResponseDto', 'CustomerTagsDto', 'BindCustomerDto', 'SetStatusDto', 'PresenceResponseDto', 'RoleDto', 'UnitDto', 'NoteDto', 'AssignDto'];

/** A real PNG of one colour, so the browser has something to decode and the thread to show. */
function solidPng(size: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from(rgb))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = solidPng(64, [11, 107, 203]);

/**
 * The inbox screens of the console in Chromium, against the booted server: @mention and
 * /shortcode completion, attachments, reveal, tags, binding tag, presence, the eligible-only
 * assign list and the read-only state of a previously handled conversation.
 */
describe('agent console: working the inbox', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let stub: ProviderStub;
  let dir: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dir = mkdtempSync(join(tmpdir(), 'omni-console-inbox-'));
    stub = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: stub.url, GRAPH_API_BASE_URL: stub.url, STORAGE_DIR: dir }, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await stub?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const openConversation = async (page: Page, folder: string, conversationId: string) => {
    await page.locator(`[data-folder="${folder}"]`).click();
    const row = page.locator(`[data-conversation="${conversationId}"]`);
    await row.waitFor();
    await row.click();
    await page.locator('.thread-head h2').waitFor();
  };

  it('was type-checked against the OpenAPI document the server serves (else: npm run web:openapi && npm run web:types)', async () => {
    const live = (await t.http().get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(ROOT, 'web', 'src', 'api', 'openapi.json'), 'utf8'));
    const pick = (doc: any) => ({
      operations: INBOX_OPERATIONS.map(([m, p]) => ({ op: `${m} ${p}`, parameters: doc.paths[p]?.[m]?.parameters, body: doc.paths[p]?.[m]?.requestBody, ok: doc.paths[p]?.[m]?.responses?.['200'] ?? doc.paths[p]?.[m]?.responses?.['201'] })),
      schemas: Object.fromEntries(INBOX_SCHEMAS.map((k) => [k, doc.components.schemas[k]])),
    });
    expect(pick(committed).operations.every((o) => o.ok)).toBe(true);
    expect(pick(committed)).toEqual(pick(live));
  });

  inBrowser(
    'Manager A mentions Manager B in a note (B’s bell rings live), answers with /hours and sends a photo; the assign list offers only eligible members',
    async () => {
      browser ??= await launchBrowser();
      await t.as(org.admin.token).post('/api/v1/canned-responses', { shortcode: 'hours', title: '營業時間', text: '門市營業時間為每日 10:00–22:00。', unitId: null }).expect(201);
      const observerRole = await createRole(t, org.admin.token, '觀察員', ['inbox.access', 'folder.department']);
      await createMember(t, org.admin.token, { name: 'Observer Olivia', unitId: org.units.central, roleId: observerRole });
      const { conversationId } = await customerSays(t, line, newLineUserId(), '想詢問營業時間');
      await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.managerA.id }).expect(200);

      const [, a] = await logIn(browser, t.url!, org.managerA, DESKTOP);
      const [, b] = await logIn(browser, t.url!, org.managerB, DESKTOP);
      await b.locator('.bell').waitFor();
      expect(await b.getByTestId('unread').count()).toBe(0);
      await openConversation(a, 'assigned', conversationId);
      await shows(a.locator('.messages'), '想詢問營業時間');

      // @mention: typing "@Manager" offers the members by name; ↓ to Manager B, Enter inserts the mention.
      await a.getByRole('tab', { name: '備註' }).click();
      const box = a.locator('#composer-text');
      await box.click();
      await box.pressSequentially('請 @Manager');
      const options = a.getByRole('listbox', { name: '可提及的成員' }).getByRole('option');
      await eventually(async () => (await options.count()) >= 2);
      const names = (await options.allTextContents()).map((s) => s.split('@')[0]);
      expect(names.some((n) => n.startsWith('Manager A'))).toBe(false); // not oneself
      const target = names.findIndex((n) => n.startsWith('Manager B'));
      expect(target).toBeGreaterThanOrEqual(0);
      for (let i = 0; i < target; i++) await box.press('ArrowDown');
      await box.press('Enter');
      expect(await box.inputValue()).toBe('請 @Manager B ');
      await box.pressSequentially('幫忙確認庫存');
      await a.getByRole('button', { name: '新增備註' }).click();
      await shows(a.locator('.messages'), '請 @Manager B 幫忙確認庫存');

      // Mentioning someone who cannot read the conversation: the server's 422 is shown, nothing is sent.
      await box.fill('');
      await box.pressSequentially('@Winnie');
      await shows(a.getByRole('listbox', { name: '可提及的成員' }), 'Winnie lala su');
      await box.press('Enter');
      await box.pressSequentially('看一下');
      await a.getByRole('button', { name: '新增備註' }).click();
      await shows(a.getByRole('alert'), '422');
      expect(await box.inputValue()).toBe('@Winnie lala su 看一下');
      await box.fill('');

      // The note carries the mention; Manager B's bell counts it live, and opening it opens the conversation.
      const [note] = await t.query(`SELECT mention_ids FROM messages WHERE conversation_id = $1 AND kind = 'note'`, [conversationId]);
      expect(note.mention_ids).toEqual([org.managerB.id]);
      await showsExactly(b.getByTestId('unread'), '1');
      await b.locator('.bell > button').click();
      await b.locator('.open-notification').first().click();
      await shows(b.locator('.messages'), '幫忙確認庫存');
      expect(await b.getByTestId('unread').count()).toBe(0);

      // /shortcode: "/hou" lists the canned response, Enter puts its text in the reply.
      await a.getByRole('tab', { name: '回覆' }).click();
      await box.click();
      await box.pressSequentially('/hou');
      const canned = a.getByRole('listbox', { name: '快捷回覆' }).getByRole('option');
      await shows(canned.first(), '/hours');
      await box.press('Enter');
      expect(await box.inputValue()).toBe('門市營業時間為每日 10:00–22:00。');
      await a.getByRole('button', { name: '送出' }).click();
      await shows(a.locator('.messages'), '門市營業時間為每日 10:00–22:00。');
      await eventually(async () => (await t.query(`SELECT 1 FROM messages WHERE conversation_id = $1 AND kind = 'text' AND text = $2`, [conversationId, '門市營業時間為每日 10:00–22:00。'])).length === 1);

      // An image: uploaded from the composer, sent with the reply, shown inline in the thread.
      await a.getByLabel('附加檔案').setInputFiles({ name: 'shelf.png', mimeType: 'image/png', buffer: PNG });
      await shows(a.locator('.pending-files'), 'shelf.png');
      await box.fill('貨架照片');
      await a.getByRole('button', { name: '送出' }).click();
      const img = a.locator('.messages img.attachment');
      await img.waitFor();
      await eventually(() => img.evaluate((el) => {
        const image = el as unknown as { complete: boolean; naturalWidth: number };
        return image.complete && image.naturalWidth === 64;
      }));
      const [sent] = await t.query(`SELECT a.file_name, a.mime_type FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = $1`, [conversationId]);
      expect(sent).toEqual({ file_name: 'shelf.png', mime_type: 'image/png' });
      expect(await a.locator('.messages [data-testid="delivery"]').count()).toBeGreaterThanOrEqual(2);

      // Assign / transfer: members whose role cannot hold a conversation are not offered.
      await a.getByRole('button', { name: '指派/轉移' }).click();
      // The server's list (GET …/assignees) fills the select once it answers.
      await eventually(async () => (await a.getByLabel('指派給').locator('option').count()) > 1);
      const offered = await a.getByLabel('指派給').locator('option').allTextContents();
      expect(offered.some((o) => o.startsWith('Winnie lala su'))).toBe(true);
      expect(offered.some((o) => o.startsWith('Observer Olivia'))).toBe(false);
      expect(offered.some((o) => o.startsWith('Manager A'))).toBe(false); // the current assignee
      await snap(a, 'inbox-manager-a');

      // …or to a unit, which becomes the conversation's home unit and routes it.
      await a.getByLabel('單位(自動分派)').check();
      await a.getByLabel('單位', { exact: true }).selectOption(org.units.beitun);
      await a.getByLabel('給負責人的備註').fill('請門市接手');
      await a.getByRole('button', { name: '確認' }).click();
      await eventually(async () => (await t.query(`SELECT home_unit_id, assignee_id FROM conversations WHERE id = $1`, [conversationId]))[0]?.home_unit_id === org.units.beitun);
      const [moved] = await t.query(`SELECT assignee_id FROM conversations WHERE id = $1`, [conversationId]);
      expect(moved.assignee_id).toBeNull();
    },
    180000,
  );

  inBrowser(
    'the administrator reveals a masked phone (audited), edits tags around the binding tag and goes away',
    async () => {
      browser ??= await launchBrowser();
      const { conversationId, customerId } = await customerSays(t, line, newLineUserId(), '我要更改電話');
      await t.as(org.admin.token).patch(`/api/v1/customers/${customerId}`, { profile: { name: '陳小姐', phone: '0912345678' } }).expect(200);
      await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/tags`, { tags: ['VIP'] }).expect(200);
      await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun }).expect(200);

      const [, p] = await logIn(browser, t.url!, org.admin, DESKTOP);
      await openConversation(p, 'unassigned', conversationId);
      const panel = p.getByRole('complementary', { name: '客戶' });
      const phone = panel.locator('[data-field="phone"]');
      await shows(phone, '5678');
      expect(await phone.textContent()).not.toContain('0912345678');
      await shows(phone, '已隱藏');

      await panel.getByRole('button', { name: '顯示完整資料' }).click();
      await shows(phone.locator('.value'), '0912345678');
      expect(await phone.locator('.masked').count()).toBe(0);
      const audit = await t.as(org.admin.token).get(`/api/v1/audit-logs?action=customer.sensitive_revealed&targetId=${customerId}`).expect(200);
      expect(audit.body.items).toEqual([expect.objectContaining({ actorId: org.admin.id, action: 'customer.sensitive_revealed', targetType: 'customer', targetId: customerId })]);

      // Tags: the binding's tag is shown but cannot be removed; others can be added and removed.
      const tags = panel.getByRole('region', { name: '標籤' });
      await shows(tags, '台中北屯門市');
      expect(await tags.getByRole('button', { name: /移除標籤 台中北屯門市/ }).count()).toBe(0);
      await shows(panel.getByTestId('binding'), '台中北屯門市');
      await tags.getByLabel('新標籤').fill('回購');
      await tags.getByRole('button', { name: '新增' }).click();
      await shows(tags, '回購');
      await tags.getByRole('button', { name: '移除標籤 VIP' }).click();
      await eventually(async () => (await tags.locator('[data-tag="VIP"]').count()) === 0);
      const customer = await t.as(org.admin.token).get(`/api/v1/customers/${customerId}`).expect(200);
      expect([...customer.body.tags].sort()).toEqual(['台中北屯門市', '回購'].sort());

      // Presence: away and back, as GET /members/:id reports it.
      const presence = async () => (await t.as(org.managerA.token).get(`/api/v1/members/${org.admin.id}`).expect(200)).body.presence;
      await eventually(async () => (await presence()) === 'available');
      await snap(p, 'inbox-admin-customer');
      await p.getByTestId('presence').selectOption('away');
      await eventually(async () => (await presence()) === 'away');
      await p.getByTestId('presence').selectOption('available');
      await eventually(async () => (await presence()) === 'available');
    },
    180000,
  );

  inBrowser(
    'Winnie opens a conversation she handled before: read only, no composer, no actions',
    async () => {
      browser ??= await launchBrowser();
      const { conversationId } = await customerSays(t, line, newLineUserId(), '上次的訂單呢?');
      await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.winnie.id }).expect(200);
      await t.as(org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: org.managerA.id, note: '區經理接手' }).expect(200);
      const detail = await t.as(org.winnie.token).get(`/api/v1/conversations/${conversationId}`).expect(200);
      expect(detail.body).toMatchObject({ readOnly: true, folders: ['previously_handled'] });

      const [, w] = await logIn(browser, t.url!, org.winnie, DESKTOP);
      await openConversation(w, 'previously_handled', conversationId);
      await shows(w.locator('.messages'), '上次的訂單呢?');
      await shows(w.getByTestId('read-only'), '你曾經處理過這則對話');
      expect(await w.locator('#composer-text').count()).toBe(0);
      expect(await w.getByRole('toolbar', { name: 'actions' }).count()).toBe(0);
      expect(await w.getByRole('button', { name: '指派/轉移' }).count()).toBe(0);
      await snap(w, 'inbox-winnie-read-only');
    },
    180000,
  );
});
