import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertSettings, taskAlerts } from '../../../main/core/alerts/alert-config.js';
import type { WatchedTask } from '../../../main/core/alerts/dead-man-switch.js';
import { runRecord } from '../../../main/core/model/run.js';
import { AlertReceiver } from '../../support/alert-receiver.js';
import { run } from '../store/run-record-fixtures.js';
import {
  useMonitor,
  finished,
  openMonitor,
  T0,
  VirtualClock,
  webhookSettings,
} from './monitor-fixture.js';

let hook: AlertReceiver;

const kinds = () =>
  hook.received.map((r) => (JSON.parse(r.body.toString()) as { kind: string }).kind);

const m = useMonitor();

beforeEach(async () => {
  hook = await AlertReceiver.start({ status: 200 });
  await m.monitor.config.setSettings(webhookSettings(hook.url));
});

afterEach(async () => {
  await hook.stop();
});

describe('incidents', () => {
  it('three failures in a row then a success give one failure alert and one recovery', async () => {
    for (const status of ['failed', 'failed', 'timed-out', 'succeeded', 'succeeded'] as const) {
      await m.clock.advance(60_000);
      m.monitor.record(finished(m.clock, status));
      await m.monitor.whenIdle();
    }
    expect(kinds()).toEqual(['failure', 'recovery']);
    const [incident] = m.monitor.incidents.list();
    expect(incident).toMatchObject({
      kind: 'failure',
      openedAt: T0 + 60_000,
      closedAt: T0 + 240_000,
      closedBy: 'recovery',
    });
    expect(incident!.alertIds).toHaveLength(2);
  });

  it('an acknowledged incident closes without a recovery, and later failures stay quiet until a success', async () => {
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    const [open] = m.monitor.incidents.list({ open: true });
    await m.monitor.acknowledge(open!.id);
    expect(m.monitor.incidents.list({ open: true })).toEqual([]);
    await m.clock.advance(60_000);
    m.monitor.record(finished(m.clock, 'failed'));
    m.monitor.record(finished(m.clock, 'succeeded'));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['failure', 'failure']);
    expect(m.monitor.incidents.list()[1]).toMatchObject({ closedBy: 'acknowledged' });
  });

  it('incidents and the failure count survive a restart', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, { rules: { failureAfter: 2 } }));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    await m.monitor.close();
    m.monitor = await openMonitor(m.dir, m.clock);
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['failure']);
    expect(m.monitor.incidents.list({ open: true })).toHaveLength(1);
  });

  it('a slow run sends a slow alert without opening an incident', async () => {
    await m.monitor.config.setSettings(
      webhookSettings(hook.url, { rules: { slow: { limitMs: 60_000 } } }),
    );
    m.monitor.record(finished(m.clock, 'succeeded', {}, 61_000));
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['slow']);
    expect(m.monitor.incidents.list()).toEqual([]);
  });
});

describe('the outbox', () => {
  it('an alert queued while the receiver is down is delivered exactly once, at once, after a restart', async () => {
    const down = await AlertReceiver.start({ status: 503 });
    await m.monitor.config.setSettings(webhookSettings(down.url));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    expect(down.received).toHaveLength(1);
    await m.monitor.config.setSettings(webhookSettings(hook.url));
    await m.monitor.close();
    await down.stop();

    // A start tries what is pending at once, without waiting out the backoff.
    m.monitor = await openMonitor(m.dir, m.clock);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['failure']);
    await m.clock.advance(3600_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['failure']);
    const d = m.monitor.outbox.list()[0]!.deliveries[0]!;
    expect(d.attempts.map((a) => [a.outcome, a.httpStatus])).toEqual([
      ['failed', 503],
      ['delivered', 200],
    ]);
  });

  it('gives up on a delivery after 24 hours of failures, recording every try', async () => {
    const down = await AlertReceiver.start({ status: 500 });
    await m.monitor.config.setSettings(webhookSettings(down.url));
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    for (let h = 0; h < 26; h++) {
      await m.clock.advance(3600_000);
      await m.monitor.whenIdle();
    }
    await down.stop();
    const d = m.monitor.outbox.list()[0]!.deliveries[0]!;
    expect(d.state).toBe('failed');
    expect(d.attempts.at(-1)!.at - T0).toBeLessThanOrEqual(24 * 3600_000);
    // 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: 7 backoff steps and 22 hourly tries.
    expect(d.attempts).toHaveLength(down.received.length);
    expect(d.attempts.length).toBeGreaterThan(20);
  });
});

