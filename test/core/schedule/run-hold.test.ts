import { describe, expect, it } from 'vitest';
import { FakeConditions } from '../../../main/core/conditions/fake-conditions.js';
import { HOUR, MIN, SEC, T0, deferred, makeScheduler } from './scheduler-fixture.js';

const noop = (): void => undefined;
const hourly = {
  name: 'sync',
  schedule: { kind: 'cron' as const, pattern: '0 * * * *' },
  timezone: 'UTC',
  action: noop,
};

describe('the host holding runs ("Do not run until …")', () => {
  it("writes runs due before the time 'skipped' with the host's reason, and runs the ones after", async () => {
    const until = T0 + 2 * HOUR + 30 * MIN;
    const { scheduler, clock, finals } = makeScheduler({
      hold: (at) => (at !== null && at < until ? 'Skipped: told not to run until 10:30.' : null),
    });
    await scheduler.schedule(hourly);
    scheduler.start();
    await clock.advanceTo(T0 + 3 * HOUR + SEC);
    expect(finals().map((r) => [r.status, r.skipReason, r.error])).toEqual([
      ['skipped', 'do-not-run-until', 'Skipped: told not to run until 10:30.'],
      ['skipped', 'do-not-run-until', 'Skipped: told not to run until 10:30.'],
      ['succeeded', undefined, null],
    ]);
    await scheduler.stop();
  });

  it('never holds Run now', async () => {
    const { scheduler } = makeScheduler({ hold: () => 'Skipped: held.' });
    const id = await scheduler.schedule(hourly);
    const record = await (await scheduler.runNow(id)).done;
    expect(record).toMatchObject({ trigger: 'manual', status: 'succeeded' });
  });
});

describe('why a run was skipped, on its record', () => {
  it('names the overlap policy when the previous run was still running', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    const slow = deferred();
    await scheduler.schedule({ ...hourly, action: () => slow.promise });
    scheduler.start();
    await clock.advanceTo(T0 + 2 * HOUR + SEC);
    const skipped = finals().filter((r) => r.status === 'skipped');
    expect(skipped.map((r) => [r.scheduledFor, r.skipReason])).toEqual([
      [T0 + 2 * HOUR, 'overlap'],
    ]);
    slow.resolve();
    await scheduler.stop();
  });

  it('names the quiet window for a run due inside one', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.schedule({
      ...hourly,
      triggers: { quiet: { windows: [{ kind: 'daily', from: '08:30', to: '09:30' }] } },
    });
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    expect(finals().map((r) => [r.status, r.skipReason])).toEqual([['skipped', 'quiet-window']]);
    await scheduler.stop();
  });

  it('names the conditions for a run they skip', async () => {
    const { scheduler, clock, finals } = makeScheduler({
      conditions: new FakeConditions({ onAc: false }),
    });
    await scheduler.schedule({ ...hourly, conditions: { acPower: true, policy: 'skip' } });
    scheduler.start();
    await clock.advanceTo(T0 + HOUR + SEC);
    await clock.advance(0);
    expect(finals().map((r) => [r.status, r.skipReason])).toEqual([['skipped', 'conditions']]);
    await scheduler.stop();
  });
});
