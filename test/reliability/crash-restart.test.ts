import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, RunSummary, SessionView, TaskView } from '../../main/api/contract.js';
import type { RunRecord } from '../../main/core/model/run.js';
import { FINAL_STATUSES } from '../../main/core/model/run.js';
import {
  makeDataDir,
  readRunRecords,
  removeDataDir,
  staleTempFiles,
  unreadableFiles,
} from './data-files.js';
import { spawnHeadless, valueOf } from '../support/headless-client.js';
import type { Headless } from '../support/headless-client.js';
import { envCount, recordFigures } from './figures.js';

const CYCLES = envCount('CRONTRAY_CRASH_CYCLES', 5);
/** Busy tasks: always some run in flight (each runs 300 ms of every 500 ms). */
const BUSY_TASKS = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Final records the run journal had committed when the process died (by run id): their files
 * may still say 'running', and the restart must finish writing them rather than call them
 * interrupted.
 */
async function journaledFinalStates(dataDir: string): Promise<Map<string, string>> {
  const dir = join(dataDir, 'jobs', '.journal');
  const states = new Map<string, string>();
  for (const name of (await readdir(dir).catch(() => [])).sort()) {
    for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
      try {
        const record = JSON.parse((JSON.parse(line) as { t: string }).t) as RunRecord;
        states.set(record.runId, record.status);
      } catch {
        // a line the crash cut short: never acknowledged
      }
    }
  }
  return states;
}

/** Sessions with an 'open' line and no 'end' line in the ledger files: open when the process died. */
async function openSessions(dataDir: string): Promise<Set<string>> {
  const dir = join(dataDir, 'sessions');
  const open = new Set<string>();
  for (const name of (await readdir(dir).catch(() => [])).sort()) {
    if (!/^ledger-\d+\.jsonl$/.test(name)) continue;
    for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
      if (line === '') continue;
      const parsed = JSON.parse(line) as { type: string; sessionId: string };
      if (parsed.type === 'open') open.add(parsed.sessionId);
      if (parsed.type === 'end') open.delete(parsed.sessionId);
    }
  }
  return open;
}

async function allSessions(app: Headless): Promise<SessionView[]> {
  return valueOf(await app.call<Page<SessionView>>('history:sessions', { limit: 1000 })).items;
}

