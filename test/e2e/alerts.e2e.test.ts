import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertReceiver } from '../support/alert-receiver.js';
import { call, openScreen, useAppInBrowser } from './harness.js';

describe('alerts in a real browser', () => {
  let hook: AlertReceiver;
  beforeAll(async () => {
    hook = await AlertReceiver.start({ status: 200 });
  });
  afterAll(async () => {
    await hook?.stop();
  });
  const session = useAppInBrowser();

  it('a webhook set up in the Alerts view gets one failure alert and, once the task is fixed, one recovery', async () => {
    const { app, browser } = session;
    const task = (await call(app, 'tasks:create', {
      name: 'nightly-sync',
      project: 'home',
      schedule: { kind: 'cron', pattern: '0 2 * * *' },
      action: {
        kind: 'shell',
        mode: 'script',
        script: 'echo "sync: remote unreachable" >&2; exit 4',
      },
    })) as { id: string };
    const { page } = browser;
    await page.goto(app.url);
    await openScreen(page, 'Alerts');
    const form = page.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('Name').fill('Team hook');
    await form.getByLabel('Webhook URL').fill(`${hook.url}/hooks/team`);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const channel = page.getByTestId('channel').filter({ hasText: 'Team hook' });
    await expect.poll(() => channel.isVisible()).toBe(true);

    await call(app, 'tasks:runNow', { id: task.id });
    await expect.poll(() => hook.received.length, { timeout: 15_000 }).toBe(1);
    await call(app, 'tasks:runNow', { id: task.id });
    await expect.poll(() => page.getByTestId('incident').count(), { timeout: 15_000 }).toBe(1);
    await call(app, 'tasks:update', {
      id: task.id,
      patch: { action: { kind: 'shell', mode: 'script', script: 'echo synced' } },
    });
    await call(app, 'tasks:runNow', { id: task.id });
    await expect.poll(() => hook.received.length, { timeout: 15_000 }).toBe(2);

    const kinds = hook.received.map(
      (r) => (JSON.parse(r.body.toString()) as { kind: string }).kind,
    );
    expect(kinds).toEqual(['failure', 'recovery']);
    expect(hook.received.map((r) => r.path)).toEqual(['/hooks/team', '/hooks/team']);

    const alerts = page.getByTestId('alert');
    await expect.poll(() => alerts.count(), { timeout: 15_000 }).toBe(2);
    expect(await alerts.nth(0).getAttribute('data-kind')).toBe('recovery');
    expect(await alerts.nth(1).getAttribute('data-kind')).toBe('failure');
    for (const i of [0, 1]) {
      const delivered = alerts.nth(i).getByTestId('delivery').filter({ hasText: 'Team hook' });
      await expect
        .poll(() => delivered.textContent(), { timeout: 15_000 })
        .toMatch(/^Team hook: delivered after 1 try \(HTTP 200\)$/);
    }
    expect(await page.getByTestId('incident').count()).toBe(0);
    await browser.screenshot('alerts');
  });
});
