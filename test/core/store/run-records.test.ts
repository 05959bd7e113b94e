import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, readFile, readdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import type { RunRecord } from '../../../main/core/model/run.js';
import { DEFAULT_MAX_OPEN_FILES, fileGate } from '../../../main/core/fs/fd-gate.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { run } from './run-record-fixtures.js';

const START = Date.UTC(2026, 0, 1);
let jobsDir: string;
beforeEach(async () => {
  jobsDir = join(await mkdtemp(join(tmpdir(), 'crontray-runs-')), 'jobs');
});
afterEach(async () => {
  await rm(join(jobsDir, '..'), { recursive: true, force: true });
});

function fileOf(runId = 'run-1'): string {
  return join(jobsDir, 'home', 'backups', 'nightly', `${runId}.json`);
}

/** The status on disk, read synchronously so no other write can land meanwhile. */
function statusNow(): string {
  return (JSON.parse(readFileSync(fileOf(), 'utf8')) as RunRecord).status;
}

async function onDisk(runId = 'run-1'): Promise<RunRecord> {
  return JSON.parse(await readFile(fileOf(runId), 'utf8')) as RunRecord;
}

describe('RunRecordWriter', () => {
  it('writes a run to <project>/<group>/<name>/<runId>.json with defaults filled in', async () => {
    const writer = new RunRecordWriter({ jobsDir, clock: new VirtualClock(START) });
    await writer.write(run());
    expect(await onDisk()).toMatchObject({
      runId: 'run-1',
      status: 'succeeded',
      attempt: 1,
      fromCache: false,
    });
  });

  it('refuses names that would climb out of the jobs folder, and invalid records', async () => {
    const writer = new RunRecordWriter({ jobsDir });
    await expect(writer.write(run({ project: '..' }))).rejects.toThrow(
      /RunRecordWriter: project '..' cannot be a folder name/,
    );
    await expect(writer.write(run({ runId: 'a/b' }))).rejects.toThrow(
      /RunRecordWriter: runId 'a\/b'/,
    );
    await expect(writer.write(run({ status: 'weird' as 'failed' }))).rejects.toThrow(
      /RunRecordWriter: record is invalid at 'status'/,
    );
  });

  it('beats the heartbeat of a running record until the final state lands', async () => {
    const clock = new VirtualClock(START);
    const writer = new RunRecordWriter({ jobsDir, clock, heartbeatMs: 10_000 });
    await writer.write(run({ status: 'running', endedAt: null }));
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(10_000);
    await writer.close();
    expect((await onDisk()).heartbeatAt).toBe(START + 10_000);
    await clock.advance(10_000);
    expect((await onDisk()).heartbeatAt).toBe(START + 10_000);
  });

  it('never lets a heartbeat overwrite the final state', async () => {
    const clock = new VirtualClock(START);
    const writer = new RunRecordWriter({ jobsDir, clock, heartbeatMs: 1_000 });
    await writer.write(run({ status: 'running', endedAt: null }));
    await clock.advance(3_000);
    await writer.write(run({ status: 'failed', endedAt: START + 3_000, error: 'exit 1' }));
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(5_000);
    expect(await onDisk()).toMatchObject({ status: 'failed', error: 'exit 1' });
    expect(writer.liveRuns()).toBe(0);
  });

  it('writes a run that ends before its running record reached the disk once, in its final state', async () => {
    const writer = new RunRecordWriter({ jobsDir, clock: new VirtualClock(START) });
    const order: string[] = [];
    const started = writer
      .write(run({ status: 'running', endedAt: null }))
      .then(() => order.push(`running saw ${statusNow()}`));
    const finished = writer.write(run({ status: 'succeeded' })).then(() => order.push('final'));
    await Promise.all([started, finished]);
    expect(await onDisk()).toMatchObject({ status: 'succeeded' });
    // Both callers learn their write landed, the earlier one first.
    expect(order[0]).toBe('running saw succeeded');
    expect(order[1]).toBe('final');
    expect(writer.liveRuns()).toBe(0);
  });

  it('when the disk falls behind, writes only the newest state of a run that waited for it', async () => {
    const writer = new RunRecordWriter({ jobsDir, clock: new VirtualClock(START) });
    // Every descriptor taken: the writes below wait, as behind a burst of 1,000 runs.
    fileGate.setLimit(1);
    let free = (): void => undefined;
    const busy = fileGate.run(() => new Promise<void>((resolve) => (free = resolve)));
    try {
      const seen: string[] = [];
      const queued = writer.write(run({ status: 'queued', startedAt: null, endedAt: null }));
      const waiting = writer.write(
        run({ runId: 'run-2', status: 'queued', startedAt: null, endedAt: null }),
      );
      // Long enough for both 'queued' writes to be waiting for a descriptor.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fileGate.stats().waiting).toBe(2);
      const running = writer.write(run({ status: 'running', endedAt: null }));
      const ended = writer.write(run({ status: 'succeeded' }));
      const all = [queued, running, ended].map((p) => p.then(() => seen.push(statusNow())));
      free();
      await Promise.all([...all, waiting, busy]);
      // Each caller learns its write landed once the final record is on disk; 'queued' and
      // 'running' never reached it, and the run that still waits keeps its 'queued' record.
      expect(seen).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect((await onDisk('run-2')).status).toBe('queued');
      expect(await readdir(join(jobsDir, 'home', 'backups', 'nightly'))).toHaveLength(2);
    } finally {
      free();
      fileGate.setLimit(DEFAULT_MAX_OPEN_FILES);
    }
  });

  it('writes a final record before a retry reusing its id replaces it', async () => {
    const writer = new RunRecordWriter({ jobsDir, clock: new VirtualClock(START) });
    const seen: string[] = [];
    const failed = writer
      .write(run({ status: 'failed', error: 'exit 1' }))
      // Read at once (synchronously), before the retry's write could land.
      .then(() => seen.push(statusNow()));
    const retry = writer.write(run({ status: 'running', endedAt: null }));
    await Promise.all([failed, retry]);
    expect(seen).toEqual(['failed']);
    expect((await onDisk()).status).toBe('running');
    await writer.close();
  });

  it('marks records left running by a crash as interrupted, ending at their last heartbeat', async () => {
    const clock = new VirtualClock(START);
    const before = new RunRecordWriter({ jobsDir, clock, heartbeatMs: 0 });
    await before.write(
      run({ runId: 'crashed', status: 'running', endedAt: null, heartbeatAt: START + 500 }),
    );
    await before.write(run({ runId: 'done' }));
    await clock.advance(3_600_000);
    const after = new RunRecordWriter({ jobsDir, clock });
    const marked = await after.markInterrupted();
    expect(marked.map((r) => r.runId)).toEqual(['crashed']);
    expect(await onDisk('crashed')).toMatchObject({ status: 'interrupted', endedAt: START + 500 });
    expect((await onDisk('done')).status).toBe('succeeded');
    expect((await readdir(join(jobsDir, 'home', 'backups', 'nightly'))).sort()).toEqual([
      'crashed.json',
      'done.json',
    ]);
  });
});
