import { describe, expect, it } from 'vitest';
import { openScreen, useAppInBrowser } from './harness.js';

// The whole life of a task through the GUI, in real Chromium against headless --test-mode.
// Accessible names and test ids used here are the renderer's stable surface (see the report).
describe('a task from creation to deletion in the GUI', () => {
  const session = useAppInBrowser();

  it('creates a cron task with a shell action, runs it, finds its output in history, disables, edits and deletes it', async () => {
    const { app, browser } = session;
    const { page } = browser;
    await page.goto(app.url);
    await page.getByRole('link', { name: 'New task' }).click();

    await page.getByLabel('Name', { exact: true }).fill('greet');
    await page.getByLabel('Cron pattern').fill('*/10 * * * *');
    await page.getByLabel('Program').fill('echo');
    await page.getByLabel('Arguments (one per line)').fill('hello');

    // The next five runs, in task time and local time.
    const nextRuns = page.getByRole('table', { name: 'Next runs' });
    await expect.poll(() => nextRuns.getByRole('row').count()).toBe(6);
    expect(await page.getByTestId('cron-description').textContent()).toBe('Every 10 minutes');
    await browser.screenshot('gui-editor');

    const save = page.getByRole('button', { name: 'Save', exact: true });
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();

    const row = page.getByRole('row', { name: /^greet/ });
    await expect.poll(() => row.isVisible()).toBe(true);
    expect(await row.textContent()).toContain('default / default');
    const scheduleBefore = (await row.getByRole('cell').nth(1).textContent()) ?? '';
    await browser.screenshot('gui-tasks');

    await page.getByRole('button', { name: 'Run now: greet' }).click();
    await expect
      .poll(() => row.getByTestId('last-run').textContent(), { timeout: 15_000 })
      .toContain('succeeded');

    await openScreen(page, 'History');
    const runLink = page
      .getByRole('list', { name: 'Runs' })
      .getByRole('link', { name: /greet/ })
      .first();
    await expect.poll(() => runLink.isVisible()).toBe(true);
    await runLink.click();
    await expect.poll(() => page.getByTestId('run-stdout').textContent()).toContain('hello');
    expect(await page.getByTestId('run-exit-code').textContent()).toBe('0');
    await browser.screenshot('gui-history');

    await openScreen(page, 'Tasks');
    const toggle = page.getByRole('switch', { name: 'Enabled: greet' });
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await expect.poll(() => row.textContent()).toContain('disabled');

    await page.getByRole('link', { name: 'Edit: greet' }).click();
    const pattern = page.getByLabel('Cron pattern');
    await expect.poll(() => pattern.inputValue()).toBe('*/10 * * * *');
    await pattern.fill('0 9 * * 1-5');
    await expect
      .poll(() => page.getByTestId('cron-description').textContent())
      .toBe('At 09:00, Monday through Friday');
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    await expect.poll(() => row.getByRole('cell').nth(1).textContent()).not.toBe(scheduleBefore);
    await page.getByRole('link', { name: 'Edit: greet' }).click();
    await expect.poll(() => page.getByLabel('Cron pattern').inputValue()).toBe('0 9 * * 1-5');
    await page.getByRole('link', { name: 'Back to tasks' }).click();

    await page.getByRole('button', { name: 'Delete: greet' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete task' }).click();
    await expect.poll(() => page.getByTestId('tasks-empty').isVisible()).toBe(true);
  });

  it('a bad cron pattern shows what is wrong and the task cannot be saved', async () => {
    const { app, browser } = session;
    const { page } = browser;
    await page.goto(`${app.origin}/#/tasks/new`);
    await page.getByLabel('Name', { exact: true }).fill('broken');
    await page.getByLabel('Program').fill('echo');
    await page.getByLabel('Cron pattern').fill('61 * * * *');

    const error = page.locator('#f-schedule-pattern-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toMatch(/61/);
    expect(await page.getByLabel('Cron pattern').getAttribute('aria-invalid')).toBe('true');
    const save = page.getByRole('button', { name: 'Save', exact: true });
    expect(await save.isDisabled()).toBe(true);
    await browser.screenshot('gui-editor-bad-cron');

    await page.getByLabel('Cron pattern').fill('0 * * * *');
    await expect.poll(() => save.isEnabled()).toBe(true);
    expect(await error.count()).toBe(0);
  });
});
