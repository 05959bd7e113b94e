import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  rm,
  writeFile,
  readFile,
  readdir,
  stat,
  utimes,
  unlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobCache } from '../../../main/core/jobs/job-cache.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import type { RunRecordInput } from '../../../main/core/store/run-records.js';
import { listTaskDirs } from '../../../main/core/store/run-record-files.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { run as finishedRun } from '../store/run-record-fixtures.js';
import { toSummary } from '../../../main/core/jobs/run-summary.js';
import { runRecord } from '../../../main/core/model/run.js';
import { writeLegacyIndex } from './legacy-run-index.js';

const NOW = Date.UTC(2026, 0, 10);
/** 300 runs in 30 task folders: enough to show the behaviour, small enough for a unit test. */
const TASKS = 30;
const RUNS_PER_TASK = 10;

let root: string;
let jobsDir: string;
let indexFile: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'crontray-runindex-'));
  jobsDir = join(root, 'jobs');
  indexFile = join(jobsDir, '.index', 'runs.bin');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function runOf(task: number, n: number, overrides: Partial<RunRecordInput> = {}): RunRecordInput {
  const at = NOW - (RUNS_PER_TASK - n) * 60_000 - task;
  return finishedRun({
    runId: `t${task}-r${n}`,
    taskId: `task-${task}`,
    project: `project-${task % 3}`,
    group: 'group',
    name: `task-${task}`,
    scheduledFor: at,
    startedAt: at,
    endedAt: at + 500,
    status: n % 4 === 0 ? 'failed' : 'succeeded',
    ...overrides,
  });
}

function fileOf(r: RunRecordInput): string {
  return join(jobsDir, r.project, r.group, r.name, `${r.runId}.json`);
}

/** Writes every run as Crontray does, then dates the folders an hour back: as after a quiet hour. */
async function writeHistory(): Promise<void> {
  const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
  for (let t = 0; t < TASKS; t++)
    for (let n = 0; n < RUNS_PER_TASK; n++) await writer.write(runOf(t, n));
  await writer.close();
  await ageFolders();
}

async function ageFolders(): Promise<void> {
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const task of listTaskDirs(jobsDir)) await utimes(task.dir, hourAgo, hourAgo);
}

function cacheWith(extra: Partial<ConstructorParameters<typeof JobCache>[0]> = {}) {
  const clock = new VirtualClock(NOW);
  const cache = new JobCache({
    statusDir: jobsDir,
    pollIntervalMs: 3_600_000,
    indexFile,
    verifyDelayMs: 1_000,
    clock,
    ...extra,
  });
  return { cache, clock };
}

function everyRun(cache: JobCache): string[] {
  return cache
    .listAllJobs({ limit: 1000 })
    .items.map((r) => `${r.runId}:${r.status}`)
    .sort();
}

/** Starts a cache once and stops it, which leaves the index file behind. */
async function saveIndex(): Promise<string[]> {
  const { cache } = cacheWith();
  expect((await cache.start()).from).toBe('scan');
  const runs = everyRun(cache);
  await cache.stop();
  return runs;
}