describe("dead man's switch", () => {
  const everyMinute: WatchedTask = {
    task: { id: 'task-1', name: 'nightly', project: 'home', group: 'backups' },
    schedule: { kind: 'cron', pattern: '0 * * * * *', dayMatch: 'or' },
    timezone: 'UTC',
    createdAt: T0,
    enabled: true,
  };
  const grace2min = { rules: { missed: { enabled: true, graceMs: 120_000 } } };

  function start(dueAt: number, startedAt = dueAt) {
    m.monitor.record(
      runRecord.parse(
        run({
          runId: `s${dueAt}`,
          status: 'running',
          scheduledFor: dueAt,
          startedAt,
          endedAt: null,
        }),
      ),
    );
  }

  it('stays quiet while every due run starts on time', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, grace2min));
    m.monitor.watchTask(everyMinute);
    m.monitor.deadman.check();
    for (let minute = 1; minute <= 10; minute++) {
      start(T0 + minute * 60_000);
      await m.clock.advance(60_000);
    }
    await m.monitor.whenIdle();
    expect(kinds()).toEqual([]);
  });

  it('a run that waits for its conditions is not missed before their deadline, and a run the conditions skip is not missed at all', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, grace2min));
    const conditions = { acPower: true, network: null, idleMinutes: null, deadlineMs: 1_800_000 };
    const hourly: WatchedTask = {
      ...everyMinute,
      schedule: { kind: 'cron', pattern: '0 0 * * * *', dayMatch: 'or' },
      conditions: { ...conditions, policy: 'wait' },
    };
    m.monitor.watchTask(hourly);
    m.monitor.deadman.check();
    // 10:00 waits for AC power and starts at 10:25, inside its 30 min deadline.
    await m.clock.advance(3600_000 + 25 * 60_000);
    start(T0 + 3600_000, m.clock.now());
    await m.monitor.whenIdle();
    // 11:00 never starts: judged after grace and deadline (11:32), not at 11:02.
    await m.clock.advance(35 * 60_000 + 31 * 60_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual([]);
    await m.clock.advance(60_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed']);
    const missed = JSON.parse(hook.received[0]!.body.toString()) as { text: string };
    expect(missed.text).toBe(
      "Task 'nightly' (home / backups) was due at 2026-03-02T11:00:00.000Z and no run started within 2 min grace + 30 min waiting for AC power.",
    );

    // 11:00 starts late (recovery); from now on the task skips runs its conditions hold back.
    start(T0 + 2 * 3600_000, m.clock.now());
    await m.monitor.whenIdle();
    m.monitor.watchTask({ ...hourly, conditions: { ...conditions, policy: 'skip' } });
    // 12:00 is skipped on battery, as the task asks: no second alert at 12:02 or later.
    await m.clock.advance(28 * 60_000);
    m.monitor.record(
      runRecord.parse(
        run({
          runId: 'skip12',
          status: 'skipped',
          skipReason: 'conditions',
          scheduledFor: T0 + 3 * 3600_000,
          startedAt: null,
        }),
      ),
    );
    // Records are judged on a later turn (after any alert still being sent): let this one be
    // judged before the clock passes the 12:00 run's deadline, as it would be in real time.
    await m.monitor.whenIdle();
    await m.clock.advance(10 * 60_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed', 'recovery']);
  });

  it('alerts once when runs stop starting (scheduler stopped or paused), and reports when they start again', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, grace2min));
    m.monitor.watchTask(everyMinute);
    m.monitor.deadman.check();
    start(T0 + 60_000);
    // Nothing starts after 09:01: the 09:02 run is judged missed at 09:04, once.
    await m.clock.advance(3 * 60_000 + 59_999);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual([]);
    await m.clock.advance(1);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed']);
    await m.clock.advance(10 * 60_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed']);
    const body = JSON.parse(hook.received[0]!.body.toString()) as { text: string };
    expect(body.text).toBe(
      "Task 'nightly' (home / backups) was due at 2026-03-02T09:02:00.000Z and no run started within 120 s of that time.",
    );
    start(m.clock.now());
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed', 'recovery']);
  });

  it('catches the due time that passed while the app was closed, and a catch-up run that starts late does not excuse it', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, grace2min));
    const hourly = {
      ...everyMinute,
      schedule: { kind: 'cron', pattern: '0 0 * * * *', dayMatch: 'or' } as WatchedTask['schedule'],
    };
    m.monitor.watchTask(hourly);
    m.monitor.deadman.check();
    await m.monitor.close();
    // Closed from 09:00 to 12:30: 10:00, 11:00 and 12:00 went by.
    m.clock = new VirtualClock(T0 + 3.5 * 3600_000);
    m.monitor = await openMonitor(m.dir, m.clock);
    m.monitor.watchTask(hourly);
    // The service judges on open, before the engine starts the catch-up run.
    m.monitor.deadman.check();
    start(T0 + 3 * 3600_000, m.clock.now());
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed', 'recovery']);
    const body = JSON.parse(hook.received[0]!.body.toString()) as { text: string };
    expect(body.text).toContain(
      'was due at 2026-03-02T10:00:00.000Z and no run started within 120 s of that time. (3 due times in a row)',
    );
  });

  it('notices a due time slept through within 30 s of the machine waking', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, grace2min));
    m.monitor.watchTask({
      ...everyMinute,
      schedule: { kind: 'interval', everyMs: 3600_000 },
    });
    m.monitor.deadman.check();
    m.clock.jump(T0 + 5 * 3600_000);
    await m.clock.advance(30_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed']);
  });

  it('for a task that reports from outside, a result within the grace keeps it quiet and none raises an alert', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, grace2min));
    await m.monitor.config.setTask('task-1', taskAlerts.parse({ expect: 'ping' }));
    m.monitor.watchTask({
      ...everyMinute,
      schedule: { kind: 'interval', everyMs: 600_000 },
    });
    m.monitor.deadman.check();
    await m.clock.advance(600_000 + 90_000);
    m.monitor.reported(finished(m.clock, 'succeeded'));
    await m.clock.advance(600_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual([]);
    // Nothing reports for the 09:20 due time: judged at 09:22.
    await m.clock.advance(120_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual(['missed']);
    expect(JSON.parse(hook.received[0]!.body.toString())).toMatchObject({
      text: expect.stringContaining('no result was reported within 120 s') as string,
    });
  });

  it('a disabled task is not watched, and is judged only from the moment it is enabled again', async () => {
    await m.monitor.config.setSettings(webhookSettings(hook.url, grace2min));
    m.monitor.watchTask({ ...everyMinute, enabled: false });
    m.monitor.deadman.check();
    await m.clock.advance(3600_000);
    m.monitor.watchTask(everyMinute);
    await m.clock.advance(60_000);
    await m.monitor.whenIdle();
    expect(kinds()).toEqual([]);
  });
});

describe('alert settings', () => {
  it('turning alerts off sends nothing but still tracks the incident', async () => {
    await m.monitor.config.setSettings(
      alertSettings.parse({ ...webhookSettings(hook.url), enabled: false }),
    );
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    expect(hook.received).toEqual([]);
    expect(m.monitor.incidents.list({ open: true })).toHaveLength(1);
  });
});

describe('after a crash', () => {
  it('open incidents survive, and temp files left by an interrupted save are removed', async () => {
    m.monitor.record(finished(m.clock, 'failed'));
    await m.monitor.whenIdle();
    await m.monitor.close();
    const alerts = join(m.dir, 'alerts');
    const leftovers = [
      join(alerts, '.state.json.0123456789ab.tmp'),
      join(alerts, 'outbox', '.x.json.0123456789ab.tmp'),
    ];
    for (const path of leftovers) await writeFile(path, '{"half":');
    m.monitor = await openMonitor(m.dir, m.clock);
    expect(m.monitor.incidents.list({ open: true })).toHaveLength(1);
    expect((await readdir(alerts)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await readdir(join(alerts, 'outbox'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
