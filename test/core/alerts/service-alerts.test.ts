import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope, ErrorBody } from '../../../main/api/channel.js';
import type { Channel, EventMap, RequestOf, ResponseOf } from '../../../main/api/contract.js';
import { SECRET_MASK } from '../../../main/core/model/action.js';
import { CrontrayService } from '../../../main/core/service/service.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { AlertReceiver } from '../../support/alert-receiver.js';
import { T0 } from './monitor-fixture.js';

let dataDir: string;
let service: CrontrayService;
let hook: AlertReceiver;
const events: { event: keyof EventMap; payload: unknown }[] = [];

async function call<C extends Channel>(channel: C, request?: RequestOf<C>): Promise<ResponseOf<C>> {
  const envelope = (await service.call(channel, request)) as Envelope<ResponseOf<C>>;
  if (!envelope.ok) throw new Error(envelope.error.message);
  return envelope.value;
}

async function refused(channel: Channel, request: unknown): Promise<ErrorBody> {
  const envelope = await service.call(channel, request);
  if (envelope.ok) throw new Error(`${channel} was accepted`);
  return envelope.error;
}

async function runAndSettle(taskId: string): Promise<string> {
  const summary = await call('tasks:runNow', { id: taskId });
  for (let i = 0; i < 500; i++) {
    const done = events.some(
      (e) => e.event === 'run:finished' && (e.payload as { runId: string }).runId === summary.runId,
    );
    if (done) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await service.alerts?.monitor.whenIdle();
  return summary.runId;
}

const hookChannel = (url: string) => ({
  id: 'team',
  name: 'Team chat',
  kind: 'webhook' as const,
  url,
  headers: [{ name: 'Authorization', value: 'Bearer xoxb-secret-token' }],
});

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'crontray-service-alerts-'));
  hook = await AlertReceiver.start({ status: 200 });
  service = new CrontrayService({
    dataDir,
    host: 'headless',
    version: '1.0.0',
    testMode: true,
    clock: new VirtualClock(T0),
  });
  await service.open();
  events.length = 0;
  service.events.subscribe((event, payload) => events.push({ event, payload }));
});

