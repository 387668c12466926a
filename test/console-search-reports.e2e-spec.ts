import { readFileSync } from 'fs';
import type { Browser, Page } from 'playwright-core';
import { EventClock } from '../src/modules/events/event-clock';
import { RELATIVE_ERROR } from '../src/modules/reports/histogram';
import { DESKTOP, ensureConsoleBuilt, inBrowser, launchBrowser, logIn, PHONE, shows, snap } from './support/browser';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, memberWithPermissions, SeedOrg, seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { drainQueues, eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

/** Nearest-rank percentile (docs/reports.md): the smallest value with at least p of the values at or below it. */
const nearestRank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)];
const around = (reported: number, exact: number) => Math.abs(reported - exact) <= exact * RELATIVE_ERROR + 0.5;

/**
 * The console's search and reports pages in a real Chromium on the booted server. The activity
 * is recorded as it is done (with the event clock pinned, so response times are known) and the
 * expected report figures are worked out from that record.
 */
describe('console: search, customer directory and reports', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let providers: ProviderStub;
  let clock: EventClock;
  let browser: Browser | undefined;
  /** 台中北屯門市, may claim and answer: holds the 北屯 conversation (so its store can read it). */
  let sally: Actor;
  const BEITUN_TEXT = '請問台中北屯門市週末幾點開門?';
  const [BEITUN_NAME, CENTRAL_NAME] = ['林小姐', '陳先生'];
  let beitunConv: string;
  let beitunCustomer: string;
  let centralConv: string;
  let centralCustomer: string;
  /** What was done, for the expected figures. */
  const done = { customerMessages: 0, replies: 0, completed: 0, firstResponses: [] as number[], resolutions: [] as number[], sessionsByUnit: new Map<string, number>() };

  const at = async <T>(ms: number, work: () => Promise<T>): Promise<T> => {
    clock.pin(new Date(ms));
    const out = await work();
    await drainQueues(t.app);
    return out;
  };
  const session = (unitId: string) => done.sessionsByUnit.set(unitId, (done.sessionsByUnit.get(unitId) ?? 0) + 1);

  beforeAll(async () => {
    ensureConsoleBuilt();
    providers = await new ProviderStub().start();
    t = await startTestApp({ LINE_API_BASE_URL: providers.url }, { listen: true });
    clock = t.app.get(EventClock);
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    await t.as(org.admin.token).patch('/api/v1/org', { settings: { timezone: 'Asia/Taipei' } }).expect(200);
    sally = await memberWithPermissions(t, org.admin.token, org.units.beitun, ['inbox.access', 'folder.unassigned', 'folder.assigned', 'conversation.claim', 'conversation.reply'], 'Sally 門市');

    // An hour ago (whole seconds): inside the report page's default range of the last 7 local days.
    const t0 = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
    const min = 60_000;
    // The 北屯 question: Sally claims it and answers 5 minutes after it came in.
    const u1 = newLineUserId();
    providers.alwaysReply(`/v2/bot/profile/${u1}`, { status: 200, body: { userId: u1, displayName: BEITUN_NAME } });
    ({ conversationId: beitunConv, customerId: beitunCustomer } = await at(t0, () => customerSays(t, line, u1, BEITUN_TEXT, t0)));
    done.customerMessages++;
    await at(t0 + min, () => t.as(sally.token).post(`/api/v1/conversations/${beitunConv}/claim`).expect(200));
    session(org.units.beitun);
    await at(t0 + 5 * min, () => t.as(sally.token).post(`/api/v1/conversations/${beitunConv}/messages`, { text: '週末 10:00 開門' }).expect(201));
    done.replies++;
    done.firstResponses.push(300);
    // Another customer: Manager A (中區營業所) claims, answers after 3 minutes, completes after 10.
    const u2 = newLineUserId();
    providers.alwaysReply(`/v2/bot/profile/${u2}`, { status: 200, body: { userId: u2, displayName: CENTRAL_NAME } });
    ({ conversationId: centralConv, customerId: centralCustomer } = await at(t0 + 10 * min, () => customerSays(t, line, u2, '我想退貨', t0 + 10 * min)));
    done.customerMessages++;
    await at(t0 + 11 * min, () => t.as(org.managerA.token).post(`/api/v1/conversations/${centralConv}/claim`).expect(200));
    session(org.units.central);
    await at(t0 + 13 * min, () => t.as(org.managerA.token).post(`/api/v1/conversations/${centralConv}/messages`, { text: '好的,請提供訂單編號' }).expect(201));
    done.replies++;
    done.firstResponses.push(180);
    await at(t0 + 20 * min, () => t.as(org.managerA.token).post(`/api/v1/conversations/${centralConv}/complete`).expect(200));
    done.completed++;
    done.resolutions.push(600);
    clock.pin(null);
  }, 240000);

  afterAll(async () => {
    clock?.pin(null);
    await browser?.close();
    await t?.close();
    await providers?.stop();
  });

  const openView = async (page: Page, view: 'search' | 'reports') => {
    await page.getByTestId(`view-${view}`).click();
    await page.getByRole('main', { name: view === 'search' ? '搜尋' : '報表' }).waitFor();
  };

  inBrowser(
    'a store member finds the 北屯 message from the keyboard on a phone and opens it; another region does not find it',
    async () => {
      browser ??= await launchBrowser();
      const [, w] = await logIn(browser, t.url!, org.winnie, PHONE);
      await openView(w, 'search');
      await w.getByLabel('搜尋文字').fill('北屯');
      const hit = w.locator(`[data-hit="${beitunConv}"]`);
      await shows(hit, '台中北屯門市');
      expect(await hit.locator('mark').allTextContents()).toEqual(['北屯']);
      expect(await w.locator('[data-hit]').count()).toBe(1);
      // It is in her unit's folder, not in "assigned to me" (Sally holds it).
      await w.getByLabel('資料夾').selectOption('assigned');
      await shows(w.getByTestId('search-status'), '沒有對話含有這段文字');
      await w.getByLabel('資料夾').selectOption('department');
      await shows(hit, '台中北屯門市');
      await snap(w, 'search');
      // Keyboard: the hit is a button; Enter opens the thread (at 390 px, the thread alone).
      await hit.focus();
      await w.keyboard.press('Enter');
      await shows(w.locator('.messages'), BEITUN_TEXT);
      await shows(w.locator('.messages'), '週末 10:00 開門');
      expect(await w.getByTestId('view-inbox').getAttribute('aria-current')).toBe('page');

      // 南區營業所's manager reads unassigned conversations and 南區's own: not this one.
      const [, s] = await logIn(browser, t.url!, org.southManager, DESKTOP);
      await openView(s, 'search');
      await s.getByLabel('搜尋文字').fill('北屯');
      await shows(s.getByTestId('search-status'), '沒有對話含有這段文字');
      expect(await s.locator('[data-hit]').count()).toBe(0);
    },
    180000,
  );

  inBrowser(
    'the customer directory lists the customers the member can read and opens their conversation',
    async () => {
      browser ??= await launchBrowser();
      const [, w] = await logIn(browser, t.url!, org.winnie, PHONE);
      await openView(w, 'search');
      await w.getByRole('tab', { name: '客戶名錄' }).click();
      const row = w.locator(`[data-customer="${beitunCustomer}"]`);
      await shows(row, BEITUN_NAME);
      // Manager A's (中區營業所) customer is not hers to read.
      expect(await w.locator(`[data-customer="${centralCustomer}"]`).count()).toBe(0);

      // Manager A reads both; a part of the display name narrows the list.
      const [, a] = await logIn(browser, t.url!, org.managerA, DESKTOP);
      await openView(a, 'search');
      await a.getByRole('tab', { name: '對話' }).press('ArrowRight');
      await eventually(async () => (await a.locator('[data-customer]').count()) === 2, 30000);
      await a.getByLabel('姓名、電話或電子郵件').fill('陳');
      await eventually(async () => (await a.locator('[data-customer]').count()) === 1 && (await a.locator(`[data-customer="${centralCustomer}"]`).count()) === 1, 30000);
      await a.locator(`[data-customer="${centralCustomer}"] .customer-name`).click();
      await shows(a.locator('.messages'), '好的,請提供訂單編號');
    },
    180000,
  );

  inBrowser(
    'an HQ supervisor sees totals, charts and a table worked out from the activity; an administrator downloads the CSV',
    async () => {
      browser ??= await launchBrowser();
      const [, h] = await logIn(browser, t.url!, org.heine, DESKTOP);
      await openView(h, 'reports');
      const total = (k: string) => h.locator(`[data-testid="total-${k}"] dd`);
      const sessions = [...done.sessionsByUnit.values()].reduce((a, b) => a + b, 0);
      await eventually(async () => (await total('conversations').getAttribute('data-value')) === String(sessions), 30000);
      const expected = { messagesIn: done.customerMessages, messagesOut: done.replies, completed: done.completed, transfers: 0, transferTimeouts: 0, reopened: 0 };
      for (const [k, v] of Object.entries(expected)) expect([k, await total(k).getAttribute('data-value')]).toEqual([k, String(v)]);
      const seconds = async (k: string) => (await h.locator(`[data-testid="total-${k}"] [data-seconds]`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seconds')))));
      const [fr50, fr90] = await seconds('firstResponseSeconds');
      expect({ fr50, ok: around(fr50, nearestRank(done.firstResponses, 0.5)) }).toEqual({ fr50, ok: true });
      expect({ fr90, ok: around(fr90, nearestRank(done.firstResponses, 0.9)) }).toEqual({ fr90, ok: true });
      const [res50, res90] = await seconds('resolutionSeconds');
      expect([around(res50, nearestRank(done.resolutions, 0.5)), around(res90, nearestRank(done.resolutions, 0.9))]).toEqual([true, true]);

      // The volume chart: an accessible SVG with one bar per unit of HQ's tree, each unit's sessions.
      const volume = h.getByTestId('chart-volume').locator('svg[role="img"]');
      expect(await volume.locator('title').first().textContent()).toContain('對話數');
      expect(await volume.locator('g.bar').count()).toBe(Object.keys(org.units).length);
      for (const [unitId, n] of done.sessionsByUnit) expect(await volume.locator(`g.bar[data-key="${unitId}"]`).getAttribute('data-value')).toBe(String(n));
      // First response per day: the day the replies fell on has a bar.
      const perDay = h.getByTestId('chart-first-response').locator('svg[role="img"] g.bar');
      expect((await perDay.evaluateAll((els) => els.map((e) => e.getAttribute('data-value')))).filter((v) => v).length).toBeGreaterThan(0);
      // The table: a row per unit and the total line.
      expect(await h.locator('[data-testid="report-table"] tbody tr').count()).toBe(Object.keys(org.units).length);
      await shows(h.locator('[data-testid="report-table"] tfoot'), String(sessions));
      // The supervisor role reads reports but may not export them.
      expect(await h.getByTestId('report-csv').count()).toBe(0);
      await snap(h, 'reports');

      // The administrator exports: the browser saves the CSV (fetched with the token, saved from a Blob).
      // At phone width (390 px), to show the page works there too.
      const [, admin] = await logIn(browser, t.url!, org.admin, PHONE);
      await openView(admin, 'reports');
      await eventually(async () => (await admin.locator('[data-testid="total-conversations"] dd').getAttribute('data-value')) === String(sessions), 30000);
      const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('report-csv').click()]);
      expect(download.suggestedFilename()).toMatch(/^report-unit-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
      expect(csv[0].split(',').slice(0, 6)).toEqual(['key', 'label', 'conversations', 'reopened', 'messagesIn', 'messagesOut']);
      expect(csv[csv.length - 1].split(',').slice(0, 6)).toEqual(['total', 'Total', String(sessions), '0', String(done.customerMessages), String(done.replies)]);
      const audit = await t.as(org.admin.token).get('/api/v1/audit-logs?action=report.exported').expect(200);
      expect(audit.body.items).toHaveLength(1);
    },
    180000,
  );
});
