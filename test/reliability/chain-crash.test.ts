import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary, TaskView } from '../../main/api/contract.js';
import type { RunRecord } from '../../main/core/model/run.js';
import {
  makeDataDir,
  removeDataDir,
  staleTempFiles,
  unreadableFiles,
  waitForRuns,
} from './data-files.js';
import { spawnHeadless, valueOf } from '../support/headless-client.js';
import type { Headless } from '../support/headless-client.js';

/** What the dead process left in the chain journal: the child run ids still pending. */
async function pendingOnDisk(dataDir: string): Promise<string[]> {
  const text = await readFile(join(dataDir, 'chains', 'pending.json'), 'utf8').catch(() => '');
  if (text === '') return [];
  const file = JSON.parse(text) as { starts: { child: { runId: string } }[] };
  return file.starts.map((s) => s.child.runId);
}

const chainRunsOf = (runs: RunRecord[], parentRunId: string) =>
  runs.filter((r) => r.name === 'sync' && r.parent?.runId === parentRunId);

describe("kill -9 between a parent run's end and its chained run", () => {
  let dataDir: string;
  let scratch: string;
  let app: Headless | null = null;

  beforeAll(async () => {
    dataDir = await makeDataDir('chain-crash');
    scratch = await mkdtemp(join(tmpdir(), 'crontray-chain-log-'));
  });

  afterAll(async () => {
    await app?.kill9();
    await removeDataDir(dataDir);
    await rm(scratch, { recursive: true, force: true });
  });

  it('after a restart the chained run runs exactly once, whether the kill came before it started or while it ran', async () => {
    const log = join(scratch, 'sync.log');
    app = await spawnHeadless({ dataDir, start: true });
    const backup = valueOf(
      await app.call<TaskView>('tasks:create', {
        name: 'backup',
        schedule: { kind: 'cron', pattern: '0 0 1 1 *' },
        action: { kind: 'shell', mode: 'script', script: 'echo copied' },
      }),
    );
    // 'sync' queues behind its own run: a chained run waits there, decided but not started.
    const sync = valueOf(
      await app.call<TaskView>('tasks:create', {
        name: 'sync',
        schedule: { kind: 'cron', pattern: '0 0 1 1 *' },
        overlap: 'queue',
        triggers: { after: [{ taskId: backup.id, when: 'success' }] },
        action: {
          kind: 'shell',
          mode: 'script',
          script: `if [ -n "$CRONTRAY_PARENT_RUN_ID" ]; then echo "$CRONTRAY_PARENT_RUN_ID" >> '${log}'; fi; sleep 2`,
        },
      }),
    );

    // 1. Killed with the chained run decided but waiting for a slot.
    valueOf(await app.call<RunSummary>('tasks:runNow', { id: sync.id }));
    const first = valueOf(await app.call<RunSummary>('tasks:runNow', { id: backup.id }));
    await waitForRuns(dataDir, (runs) =>
      runs.some((r) => r.runId === first.runId && r.status === 'succeeded'),
    );
    const waiting = await pendingOnDisk(dataDir);
    expect(waiting).toHaveLength(1);
    await app.kill9();
    expect(await unreadableFiles(dataDir)).toEqual([]);
    let restartedAt = Date.now();
    app = await spawnHeadless({ dataDir, start: true });
    expect(await staleTempFiles(dataDir, restartedAt)).toEqual([]);
    let runs = await waitForRuns(dataDir, (all) =>
      chainRunsOf(all, first.runId).some((r) => r.status === 'succeeded'),
    );
    expect(chainRunsOf(runs, first.runId).map((r) => [r.runId, r.trigger])).toEqual([
      [waiting[0], 'chain'],
    ]);

    // 2. Killed while the chained run runs: it is recorded interrupted, not started again.
    const second = valueOf(await app.call<RunSummary>('tasks:runNow', { id: backup.id }));
    await waitForRuns(dataDir, (all) =>
      chainRunsOf(all, second.runId).some((r) => r.status === 'running'),
    );
    // The script writes its line first: the kill lands while it sleeps.
    for (let i = 0; i < 100 && !(await readFile(log, 'utf8')).includes(second.runId); i++)
      await new Promise((r) => setTimeout(r, 20));
    await app.kill9();
    restartedAt = Date.now();
    app = await spawnHeadless({ dataDir, start: true });
    expect(await staleTempFiles(dataDir, restartedAt)).toEqual([]);
    for (let i = 0; i < 100 && (await pendingOnDisk(dataDir)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await pendingOnDisk(dataDir)).toEqual([]);
    // Longer than a second start would take to show up.
    await new Promise((r) => setTimeout(r, 1500));
    runs = await waitForRuns(dataDir, () => true);
    expect(chainRunsOf(runs, second.runId).map((r) => r.status)).toEqual(['interrupted']);

    const lines = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
    expect(lines).toEqual([first.runId, second.runId]);
  }, 60_000);
});
