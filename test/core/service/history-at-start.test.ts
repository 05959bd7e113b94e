import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CrontrayService } from '../../../main/core/service/service.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import type { RunRecordInput } from '../../../main/core/store/run-records.js';
import type { Envelope } from '../../../main/api/channel.js';
import type { Page, RunSummary } from '../../../main/api/contract.js';
import { run as finishedRun } from '../store/run-record-fixtures.js';

const START = Date.UTC(2026, 5, 1, 8, 0, 0);
/** 600 runs of 30 tasks: enough to take a moment to load, small enough for a unit test. */
const RUNS = 600;
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function runOf(i: number, overrides: Partial<RunRecordInput> = {}): RunRecordInput {
  const at = START - (RUNS - i) * 60_000;
  return finishedRun({
    runId: `r${i}`,
    taskId: `task-${i % 30}`,
    project: 'home',
    group: `g${i % 3}`,
    name: `task-${i % 30}`,
    scheduledFor: at,
    startedAt: at,
    endedAt: at + 1000,
    ...overrides,
  });
}

/** Writes run files as another process (or an older Crontray) left them. */
async function writeRuns(dataDir: string, runs: RunRecordInput[]): Promise<void> {
  for (const r of runs) {
    const path = join(dataDir, 'jobs', r.project, r.group, r.name, `${r.runId}.json`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(r, null, 2));
  }
}

function serviceAt(dataDir: string): CrontrayService {
  return new CrontrayService({
    dataDir,
    host: 'headless',
    version: '1.2.3',
    testMode: true,
    clock: new VirtualClock(START),
    historyMode: 'polling',
    resumeScheduler: false,
  });
}

/** A data folder with RUNS runs and the run index a clean stop saved. */
async function dataDirWithIndex(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'crontray-history-start-'));
  dirs.push(dataDir);
  await writeRuns(
    dataDir,
    Array.from({ length: RUNS }, (_, i) => runOf(i)),
  );
  const first = serviceAt(dataDir);
  await first.open();
  await first.close();
  expect(existsSync(join(dataDir, 'jobs', '.index', 'runs.bin'))).toBe(true);
  return dataDir;
}

async function runsPage(service: CrontrayService): Promise<Envelope<Page<RunSummary>>> {
  return (await service.call('history:runs', { limit: 10 })) as Envelope<Page<RunSummary>>;
}

describe('the history while Crontray starts', () => {
  it('a history call made while it opens answers with every run or asks to try again, never with part of them', async () => {
    const dataDir = await dataDirWithIndex();
    const service = serviceAt(dataDir);
    let open = false;
    const opening = service.open().then(() => (open = true));
    const replies: Envelope<Page<RunSummary>>[] = [];
    while (!open) {
      replies.push(await runsPage(service));
      await new Promise((r) => setImmediate(r));
    }
    await opening;
    replies.push(await runsPage(service));
    for (const reply of replies) {
      if (reply.ok) expect(reply.value.total).toBe(RUNS);
      else expect(reply.error.code).toBe('unavailable');
    }
    expect(replies.at(-1)?.ok).toBe(true);
    await service.close();
  });

  it('runs written while Crontray was closed are in the first answer after it opens', async () => {
    const dataDir = await dataDirWithIndex();
    // Another machine sharing the folder, or a run file restored from a backup.
    await writeRuns(dataDir, [
      runOf(RUNS + 1, { name: 'task-3', group: 'g0' }),
      runOf(RUNS + 2, { name: 'new-task', group: 'g9' }),
    ]);
    const service = serviceAt(dataDir);
    await service.open();
    const reply = await runsPage(service);
    expect(reply.ok && reply.value.total).toBe(RUNS + 2);
    expect(reply.ok && reply.value.items.map((r) => r.runId)).toEqual(
      expect.arrayContaining([`r${RUNS + 1}`, `r${RUNS + 2}`]),
    );
    await service.close();
  });

  it('a run left running by a crash after the index was saved is marked interrupted once it has opened', async () => {
    const dataDir = await dataDirWithIndex();
    const left = runOf(RUNS + 5, { status: 'running', endedAt: null, heartbeatAt: START - 5000 });
    await writeRuns(dataDir, [left]);
    const service = serviceAt(dataDir);
    await service.open();
    const path = join(dataDir, 'jobs', left.project, left.group, left.name, `${left.runId}.json`);
    const onDisk = JSON.parse(await readFile(path, 'utf8')) as { status: string };
    expect(onDisk.status).toBe('interrupted');
    const reply = await runsPage(service);
    expect(reply.ok && reply.value.total).toBe(RUNS + 1);
    expect(reply.ok && reply.value.items[0]?.status).toBe('interrupted');
    await service.close();
  });
});
