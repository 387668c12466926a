import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, ensureConsoleBuilt, inBrowser, launchBrowser, shows } from './support/browser';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, folderIds, newLineUserId } from './support/inbox';
import { Actor, PASSWORD, SeedOrg, seedOrg } from './support/org-fixture';
import { eventually } from './support/queues';
import { settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/** The recovery window: 1 s, so a browser offline for a few seconds cannot be replayed. */
const WINDOW_SECONDS = 1;

/**
 * The console's `resync` handling in Chromium (docs/realtime.md "Reconnecting"): a member's
 * browser goes offline (`context.setOffline`, which closes its websocket) for longer than the
 * server's recovery window while the inbox changes; back online, socket.io-client offers its
 * old session, the server answers `resync` and the console must read everything again.
 */
describe('agent console: resync after a disconnect the server cannot replay', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp({ REALTIME_RECOVERY_SECONDS: String(WINDOW_SECONDS) }, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Logs in through the login screen, recording every socket.io frame the page receives. */
  const openConsole = async (who: Actor): Promise<[BrowserContext, Page, string[]]> => {
    const ctx = await browser!.newContext({ viewport: DESKTOP, locale: 'zh-TW' });
    const page = await ctx.newPage();
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await page.goto(t.url!);
    await page.getByLabel('電子郵件').fill(who.email);
    await page.getByLabel('密碼').fill(PASSWORD);
    await page.getByRole('button', { name: '登入' }).click();
    await page.locator('.dot.on').waitFor();
    return [ctx, page, frames];
  };

  const row = (page: Page, id: string) => page.locator(`[data-conversation="${id}"]`);
  const listedIds = (page: Page) => page.locator('[data-conversation]').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation')));
  /** Folder → count as the page shows it, and as GET /api/v1/folders answers for the member. */
  const shownCounts = async (page: Page, folders: string[]) =>
    Object.fromEntries(await Promise.all(folders.map(async (f) => [f, (await page.getByTestId(`count-${f}`).textContent()) ?? ''] as const)));
  const restCounts = async (who: Actor, folders: string[]) => {
    const res = await t.as(who.token).get('/api/v1/folders').expect(200);
    const by = new Map<string, { count: number; capped: boolean }>(res.body.items.map((c: { folder: string; count: number; capped: boolean }) => [c.folder, c]));
    return Object.fromEntries(folders.map((f) => [f, by.has(f) ? `${by.get(f)!.count}${by.get(f)!.capped ? '+' : ''}` : '']));
  };
  const assign = (id: string, assigneeId: string) => t.as(org.heine.token).post(`/api/v1/conversations/${id}/assign`, { assigneeId }).expect(200);

  inBrowser(
    'region manager B, offline past the recovery window while the inbox changes, sees the REST state again once back online',
    async () => {
      browser = await launchBrowser();
      const b = org.managerB;
      const folders: string[] = (await t.as(b.token).get('/api/v1/me').expect(200)).body.folders;
      expect(folders[0]).toBe('unassigned');
      const [ctx, page, frames] = await openConsole(b);
      await page.locator('[data-folder="unassigned"][aria-current="page"]').waitFor();

      // Three LINE customers write in while B watches 未指派: the socket receives their events,
      // so it holds an offset and a later reconnect is refused for the window, not for lack of one.
      const firstUser = newLineUserId();
      const kept = await customerSays(t, line, firstUser, '第一則訊息');
      const away = await customerSays(t, line, newLineUserId(), '即將轉給南區');
      const toB = await customerSays(t, line, newLineUserId(), '即將指派給 B');
      for (const [c, text] of [[kept, '第一則訊息'], [away, '即將轉給南區'], [toB, '即將指派給 B']] as const) await shows(row(page, c.conversationId), text);
      await row(page, kept.conversationId).click();
      await shows(page.locator('.messages'), '第一則訊息');
      await eventually(async () => JSON.stringify(await shownCounts(page, folders)) === JSON.stringify(await restCounts(b, folders)), 30000);
      expect(frames.some((f) => f.includes('"conversation.upserted"'))).toBe(true);

      // The browser goes offline: Chromium closes the websocket, the console shows it.
      await ctx.setOffline(true);
      await page.locator('.dot.off').waitFor();
      const offlineFrom = frames.length;

      // Meanwhile: a new customer message in the open conversation, a transfer to the other
      // region (B can no longer read it), an assignment to B and a brand-new conversation.
      await customerSays(t, line, firstUser, '離線時的第二則');
      await assign(away.conversationId, org.southManager.id);
      await assign(toB.conversationId, b.id);
      const fresh = await customerSays(t, line, newLineUserId(), '離線時的新客人');
      await settle();
      // Offline for longer than the window (its session is stored with that expiry).
      await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 1500));
      expect(await row(page, away.conversationId).count()).toBe(1);
      expect(await row(page, fresh.conversationId).count()).toBe(0);
      expect(await page.locator('.messages').textContent()).not.toContain('離線時的第二則');
      const unassignedIds = await folderIds(t, b.token, 'unassigned');
      expect(unassignedIds).toEqual(expect.arrayContaining([kept.conversationId, fresh.conversationId]));
      expect(unassignedIds).not.toContain(away.conversationId);
      expect(unassignedIds).not.toContain(toB.conversationId);
      expect(await shownCounts(page, folders)).not.toEqual(await restCounts(b, folders));

      // Back online: socket.io-client reconnects offering its old session; the server cannot
      // replay it and sends `resync`, and nothing missed arrives over the socket.
      await ctx.setOffline(false);
      await page.locator('.dot.on').waitFor({ timeout: 30000 });
      await eventually(async () => frames.slice(offlineFrom).some((f) => f.includes('"resync"')), 15000);
      const resync = frames.slice(offlineFrom).find((f) => f.includes('"resync"'))!;
      expect(JSON.parse(resync.slice(resync.indexOf('[')))).toEqual(['resync', { reason: 'expired' }]);
      expect(frames.slice(offlineFrom).join('\n')).not.toContain('離線時');

      // The console read everything again: the list is the folder as REST lists it, in order.
      await eventually(async () => JSON.stringify(await listedIds(page)) === JSON.stringify(unassignedIds), 15000);
      await shows(row(page, kept.conversationId), '離線時的第二則');
      await shows(row(page, fresh.conversationId), '離線時的新客人');
      expect(await row(page, away.conversationId).count()).toBe(0);
      expect(await row(page, toB.conversationId).count()).toBe(0);
      // The open thread has the message sent while offline.
      await shows(page.locator('.messages'), '離線時的第二則');
      // Every folder count is the one GET /api/v1/folders answers.
      await eventually(async () => JSON.stringify(await shownCounts(page, folders)) === JSON.stringify(await restCounts(b, folders)), 15000);
      const counts = await shownCounts(page, folders);
      expect(counts).toEqual(await restCounts(b, folders));
      expect(counts.unassigned).toBe(String(unassignedIds.length));
      expect(counts.assigned).toBe('1');
      // The bell's unread count is the API's too.
      const { unread } = (await t.as(b.token).get('/api/v1/notifications?limit=20').expect(200)).body;
      if (unread > 0) expect(await page.getByTestId('unread').textContent()).toBe(String(unread));
      else expect(await page.getByTestId('unread').count()).toBe(0);

      // Live events flow again on the new connection (the same frames that carried nothing missed).
      const after = await customerSays(t, line, newLineUserId(), '重新連線之後');
      await shows(row(page, after.conversationId), '重新連線之後');
      expect(frames.slice(offlineFrom).some((f) => f.includes('重新連線之後'))).toBe(true);
      // The assigned conversation is in 指派給我, read from REST as any folder is.
      await page.locator('[data-folder="assigned"]').click();
      await shows(row(page, toB.conversationId), '即將指派給 B');
    },
    120000,
  );
});
