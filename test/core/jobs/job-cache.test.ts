import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobCache } from '../../../main/core/jobs/job-cache.js';
import type { JobChange } from '../../../main/core/jobs/job-cache-options.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import type { RunRecordInput } from '../../../main/core/store/run-records.js';
import { RetentionSweeper } from '../../../main/core/store/retention.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { run as finishedRun } from '../store/run-record-fixtures.js';

const NOW = Date.UTC(2026, 0, 10);
const POLL = 10_000;
let jobsDir: string;
beforeEach(async () => {
  jobsDir = join(await mkdtemp(join(tmpdir(), 'crontray-jobcache-')), 'jobs');
});
afterEach(async () => {
  await rm(join(jobsDir, '..'), { recursive: true, force: true });
});

/** A run that finished a minute before NOW. */
function run(overrides: Partial<RunRecordInput> = {}): RunRecordInput {
  return finishedRun({
    scheduledFor: NOW - 60_000,
    startedAt: NOW - 60_000,
    endedAt: NOW - 59_000,
    ...overrides,
  });
}

function fileOf(r: RunRecordInput): string {
  return join(jobsDir, r.project, r.group, r.name, `${r.runId}.json`);
}

/** Writes as another program would: straight into the file, no temp file, no rename. */
async function writeDirectly(r: RunRecordInput, text = JSON.stringify(r)): Promise<void> {
  await mkdir(join(fileOf(r), '..'), { recursive: true });
  await writeFile(fileOf(r), text);
}

async function pollingCache(extra: Partial<ConstructorParameters<typeof JobCache>[0]> = {}) {
  const clock = new VirtualClock(NOW);
  const cache = new JobCache({
    statusDir: jobsDir,
    mode: 'polling',
    pollIntervalMs: POLL,
    clock,
    ...extra,
  });
  await cache.start();
  const poll = async () => {
    await clock.advance(POLL);
    await cache.whenIdle();
  };
  return { clock, cache, poll };
}