describe('the run index kept between starts', () => {
  it('a restart takes the history from the index file and shows every run as before', async () => {
    await writeHistory();
    const before = await saveIndex();
    expect(before).toHaveLength(TASKS * RUNS_PER_TASK);

    const { cache } = cacheWith();
    expect(await cache.start()).toEqual({ from: 'index' });
    expect(everyRun(cache)).toEqual(before);
    expect(cache.getJob('project-1', 'group', 'task-1', 't1-r3')?.durationMs).toBe(500);
    expect(cache.unreadable()).toEqual([]);
    await cache.stop();
  });

  it('runs added, rewritten and deleted while Crontray was stopped are found before start() resolves', async () => {
    await writeHistory();
    await saveIndex();
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    await writer.write(runOf(2, 99)); // a new run in a known folder
    await writer.write(runOf(77, 0)); // a new task folder
    await writer.write(runOf(3, 1, { status: 'timed-out' })); // a run rewritten
    await writer.close();
    await unlink(fileOf(runOf(4, 2)));

    const { cache } = cacheWith();
    expect((await cache.start()).from).toBe('index');
    const runs = everyRun(cache);
    expect(runs).toContain('t2-r99:succeeded');
    expect(runs).toContain('t77-r0:failed');
    expect(runs).toContain('t3-r1:timed-out');
    expect(runs).not.toContain('t3-r1:succeeded');
    expect(runs.some((r) => r.startsWith('t4-r2:'))).toBe(false);
    expect(runs).toHaveLength(TASKS * RUNS_PER_TASK + 1);
    await cache.stop();
  });

  it('a file another program edited in place is corrected by the full check that follows start', async () => {
    await writeHistory();
    await saveIndex();
    // Written straight into the file: the file's mtime moves, its folder's does not.
    const edited = runOf(5, 5, { status: 'canceled' });
    await writeFile(fileOf(edited), JSON.stringify(edited));

    const { cache, clock } = cacheWith();
    await cache.start();
    expect(cache.getJob('project-2', 'group', 'task-5', 't5-r5')?.status).toBe('succeeded');
    await clock.advance(1_000);
    await cache.whenIdle();
    expect(cache.getJob('project-2', 'group', 'task-5', 't5-r5')?.status).toBe('canceled');
    await cache.stop();

    // The check saved what it found: the next start knows the edit without a full check.
    const next = cacheWith().cache;
    await next.start();
    expect(next.getJob('project-2', 'group', 'task-5', 't5-r5')?.status).toBe('canceled');
    await next.stop();
  });

  it('a torn index file is moved aside and kept, and the history is rebuilt from the run files', async () => {
    await writeHistory();
    const before = await saveIndex();
    const whole = await readFile(indexFile);
    const torn = whole.subarray(0, Math.floor(whole.length / 2));
    await writeFile(indexFile, torn);

    const { cache } = cacheWith();
    const start = await cache.start();
    expect(start.from).toBe('scan');
    expect(start.indexSetAside?.reason).toMatch(/cut short/);
    expect((await readFile(start.indexSetAside?.movedTo ?? '')).equals(torn)).toBe(true);
    expect(everyRun(cache)).toEqual(before);
    await cache.stop();

    const next = cacheWith().cache;
    expect((await next.start()).from).toBe('index');
    await next.stop();
  });

  it('an index file altered after it was written is not trusted: the run files decide', async () => {
    await writeHistory();
    const before = await saveIndex();
    const bytes = await readFile(indexFile);
    // Same length, different meaning: every run that failed now claims it was skipped.
    const at = bytes.indexOf('"failed"');
    bytes.write('"skiped"', at, 'latin1');
    await writeFile(indexFile, bytes);

    const { cache } = cacheWith();
    const start = await cache.start();
    expect(start.indexSetAside?.reason).toMatch(/checksum/);
    expect(everyRun(cache)).toEqual(before);
    await cache.stop();
  });

  it('runs the index says were running and folders holding temp files are handed to recovery', async () => {
    await writeHistory();
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    const running = runOf(6, 50, { status: 'running', endedAt: null });
    await writer.write(running);
    await writer.close();
    await ageFolders();
    await saveIndex();
    const folder = join(fileOf(running), '..');
    await writeFile(join(folder, '.t6-r51.json.0123456789ab.tmp'), '{"half');

    const { cache } = cacheWith();
    await cache.start();
    const needs = cache.needsRecovery();
    expect(needs.runFiles).toEqual([fileOf(running)]);
    expect(needs.tempFolders).toEqual([folder]);

    const recovered = await new RunRecordWriter({ jobsDir }).recoverFiles(
      needs.runFiles,
      needs.tempFolders,
    );
    expect(recovered.interrupted.map((r) => r.runId)).toEqual(['t6-r50']);
    expect(await readdir(folder)).not.toContain('.t6-r51.json.0123456789ab.tmp');
    await cache.refresh();
    expect(cache.getJob(running.project, running.group, running.name, 't6-r50')?.status).toBe(
      'interrupted',
    );
    await cache.stop();
  });

  it('a save the process did not live to finish leaves no temp file after the next start', async () => {
    await writeHistory();
    await saveIndex();
    const leftover = join(jobsDir, '.index', '.runs.bin.0123456789ab.tmp');
    await writeFile(leftover, '{"format":"crontray-run-index"');

    const { cache } = cacheWith();
    expect((await cache.start()).from).toBe('index');
    expect(await readdir(join(jobsDir, '.index'))).toEqual(['runs.bin']);
    await cache.stop();
  });

  it('runs written while the cache ran are in the index the next start loads', async () => {
    await writeHistory();
    const { cache, clock } = cacheWith({ indexSaveMs: 60_000 });
    await cache.start();
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    await writer.write(runOf(8, 70));
    await writer.close();
    await cache.refresh();
    // The first save follows start; the next one follows changes, a save interval later.
    await clock.advance(1_000);
    await cache.whenIdle();
    const saved = await readFile(indexFile);
    expect(saved.includes('t8-r70')).toBe(true);
    // Killed without stop(): the next start uses the saved file as it is.
    const next = cacheWith().cache;
    expect((await next.start()).from).toBe('index');
    expect(everyRun(next)).toContain('t8-r70:succeeded');
    await next.stop();
    await cache.stop();
  });

  it('an index an older Crontray wrote is used, and the next save replaces it with the new format', async () => {
    await writeHistory();
    const legacyFile = join(jobsDir, '.index', 'runs.jsonl');
    const runs = [];
    for (let t = 0; t < TASKS; t++) {
      for (let n = 0; n < RUNS_PER_TASK; n++) {
        const record = runRecord.parse(runOf(t, n));
        const { mtimeMs, size } = await stat(fileOf(record));
        runs.push({ summary: toSummary(record), sig: { mtimeMs, size } });
      }
    }
    const folders = [];
    for (const task of listTaskDirs(jobsDir)) {
      const rel = `${task.project}/${task.group}/${task.name}`;
      folders.push({ rel, mtimeMs: (await stat(task.dir)).mtimeMs });
    }
    await writeLegacyIndex(legacyFile, folders, runs, NOW);

    const { cache } = cacheWith();
    expect(await cache.start()).toEqual({ from: 'index' });
    const before = everyRun(cache);
    expect(before).toHaveLength(TASKS * RUNS_PER_TASK);
    expect(cache.getJob('project-1', 'group', 'task-1', 't1-r4')?.status).toBe('failed');
    await cache.stop();
    expect(await readdir(join(jobsDir, '.index'))).toEqual(['runs.bin']);

    const next = cacheWith().cache;
    expect(await next.start()).toEqual({ from: 'index' });
    expect(everyRun(next)).toEqual(before);
    await next.stop();
  });

  it('an index whose runs make no sense is not trusted, even with a checksum that matches', async () => {
    await writeHistory();
    const before = await saveIndex();
    const bytes = await readFile(indexFile);
    // A run id holding a '/', with the checksum made to fit: a bug, not a torn write.
    bytes.write('/', bytes.indexOf('t3-r4') + 2, 'latin1');
    const body = bytes.subarray(0, bytes.length - 32);
    createHash('sha256').update(body).digest().copy(bytes, body.length);
    await writeFile(indexFile, bytes);

    const { cache } = cacheWith();
    const start = await cache.start();
    expect(start.indexSetAside?.reason).toMatch(/runs are invalid/);
    expect(everyRun(cache)).toEqual(before);
    await cache.stop();
  });

  it('the history a scan builds is the one the index file gives back, field for field', async () => {
    await writeHistory();
    // Records the writer does not make: an older one's missing fields, odd times, a chained run.
    const odd: Record<string, unknown>[] = [
      { ...runOf(40, 0), sessionId: undefined, heartbeatAt: undefined, attempt: undefined },
      { ...runOf(40, 1), startedAt: NOW + 0.5, endedAt: NOW + 86_400_000 * 30, exitCode: -1 },
      { ...runOf(40, 2), trigger: 'chain', parent: { ...runOf(1, 1) }, error: 'Fehler: ä' },
      { ...runOf(40, 3), status: 'running', startedAt: null, endedAt: null, heartbeatAt: NOW },
    ];
    await mkdir(join(jobsDir, 'project-1', 'group', 'task-40'), { recursive: true });
    for (const r of odd) await writeFile(fileOf(r as RunRecordInput), JSON.stringify(r, null, 2));

    const { cache } = cacheWith();
    expect((await cache.start()).from).toBe('scan');
    const scanned = cache.listAllJobs({ limit: 1000 }).items;
    expect(scanned).toHaveLength(TASKS * RUNS_PER_TASK + odd.length);
    for (const s of scanned) {
      const text = await readFile(fileOf(s), 'utf8');
      expect(s).toEqual(toSummary(runRecord.parse(JSON.parse(text))));
    }
    await cache.stop();

    const next = cacheWith().cache;
    expect((await next.start()).from).toBe('index');
    expect(next.listAllJobs({ limit: 1000 }).items).toEqual(scanned);
    await next.stop();
  });

  it('a first attempt and its retry keep their first run id across a restart', async () => {
    await writeHistory();
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    await writer.write(runOf(9, 40, { firstRunId: 't9-r40' }));
    await writer.write(runOf(9, 41, { firstRunId: 't9-r40', trigger: 'retry', attempt: 2 }));
    await writer.close();
    await saveIndex();

    const { cache } = cacheWith();
    expect((await cache.start()).from).toBe('index');
    expect(cache.getJob('project-0', 'group', 'task-9', 't9-r40')?.firstRunId).toBe('t9-r40');
    expect(cache.getJob('project-0', 'group', 'task-9', 't9-r41')?.firstRunId).toBe('t9-r40');
    expect(cache.getJob('project-0', 'group', 'task-9', 't9-r1')?.firstRunId).toBeNull();
    await cache.stop();
  });

  it('a cache stopped and started again keeps its history and takes in what changed meanwhile', async () => {
    await writeHistory();
    const { cache } = cacheWith();
    expect((await cache.start()).from).toBe('scan');
    await cache.stop();
    const writer = new RunRecordWriter({ jobsDir, heartbeatMs: 0 });
    await writer.write(runOf(2, 98));
    await writer.close();
    await cache.start();
    expect(everyRun(cache)).toHaveLength(TASKS * RUNS_PER_TASK + 1);
    expect(everyRun(cache)).toContain('t2-r98:succeeded');
    await cache.stop();
  });
});
