import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { serialize } from 'node:v8';
import type { Page, RunSummary, SessionView, TaskView } from '../../main/api/contract.js';
import { Cache } from '../../main/core/cache/cache.js';
import { listFiles, makeDataDir, readRunRecords, removeDataDir } from './data-files.js';
import { ok, openService } from './service-fixture.js';
import { recordingLogger } from '../support/recording-logger.js';
import { recordFigures } from './figures.js';

type Damage = 'empty' | 'truncated' | 'garbage' | 'wrong-schema';
const DAMAGES: Damage[] = ['empty', 'truncated', 'garbage', 'wrong-schema'];

/** A JSON value of the wrong shape for each file: parses, but is not what the app wrote. */
const WRONG_SCHEMA: Record<string, string> = {
  config: JSON.stringify({ settings: { theme: 42 }, tasks: ['not', 'a', 'map'] }),
  vault: JSON.stringify({ version: 7, entries: 'none' }),
  run: JSON.stringify({ runId: 12, status: 'exploded' }),
  ledger: `${JSON.stringify({ type: 'open', sessionId: 5 })}\n${JSON.stringify({ hello: 'world' })}\n`,
  cache: JSON.stringify({ not: 'v8' }),
};

function damaged(kind: string, original: Buffer, damage: Damage): Buffer {
  switch (damage) {
    case 'empty':
      return Buffer.alloc(0);
    case 'truncated':
      return original.subarray(0, Math.floor(original.length / 2));
    case 'garbage':
      return Buffer.from('\u0000\u00ff{{{ not what was written \u2603 ]]]\n\u0001', 'utf8');
    case 'wrong-schema':
      return Buffer.from(WRONG_SCHEMA[kind] ?? '{}');
  }
}

/** Files beside `path` that the app moved aside, with their bytes. */
async function movedAside(path: string): Promise<Buffer[]> {
  const names = await readdir(dirname(path));
  const aside = names.filter((n) => n.startsWith(`${basename(path)}.corrupt-`));
  return Promise.all(aside.map((n) => readFile(join(dirname(path), n))));
}