describe('JobCache in polling mode', () => {
  it('loads every run on start, including files written by other programs', async () => {
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    await writer.write(run({ runId: 'ours' }));
    await writeDirectly(run({ runId: 'theirs', project: 'other-machine' }));
    const { cache } = await pollingCache();
    expect(
      cache
        .listAllJobs()
        .items.map((r) => r.runId)
        .sort(),
    ).toEqual(['ours', 'theirs']);
    expect(cache.getJob('home', 'backups', 'nightly', 'ours')?.durationMs).toBe(1000);
    await cache.stop();
  });

  it('shows a file that appears, changes and is deleted within one poll each', async () => {
    const { cache, poll } = await pollingCache();
    const changes: JobChange[] = [];
    cache.onChange((c) => changes.push(c));
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });

    await writer.write(run({ status: 'running', endedAt: null }));
    await poll();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')?.status).toBe('running');

    await writer.write(run({ status: 'failed', error: 'exit 2' }));
    await poll();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')).toMatchObject({
      status: 'failed',
      error: 'exit 2',
    });

    await rm(fileOf(run()));
    await poll();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')).toBeUndefined();
    expect(changes.map((c) => [c.added.length, c.updated.length, c.removed.length])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    await cache.stop();
  });

  it('keeps the previous version of a half-written file, lists it as unreadable, and recovers', async () => {
    await writeDirectly(run({ status: 'running', endedAt: null }));
    const { cache, poll } = await pollingCache();
    const full = JSON.stringify(run({ status: 'succeeded' }));
    await writeDirectly(run(), full.slice(0, full.length / 2));
    await poll();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')?.status).toBe('running');
    expect(cache.unreadable().map((u) => u.key)).toEqual(['home/backups/nightly/run-1.json']);
    expect(cache.unreadable()[0]?.error).toMatch(/JobCache: run record .* is not complete JSON/);
    expect(cache.getDashboardStats().unreadableFiles).toEqual([fileOf(run())]);

    await writeDirectly(run(), full);
    await poll();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')?.status).toBe('succeeded');
    expect(cache.unreadable()).toEqual([]);
    await cache.stop();
  });

  it('refuses a file whose content names another task', async () => {
    await writeDirectly(run({ runId: 'run-1' }), JSON.stringify(run({ runId: 'run-2' })));
    const { cache } = await pollingCache();
    expect(cache.listAllJobs().total).toBe(0);
    expect(cache.unreadable()[0]?.error).toMatch(/belongs in that folder/);
    await cache.stop();
  });

  it('sees an in-place edit after invalidate, or at the next full re-stat', async () => {
    await writeDirectly(run({ exitCode: 1 }));
    const { cache, poll } = await pollingCache({ fullScanEvery: 3 });
    await writeDirectly(run({ exitCode: 2 }));
    cache.invalidate('home', 'backups', 'nightly', 'run-1');
    await cache.refresh();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')?.exitCode).toBe(2);
    await writeDirectly(run({ exitCode: 3 }));
    for (let i = 0; i < 3; i++) await poll();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')?.exitCode).toBe(3);
    await cache.stop();
  });

  it('pages through runs newest first with a cursor, without repeats or gaps', async () => {
    for (let i = 0; i < 25; i++) {
      await writeDirectly(
        run({
          runId: `r${String(i).padStart(2, '0')}`,
          startedAt: NOW - i * 1000,
          endedAt: NOW - i * 1000 + 10,
        }),
      );
    }
    const { cache } = await pollingCache();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = cache.listAllJobs({ limit: 10, cursor });
      expect(page.total).toBe(25);
      seen.push(...page.items.map((r) => r.runId));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `r${String(i).padStart(2, '0')}`));
    expect(() => cache.listAllJobs({ cursor: 'nonsense' })).toThrow(/JobCache: cursor/);
    await cache.stop();
  });

  it('filters by project, task, status and time window', async () => {
    await writeDirectly(
      run({ runId: 'a', project: 'work', status: 'failed', startedAt: NOW - 5_000 }),
    );
    await writeDirectly(run({ runId: 'b', project: 'work', startedAt: NOW - 4_000 }));
    await writeDirectly(
      run({ runId: 'c', taskId: 'task-2', name: 'hourly', startedAt: NOW - 3_000 }),
    );
    await writeDirectly(run({ runId: 'd', status: 'timed-out', startedAt: NOW - 2_000 }));
    const { cache } = await pollingCache();
    const ids = (f: Parameters<JobCache['listAllJobs']>[0]) =>
      cache.listAllJobs(f).items.map((r) => r.runId);
    expect(ids({ project: 'work' })).toEqual(['b', 'a']);
    expect(ids({ taskId: 'task-2' })).toEqual(['c']);
    expect(ids({ status: ['failed', 'timed-out'] })).toEqual(['d', 'a']);
    expect(ids({ from: NOW - 4_000, to: NOW - 3_000 })).toEqual(['c', 'b']);
    expect(cache.getJobRuns('work', 'backups', 'nightly').map((r) => r.runId)).toEqual(['b', 'a']);
    await cache.stop();
  });

  it('counts only runs with a fresh heartbeat as running', async () => {
    await writeDirectly(
      run({ runId: 'alive', status: 'running', endedAt: null, heartbeatAt: NOW - 10_000 }),
    );
    await writeDirectly(
      run({ runId: 'stale', status: 'running', endedAt: null, heartbeatAt: NOW - 120_000 }),
    );
    const { cache, clock } = await pollingCache({ staleAfterMs: 60_000 });
    expect(cache.getRunningJobs().map((r) => r.runId)).toEqual(['alive']);
    clock.jump(NOW + 51_000);
    expect(cache.getRunningJobs()).toEqual([]);
    await cache.stop();
  });

  it('summarises projects, recent runs and dashboard stats', async () => {
    await writeDirectly(
      run({
        runId: 'a',
        project: 'work',
        startedAt: NOW - 3 * 3600_000,
        endedAt: NOW - 3 * 3600_000 + 100,
      }),
    );
    await writeDirectly(
      run({
        runId: 'b',
        project: 'work',
        status: 'failed',
        startedAt: NOW - 2_000,
        endedAt: NOW - 1_700,
      }),
    );
    await writeDirectly(
      run({ runId: 'c', startedAt: NOW - 30 * 3600_000, endedAt: NOW - 30 * 3600_000 + 200 }),
    );
    const { cache } = await pollingCache();
    expect(cache.getRecentJobs({ hours: 24 }).map((r) => r.runId)).toEqual(['b', 'a']);
    expect(cache.listProjects().map((p) => [p.project, p.total, p.successRate])).toEqual([
      ['home', 1, 1],
      ['work', 2, 0.5],
    ]);
    const stats = cache.getDashboardStats();
    expect(stats).toMatchObject({
      total: 3,
      counts: { succeeded: 2, failed: 1 },
      p50DurationMs: 200,
      p95DurationMs: 300,
    });
    expect(stats.successRate).toBeCloseTo(2 / 3);
    expect(stats.failuresLast24h.map((r) => r.runId)).toEqual(['b']);
    expect(stats.perProject.work?.total).toBe(2);
    expect(stats.durations[0]?.points.map((p) => p.durationMs)).toEqual([200, 100, 300]);
    await cache.stop();
  });

  it('deletes a run and its file, and reads a full record with its output', async () => {
    await writeDirectly(
      run({ stdout: { head: 'hello', tail: '', truncated: false, totalBytes: 5 } }),
    );
    const { cache } = await pollingCache();
    expect(cache.getJob('home', 'backups', 'nightly', 'run-1')).not.toHaveProperty('stdout');
    expect((await cache.readRun('home', 'backups', 'nightly', 'run-1'))?.stdout?.head).toBe(
      'hello',
    );
    expect(await cache.deleteJob('home', 'backups', 'nightly', 'run-1')).toBe(true);
    await expect(access(fileOf(run()))).rejects.toThrow();
    expect(cache.listAllJobs().total).toBe(0);
    expect(await cache.readRun('home', 'backups', 'nightly', 'run-1')).toBeNull();
    await expect(cache.deleteJob('..', 'backups', 'nightly', 'run-1')).rejects.toThrow(
      /JobCache: project '..'/,
    );
    await cache.stop();
  });

  it('ignores temp files left by interrupted atomic writes', async () => {
    await writeDirectly(run());
    await writeFile(join(fileOf(run()), '..', '.run-2.json.abc123.tmp'), '{');
    const { cache } = await pollingCache();
    expect(cache.listAllJobs().total).toBe(1);
    expect(cache.unreadable()).toEqual([]);
    await cache.stop();
  });

  it('drops runs removed by retention, which never removes a running record', async () => {
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    await writer.write(
      run({
        runId: 'old-running',
        status: 'running',
        endedAt: null,
        startedAt: NOW - 90 * 86_400_000,
      }),
    );
    for (let i = 0; i < 4; i++)
      await writer.write(run({ runId: `ok-${i}`, startedAt: NOW - i * 1000 }));
    const { cache, poll, clock } = await pollingCache();
    await new RetentionSweeper({ jobsDir, keepLast: 2, clock }).sweepOnce();
    await poll();
    expect(cache.listAllJobs().items.map((r) => r.runId)).toEqual(['ok-0', 'ok-1', 'old-running']);
    await cache.stop();
  });

  it('stops polling when stopped', async () => {
    const { cache, clock } = await pollingCache();
    expect(clock.pendingTimers()).toBe(1);
    await cache.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(cache.activeMode).toBe('stopped');
  });
});

