import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertReceiver } from '../support/alert-receiver.js';
import { SmtpPeer } from '../support/smtp-peer.js';
import { call, openScreen, useAppInBrowser } from './harness.js';

describe('alert forms in a real browser', () => {
  let smtp: SmtpPeer;
  let hook: AlertReceiver;
  beforeAll(async () => {
    smtp = await SmtpPeer.start({ user: 'ops', pass: 'mail-pass-77' });
    hook = await AlertReceiver.start({ status: 200 });
  });
  afterAll(async () => {
    await smtp?.stop();
    await hook?.stop();
  });
  const session = useAppInBrowser();

  it('an email channel typed in with the keyboard is refused naming the field, then sends a test mail', async () => {
    const { app, browser } = session;
    const { page } = browser;
    await page.goto(app.url);
    await openScreen(page, 'Alerts');
    const form = page.getByRole('form', { name: 'Add an email channel' });
    // Every field is reached with Tab, in order, from the first one.
    await form.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('Ops mail');
    for (const text of ['smtp.invalid', '99999']) {
      await page.keyboard.press('Tab');
      await page.keyboard.type(text);
    }
    await page.keyboard.press('Tab'); // security
    await page.keyboard.press('Tab'); // self-signed
    await page.keyboard.press('Space');
    for (const text of ['ops', 'mail-pass-77', 'crontray@example.com', 'oncall@example.com']) {
      await page.keyboard.press('Tab');
      await page.keyboard.type(text);
    }
    await page.keyboard.press('Enter');
    await expect
      .poll(() => form.getByTestId('email-port-error').textContent())
      .toBe('Port must be a whole number from 1 to 65535.');
    expect(await form.getByLabel('Port', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );

    await form.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await form.getByRole('button', { name: 'Add email channel' }).click();
    // The service looks the host up: an unknown one is named, and nothing is stored.
    await expect
      .poll(() => form.getByTestId('email-host-error').textContent())
      .toMatch(/the SMTP host 'smtp\.invalid' is unknown/);
    expect(await form.getByRole('alert').textContent()).toMatch(/^SMTP host: /);
    const stored = (await call(app, 'alerts:settings:get', {})) as { channels: { kind: string }[] };
    expect(stored.channels.map((c) => c.kind)).toEqual(['desktop']);

    await form.getByLabel('SMTP host', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('SMTP host', { exact: true }).press('Enter');
    const channel = page.getByTestId('channel').filter({ hasText: 'Ops mail' });
    await expect.poll(() => channel.isVisible()).toBe(true);
    await channel.getByRole('button', { name: 'Send test' }).click();
    await expect
      .poll(() => channel.getByTestId('test-result').textContent(), { timeout: 20_000 })
      .toMatch(/^delivered: /);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.from).toBe('crontray@example.com');
    expect(mail.to).toEqual(['oncall@example.com']);
    expect(mail.user).toBe('ops');
    expect(mail.secure).toBe(true);
    expect(mail.raw).toContain('Subject: [Crontray] Crontray test alert');
    // The password went to the vault, never back to the page.
    const saved = (await call(app, 'alerts:settings:get', {})) as {
      channels: { kind: string; password?: string }[];
    };
    expect(saved.channels.find((c) => c.kind === 'email')?.password).not.toBe('mail-pass-77');
  });

  it("a task's own alert settings set in its editor decide when it alerts and where", async () => {
    const { app } = session;
    await call(app, 'alerts:settings:set', {
      channels: [
        { id: 'desktop', name: 'Desktop notification', kind: 'desktop' },
        { id: 'team', name: 'Team hook', kind: 'webhook', url: `${hook.url}/team` },
      ],
      defaultChannels: ['desktop'],
    });
    const task = (await call(app, 'tasks:create', {
      name: 'flaky-export',
      schedule: { kind: 'cron', pattern: '0 4 * * *' },
      action: { kind: 'shell', mode: 'script', script: 'echo "export failed" >&2; exit 3' },
    })) as { id: string };
    const { page } = session.browser;
    await page.goto(app.url);
    await page.goto(`${app.origin}/#/tasks/${task.id}/edit`);
    const form = page.getByRole('form', { name: 'Alerts for this task' });
    await form.getByLabel("Use this task's own alert settings").check();
    await form.getByLabel('The default channels').uncheck();
    await form.getByLabel('Team hook (webhook)').check();
    await form.getByLabel('Alert after this many failed runs in a row').fill('0');
    await form.getByLabel('Slow after (seconds)').fill('2');
    await form.getByLabel('Missed runs').selectOption('watch');
    await form.getByLabel('Missed-run grace (minutes)').fill('10');
    await form.getByRole('button', { name: 'Save alert settings' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toBe('Alert after: enter a whole number of runs from 1 to 1000.');

    await form.getByLabel('Alert after this many failed runs in a row').fill('3');
    await form.getByLabel('Alert after this many failed runs in a row').press('Enter');
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Alert settings saved.');
    const view = (await call(app, 'alerts:task:get', { id: task.id })) as {
      custom: boolean;
      alerts: { channels: string[]; rules: Record<string, unknown> };
    };
    expect(view.custom).toBe(true);
    expect(view.alerts.channels).toEqual(['team']);
    expect(view.alerts.rules).toEqual({
      failureAfter: 3,
      slow: { limitMs: 2000, p95Factor: null },
      missed: { enabled: true, graceMs: 600_000 },
    });

    // Two failures stay quiet; the third alerts, through the task's own channel only.
    for (let i = 1; i <= 3; i++) {
      const run = (await call(app, 'tasks:runNow', { id: task.id })) as { runId: string };
      await expect
        .poll(
          async () =>
            (
              (await call(app, 'history:runs', { taskId: task.id, status: 'failed' })) as {
                items: { runId: string }[];
              }
            ).items.some((r) => r.runId === run.runId),
          { timeout: 15_000 },
        )
        .toBe(true);
      if (i < 3) {
        await new Promise((r) => setTimeout(r, 500));
        expect(hook.received).toHaveLength(0);
      }
    }
    await expect.poll(() => hook.received.length, { timeout: 15_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.path).toBe('/team');
    const body = JSON.parse(hook.received[0]!.body.toString()) as { kind: string; text: string };
    expect(body.kind).toBe('failure');
    expect(body.text).toMatch(/^Task 'flaky-export' \(.*\) failed 3 times in a row; /);
  });
});
