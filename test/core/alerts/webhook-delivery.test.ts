import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertSettings } from '../../../main/core/alerts/alert-config.js';
import { AesGcmCipher } from '../../../main/core/store/cipher-aes-gcm.js';
import { AlertReceiver } from '../../support/alert-receiver.js';
import { useMonitor, finished, openMonitor, T0, webhookSettings } from './monitor-fixture.js';

const receivers: AlertReceiver[] = [];

async function receiver(
  ...answers: Parameters<typeof AlertReceiver.start>
): Promise<AlertReceiver> {
  const r = await AlertReceiver.start(...answers);
  receivers.push(r);
  return r;
}

const m = useMonitor({ 'task-1': ['hunter2-db-password'] });

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

describe('webhook alerts', () => {
  it('a failed run posts the generic JSON alert, byte for byte, with the custom header', async () => {
    const hook = await receiver({ status: 200 });
    await m.monitor.config.setSettings(
      webhookSettings(
        `${hook.url}/hooks/T0KEN-abc123`,
        {},
        { headers: [{ name: 'X-Api-Key', value: 'k-secret-42' }] },
      ),
    );
    const run = finished(m.clock, 'failed', {
      exitCode: 2,
      stderr: {
        head: 'connecting with hunter2-db-password\nboom\n',
        tail: '',
        truncated: false,
        totalBytes: 40,
      },
    });
    m.monitor.record(run);
    await m.monitor.whenIdle();

    expect(hook.received).toHaveLength(1);
    const got = hook.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hooks/T0KEN-abc123');
    expect(got.headers['x-api-key']).toBe('k-secret-42');
    expect(got.headers['content-type']).toBe('application/json');
    const entry = m.monitor.outbox.list()[0]!;
    expect(got.headers['idempotency-key']).toBe(entry.id);
    const incident = m.monitor.incidents.list({ open: true })[0]!;
    const text = "Task 'nightly' (home / backups) failed; the last run: exit code 2.";
    expect(got.body.toString('utf8')).toBe(
      JSON.stringify({
        schema: 'crontray.alert.v1',
        id: entry.id,
        kind: 'failure',
        title: 'nightly failed',
        text,
        at: new Date(T0).toISOString(),
        task: { id: 'task-1', name: 'nightly', project: 'home', group: 'backups' },
        run: {
          runId: run.runId,
          status: 'failed',
          exitCode: 2,
          httpStatus: null,
          startedAt: T0 - 1000,
          endedAt: T0,
          durationMs: 1000,
          error: null,
          rule: null,
          outputTail: 'connecting with ••••••••\nboom',
        },
        incident: { id: incident.id, openedAt: T0 },
      }),
    );
    expect(entry.deliveries[0]).toMatchObject({
      channelId: 'hook',
      state: 'delivered',
      attempts: [{ at: T0, outcome: 'delivered', httpStatus: 200 }],
    });
  });

  it('formats one readable message for Slack, Discord, Teams and ntfy', async () => {
    const hook = await receiver({ status: 200 });
    const formats = ['slack', 'discord', 'teams', 'ntfy'] as const;
    await m.monitor.config.setSettings(
      alertSettings.parse({
        channels: formats.map((format) => ({
          id: format,
          name: format,
          kind: 'webhook',
          format,
          url: `${hook.url}/${format}-topic`,
        })),
        defaultChannels: [...formats],
      }),
    );
    m.monitor.record(finished(m.clock, 'failed', { exitCode: 1 }));
    await m.monitor.whenIdle();
    const byPath = new Map(
      hook.received.map((r) => [r.path, JSON.parse(r.body.toString()) as unknown]),
    );
    const text = "Task 'nightly' (home / backups) failed; the last run: exit code 1.";
    expect(byPath.get('/slack-topic')).toEqual({ text: `*nightly failed*\n${text}` });
    expect(byPath.get('/discord-topic')).toEqual({ content: `**nightly failed**\n${text}` });
    expect(byPath.get('/teams-topic')).toEqual({
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: 'nightly failed',
      themeColor: 'C62828',
      title: 'nightly failed',
      text,
    });
    // ntfy's JSON API: posted to the server root, the topic in the body.
    expect(byPath.get('/')).toEqual({
      topic: 'ntfy-topic',
      title: 'nightly failed',
      message: text,
      priority: 4,
      tags: ['warning'],
    });
  });

  it('a receiver that answers 500 is tried again after 30 s and the alert is delivered once', async () => {
    const hook = await receiver({ status: 500 }, { status: 200 });
    await m.monitor.config.setSettings(webhookSettings(hook.url));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    expect(hook.received).toHaveLength(1);
    expect(m.monitor.outbox.list()[0]!.deliveries[0]!.state).toBe('pending');

    await m.clock.advance(29_999);
    await m.monitor.whenIdle();
    expect(hook.received).toHaveLength(1);
    await m.clock.advance(1);
    await m.monitor.whenIdle();
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.body).toEqual(hook.received[0]!.body);
    const d = m.monitor.outbox.list()[0]!.deliveries[0]!;
    expect(d.state).toBe('delivered');
    expect(d.attempts.map((a) => [a.at - T0, a.outcome, a.httpStatus])).toEqual([
      [0, 'failed', 500],
      [30_000, 'delivered', 200],
    ]);
    await m.clock.advance(3600_000);
    await m.monitor.whenIdle();
    expect(hook.received).toHaveLength(2);
  });

  it('a receiver that never answers is timed out and tried again later', async () => {
    const hook = await receiver('hang');
    await m.monitor.config.setSettings(webhookSettings(hook.url, {}, { timeoutMs: 500 }));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    const d = m.monitor.outbox.list()[0]!.deliveries[0]!;
    expect(d.attempts).toEqual([
      {
        at: T0,
        outcome: 'timed-out',
        httpStatus: null,
        smtpReply: null,
        message: 'no answer within 1 s',
      },
    ]);
    expect(d).toMatchObject({ state: 'pending', nextAttemptAt: T0 + 30_000 });
  });

  it('webhooks time out after 10 s unless told otherwise', () => {
    const parsed = alertSettings.parse({
      channels: [{ id: 'h', name: 'h', kind: 'webhook', url: 'https://x.test/' }],
    });
    expect(parsed.channels[0]).toMatchObject({ timeoutMs: 10_000 });
  });

  it('a redirect to another host is not followed, so the secret header never reaches it', async () => {
    const elsewhere = await receiver({ status: 200 });
    const hook = await receiver({
      status: 307,
      location: elsewhere.url.replace('127.0.0.1', 'localhost') + '/steal',
    });
    await m.monitor.config.setSettings(
      webhookSettings(
        hook.url,
        {},
        { headers: [{ name: 'Authorization', value: 'Bearer s3cr3t-token' }] },
      ),
    );
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    await m.clock.advance(3600_000);
    await m.monitor.whenIdle();
    expect(hook.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
    const d = m.monitor.outbox.list()[0]!.deliveries[0]!;
    expect(d.state).toBe('failed');
    expect(d.attempts[0]!.message).toMatch(
      /redirected to another host \(localhost:\d+\); not followed/,
    );
  });

  it('a redirect within the same host is followed', async () => {
    const hook = await receiver({ status: 308, location: '/moved' }, { status: 204 });
    await m.monitor.config.setSettings(webhookSettings(`${hook.url}/old`));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    expect(hook.received.map((r) => r.path)).toEqual(['/old', '/moved']);
    expect(m.monitor.outbox.list()[0]!.deliveries[0]!.state).toBe('delivered');
  });

  it('no webhook secret appears in the outbox files, even when the receiver is unreachable', async () => {
    await m.monitor.close();
    m.monitor = await openMonitor(m.dir, m.clock, {}, await AesGcmCipher.open({ dataDir: m.dir }));
    const hook = await receiver({ status: 200 });
    const dead = hook.url.replace(/:\d+$/, ':1');
    await m.monitor.config.setSettings(
      webhookSettings(
        `${dead}/services/T000/B000/XXXXsecretXXXX`,
        {},
        { headers: [{ name: 'X-Token', value: 'tok-very-secret' }] },
      ),
    );
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    const outDir = join(m.dir, 'alerts', 'outbox');
    const files = await readdir(outDir);
    const text = (await Promise.all(files.map((f) => readFile(join(outDir, f), 'utf8')))).join(
      '\n',
    );
    expect(text).toContain('could not reach the receiver');
    expect(text).not.toContain('XXXXsecretXXXX');
    expect(text).not.toContain('tok-very-secret');
    // The settings file is encrypted with the vault's cipher.
    const config = await readFile(join(m.dir, 'alerts', 'config.json'), 'utf8');
    expect(config).not.toContain('tok-very-secret');
  });
});