/** Waits (on real file-system events) until `check` holds after a change batch. */
function changeWhere(cache: JobCache, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      off();
      reject(new Error('JobCache test: no matching change within 5 s'));
    }, 5_000);
    const off = cache.onChange(() => {
      if (!check()) return;
      clearTimeout(timeout);
      off();
      resolve();
    });
  });
}

describe('JobCache in watch mode', () => {
  it('sees files appear, change, half-written and deleted without waiting for a poll', async () => {
    await mkdir(join(fileOf(run()), '..'), { recursive: true });
    const cache = new JobCache({
      statusDir: jobsDir,
      mode: 'watch',
      pollIntervalMs: 3_600_000,
      watchDebounceMs: 20,
    });
    await cache.start();
    expect(cache.activeMode).toBe('watch');
    const job = () => cache.getJob('home', 'backups', 'nightly', 'run-1');
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });

    let seen = changeWhere(cache, () => job()?.status === 'running');
    await writer.write(run({ status: 'running', endedAt: null }));
    await seen;

    seen = changeWhere(cache, () => job()?.status === 'succeeded');
    await writer.write(run());
    await seen;

    const other = run({ runId: 'new-task-run', project: 'fresh', group: 'g', name: 'n' });
    seen = changeWhere(cache, () => cache.getJob('fresh', 'g', 'n', 'new-task-run') !== undefined);
    await writeDirectly(other);
    await seen;

    await writeDirectly(run(), '{"runId": "run-1", "sta');
    for (let waited = 0; cache.unreadable().length === 0 && waited < 5_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(cache.unreadable()).toHaveLength(1);
    expect(job()?.status).toBe('succeeded');

    seen = changeWhere(cache, () => job() === undefined);
    await rm(fileOf(run()));
    await seen;
    await cache.stop();
  });
});

describe('JobCache.put', () => {
  it('shows a record its own process just wrote before any scan, without telling listeners', async () => {
    const clock = new VirtualClock(NOW);
    const changes: JobChange[] = [];
    const cache = new JobCache({
      statusDir: jobsDir,
      mode: 'polling',
      pollIntervalMs: POLL,
      clock,
    });
    await cache.start();
    cache.onChange((c) => changes.push(c));
    const writer = new RunRecordWriter({ jobsDir, clock, heartbeatMs: 0 });
    const record = run({ runId: 'fresh-1' });
    await writer.write(record);
    const parsed = await cache.readRun('home', 'backups', 'nightly', 'fresh-1');
    cache.put(parsed!);
    expect(cache.listAllJobs({ taskId: 'task-1' }).items.map((r) => r.runId)).toEqual(['fresh-1']);
    expect(changes).toEqual([]);
    // The next scan reads the same file and keeps exactly one copy.
    await clock.advance(POLL);
    await cache.whenIdle();
    expect(cache.listAllJobs({}).total).toBe(1);
    await cache.stop();
  });

  it('does not read back a record it was given when the file is unchanged, and still sees a later edit', async () => {
    const { cache, poll } = await pollingCache();
    const changes: JobChange[] = [];
    cache.onChange((c) => changes.push(c));
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    const record = run({ runId: 'mine-1' });
    await writer.write(record);
    cache.put((await cache.readRun('home', 'backups', 'nightly', 'mine-1'))!);
    await poll();
    expect(changes.flatMap((c) => [...c.added, ...c.updated])).toEqual([]);

    await writeDirectly(record, JSON.stringify({ ...record, status: 'failed', error: 'edited' }));
    await cache.refresh({ full: true });
    expect(cache.getJob('home', 'backups', 'nightly', 'mine-1')).toMatchObject({
      status: 'failed',
      error: 'edited',
    });
    await cache.stop();
  });
});
