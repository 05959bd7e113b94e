import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskStore } from '../../../main/core/store/task-store.js';
import type { ConfigMigration, StoredTaskInput } from '../../../main/core/store/task-store.js';
import { CONFIG_VERSION, configMigrations } from '../../../main/core/store/config-migrations.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { recordingLogger } from '../../support/recording-logger.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const STAMP = '2026-03-01T09-00-00-000Z';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function task(id: string, extra: Partial<StoredTaskInput> = {}): StoredTaskInput {
  return {
    id,
    name: `backup ${id}`,
    schedule: { kind: 'cron', pattern: '0 3 * * *' },
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

function open(extra: Partial<ConstructorParameters<typeof TaskStore>[0]> = {}): TaskStore {
  return new TaskStore({ dataDir: dir, clock: new VirtualClock(T0), ...extra });
}

const configPath = (): string => join(dir, 'config.json');

describe('TaskStore', () => {
  it('starts with default settings and no tasks', () => {
    const store = open();
    expect(store.recovery).toBeNull();
    expect(store.listTasks()).toEqual([]);
    expect(store.getSettings()).toEqual({
      startAtLogin: false,
      notifications: true,
      theme: 'system',
      retention: { keepLast: 200, keepFailuresDays: 30 },
      globalConcurrency: 8,
    });
  });

  it('gives back the same tasks and settings after a restart', async () => {
    const first = open();
    first.putTask(task('a1'));
    first.putTask(
      task('b2', { project: 'site', priority: 5, schedule: { kind: 'interval', everyMs: 60_000 } }),
    );
    first.setSettings({ theme: 'dark', retention: { keepLast: 50 } });
    await first.close();

    const second = open();
    expect(second.recovery).toBeNull();
    expect(second.listTasks().map((t) => t.id)).toEqual(['a1', 'b2']);
    expect(second.getTask('b2')).toMatchObject({
      project: 'site',
      priority: 5,
      overlap: 'skip',
      lastDueAt: null,
    });
    expect(second.getSettings()).toMatchObject({
      theme: 'dark',
      retention: { keepLast: 50, keepFailuresDays: 30 },
    });
    expect(JSON.parse(await readFile(configPath(), 'utf8'))).toMatchObject({
      __internal__: { migrations: { version: CONFIG_VERSION } },
    });
  });

  it('deletes a task and says whether there was one', async () => {
    const store = open();
    store.putTask(task('a1'));
    await store.saved();
    expect(store.deleteTask('a1')).toBe(true);
    expect(store.deleteTask('a1')).toBe(false);
    await store.saved();
    expect(open().getTask('a1')).toBeUndefined();
  });

  it('refuses a task that carries its action, so no action is ever written to config.json', async () => {
    const store = open();
    const withAction = { ...task('a1'), action: { kind: 'shell', command: 'echo secret-marker' } };
    expect(() => store.putTask(withAction)).toThrow(
      'TaskStore: a stored task has no action; keep the action in the vault',
    );
    await expect(
      stat(configPath()).then(() => readFile(configPath(), 'utf8')),
    ).resolves.not.toContain('secret-marker');
  });

  it('refuses an invalid task or setting with a message naming the field', () => {
    const store = open();
    expect(() => store.putTask(task('a1', { priority: 500 }))).toThrow(
      /^TaskStore: task is not valid: priority: /,
    );
    expect(() => store.setSettings({ globalConcurrency: 0 })).toThrow(
      /^TaskStore: settings are not valid: globalConcurrency: /,
    );
    expect(store.listTasks()).toEqual([]);
    expect(store.getSettings().globalConcurrency).toBe(8);
  });

  it('gathers bookkeeping updates into the state journal once the delay has passed, leaving config.json alone', async () => {
    const clock = new VirtualClock(T0);
    const store = new TaskStore({ dataDir: dir, clock, bookkeepingDelayMs: 1000 });
    store.putTask(task('a1'));
    await store.saved();
    const before = await readFile(configPath(), 'utf8');
    store.updateBookkeeping('a1', { lastDueAt: T0 + 5000, cycles: 1 });
    store.updateBookkeeping('a1', { lastDueAt: T0 + 6000, cycles: 2 });
    expect(store.getTask('a1')).toMatchObject({ lastDueAt: T0 + 6000, cycles: 2 });
    expect(clock.pendingTimers()).toBe(1);

    await clock.advance(1000);
    await store.flush();
    expect(clock.pendingTimers()).toBe(0);
    expect(await readFile(configPath(), 'utf8')).toBe(before);
    expect(open().getTask('a1')).toMatchObject({ lastDueAt: T0 + 6000, cycles: 2 });
  });

  it('writes bookkeeping at once with a delay of 0, and on close() otherwise', async () => {
    const immediate = open({ bookkeepingDelayMs: 0 });
    immediate.putTask(task('a1'));
    await immediate.saved();
    immediate.updateBookkeeping('a1', { cycles: 7 });
    expect(open().getTask('a1')?.cycles).toBe(7);

    const delayed = open();
    delayed.updateBookkeeping('a1', { cycles: 8 });
    await delayed.close();
    expect(open().getTask('a1')?.cycles).toBe(8);
    expect(() => delayed.updateBookkeeping('zz', { cycles: 1 })).toThrow(
      "TaskStore: no task with id 'zz'",
    );
  });

  it('compacts the state journal to one line per task when it opens', async () => {
    const store = open({ bookkeepingDelayMs: 0 });
    store.putTask(task('a1'));
    store.putTask(task('b2'));
    await store.saved();
    for (let n = 1; n <= 50; n++) store.updateBookkeeping('a1', { lastDueAt: T0 + n, cycles: n });
    store.deleteTask('b2');
    await store.close();
    const journal = join(dir, 'task-state.jsonl');
    expect((await readFile(journal, 'utf8')).trim().split('\n')).toHaveLength(50);

    const reopened = open();
    expect((await readFile(journal, 'utf8')).trim().split('\n')).toEqual([
      JSON.stringify({ id: 'a1', lastDueAt: T0 + 50, cycles: 50 }),
    ]);
    expect(reopened.getTask('a1')).toMatchObject({ lastDueAt: T0 + 50, cycles: 50 });
    expect(reopened.journalRecovery).toBeNull();
  });

  it('moves a state journal with a damaged line aside, says so, and keeps what the other lines say', async () => {
    const store = open({ bookkeepingDelayMs: 0 });
    store.putTask(task('a1'));
    store.putTask(task('b2'));
    await store.saved();
    store.updateBookkeeping('a1', { lastDueAt: T0 + 1000, cycles: 3 });
    store.updateBookkeeping('b2', { lastDueAt: T0 + 2000, cycles: 4 });
    await store.close();
    const journal = join(dir, 'task-state.jsonl');
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    const damaged = [...lines.slice(0, -1), '{"id": "a1", "cycles": "many"}', lines.at(-1)];
    await writeFile(journal, `${damaged.join('\n')}\n`);

    const logger = recordingLogger();
    const reopened = open({ logger });
    expect(reopened.journalRecovery).toEqual({
      file: journal,
      movedTo: `${journal}.corrupt-${STAMP}`,
      reason: expect.stringMatching(/^line \d+ is not a task's bookkeeping \(/) as unknown,
    });
    expect(await readFile(`${journal}.corrupt-${STAMP}`, 'utf8')).toBe(`${damaged.join('\n')}\n`);
    expect(reopened.getTask('a1')).toMatchObject({ lastDueAt: T0 + 1000, cycles: 3 });
    expect(reopened.getTask('b2')).toMatchObject({ lastDueAt: T0 + 2000, cycles: 4 });
    expect(logger.messages('warn')).toEqual([expect.stringMatching(/moved to .*\(kept\)/)]);
  });

  it('ignores a last journal line a crash cut short, without moving the journal aside', async () => {
    const store = open({ bookkeepingDelayMs: 0 });
    store.putTask(task('a1'));
    await store.saved();
    store.updateBookkeeping('a1', { lastDueAt: T0 + 1000, cycles: 3 });
    await store.close();
    const journal = join(dir, 'task-state.jsonl');
    await writeFile(journal, `${await readFile(journal, 'utf8')}{"id":"a1","lastDu`);
    const reopened = open();
    expect(reopened.journalRecovery).toBeNull();
    expect(reopened.getTask('a1')).toMatchObject({ lastDueAt: T0 + 1000, cycles: 3 });
  });

  it('keeps a burst of changes made without waiting, all on disk once saved() resolves', async () => {
    const store = open();
    const names: string[] = [];
    for (let i = 0; i < 200; i++) {
      store.putTask(task(`t${i}`));
      names.push(`t${i}`);
    }
    await store.saved();
    // Opened again without close(), as after a kill -9: the change journal holds them all.
    expect(
      open()
        .listTasks()
        .map((t) => t.id),
    ).toEqual(names);
    const onDisk = JSON.parse(await readFile(configPath(), 'utf8')) as { tasks: object };
    expect(Object.keys(onDisk.tasks)).toEqual(names);
  });

  it('saves a change by appending it to a journal, not by rewriting config.json', async () => {
    const store = open();
    store.putTask(task('a1'));
    await store.close();
    const before = await readFile(configPath(), 'utf8');
    const again = open();
    again.putTask(task('b2', { name: 'second' }));
    again.deleteTask('a1');
    await again.saved();
    expect(await readFile(configPath(), 'utf8')).toBe(before);
    const lines = (await readFile(join(dir, 'config-changes.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => Object.keys(JSON.parse(l) as object)[0])).toEqual([
      'format',
      'task',
      'deleted',
    ]);
    expect(
      open()
        .listTasks()
        .map((t) => t.name),
    ).toEqual(['second']);
    expect(await readdir(dir)).not.toContain('config-changes.jsonl');
  });

  it('rewrites config.json once the journal grows past its limit, and loses nothing', async () => {
    const store = open({ compactBytes: 3_000 });
    for (let i = 0; i < 30; i++) {
      store.putTask(task(`t${i}`));
      await store.saved();
    }
    const onDisk = JSON.parse(await readFile(configPath(), 'utf8')) as { tasks: object };
    expect(Object.keys(onDisk.tasks).length).toBeGreaterThan(5);
    expect(open().taskCount()).toBe(30);
  });

  it('reads a journal written before an upgrade in its own format, through the migrations', async () => {
    const store = open();
    store.putTask(task('a1'));
    await store.close();
    const file = JSON.parse(await readFile(configPath(), 'utf8')) as {
      tasks: Record<string, Record<string, unknown>>;
      __internal__: { migrations: { version: string } };
    };
    file.__internal__.migrations.version = '1.0.0';
    const old: Record<string, unknown> = { ...file.tasks.a1, id: 'b2', name: 'old' };
    delete old.runOn;
    await writeFile(configPath(), JSON.stringify(file));
    await writeFile(
      join(dir, 'config-changes.jsonl'),
      `${JSON.stringify({ format: 'crontray-config-changes', version: '1.0.0' })}\n${JSON.stringify({ task: old })}\n`,
    );
    expect(open().getTask('b2')).toMatchObject({ name: 'old', runOn: { kind: 'local' } });
  });

  it("renames a routine's stored delayMs to waitMs once, keeping the wait, in the file and in the journal", async () => {
    const store = open();
    store.putTask(task('a1', { schedule: { kind: 'routine', waitMs: 45_000 } }));
    await store.close();
    const file = JSON.parse(await readFile(configPath(), 'utf8')) as {
      tasks: Record<string, { schedule: Record<string, unknown> }>;
      __internal__: { migrations: { version: string } };
    };
    file.__internal__.migrations.version = '1.1.0';
    const saved = file.tasks.a1;
    if (!saved) throw new Error('a1 was not saved');
    saved.schedule = { kind: 'routine', delayMs: 45_000 };
    await writeFile(configPath(), JSON.stringify(file));
    const journalTask = {
      ...saved,
      id: 'b2',
      name: 'old',
      schedule: { kind: 'routine', delayMs: 5_000 },
    };
    await writeFile(
      join(dir, 'config-changes.jsonl'),
      `${JSON.stringify({ format: 'crontray-config-changes', version: '1.1.0' })}\n${JSON.stringify({ task: journalTask })}\n`,
    );

    const reopened = open();
    expect(reopened.getTask('a1')?.schedule).toEqual({ kind: 'routine', waitMs: 45_000 });
    expect(reopened.getTask('b2')?.schedule).toEqual({ kind: 'routine', waitMs: 5_000 });
    await reopened.close();
    const onDisk = await readFile(configPath(), 'utf8');
    expect(onDisk).not.toContain('delayMs');
    expect(JSON.parse(onDisk)).toMatchObject({
      __internal__: { migrations: { version: CONFIG_VERSION } },
    });
  });

  it('ignores a half-written last journal line: that change was never answered', async () => {
    const store = open();
    store.putTask(task('a1'));
    await store.saved();
    const journal = join(dir, 'config-changes.jsonl');
    await writeFile(journal, `${await readFile(journal, 'utf8')}{"task":{"id":"b2","na`);
    const reopened = open();
    expect(reopened.listTasks().map((t) => t.id)).toEqual(['a1']);
    expect(reopened.recovery).toBeNull();
  });

  it('replaces config.json by rename on every rewrite and keeps the last good copy as config.json.bak', async () => {
    const store = open();
    store.putTask(task('a1'));
    await store.close();
    const inodeBefore = (await stat(configPath())).ino;
    const again = open();
    again.putTask(task('b2'));
    await again.close();
    expect((await stat(configPath())).ino).not.toBe(inodeBefore);
    expect(await readFile(`${configPath()}.bak`, 'utf8')).toBe(
      await readFile(configPath(), 'utf8'),
    );
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'config.json.bak']);
  });

  it('cleans up the temp files an interrupted write left behind, and nothing else', async () => {
    const store = open();
    store.putTask(task('a1'));
    await store.close();
    const leftovers = ['config.json.tmp-1772355600a1b2c3', '.config.json.bak.0123456789ab.tmp'];
    for (const name of leftovers) await writeFile(join(dir, name), '{"half": ');
    await writeFile(join(dir, 'notes.tmp'), 'mine');
    expect(
      open()
        .listTasks()
        .map((t) => t.id),
    ).toEqual(['a1']);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'config.json.bak', 'notes.tmp']);
  });

  it('reports a failed write and keeps nothing of the change', async () => {
    const first = open();
    first.putTask(task('a1'));
    await first.close();
    const store = open();
    // A folder where the journal should be makes every save fail, even for root.
    await mkdir(join(dir, 'config-changes.jsonl'));
    store.putTask(task('b2'));
    await expect(store.saved()).rejects.toThrow(
      /^TaskStore: could not save .*the change was not kept/,
    );
    expect(store.listTasks().map((t) => t.id)).toEqual(['a1']);
    expect(JSON.parse(await readFile(`${configPath()}.bak`, 'utf8'))).toMatchObject({
      tasks: { a1: { id: 'a1' } },
    });
  });

  it('keeps writing good files when config.json is damaged on disk while it runs', async () => {
    const store = open();
    store.putTask(task('a1'));
    await store.saved();
    await writeFile(configPath(), '{"tasks": ');
    store.putTask(task('b2'));
    await store.saved();
    expect(
      open()
        .listTasks()
        .map((t) => t.id),
    ).toEqual(['a1', 'b2']);
  });

  describe.each([
    ['an empty', '', 'is empty'],
    [
      'a truncated',
      '{"settings": {"theme": "dark"}, "tasks": {"a1": {"id": "a1", "na',
      'is not valid JSON',
    ],
    ['a garbage', '\u0000\u0001\u0002PK garbage', 'is not valid JSON'],
    ['a list instead of an object in', '[1, 2, 3]', 'holds a list, not settings and tasks'],
    [
      'a wrong-schema',
      JSON.stringify({ settings: { theme: 'purple' }, tasks: { a1: { id: 'a1' } } }),
      'does not match the schema: settings.theme: ',
    ],
  ])('%s config.json', (_what, content, reason) => {
    it('is moved aside untouched and the store starts from the last good backup', async () => {
      const first = open();
      first.putTask(task('a1'));
      first.setSettings({ notifications: false });
      await first.close();
      await writeFile(configPath(), content);

      const logger = recordingLogger();
      const store = open({ logger });
      const movedTo = `${configPath()}.corrupt-${STAMP}`;
      expect(store.recovery).toEqual({
        file: configPath(),
        movedTo,
        restoredFrom: `${configPath()}.bak`,
        reason: expect.stringContaining(reason) as unknown,
      });
      expect(await readFile(movedTo, 'utf8')).toBe(content);
      expect(store.listTasks().map((t) => t.id)).toEqual(['a1']);
      expect(store.getSettings().notifications).toBe(false);
      expect(logger.messages('warn')).toEqual([
        expect.stringMatching(/moved to .*Started from the last good backup/),
      ]);

      const again = open();
      expect(again.recovery).toBeNull();
      expect(again.listTasks().map((t) => t.id)).toEqual(['a1']);
    });

    it('is moved aside and the store starts empty when there is no backup', async () => {
      await writeFile(configPath(), content);
      const store = open();
      expect(store.recovery).toMatchObject({
        movedTo: `${configPath()}.corrupt-${STAMP}`,
        restoredFrom: null,
      });
      expect(store.listTasks()).toEqual([]);
      expect(await readFile(`${configPath()}.corrupt-${STAMP}`, 'utf8')).toBe(content);
    });
  });

  it('moves a bad backup aside too instead of letting the next backup overwrite it', async () => {
    await writeFile(configPath(), 'not json');
    await writeFile(`${configPath()}.bak`, 'not json either');
    const store = open();
    expect(store.recovery).toMatchObject({ restoredFrom: null });
    expect(store.recovery?.reason).toContain(`the backup ${configPath()}.bak is not valid JSON`);
    expect(await readFile(`${configPath()}.bak.corrupt-${STAMP}`, 'utf8')).toBe('not json either');
    expect(await readFile(`${configPath()}.corrupt-${STAMP}`, 'utf8')).toBe('not json');
  });

  it('restores a missing config.json from its backup and says so', async () => {
    const first = open();
    first.putTask(task('a1'));
    await first.saved();
    await rm(configPath());
    const store = open();
    expect(store.recovery).toEqual({
      file: configPath(),
      movedTo: null,
      restoredFrom: `${configPath()}.bak`,
      reason: `${configPath()} was missing`,
    });
    expect(store.listTasks().map((t) => t.id)).toEqual(['a1']);
  });

  it('migrates a file from before migrations existed, and runs each migration only once', async () => {
    await writeFile(configPath(), JSON.stringify({ tasks: { a1: task('a1') } }));
    let runs = 0;
    const migrations: ConfigMigration[] = [
      ...configMigrations,
      {
        version: '1.9.0',
        description: 'test step: dark theme for everyone',
        migrate(data) {
          runs++;
          (data.settings as Record<string, unknown>).theme = 'dark';
        },
      },
    ];
    const logger = recordingLogger();
    const first = new TaskStore({ dataDir: dir, clock: new VirtualClock(T0), migrations, logger });
    expect(first.recovery).toBeNull();
    expect(first.getSettings().theme).toBe('dark');
    expect(first.listTasks().map((t) => t.id)).toEqual(['a1']);
    expect(logger.messages('info')).toEqual([
      'TaskStore: migrated config.json to 1.0.0: files from before settings existed get the settings and tasks sections',
      'TaskStore: migrated config.json to 1.1.0: tasks get "Run on": this computer, where every task ran before clusters existed',
      "TaskStore: migrated config.json to 1.2.0: a routine's wait is called waitMs (it was delayMs)",
      'TaskStore: migrated config.json to 1.9.0: test step: dark theme for everyone',
    ]);

    first.setSettings({ theme: 'light' });
    await first.saved();
    const second = new TaskStore({ dataDir: dir, clock: new VirtualClock(T0), migrations });
    expect(second.getSettings().theme).toBe('light');
    expect(runs).toBe(2); // once for the check on a copy, once for real; none on the second open
    expect(JSON.parse(await readFile(configPath(), 'utf8'))).toMatchObject({
      __internal__: { migrations: { version: '1.9.0' } },
    });
  });
});