afterEach(async () => {
  await service.close();
  await hook.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('alert settings through the service', () => {
  it.each([
    ['an invalid URL', { url: 'not a url' }, 'channels.0.url', 'url must be an absolute URL'],
    [
      'a non-http scheme',
      { url: 'ftp://files.example/hook' },
      'channels.0.url',
      'must start with http:// or https://',
    ],
    [
      'an unknown template field',
      { template: 'Run {{task.password}}' },
      'channels.0.template',
      'unknown template field(s) {{task.password}}',
    ],
  ])('refuses %s, naming the field, and stores nothing', async (_what, change, field, message) => {
    await call('alerts:settings:set', {
      channels: [hookChannel(hook.url)],
      defaultChannels: ['team'],
    });
    const error = await refused('alerts:settings:set', {
      channels: [{ ...hookChannel(hook.url), ...change }],
      defaultChannels: ['team'],
    });
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
    const kept = await call('alerts:settings:get');
    expect(kept.channels[0]).toMatchObject({ id: 'team', url: SECRET_MASK });
    expect(kept.channels[0]).not.toHaveProperty('template');
  });

  const mail = {
    id: 'mail',
    name: 'Mail',
    kind: 'email' as const,
    host: '127.0.0.1',
    port: 587,
    from: 'crontray@example.test',
    to: ['ops@example.test'],
  };

  it('refuses a bad SMTP port and an SMTP host that does not resolve, naming the field', async () => {
    const port = await refused('alerts:settings:set', { channels: [{ ...mail, port: 70000 }] });
    expect(port).toMatchObject({
      field: 'channels.0.port',
      message: 'channels.0.port: port must be between 1 and 65535',
    });
    const host = await refused('alerts:settings:set', {
      channels: [{ ...mail, host: 'smtp.no-such-host.invalid' }],
    });
    expect(host).toMatchObject({
      field: 'channels.0.host',
      message:
        "channels.0.host: the SMTP host 'smtp.no-such-host.invalid' is unknown (it has no address); check the spelling",
    });
    expect((await call('alerts:settings:get')).channels.map((c) => c.id)).toEqual(['desktop']);
  });

  it('never shows the webhook URL or headers, and a masked value keeps the stored secret', async () => {
    await call('alerts:settings:set', {
      channels: [hookChannel(`${hook.url}/T123/secret-path`)],
      defaultChannels: ['team'],
    });
    const view = await call('alerts:settings:get');
    expect(JSON.stringify(view)).not.toContain('secret-path');
    expect(JSON.stringify(view)).not.toContain('xoxb-secret-token');
    // The settings screen sends back what it was shown, with one change.
    await call('alerts:settings:set', {
      ...view,
      channels: [{ ...view.channels[0]!, name: 'Renamed' }],
    });
    const sent = await call('alerts:test', { channelId: 'team' });
    expect(sent.deliveries[0]).toMatchObject({ channelName: 'Renamed', state: 'delivered' });
    expect(hook.received[0]!.path).toBe('/T123/secret-path');
    expect(hook.received[0]!.headers.authorization).toBe('Bearer xoxb-secret-token');
  });

  it('a masked secret with nothing saved behind it is refused', async () => {
    const error = await refused('alerts:settings:set', { channels: [hookChannel(SECRET_MASK)] });
    expect(error.field).toBe('channels.0.url');
  });

  it('a task may not name a channel that does not exist', async () => {
    const task = await call('tasks:create', {
      name: 'tidy',
      schedule: { kind: 'cron', pattern: '0 3 * * *' },
      action: { kind: 'shell', program: 'true' },
    });
    const error = await refused('alerts:task:set', { id: task.id, alerts: { channels: ['nope'] } });
    expect(error).toMatchObject({
      field: 'channels.0',
      message: "channels.0: no alert channel has id 'nope'",
    });
  });
});

describe('alerts for real runs', () => {
  it('output that matches the failure pattern fails a run that exited 0, and the task alerts once, then recovers', async () => {
    await call('alerts:settings:set', {
      channels: [hookChannel(hook.url)],
      defaultChannels: ['team'],
    });
    const task = await call('tasks:create', {
      name: 'report',
      schedule: { kind: 'cron', pattern: '0 3 * * *' },
      action: { kind: 'shell', mode: 'script', script: 'echo "ERROR: quota exceeded"; exit 0' },
    });
    await call('alerts:task:set', {
      id: task.id,
      alerts: { output: { failurePattern: 'ERROR|Traceback' } },
    });
    const first = await runAndSettle(task.id);
    await runAndSettle(task.id);
    const record = await call('history:run', {
      project: 'default',
      group: 'default',
      name: 'report',
      runId: first,
    });
    expect(record).toMatchObject({
      status: 'failed',
      exitCode: 0,
      rule: 'failure pattern /ERROR|Traceback/ matched',
      error: 'Output rule: failure pattern /ERROR|Traceback/ matched: ERROR: quota exceeded',
    });
    await call('tasks:update', {
      id: task.id,
      patch: { action: { kind: 'shell', mode: 'script', script: 'echo all good' } },
    });
    await runAndSettle(task.id);
    const history = await call('alerts:history', {});
    expect(history.map((a) => a.message.kind)).toEqual(['recovery', 'failure']);
    expect(hook.received).toHaveLength(2);
    expect(await call('alerts:incidents', { open: true })).toEqual([]);
    expect(events.filter((e) => e.event === 'alerts:changed').length).toBeGreaterThanOrEqual(2);
  });

  it('a task given only its own output rule still follows the global failure count', async () => {
    await call('alerts:settings:set', {
      channels: [hookChannel(hook.url)],
      defaultChannels: ['team'],
      rules: { failureAfter: 2 },
    });
    const task = await call('tasks:create', {
      name: 'sync',
      schedule: { kind: 'cron', pattern: '0 3 * * *' },
      action: { kind: 'shell', mode: 'script', script: 'exit 1' },
    });
    // As an editor does: what the view shows, sent back with one change.
    const view = await call('alerts:task:get', { id: task.id });
    await call('alerts:task:set', {
      id: task.id,
      alerts: { ...view.alerts, output: { failurePattern: 'ERROR', successPattern: null } },
    });
    await runAndSettle(task.id);
    expect(hook.received).toHaveLength(0);
    await runAndSettle(task.id);
    expect(hook.received).toHaveLength(1);
  });
});
