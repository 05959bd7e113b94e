import { describe, expect, it } from 'vitest';
import { call, openScreen, useAppInBrowser } from './harness.js';

describe('the dashboard in a real browser', () => {
  const session = useAppInBrowser();

  it('a task that fails shows as failed on the dashboard', async () => {
    const { app, browser } = session;
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

    await openScreen(page, 'Dashboard');
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
