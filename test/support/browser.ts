import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { Actor, PASSWORD } from './org-fixture';
import { eventually } from './queues';

const ROOT = join(__dirname, '..', '..');
export const CONSOLE_INDEX = join(ROOT, 'web', 'dist', 'index.html');

/** The browser: CHROMIUM_PATH, else Debian's `chromium` (apt-get install chromium) on the PATH. */
function chromiumPath(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not on the PATH
    }
  }
  return null;
}

export const browserPath = chromiumPath();
if (!browserPath) console.warn('browser tests: no Chromium (set CHROMIUM_PATH or apt-get install chromium): they are skipped');
/** `it` for a browser test. CI installs Chromium (.ci/run): there, a missing browser is a failure, not a skip. */
export const inBrowser = browserPath || process.env.CI === 'true' ? it : it.skip;

/** Builds web/dist when it is missing (a fresh clone before `npm run build`). */
export function ensureConsoleBuilt(): void {
  if (!existsSync(CONSOLE_INDEX)) execFileSync('npx', ['vite', 'build', 'web'], { cwd: ROOT, stdio: 'ignore' });
}

export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: browserPath!, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A new browser context logged in as `who` through the login screen (in Traditional Chinese). */
export async function logIn(browser: Browser, url: string, who: Actor, viewport = DESKTOP): Promise<[BrowserContext, Page]> {
  const ctx = await browser.newContext({ viewport, locale: 'zh-TW' });
  const page = await ctx.newPage();
  await page.goto(url);
  await page.getByLabel('電子郵件').fill(who.email);
  await page.getByLabel('密碼').fill(PASSWORD);
  await page.getByRole('button', { name: '登入' }).click();
  await page.locator('.dot.on').waitFor();
  return [ctx, page];
}

/** Waits until the element's text contains `text` (the page updates on its own, from socket events). */
export const shows = (loc: Locator, text: string) => eventually(async () => ((await loc.textContent()) ?? '').includes(text), 30000);
export const showsExactly = (loc: Locator, text: string) => eventually(async () => (await loc.textContent()) === text, 30000);

/**
 * CONSOLE_SCREENSHOTS=<dir> keeps a picture of the screen (docs/screenshots holds the README's:
 * `CONSOLE_SCREENSHOTS=docs/screenshots npx jest test/console`).
 */
export const snap = (page: Page, name: string) => (process.env.CONSOLE_SCREENSHOTS ? page.screenshot({ path: join(process.env.CONSOLE_SCREENSHOTS, `${name}.png`) }) : undefined);
