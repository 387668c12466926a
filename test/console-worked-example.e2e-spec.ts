import type { Browser, Page } from 'playwright-core';
import { DESKTOP, ensureConsoleBuilt, inBrowser, launchBrowser, logIn, PHONE, shows, showsExactly, snap } from './support/browser';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { SeedOrg, seedOrg } from './support/org-fixture';
import { settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The acceptance test of the console: the seed's worked example (HQ → 中區營業所 → 台中北屯門市)
 * in three browsers at once — region manager A (中區營業所), store member Winnie (台中北屯門市,
 * on a phone) and HQ supervisor heine (總公司含客服) — plus the admin's Members page for the
 * staff departure. Every screen changes from socket events alone, without a reload.
 */
describe('console: the worked example in three browsers', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp({}, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    // Set-up, not the point: Winnie's assignments become private sessions (conversation.private)
    // and she may read them (conversation.private.view); region managers cannot.
    await t
      .as(org.admin.token)
      .post('/api/v1/grants', { memberId: org.winnie.id, permissions: ['conversation.private', 'conversation.private.view'], durationMinutes: 120, reason: '北屯門市 VIP 客戶' })
      .expect(201);
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const count = (p: Page, folder: string) => p.getByTestId(`count-${folder}`);
  const row = (p: Page, id: string) => p.locator(`[data-conversation="${id}"]`);
  const openFolder = (p: Page, folder: string) => p.locator(`[data-folder="${folder}"]`).click();

  inBrowser(
    'a LINE message reaches the right folders live, a transfer with a note moves it, a private session is redacted for one and readable for another, a departure hands it over, and a role change closes a view at once',
    async () => {
      browser = await launchBrowser();
      const [, a] = await logIn(browser, t.url!, org.managerA, DESKTOP);
      const [, h] = await logIn(browser, t.url!, org.heine, DESKTOP);
      const [, w] = await logIn(browser, t.url!, org.winnie, PHONE);
      await showsExactly(count(a, 'unassigned'), '0');
      await showsExactly(count(h, 'unassigned'), '0');
      await showsExactly(count(w, 'assigned'), '0');
      // A store member has no 未指派 folder at all.
      expect(await w.locator('[data-folder="unassigned"]').count()).toBe(0);

      // 1. A LINE customer writes in: the unassigned folders of A and heine show it live.
      const lineUser = newLineUserId();
      const { conversationId, customerId } = await customerSays(t, line, lineUser, '請問北屯門市週末營業到幾點?');
      await showsExactly(count(a, 'unassigned'), '1');
      await shows(row(a, conversationId), '請問北屯門市週末營業到幾點?');
      await showsExactly(count(h, 'unassigned'), '1');
      await shows(row(h, conversationId), '請問北屯門市週末營業到幾點?');
      // Winnie must not see a conversation nobody of her store holds.
      await settle();
      expect(await row(w, conversationId).count()).toBe(0);
      expect(await count(w, 'assigned').textContent()).toBe('0');
      expect(await count(w, 'department').textContent()).toBe('0');

      // 2. A claims it: HQ sees it in 部門 and 下屬 (中區 is HQ's child unit).
      await row(a, conversationId).click();
      await shows(a.locator('.messages'), '請問北屯門市週末營業到幾點?');
      await snap(a, 'inbox-region-manager');
      await a.getByRole('button', { name: '認領' }).click();
      await showsExactly(count(a, 'assigned'), '1');
      await showsExactly(count(h, 'department'), '1');
      await showsExactly(count(h, 'subordinates'), '1');
      await showsExactly(count(h, 'unassigned'), '0');

      // 3. A transfers it to Winnie with a note, through the form.
      await a.getByRole('button', { name: '指派/轉移' }).click();
      await a.getByLabel('指派給').selectOption(org.winnie.id);
      await a.getByLabel('給負責人的備註').fill('請門市協助,客人想確認週末營業時間');
      await a.getByRole('button', { name: '確認' }).click();
      // Winnie's 指派給我 gains it live; the store sees it in 部門.
      await showsExactly(count(w, 'assigned'), '1');
      await showsExactly(count(w, 'department'), '1');
      await shows(row(w, conversationId), '請問北屯門市週末營業到幾點?');
      await snap(w, 'inbox-store-member');
      // 中區: 部門 + 下屬 + 曾經對話 for A; HQ: only 下屬 now (the store is HQ's grandchild).
      await showsExactly(count(a, 'assigned'), '0');
      await showsExactly(count(a, 'previously_handled'), '1');
      await showsExactly(count(a, 'subordinates'), '1');
      await showsExactly(count(h, 'department'), '0');
      await showsExactly(count(h, 'subordinates'), '1');
      // Winnie opens it on her phone: the customer's message and A's note.
      await row(w, conversationId).click();
      await shows(w.locator('.messages'), '請門市協助,客人想確認週末營業時間');
      await shows(w.getByTestId('thread-status'), '負責人: Winnie lala su');
      expect(await w.locator('.list').isVisible()).toBe(false);

      // 4. A private session: Winnie holds conversation.private, so what the customer says now is private.
      await openFolder(a, 'subordinates');
      await row(a, conversationId).click();
      await openFolder(h, 'subordinates');
      await row(h, conversationId).click();
      await shows(h.locator('.messages'), '請問北屯門市週末營業到幾點?');
      const secret = '我的會員電話是 0912-345-678';
      await customerSays(t, line, lineUser, secret);
      const [said] = await t.query(`SELECT id, private FROM messages WHERE conversation_id = $1 AND text = $2`, [conversationId, secret]);
      expect(said.private).toBe(true);
      // Winnie and heine (conversation.private.view) read it; A reads 對話已加密, in the thread and the list.
      await shows(w.locator('.messages'), secret);
      await shows(h.locator('.messages'), secret);
      await showsExactly(count(h, 'private'), '1');
      await shows(a.locator(`[data-message="${said.id}"]`), '對話已加密');
      await shows(row(a, conversationId).locator('.row2'), '對話已加密');
      expect(await a.content()).not.toContain('0912-345-678');
      await snap(a, 'thread-private');

      // 5. Winnie leaves. Set-up: her customer is bound to her. The admin deactivates her on the
      // Members page with A as the handover member and sees what moved.
      await t.as(org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId: org.units.beitun, memberId: org.winnie.id }).expect(200);
      const [, admin] = await logIn(browser, t.url!, org.admin, DESKTOP);
      await admin.getByTestId('view-admin').click();
      await admin.getByRole('tab', { name: '成員' }).click();
      await admin.getByLabel('單位').selectOption(org.units.beitun);
      await admin.getByRole('button', { name: '停用 Winnie lala su' }).click();
      await admin.getByLabel('交接給').selectOption(org.managerA.id);
      await admin.getByRole('button', { name: '停用並交接' }).click();
      const result = admin.getByTestId('handover-result');
      await shows(result, 'Winnie lala su 已停用,已移交給 Manager A');
      await showsExactly(result.getByTestId('moved-conversations'), '1');
      await showsExactly(result.getByTestId('moved-bindings'), '1');
      // The deactivated member leaves the active list.
      await eventuallyGone(admin, org.winnie.id);
      await snap(admin, 'members-handover');
      // On a phone the members become cards: nothing scrolls sideways.
      await admin.setViewportSize(PHONE);
      expect(await admin.locator('.members-admin .table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);

      // A, the handover member, holds it now, live; Winnie's console is back at the login screen.
      await showsExactly(count(a, 'assigned'), '1');
      await openFolder(a, 'assigned');
      await row(a, conversationId).waitFor();
      await w.getByRole('button', { name: '登入' }).waitFor();
      const [assignment] = await t.query(`SELECT member_id, via FROM assignments WHERE conversation_id = $1 AND ended_at IS NULL`, [conversationId]);
      expect(assignment).toEqual({ member_id: org.managerA.id, via: 'handover' });
      const [customer] = await t.query(`SELECT bound_member_id FROM customers WHERE id = $1`, [customerId]);
      expect(customer.bound_member_id).toBe(org.managerA.id);

      // 6. A role change reaches an open screen at once: heine, reading reports, loses report.view
      // and folder.subordinates; the view closes back to the inbox and the folder goes.
      await h.getByTestId('view-reports').click();
      await h.locator('.folders').waitFor({ state: 'detached' });
      const roles = (await t.as(org.admin.token).get('/api/v1/roles').expect(200)).body.items as { id: string; permissions: string[] }[];
      const kept = roles.find((r) => r.id === org.roles.supervisor)!.permissions.filter((p) => p !== 'report.view' && p !== 'folder.subordinates');
      await t.as(org.admin.token).patch(`/api/v1/roles/${org.roles.supervisor}`, { permissions: kept }).expect(200);
      await h.getByTestId('view-reports').waitFor({ state: 'detached' });
      await h.locator('[data-folder="unassigned"]').waitFor();
      expect(await h.locator('[data-folder="subordinates"]').count()).toBe(0);
    },
    180000,
  );
});

/** The member's row leaves the (active) members list once the page has reloaded it. */
async function eventuallyGone(page: Page, memberId: string): Promise<void> {
  await page.locator(`[data-member="${memberId}"]`).waitFor({ state: 'detached', timeout: 30000 });
}
