import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchedTask } from '../../../main/core/alerts/dead-man-switch.js';
import { runRecord } from '../../../main/core/model/run.js';
import type { SkipReason } from '../../../main/core/model/run.js';
import { AlertReceiver } from '../../support/alert-receiver.js';
import { run } from '../store/run-record-fixtures.js';
import { useMonitor, T0, webhookSettings } from './monitor-fixture.js';

const HOUR = 3600_000;
let hook: AlertReceiver;
const m = useMonitor();

const kinds = () =>
  hook.received.map((r) => (JSON.parse(r.body.toString()) as { kind: string }).kind);

beforeEach(async () => {
  hook = await AlertReceiver.start({ status: 200 });
  await m.monitor.config.setSettings(
    webhookSettings(hook.url, { rules: { missed: { enabled: true, graceMs: 120_000 } } }),
  );
});

afterEach(async () => {
  await hook.stop();
});

const hourly: WatchedTask = {
  task: { id: 'task-1', name: 'nightly', project: 'home', group: 'backups' },
  schedule: { kind: 'cron', pattern: '0 0 * * * *', dayMatch: 'or' },
  timezone: 'UTC',
  createdAt: T0,
  enabled: true,
};

/** The 10:00 run recorded 'skipped' (for `reason`, or for none an older record names). */
function skip10(reason: SkipReason | undefined) {
  m.monitor.record(
    runRecord.parse(
      run({
        runId: 'skip10',
        status: 'skipped',
        scheduledFor: T0 + HOUR,
        startedAt: null,
        ...(reason ? { skipReason: reason } : {}),
      }),
    ),
  );
}

/** Watches the task from 09:00, records the 10:00 skip, and reads the alerts at 10:05. */
async function alertsAfterSkip(task: WatchedTask, reason: SkipReason | undefined) {
  m.monitor.watchTask(task);
  m.monitor.deadman.check();
  await m.clock.advance(HOUR);
  skip10(reason);
  await m.monitor.whenIdle();
  await m.clock.advance(5 * 60_000);
  await m.monitor.whenIdle();
  return kinds();
}

describe("the dead man's switch and why a run was skipped", () => {
  const skipsOnBattery: WatchedTask = {
    ...hourly,
    conditions: {
      acPower: true,
      network: null,
      idleMinutes: null,
      deadlineMs: 1_800_000,
      policy: 'skip',
    },
  };

  it('alerts when a task whose conditions skip runs had a run skipped by its overlap policy instead', async () => {
    expect(await alertsAfterSkip(skipsOnBattery, 'overlap')).toEqual(['missed']);
  });

  it('stays quiet when that task had the run skipped by its conditions', async () => {
    expect(await alertsAfterSkip(skipsOnBattery, 'conditions')).toEqual([]);
  });

  it('stays quiet when Crontray was told not to run until later', async () => {
    expect(await alertsAfterSkip(hourly, 'do-not-run-until')).toEqual([]);
  });

  it('alerts for a skipped record that does not say why (written before records said so)', async () => {
    expect(await alertsAfterSkip(skipsOnBattery, undefined)).toEqual(['missed']);
  });
});
