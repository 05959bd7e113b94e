import { afterEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Envelope } from '../../main/api/channel.js';
import type { Page } from '../../main/core/jobs/run-index.js';
import type { RunSummary } from '../../main/core/jobs/run-summary.js';
import type { TaskView } from '../../main/api/contract.js';
import { makeDataDir, removeDataDir, staleTempFiles } from './data-files.js';
import { startHeadless } from '../e2e/harness.js';
import { send, valueOf } from '../support/headless-client.js';

const HOUR = 3600_000;

/** A headless child in test mode whose conditions come from `conditionsFile` (the test hook). */
async function spawn(dataDir: string, conditionsFile: string) {
  const proc = await startHeadless({
    dataDir,
    testMode: true,
    args: ['--start', '--test-conditions', conditionsFile],
  });
  const port = Number(new URL(proc.origin).port);
  const call = async <T>(channel: string, payload?: unknown): Promise<T> => {
    const reply = await send(port, {
      path: `/api/${channel}`,
      headers: {
        Host: `127.0.0.1:${port}`,
        Authorization: `Bearer ${proc.token}`,
        'Content-Type': 'application/json',
      },
      body: payload === undefined ? '' : JSON.stringify(payload),
    });
    return valueOf(JSON.parse(reply.body) as Envelope<T>);
  };
  const kill9 = async () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.child.once('exit', () => r()));
    proc.child.kill('SIGKILL');
    await exited;
  };
  return { proc, call, kill9 };
}

type App = Awaited<ReturnType<typeof spawn>>;

/** Polls (real time: the engine answers a file change within ~100 ms) until `done` holds. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let app: App | null = null;
let dataDir = '';

afterEach(async () => {
  await app?.kill9();
  app = null;
  if (dataDir) await removeDataDir(dataDir);
});

async function waitingTask(conditions: { deadlineMs: number }) {
  dataDir = await makeDataDir('crontray-conditions-crash-');
  const power = join(dataDir, 'power.json');
  const ranFile = join(dataDir, 'ran.txt');
  await writeFile(power, JSON.stringify({ onAc: false }));
  app = await spawn(dataDir, power);
  const task = await app.call<TaskView>('tasks:create', {
    name: 'laptop-backup',
    schedule: { kind: 'cron', pattern: '0 * * * *' },
    conditions: { acPower: true, deadlineMs: conditions.deadlineMs },
    action: { kind: 'shell', program: 'sh', args: ['-c', `echo ran >> '${ranFile}'`] },
  });
  // Just past the due time, well before any deadline.
  const { now } = await app.call<{ now: number }>('clock:advance', { ms: 0 });
  await app.call('clock:advance', { ms: (task.nextRunAt ?? now) - now + 1000 });
  const waiting = await until(
    () => app!.call<TaskView>('tasks:get', { id: task.id }),
    (t) => t.waitingFor !== null,
    'the run to wait',
  );
  expect(waiting.waitingFor).toBe('waiting for AC power');
  // The list the restarted process reads is on disk before the kill.
  const kept = await until(
    () => readFile(join(dataDir, 'conditions', 'waiting.json'), 'utf8').catch(() => ''),
    (text) => text.includes(task.id),
    'waiting.json',
  );
  const scheduledFor = (JSON.parse(kept) as { runs: { scheduledFor: number }[] }).runs[0]
    ?.scheduledFor;
  await app.kill9();
  app = null;
  return { task, power, ranFile, scheduledFor };
}

async function runsOf(a: App, id: string): Promise<RunSummary[]> {
  return (await a.call<Page<RunSummary>>('history:runs', { taskId: id })).items;
}

// Two real processes per test (one killed, one restarted): on a loaded 2-core machine the pair
// has taken 15-20 s, so these tests get more than the suite's 20 s.
describe('kill -9 while a run waits for its conditions', { timeout: 60_000 }, () => {
  it('after a restart the run still waits, and runs exactly once when the charger goes in', async () => {
    const { task, power, ranFile } = await waitingTask({ deadlineMs: 2 * HOUR });
    const restartedAt = Date.now();
    app = await spawn(dataDir, power);
    const a = app;
    // Opening removed what a write cut short by the kill left in the folder.
    expect(await staleTempFiles(join(dataDir, 'conditions'), restartedAt)).toEqual([]);
    const view = await until(
      () => a.call<TaskView>('tasks:get', { id: task.id }),
      (t) => t.waitingFor !== null,
      'the restored run to wait',
    );
    expect(view.waitingFor).toBe('waiting for AC power');
    await writeFile(power, JSON.stringify({ onAc: true }));
    const runs = await until(
      () => runsOf(a, task.id),
      (r) => r.some((x) => x.status === 'succeeded'),
      'the run after AC power',
    );
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    expect((await readFile(ranFile, 'utf8')).trim().split('\n')).toEqual(['ran']);
    expect((await a.call<TaskView>('tasks:get', { id: task.id })).waitingFor).toBeNull();
  });

  it("after a restart past its deadline the run is recorded 'missed', never run", async () => {
    const { task, power, ranFile, scheduledFor } = await waitingTask({ deadlineMs: 30 * 60_000 });
    app = await spawn(dataDir, power);
    const a = app;
    // The restarted process's clock starts again from the wall clock: move past the deadline.
    await a.call('clock:advance', { ms: 3 * HOUR });
    const runs = await until(
      () => runsOf(a, task.id),
      (r) => r.some((x) => x.status === 'missed'),
      'the missed record',
    );
    // Later due times wait (and miss) on their own; the one that waited at the kill is missed once.
    const kept = runs.filter((r) => r.scheduledFor === scheduledFor);
    expect(kept.map((r) => r.status)).toEqual(['missed']);
    expect(runs.some((r) => r.status === 'succeeded')).toBe(false);
    await expect(readFile(ranFile, 'utf8')).rejects.toThrow();
  });
});