describe('kill -9 of the headless process at random moments', () => {
  let dataDir: string;
  let app: Headless | null = null;
  const figures = {
    cycles: 0,
    tasksAcknowledged: 0,
    tasksDeletedAcknowledged: 0,
    finalRunsChecked: 0,
    inFlightRunsInterrupted: 0,
    journaledRunsCompleted: 0,
    sessionsInterrupted: 0,
    filesChecked: 0,
    runsAfterRestart: 0,
  };

  beforeAll(async () => {
    dataDir = await makeDataDir('crash');
  });

  afterAll(async () => {
    await app?.kill9();
    recordFigures('crash-restart', figures);
    await removeDataDir(dataDir);
  });

  it(
    `loses no acknowledged task or finished run over ${CYCLES} crashes, and marks what was in flight interrupted`,
    async () => {
      app = await spawnHeadless({ dataDir, start: true });
      for (let i = 0; i < BUSY_TASKS; i++) {
        valueOf(
          await app.call<TaskView>('tasks:create', {
            name: `busy ${i}`,
            schedule: { kind: 'interval', everyMs: 500 },
            action: { kind: 'shell', mode: 'script', script: 'sleep 0.3; echo ok' },
          }),
        );
      }
      const acked = new Map<string, string>();
      const deleted = new Set<string>();
      /** Tasks whose delete was sent but never answered: gone or not, both are right. */
      const unsure = new Set<string>();
      let serial = 0;

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const current: Headless = app;
        // Keep config.json, vault.json and the ledger busy until the kill lands mid-write.
        let stopWriting = false;
        const writer = (async () => {
          while (!stopWriting) {
            serial++;
            try {
              if (serial % 7 === 0 && acked.size > 0) {
                const [id = ''] = acked.keys();
                acked.delete(id);
                unsure.add(id);
                const reply = await current.call('tasks:delete', { id });
                unsure.delete(id);
                if (reply.ok) deleted.add(id);
              } else if (serial % 11 === 0) {
                await current.call('scheduler:stop');
                await current.call('scheduler:start');
              } else {
                const reply = await current.call<TaskView>('tasks:create', {
                  name: `written ${serial}`,
                  project: `p${serial % 3}`,
                  enabled: false,
                  schedule: { kind: 'cron', pattern: '0 0 * * *' },
                  action: { kind: 'shell', program: 'echo', args: [`${serial}`] },
                });
                if (reply.ok) acked.set(reply.value.id, reply.value.name);
              }
            } catch {
              return; // the process died under us: the reply never came, so nothing was acknowledged
            }
          }
        })();
        await sleep(300 + Math.random() * 1500);
        await current.kill9();
        stopWriting = true;
        await writer;

        // Right after the crash, before anything repairs: every published file parses.
        expect(await unreadableFiles(dataDir)).toEqual([]);
        const before: Map<string, RunRecord> = await readRunRecords(dataDir);
        const wasOpen = await openSessions(dataDir);
        const journaled = await journaledFinalStates(dataDir);
        const restartedAt = Date.now();

        app = await spawnHeadless({ dataDir, start: true });
        // Half-made temp files of the dead process are cleaned up on start, never kept forever.
        expect(await staleTempFiles(dataDir, restartedAt)).toEqual([]);
        const after = await readRunRecords(dataDir);
        for (const [runId, record] of before) {
          const now = after.get(runId);
          expect(now, `run ${runId} vanished`).toBeDefined();
          if (FINAL_STATUSES.has(record.status)) {
            expect(now?.status).toBe(record.status);
            figures.finalRunsChecked++;
          } else if (record.status === 'running' && journaled.has(runId)) {
            expect(now?.status).toBe(journaled.get(runId));
            figures.journaledRunsCompleted++;
          } else if (record.status === 'running') {
            expect(now?.status).toBe('interrupted');
            figures.inFlightRunsInterrupted++;
          }
        }

        const tasks = valueOf(await app.call<TaskView[]>('tasks:list'));
        const byId = new Map(tasks.map((t) => [t.id, t]));
        for (const [id, name] of acked) {
          expect(byId.get(id)?.name, `acknowledged task ${name} lost`).toBe(name);
          expect(byId.get(id)?.locked).toBeNull();
        }
        for (const id of deleted) expect(byId.has(id)).toBe(false);

        const sessions = await allSessions(app);
        const status = valueOf(
          await app.call<{ running: boolean; sessionId: string }>('scheduler:status'),
        );
        expect(status.running).toBe(true);
        for (const s of sessions) {
          if (s.sessionId === status.sessionId) continue;
          expect(s.endedAt, `session ${s.sessionId} left open`).not.toBeNull();
          if (wasOpen.has(s.sessionId)) {
            expect(s.endReason).toBe('interrupted');
            figures.sessionsInterrupted++;
          }
        }

        // The scheduler resumed: a busy task starts and finishes a run after the restart.
        let resumed: RunSummary | undefined;
        for (let wait = 0; wait < 100 && !resumed; wait++) {
          const page = valueOf(
            await app.call<Page<RunSummary>>('history:runs', { status: 'succeeded', limit: 20 }),
          );
          resumed = page.items.find((r) => (r.startedAt ?? 0) >= restartedAt);
          if (!resumed) await sleep(100);
        }
        expect(resumed, 'no run finished after the restart').toBeDefined();
        figures.runsAfterRestart++;
        figures.cycles++;
      }

      await app.kill9();
      const problems = await unreadableFiles(dataDir);
      expect(problems).toEqual([]);
      figures.tasksAcknowledged = acked.size + deleted.size;
      figures.tasksDeletedAcknowledged = deleted.size;
      figures.filesChecked = (await readRunRecords(dataDir)).size;
      expect(figures.inFlightRunsInterrupted).toBeGreaterThan(0);
      expect(figures.finalRunsChecked).toBeGreaterThan(0);
    },
    CYCLES * 15_000 + 20_000,
  );
});
