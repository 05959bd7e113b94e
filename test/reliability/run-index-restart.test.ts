import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, RunSummary, TaskView } from '../../main/api/contract.js';
import { makeDataDir, readRunRecords, removeDataDir, staleTempFiles } from './data-files.js';
import { spawnHeadless, valueOf } from '../support/headless-client.js';
import type { Headless } from '../support/headless-client.js';
import { FINAL_STATUSES } from '../../main/core/model/run.js';
import { envCount } from './figures.js';

const CYCLES = envCount('CRONTRAY_INDEX_CRASH_CYCLES', 3);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every run the history lists, walking all its pages. */
async function historyRuns(app: Headless): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<RunSummary> = valueOf(
      await app.call<Page<RunSummary>>('history:runs', { limit: 1000, cursor }),
    );
    runs.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return runs;
}

/**
 * The history must hold every run on disk once, a finished one in its state on disk. The
 * scheduler resumes on restart, so runs may land while this looks: what the history lists
 * must be on disk afterwards, and what was on disk before must be in the history.
 */
async function expectHistoryMatchesFiles(app: Headless, dataDir: string): Promise<number> {
  const before = await readRunRecords(dataDir);
  const listed = await historyRuns(app);
  const after = await readRunRecords(dataDir);
  const ids = listed.map((r) => r.runId);
  expect(new Set(ids).size, 'a run is listed twice').toBe(ids.length);
  const byId = new Map(listed.map((r) => [r.runId, r]));
  for (const [runId, record] of before) {
    expect(byId.has(runId), `run ${runId} (${record.status}) is on disk, not in the history`).toBe(
      true,
    );
    if (FINAL_STATUSES.has(record.status)) expect(byId.get(runId)?.status).toBe(record.status);
  }
  for (const runId of ids) expect(after.has(runId), `run ${runId} is not on disk`).toBe(true);
  return before.size;
}

describe('the saved run index across kill -9', () => {
  let dataDir: string;
  let app: Headless | null = null;

  beforeAll(async () => {
    dataDir = await makeDataDir('run-index');
  });

  afterAll(async () => {
    await app?.kill9();
    await removeDataDir(dataDir);
  });

  it(`after ${CYCLES} kills at random moments the history lists every run on disk once, in its state on disk`, async () => {
    app = await spawnHeadless({ dataDir, start: true });
    for (let i = 0; i < 3; i++) {
      valueOf(
        await app.call<TaskView>('tasks:create', {
          name: `busy ${i}`,
          schedule: { kind: 'interval', everyMs: 300 },
          action: { kind: 'shell', mode: 'script', script: 'sleep 0.1; echo ok' },
        }),
      );
    }
    let checked = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // Long enough for the index to be saved once after start (about a second in), short
      // enough that runs keep landing after it: the kill finds a saved index that is behind.
      await sleep(1200 + Math.random() * 1500);
      await app.kill9();
      const restartedAt = Date.now();

      app = await spawnHeadless({ dataDir, start: true });
      expect(await staleTempFiles(dataDir, restartedAt)).toEqual([]);
      checked += await expectHistoryMatchesFiles(app, dataDir);
    }
    expect(checked).toBeGreaterThan(0);
  }, 120_000);

  it('a damaged index file is kept aside, start-up says so, and the history is rebuilt whole', async () => {
    await app?.kill9();
    // A clean stop writes the index; then damage it the way a failing disk would.
    app = await spawnHeadless({ dataDir, start: false });
    await app.stop();
    app = null;
    const indexFile = join(dataDir, 'jobs', '.index', 'runs.bin');
    const whole = await readFile(indexFile);
    const torn = whole.subarray(0, Math.floor(whole.length * 0.6));
    await writeFile(indexFile, torn);

    app = await spawnHeadless({ dataDir, start: false });
    const kept = (await readdir(join(dataDir, 'jobs', '.index'))).filter((n) =>
      n.startsWith('runs.bin.corrupt-'),
    );
    expect(kept).toHaveLength(1);
    expect((await readFile(join(dataDir, 'jobs', '.index', kept[0] ?? ''))).equals(torn)).toBe(
      true,
    );
    expect(await expectHistoryMatchesFiles(app, dataDir)).toBeGreaterThan(0);
    const log = await readFile(join(dataDir, 'logs', 'crontray.log'), 'utf8').catch(() => '');
    expect(log + app.output()).toMatch(/run history index could not be used .*No run is lost/);
  }, 60_000);
});