describe('damaged data files', () => {
  let seed: string;
  let runPath: string;
  let ledgerPath: string;
  let cachePath: string;
  const cases: string[] = [];

  beforeAll(async () => {
    // A data folder with everything in it: two tasks (config + vault and their backups), one
    // finished run, one closed session and a disk cache file.
    seed = await makeDataDir('seed');
    const service = await openService(seed);
    const first = await ok<TaskView>(service, 'tasks:create', {
      name: 'first',
      schedule: { kind: 'cron', pattern: '0 3 * * *' },
      action: { kind: 'shell', program: 'echo', args: ['one'] },
    });
    await ok(service, 'tasks:create', {
      name: 'second',
      schedule: { kind: 'interval', everyMs: 3_600_000 },
      action: { kind: 'http', url: 'http://127.0.0.1:9/hook' },
    });
    await ok(service, 'scheduler:start');
    await ok(service, 'tasks:runNow', { id: first.id });
    await ok(service, 'scheduler:stop');
    await service.close();
    const cache = new Cache({
      sourceFunc: () => ({ prices: [1, 2, 3] }),
      expire: 3_600_000,
      path: join(seed, 'cache', 'prices.v8'),
    });
    await cache.get();
    const [run] = (await readRunRecords(seed)).values();
    if (!run) throw new Error('seed: no run record');
    runPath = join('jobs', run.project, run.group, run.name, `${run.runId}.json`);
    ledgerPath = join('sessions', 'ledger-000001.jsonl');
    cachePath = join('cache', 'prices.v8');
  });

  afterAll(async () => {
    recordFigures('corrupt-files', { cases: cases.length, names: cases });
    await removeDataDir(seed);
  });

  async function copySeed(label: string): Promise<string> {
    const dir = await makeDataDir(label);
    await cp(seed, dir, { recursive: true });
    return dir;
  }

  async function damage(dir: string, file: string, kind: string, how: Damage): Promise<Buffer> {
    const path = join(dir, file);
    const bad = damaged(kind, await readFile(path), how);
    await writeFile(path, bad);
    return bad;
  }

  describe.each(DAMAGES)('%s', (how) => {
    it('config.json: the app starts, keeps the bad file and restores tasks from the backup', async () => {
      const dir = await copySeed('config');
      try {
        const bad = await damage(dir, 'config.json', 'config', how);
        const logger = recordingLogger();
        const service = await openService(dir, { logger });
        const tasks = await ok<TaskView[]>(service, 'tasks:list');
        expect(tasks.map((t) => t.name).sort()).toEqual(['first', 'second']);
        expect(tasks.every((t) => t.locked === null)).toBe(true);
        expect(await movedAside(join(dir, 'config.json'))).toEqual([bad]);
        const notice = service.startupNotices.map((n) => n.message).join('\n');
        expect(notice).toMatch(/config\.json could not be used/);
        expect(notice).toMatch(/restored from .*config\.json\.bak/);
        expect(logger.text()).toMatch(/config\.json/);
        await service.close();
        cases.push(`config.json ${how}`);
      } finally {
        await removeDataDir(dir);
      }
    });

    it('vault.json: the app starts, keeps the bad file and reads the actions from the backup', async () => {
      const dir = await copySeed('vault');
      try {
        const bad = await damage(dir, 'vault.json', 'vault', how);
        const service = await openService(dir);
        const tasks = await ok<TaskView[]>(service, 'tasks:list');
        expect(tasks.map((t) => [t.name, t.locked])).toEqual([
          ['first', null],
          ['second', null],
        ]);
        expect(await movedAside(join(dir, 'vault.json'))).toEqual([bad]);
        const notice = service.startupNotices.map((n) => n.message).join('\n');
        expect(notice).toMatch(
          /vault\.json could not be read.*moved to .*vault\.json\.corrupt-.*vault\.json\.bak/s,
        );
        await service.close();
        cases.push(`vault.json ${how}`);
      } finally {
        await removeDataDir(dir);
      }
    });

    it('a run record: the app starts, keeps the bad file aside and says which one it was', async () => {
      const dir = await copySeed('run');
      try {
        const bad = await damage(dir, runPath, 'run', how);
        const service = await openService(dir);
        const runs = await ok<Page<RunSummary>>(service, 'history:runs', {});
        expect(runs.items).toEqual([]);
        expect(await movedAside(join(dir, runPath))).toEqual([bad]);
        const notice = service.startupNotices.map((n) => n.message).join('\n');
        expect(notice).toContain(basename(runPath));
        // The app still records new runs next to the bad one.
        const [task] = await ok<TaskView[]>(service, 'tasks:list');
        await ok(service, 'tasks:runNow', { id: task?.id });
        await service.close();
        expect((await readRunRecords(dir)).size).toBe(1);
        cases.push(`run record ${how}`);
      } finally {
        await removeDataDir(dir);
      }
    });

    it('the session ledger: the app starts, says what it did and records new sessions', async () => {
      const dir = await copySeed('ledger');
      try {
        const original = await readFile(join(dir, ledgerPath));
        const bad = await damage(dir, ledgerPath, 'ledger', how);
        const service = await openService(dir);
        const notice = service.startupNotices.map((n) => n.message).join('\n');
        const aside = await movedAside(join(dir, ledgerPath));
        if (how === 'truncated') {
          // A line cut short is what a crash mid-append leaves: the partial line is dropped,
          // every complete line before it is kept.
          expect(notice).toMatch(/cut short|unreadable line/);
          const whole = bad.toString('utf8').slice(0, bad.lastIndexOf(0x0a) + 1);
          const kept = await readFile(join(dir, ledgerPath), 'utf8');
          expect(whole.length).toBeGreaterThan(0);
          expect(kept.startsWith(whole)).toBe(true);
          expect(original.toString('utf8').startsWith(whole)).toBe(true);
        } else if (how === 'empty') {
          // Also what a crash between creating a new ledger file and its first append leaves,
          // so the ledger reads it as "no sessions yet" (by design, see the session-ledger tests)
          // rather than raise a false alarm; the file's earlier sessions are not recoverable.
          expect(aside).toEqual([]);
        } else {
          expect(notice).toMatch(/ledger-000001\.jsonl/);
          expect(aside).toEqual([bad]);
        }
        await ok(service, 'scheduler:start');
        await ok(service, 'scheduler:stop');
        const sessions = await ok<Page<SessionView>>(service, 'history:sessions', {});
        expect(sessions.items[0]?.endReason).toBe('stopped');
        await service.close();
        cases.push(`session ledger ${how}`);
      } finally {
        await removeDataDir(dir);
      }
    });

    it('a cache file: the app starts, lists it, and the cache keeps it aside, regenerates and logs why', async () => {
      const dir = await copySeed('cache');
      try {
        await damage(dir, cachePath, 'cache', how);
        const service = await openService(dir);
        const listed = await ok<{ name: string }[]>(service, 'cache:list');
        expect(listed.map((c) => c.name)).toEqual(['prices.v8']);
        await service.close();
        const logger = recordingLogger();
        let calls = 0;
        const cache = new Cache({
          sourceFunc: () => ({ prices: [++calls] }),
          expire: 3_600_000,
          path: join(dir, cachePath),
          logger,
        });
        const damaged = await readFile(join(dir, cachePath));
        expect(await cache.get()).toEqual({ prices: [1] });
        expect(logger.text()).toMatch(
          /could not read cache file .*prices\.v8; kept it as .*prices\.v8\.corrupt-.*; regenerating/,
        );
        expect(await readFile(join(dir, cachePath))).toEqual(serialize({ prices: [1] }));
        const kept = (await readdir(join(dir, cachePath, '..'))).filter((f) =>
          f.startsWith('prices.v8.corrupt-'),
        );
        expect(kept).toHaveLength(1);
        expect(await readFile(join(dir, cachePath, '..', kept[0]!))).toEqual(damaged);
        cases.push(`cache file ${how}`);
      } finally {
        await removeDataDir(dir);
      }
    });
  });

  it('config.json and its backup both bad: both are kept and the app starts empty, saying so', async () => {
    const dir = await copySeed('config-both');
    try {
      await damage(dir, 'config.json', 'config', 'garbage');
      await damage(dir, 'config.json.bak', 'config', 'truncated');
      const service = await openService(dir);
      expect(await ok<TaskView[]>(service, 'tasks:list')).toEqual([]);
      expect(await movedAside(join(dir, 'config.json'))).toHaveLength(1);
      expect(await movedAside(join(dir, 'config.json.bak'))).toHaveLength(1);
      const notice = service.startupNotices.map((n) => n.message).join('\n');
      expect(notice).toMatch(/Crontray started with no tasks/);
      await service.close();
      cases.push('config.json and config.json.bak garbage');
    } finally {
      await removeDataDir(dir);
    }
  });

  it('vault.json and its backup both bad: the bad file is kept and the tasks are locked, not lost', async () => {
    const dir = await copySeed('vault-both');
    try {
      await damage(dir, 'vault.json', 'vault', 'garbage');
      await damage(dir, 'vault.json.bak', 'vault', 'empty');
      const service = await openService(dir);
      const tasks = await ok<TaskView[]>(service, 'tasks:list');
      expect(tasks.map((t) => t.name).sort()).toEqual(['first', 'second']);
      expect(tasks.every((t) => t.locked !== null)).toBe(true);
      expect(await movedAside(join(dir, 'vault.json'))).toHaveLength(1);
      const notice = service.startupNotices.map((n) => n.message).join('\n');
      expect(notice).toMatch(/no usable backup/);
      await service.close();
      expect((await listFiles(dir)).some((f) => f.startsWith('vault.json.corrupt-'))).toBe(true);
      cases.push('vault.json and vault.json.bak bad');
    } finally {
      await removeDataDir(dir);
    }
  });
});
