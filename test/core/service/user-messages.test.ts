import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrontrayService } from '../../../main/core/service/service.js';
import { AesGcmCipher } from '../../../main/core/store/vault.js';
import type { ErrorBody } from '../../../main/api/channel.js';
import type { TaskView } from '../../../main/api/contract.js';

/** Words a person should never read: our modules' names. */
const MODULE_NAME =
  /\b(Service|Tasks|History|Vault|TaskScheduler|TaskStore|AesGcmCipher|JobCache|SessionLedger):/;

const dirs: string[] = [];
const open: CrontrayService[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close('test');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A real service over `dataDir`, encrypting with the key file there (as headless mode does). */
async function start(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<CrontrayService> {
  const service = new CrontrayService({
    dataDir,
    host: 'headless',
    version: '1.0.0',
    cipher: await AesGcmCipher.open({ dataDir, env }),
    resumeScheduler: false,
  });
  await service.open();
  open.push(service);
  return service;
}

async function failure(service: CrontrayService, channel: string, payload: unknown) {
  const envelope = await service.call(channel, payload);
  if (envelope.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return envelope.error;
}

/** A task saved under one key, then the app started with another (the key file was replaced). */
async function lockedTask(): Promise<{ service: CrontrayService; task: TaskView }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'crontray-words-'));
  dirs.push(dataDir);
  const first = await start(dataDir);
  const created = await first.call('tasks:create', {
    name: 'backup',
    schedule: { kind: 'interval', everyMs: 3_600_000 },
    enabled: false,
    action: { kind: 'shell', mode: 'exec', program: 'true' },
  });
  if (!created.ok) throw new Error(created.error.message);
  await first.close('test');
  const otherKey = Buffer.alloc(32, 7).toString('base64');
  const service = await start(dataDir, { CRONTRAY_KEY: otherKey });
  const task = created.value as TaskView;
  return { service, task };
}

function plain(text: string, taskId: string): void {
  expect(text).not.toMatch(MODULE_NAME);
  expect(text).not.toContain(taskId);
}

describe('a locked task is explained in sentences about the task', () => {
  it('at start, in the notice the window shows', async () => {
    const { service, task } = await lockedTask();
    const notices = service.startupNotices.map((n) => n.message);
    expect(notices).toContainEqual(
      expect.stringMatching(
        /^Task 'backup' is locked: its action cannot be decrypted: this entry was encrypted with another key \(id \w+; the current key is \w+\)\. Restore the vault\.key file or CRONTRAY_KEY that was in use, or re-enter the action\. Its data is kept\.$/,
      ),
    );
    for (const n of notices) plain(n, task.id);
  });

  it('when the user enables it or runs it now', async () => {
    const { service, task } = await lockedTask();
    const enable = await failure(service, 'tasks:enable', { id: task.id });
    const run = await failure(service, 'tasks:runNow', { id: task.id });
    for (const error of [enable, run]) {
      expect(error.code).toBe('locked');
      expect(error.message).toMatch(/^'backup' is locked: its action cannot be decrypted: /);
      expect(error.message).toMatch(/re-enter the action\.$/);
      plain(error.message, task.id);
    }
  });

  it('in the editor, which shows the reason beside the action', async () => {
    const { service, task } = await lockedTask();
    const got = await service.call('tasks:get', { id: task.id });
    const locked = got.ok ? (got.value as TaskView).locked : null;
    expect(locked).toMatch(/^its action cannot be decrypted: this entry was encrypted/);
    plain(locked ?? '', task.id);
  });
});

describe('refusals read as sentences, with the field beside them', () => {
  it('a task or run that is not there', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'crontray-words-'));
    dirs.push(dataDir);
    const service = await start(dataDir);
    const task = await failure(service, 'tasks:get', { id: 'gone' });
    expect(task).toEqual<ErrorBody>({
      code: 'not-found',
      message: "There is no task with id 'gone'; it may have been deleted.",
    });
    const run = await failure(service, 'history:run', {
      project: 'ops',
      group: 'nightly',
      name: 'backup',
      runId: 'r1',
    });
    expect(run.message).toBe(
      'There is no run r1 of ops / nightly / backup; it may have been removed to keep the history small.',
    );
  });

  it('a name already taken, a page cursor from elsewhere and an unknown call', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'crontray-words-'));
    dirs.push(dataDir);
    const service = await start(dataDir);
    const task = {
      name: 'backup',
      schedule: { kind: 'interval', everyMs: 60_000 },
      action: { kind: 'shell', mode: 'exec', program: 'true' },
    };
    expect((await service.call('tasks:create', task)).ok).toBe(true);
    const clash = await failure(service, 'tasks:create', {
      ...task,
      schedule: { kind: 'interval', everyMs: 120_000 },
    });
    expect(clash).toMatchObject({
      code: 'conflict',
      field: 'name',
      message: "A task named 'backup' already exists in default / default; choose another name.",
    });
    const cursor = await failure(service, 'history:runs', { cursor: 'not-a-cursor' });
    expect(cursor).toMatchObject({
      code: 'invalid',
      field: 'cursor',
      message:
        'This page cursor was not issued by the history; pass nextCursor from the previous page unchanged.',
    });
    const unknown = await failure(service, 'tasks:explode', {});
    expect(unknown.message).toBe("There is no 'tasks:explode' call in this version of Crontray.");
  });
});
