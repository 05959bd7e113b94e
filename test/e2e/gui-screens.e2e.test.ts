import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';

const SCREENS = [
  ['tasks', '#/tasks', 'Tasks'],
  ['editor', '#/tasks/new', 'New task'],
  ['history', '#/history', 'History'],
  ['dashboard', '#/dashboard', 'Dashboard'],
  ['settings', '#/settings', 'Settings'],
] as const;

// Every screen with data in it, in both themes and at the smallest supported size, under the
// strict CSP: a screenshot of each goes to test-results/ and no CSP violation may be logged.
describe('every screen in a real browser', () => {
  let app: HeadlessProcess;

  beforeAll(async () => {
    app = await startHeadless({ testMode: true });
    const ok = (await call(app, 'tasks:create', {
      name: 'backup',
      project: 'home',
      group: 'nightly',
      schedule: { kind: 'cron', pattern: '30 2 * * *' },
      action: { kind: 'shell', mode: 'exec', program: 'echo', args: ['backed up'] },
    })) as { id: string };
    const bad = (await call(app, 'tasks:create', {
      name: 'flaky-report',
      project: 'work',
      group: 'reports',
      schedule: { kind: 'interval', everyMs: 15 * 60_000 },
      action: { kind: 'shell', mode: 'script', script: 'echo starting; exit 1' },
    })) as { id: string };
    await call(app, 'tasks:runNow', { id: ok.id });
    await call(app, 'tasks:runNow', { id: bad.id });
    await call(app, 'tasks:runNow', { id: ok.id });
  });

  afterAll(async () => {
    await app?.stop();
  });

  for (const [colorScheme, width, height] of [
    ['light', 1200, 800],
    ['dark', 1200, 800],
    ['light', 800, 600],
  ] as const) {
    it(`shows each screen in the ${colorScheme} theme at ${width}x${height} without breaking the CSP`, async () => {
      const browser: BrowserSession = await openBrowser({ colorScheme, width, height });
      const violations: string[] = [];
      browser.page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text()))
          violations.push(message.text());
      });
      try {
        const { page } = browser;
        await page.goto(app.url);
        await expect.poll(() => page.getByRole('row', { name: /^backup/ }).isVisible()).toBe(true);
        for (const [name, hash, heading] of SCREENS) {
          await page.evaluate((h) => (window.location.hash = h), hash);
          await expect
            .poll(() => page.getByRole('heading', { name: heading, level: 2 }).isVisible())
            .toBe(true);
          await expect
            .poll(() =>
              page
                .getByRole('status')
                .filter({ hasText: /^Loading/ })
                .count(),
            )
            .toBe(0);
          expect(
            await page
              .getByRole('alert')
              .filter({ hasText: /Could not load/ })
              .count(),
          ).toBe(0);
          // Nothing wider than the window: 800x600 is supported.
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow).toBeLessThanOrEqual(0);
          await browser.screenshot(`gui-${name}-${colorScheme}-${width}x${height}`);
        }
        expect(violations).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  }

  it('the theme chosen in Settings is applied to the page and kept', async () => {
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(app.url);
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('link', { name: 'Settings' })
        .click();
      await page.getByRole('radio', { name: 'Dark' }).check();
      await expect
        .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
        .toBe('dark');
      await expect
        .poll(async () => ((await call(app, 'settings:get', {})) as { theme: string }).theme)
        .toBe('dark');
      await page.reload();
      await expect
        .poll(() => page.evaluate(() => document.documentElement.dataset.theme))
        .toBe('dark');
      await page.getByRole('radio', { name: 'Follow the system' }).check();
      await expect
        .poll(async () => ((await call(app, 'settings:get', {})) as { theme: string }).theme)
        .toBe('system');
    } finally {
      await browser.close();
    }
  });
});
