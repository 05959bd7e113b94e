import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openBrowser, startHeadless } from './harness.js';
import type { BrowserSession, HeadlessProcess } from './harness.js';

describe('the dashboard in a real browser', () => {
  let app: HeadlessProcess;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startHeadless({ testMode: true });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('a task that fails shows as failed on the dashboard', async () => {
    await call(app, 'tasks:create', {
      name: 'fails',
      schedule: { kind: 'cron', pattern: '0 * * * *' },
      action: { kind: 'shell', mode: 'exec', program: 'sh', args: ['-c', 'echo oops >&2; exit 3'] },
    });
    const { page } = browser;
    await page.goto(app.url);
    const row = page.getByRole('row', { name: /^fails/ });
    await expect.poll(() => row.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Run now: fails' }).click();
    await expect
      .poll(() => row.getByTestId('last-run').textContent(), { timeout: 15_000 })
      .toContain('failed');

    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    const failures = page.getByTestId('failures-24h');
    await expect.poll(() => failures.textContent()).toContain('fails');
    expect(await failures.textContent()).toContain('failed');
    expect(
      await page.getByTestId('status-counts').locator('[data-status="failed"]').textContent(),
    ).toContain('1');
    expect(await page.getByTestId('stat-success-rate').textContent()).toBe('0.0 %');
    await browser.screenshot('gui-dashboard-failure');

    await failures.getByRole('link', { name: /fails/ }).click();
    await expect.poll(() => page.getByTestId('run-stderr').textContent()).toContain('oops');
    expect(await page.getByTestId('run-exit-code').textContent()).toBe('3');
  });
});
