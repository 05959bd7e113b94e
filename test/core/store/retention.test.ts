import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetentionSweeper } from '../../../main/core/store/retention.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { run } from './run-record-fixtures.js';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 5, 1);
let jobsDir: string;
const taskDir = () => join(jobsDir, 'home', 'backups', 'nightly');
beforeEach(async () => {
  jobsDir = join(await mkdtemp(join(tmpdir(), 'crontray-retention-')), 'jobs');
});
afterEach(async () => {
  await rm(join(jobsDir, '..'), { recursive: true, force: true });
});

async function remaining(): Promise<string[]> {
  return (await readdir(taskDir())).map((f) => f.replace('.json', '')).sort();
}

describe('RetentionSweeper', () => {
  it('keeps the last N runs and recent failures, and deletes the rest', async () => {
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    for (let i = 0; i < 5; i++)
      await writer.write(run({ runId: `ok-${i}`, startedAt: NOW - (10 - i) * DAY }));
    await writer.write(run({ runId: 'old-failure', status: 'failed', startedAt: NOW - 40 * DAY }));
    await writer.write(
      run({ runId: 'recent-failure', status: 'failed', startedAt: NOW - 20 * DAY }),
    );
    await writer.write(
      run({ runId: 'recent-timeout', status: 'timed-out', startedAt: NOW - 25 * DAY }),
    );
    const sweeper = new RetentionSweeper({ jobsDir, keepLast: 2, clock: new VirtualClock(NOW) });
    const result = await sweeper.sweepOnce();
    expect(result.deleted).toHaveLength(4);
    expect(await remaining()).toEqual(['ok-3', 'ok-4', 'recent-failure', 'recent-timeout']);
  });

  it('never deletes a running record however old, nor an unreadable file', async () => {
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    await writer.write(
      run({ runId: 'stuck', status: 'running', endedAt: null, startedAt: NOW - 300 * DAY }),
    );
    await writer.write(run({ runId: 'queued', status: 'queued', startedAt: NOW - 300 * DAY }));
    for (let i = 0; i < 3; i++)
      await writer.write(run({ runId: `ok-${i}`, startedAt: NOW - i * DAY }));
    await writeFile(join(taskDir(), 'half.json'), '{"runId": "half", "sta');
    const sweeper = new RetentionSweeper({
      jobsDir,
      keepLast: 1,
      keepFailuresDays: 0,
      clock: new VirtualClock(NOW),
    });
    const result = await sweeper.sweepOnce();
    expect(result.unreadable).toBe(1);
    expect(await remaining()).toEqual(['half', 'ok-0', 'queued', 'stuck']);
  });

  it('sweeps in the background on the clock and stops when told', async () => {
    const clock = new VirtualClock(NOW);
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    for (let i = 0; i < 3; i++)
      await writer.write(run({ runId: `ok-${i}`, startedAt: NOW - i * 1000 }));
    const deleted: string[][] = [];
    const sweeper = new RetentionSweeper({
      jobsDir,
      keepLast: 2,
      clock,
      initialDelayMs: 1000,
      intervalMs: 60_000,
      onDeleted: (paths) => deleted.push(paths),
    });
    sweeper.start();
    await clock.advance(999);
    expect(await remaining()).toHaveLength(3);
    await clock.advance(1);
    expect(await remaining()).toEqual(['ok-0', 'ok-1']);
    expect(deleted).toHaveLength(1);
    await writer.write(run({ runId: 'ok-new', startedAt: NOW + 1 }));
    sweeper.setPolicy({ keepLast: 1 });
    await clock.advance(60_000);
    expect(await remaining()).toEqual(['ok-new']);
    sweeper.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses a policy that would keep nothing', () => {
    expect(() => new RetentionSweeper({ jobsDir, keepLast: 0 })).toThrow(
      /RetentionSweeper: keepLast must be a whole number >= 1/,
    );
  });
});
