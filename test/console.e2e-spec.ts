import { readFileSync } from 'fs';
import { join } from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt, inBrowser, launchBrowser, shows, showsExactly, snap } from './support/browser';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, PASSWORD, SeedOrg, seedOrg } from './support/org-fixture';
import { settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/** The REST operations the console calls and the shapes it reads (web/src/api/client.ts and components/). */
const CONSOLE_OPERATIONS = [
  ['post', '/api/v1/auth/login'],
  ['get', '/api/v1/me'],
  ['get', '/api/v1/org'],
  ['get', '/api/v1/folders'],
  ['get', '/api/v1/folders/{folder}/conversations'],
  ['get', '/api/v1/members'],
  ['get', '/api/v1/notifications'],
  ['post', '/api/v1/notifications/{id}/read'],
  ['get', '/api/v1/conversations/{id}'],
  ['get', '/api/v1/conversations/{id}/messages'],
  ['post', '/api/v1/conversations/{id}/messages'],
  ['post', '/api/v1/conversations/{id}/notes'],
  ['post', '/api/v1/conversations/{id}/claim'],
  ['post', '/api/v1/conversations/{id}/assign'],
  ['post', '/api/v1/conversations/{id}/complete'],
  ['post', '/api/v1/conversations/{id}/reopen'],
  ['post', '/api/v1/conversations/{id}/trash'],
] as const;
const CONSOLE_SCHEMAS = [
  'LoginDto',
  'LoginResponseDto',
  'MeDto',
  'MemberDto',
  'UnitDto',
  'OrgDto',
  'OrgSettingsViewDto',
  'FolderCountDto',
  'ConversationSummaryDto',
  'ConversationCustomerRefDto',
  'ConversationDetailDto',
  'MessageDto',
  'MessageSenderDto',
  'AttachmentResponseDto',
  'CustomerDto',
  'CustomerProfileDto',
  'NotificationDto',
  'AssignDto',
  'SendMessageDto',
  'NoteDto',
];
/**
 * The agent console (web/) in a real Chromium, against the booted server: the seed's worked
 * example, live over the /inbox socket. Builds the console first when web/dist is missing.
 */
describe('agent console in the browser', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp({}, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is served at / with deep links, without shadowing the API or the probes', async () => {
    const home = await t.http().get('/').expect(200);
    expect(home.headers['content-type']).toMatch(/text\/html/);
    expect(home.text).toContain('<div id="root">');
    const deep = await t.http().get('/conversations/123').set('Accept', 'text/html').expect(200);
    expect(deep.text).toBe(home.text);
    const unknownApi = await t.http().get('/api/v1/no-such-thing').set('Accept', 'text/html');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.text).not.toContain('<div id="root">');
    await t.http().get('/health').expect(200).expect('Content-Type', /json/);
  });

  it('was type-checked against the OpenAPI document the server serves (else: npm run web:openapi && npm run web:types)', async () => {
    const live = (await t.http().get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(ROOT, 'web', 'src', 'api', 'openapi.json'), 'utf8'));
    const pick = (doc: any) => ({
      operations: CONSOLE_OPERATIONS.map(([m, p]) => ({ op: `${m} ${p}`, parameters: doc.paths[p]?.[m]?.parameters, body: doc.paths[p]?.[m]?.requestBody, ok: doc.paths[p]?.[m]?.responses?.['200'] ?? doc.paths[p]?.[m]?.responses?.['201'] })),
      schemas: Object.fromEntries(CONSOLE_SCHEMAS.map((k) => [k, doc.components.schemas[k]])),
    });
    expect(pick(committed)).toEqual(pick(live));
  });

  inBrowser(
    'region manager A assigns a new LINE conversation to store member Winnie with a note; both screens follow live',
    async () => {
      browser = await launchBrowser();
      const open = async (who: Actor, viewport: { width: number; height: number }): Promise<[BrowserContext, Page]> => {
        const ctx = await browser!.newContext({ viewport, locale: 'zh-TW' });
        const page = await ctx.newPage();
        await page.goto(t.url!);
        await page.getByLabel('電子郵件').fill(who.email);
        await page.getByLabel('密碼').fill(PASSWORD);
        await page.getByRole('button', { name: '登入' }).click();
        return [ctx, page];
      };
      // Manager A (中區營業所) at a desktop width, in Traditional Chinese; Winnie (台中北屯門市) on a phone, in English.
      const [, a] = await open(org.managerA, { width: 1280, height: 800 });
      const [, w] = await open(org.winnie, { width: 390, height: 844 });
      await w.getByLabel('語言').selectOption('en');
      await a.getByRole('button', { name: /未指派/ }).waitFor();
      await w.getByRole('button', { name: /Assigned to me/ }).waitFor();
      await w.locator('.dot.on').waitFor();
      await a.locator('.dot.on').waitFor();
      await showsExactly(w.getByTestId('count-assigned'), '0');
      await showsExactly(a.getByTestId('count-unassigned'), '0');

      // A LINE customer writes in: it appears in A's 未指派 folder, live, with its count.
      const { conversationId } = await customerSays(t, line, newLineUserId(), '請問門市營業時間?');
      const aRow = a.locator(`[data-conversation="${conversationId}"]`);
      await shows(aRow, '請問門市營業時間?');
      await showsExactly(a.getByTestId('count-unassigned'), '1');
      // Winnie's folders do not hold an unassigned conversation of another unit.
      await settle();
      expect(await w.getByTestId('count-assigned').textContent()).toBe('0');
      expect(await w.locator(`[data-conversation="${conversationId}"]`).count()).toBe(0);

      // A opens it from the keyboard, then assigns it to Winnie with a note.
      await a.getByRole('listbox', { name: '對話' }).focus();
      await a.keyboard.press('ArrowDown');
      await shows(a.locator('.messages'), '請問門市營業時間?');
      await a.getByRole('button', { name: '指派/轉移' }).click();
      await a.getByLabel('指派給').selectOption(org.winnie.id);
      await a.getByLabel('給負責人的備註').fill('請門市協助');
      await a.getByRole('button', { name: '確認' }).click();

      // Winnie sees it arrive in "Assigned to me", live, and opens it: the message and A's note.
      await showsExactly(w.getByTestId('count-assigned'), '1');
      const wRow = w.locator(`[data-conversation="${conversationId}"]`);
      await shows(wRow, '請問門市營業時間?');
      await wRow.click();
      await shows(w.locator('.messages'), '請門市協助');
      await shows(w.getByTestId('thread-status'), 'Assignee: Winnie lala su');
      // At 390px the phone shows the thread alone, with a way back to the list.
      expect(await w.locator('.list').isVisible()).toBe(false);
      expect(await w.getByRole('button', { name: 'Back' }).isVisible()).toBe(true);

      // A's 未指派 folder no longer lists it; A's thread now names Winnie as the assignee.
      await showsExactly(a.getByTestId('count-unassigned'), '0');
      expect(await aRow.count()).toBe(0);
      await shows(a.getByTestId('thread-status'), '負責人: Winnie lala su');
      const [assignment] = await t.query(`SELECT member_id FROM assignments WHERE conversation_id = $1 AND ended_at IS NULL`, [conversationId]);
      expect(assignment?.member_id).toBe(org.winnie.id);
      await snap(a, 'manager-a-1280');
      await snap(w, 'winnie-390');

      // The customer is renamed: Winnie's list row follows live (customer.updated).
      const [{ customer_id: customerId }] = await t.query(`SELECT customer_id FROM conversations WHERE id = $1`, [conversationId]);
      await t.as(org.admin.token).patch(`/api/v1/customers/${customerId}`, { displayName: '北屯王小姐' }).expect(200);
      await shows(wRow, '北屯王小姐');
      // The admin erases the customer: Winnie's open thread says it is gone and its messages
      // leave her screen, as does the row (conversation.removed).
      await t.as(org.admin.token).delete(`/api/v1/customers/${customerId}`).expect(200);
      await shows(w.locator('.thread'), 'This conversation is no longer visible to you');
      expect(await w.locator('.thread').textContent()).not.toContain('請問門市營業時間?');
      expect(await wRow.count()).toBe(0);
    },
    120000,
  );
});
