import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertSettings, taskAlerts } from '../../../main/core/alerts/alert-config.js';
import { runRecord } from '../../../main/core/model/run.js';
import { AlertReceiver } from '../../support/alert-receiver.js';
import { SmtpPeer } from '../../support/smtp-peer.js';
import { run } from '../store/run-record-fixtures.js';
import { useMonitor, finished, T0 } from './monitor-fixture.js';

const m = useMonitor({ 'task-1': ['hunter2-db-password'] });

/** The decoded text of a quoted-printable part. */
function unfold(raw: string): string {
  const percent = raw
    .replace(/=\r\n/g, '')
    .replace(/%/g, '%25')
    .replace(/=([0-9A-F]{2})/g, '%$1');
  return decodeURIComponent(percent);
}

describe('email alerts', () => {
  let smtp: SmtpPeer;
  beforeEach(async () => {
    smtp = await SmtpPeer.start({ user: 'alerts@example.test', pass: 'smtp-pass-9' });
  });
  afterEach(() => smtp.stop());

  function emailSettings(pass: string) {
    return alertSettings.parse({
      channels: [
        {
          id: 'mail',
          name: 'Mail',
          kind: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          security: 'starttls',
          allowSelfSigned: true,
          user: 'alerts@example.test',
          password: pass,
          from: 'crontray@example.test',
          to: ['ops@example.test'],
        },
      ],
      defaultChannels: ['mail'],
    });
  }

  it('a failed run sends one mail over STARTTLS with text and HTML and the redacted last lines', async () => {
    await m.monitor.config.setSettings(emailSettings('smtp-pass-9'));
    m.monitor.record(
      finished(m.clock, 'failed', {
        exitCode: 3,
        stdout: {
          head: 'step 1\nusing hunter2-db-password\nERROR <disk> full\n',
          tail: '',
          truncated: false,
          totalBytes: 50,
        },
      }),
    );
    await m.monitor.whenIdle();
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail).toMatchObject({
      from: 'crontray@example.test',
      to: ['ops@example.test'],
      user: 'alerts@example.test',
      secure: true,
    });
    expect(mail.raw).toMatch(/^Subject: \[Crontray\] nightly failed\r$/m);
    const body = unfold(mail.raw);
    expect(body).toContain(
      "Task 'nightly' (home / backups) failed; the last run: exit code 3.\r\n\r\nLast output lines:\r\nstep 1\r\nusing ••••••••\r\nERROR <disk> full\r\n",
    );
    expect(body).toContain('<pre>step 1\r\nusing ••••••••\r\nERROR &#60;disk&#62; full</pre>');
    expect(body).toContain('Content-Type: text/html');
    expect(body).not.toContain('hunter2');
    const attempt = m.monitor.outbox.list()[0]!.deliveries[0]!.attempts[0]!;
    expect(attempt.outcome).toBe('delivered');
    expect(attempt.smtpReply).toMatch(/^250 /);
  });

  it('a wrong SMTP password is recorded with the server reply and not retried', async () => {
    await m.monitor.config.setSettings(emailSettings('wrong-password'));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    const d = m.monitor.outbox.list()[0]!.deliveries[0]!;
    expect(smtp.mails).toHaveLength(0);
    expect(d.state).toBe('failed');
    expect(d.attempts[0]!.message).toBe('the SMTP server refused the user name or password');
    expect(d.attempts[0]!.smtpReply).toMatch(/^535 /);
    expect(JSON.stringify(d)).not.toContain('wrong-password');
  });
});

describe('m.monitor pings', () => {
  let hc: AlertReceiver;
  beforeEach(async () => {
    hc = await AlertReceiver.start({ status: 200 });
  });
  afterEach(() => hc.stop());

  it('pings start, success with the duration, and failure with the exit code and output tail', async () => {
    await m.monitor.config.setTask(
      'task-1',
      taskAlerts.parse({ pings: { url: `${hc.url}/ping/abc-uuid` } }),
    );
    const started = runRecord.parse(
      run({ runId: 'r1', status: 'running', startedAt: T0, endedAt: null }),
    );
    m.monitor.record(started);
    await m.monitor.whenIdle();
    m.monitor.record(finished(m.clock, 'succeeded', {}, 4200));
    await m.monitor.whenIdle();
    m.monitor.record(
      finished(m.clock, 'failed', {
        exitCode: 7,
        stderr: {
          head: 'oops: hunter2-db-password rejected\n',
          tail: '',
          truncated: false,
          totalBytes: 30,
        },
      }),
    );
    await m.monitor.whenIdle();
    expect(hc.received.map((r) => [r.method, r.path, r.body.toString()])).toEqual([
      ['POST', '/ping/abc-uuid/start', ''],
      ['POST', '/ping/abc-uuid', 'duration_ms=4200\n'],
      ['POST', '/ping/abc-uuid/7', 'oops: •••••••• rejected\n'],
    ]);
  });

  it('Cronitor-style pings carry the state, duration and exit code in the query', async () => {
    await m.monitor.config.setTask(
      'task-1',
      taskAlerts.parse({ pings: { style: 'cronitor', url: `${hc.url}/p/KEY/job` } }),
    );
    m.monitor.record(finished(m.clock, 'failed', { exitCode: 2 }, 1500));
    await m.monitor.whenIdle();
    expect(hc.received[0]!.method).toBe('GET');
    expect(hc.received[0]!.path).toBe(
      '/p/KEY/job?state=fail&duration=1.500&status_code=2&message=',
    );
  });
});
