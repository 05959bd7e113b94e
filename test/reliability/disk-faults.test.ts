import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Envelope } from '../../main/api/channel.js';
import type { SchedulerStatus, TaskView } from '../../main/api/contract.js';
import type { CrontrayService } from '../../main/core/service/service.js';
import type { VirtualClock } from '../../main/core/time/virtual-clock.js';
import {
  hashFiles,
  listFiles,
  makeDataDir,
  removeDataDir,
  unreadableFiles,
  waitForRuns,
} from './data-files.js';
import { ok, openService } from './service-fixture.js';
import { recordingLogger } from '../support/recording-logger.js';

/**
 * A 2 MiB tmpfs is a disk that really fills up and a folder that can really be made read-only
 * (root ignores file modes, so chmod would prove nothing). Mounting needs root, which the test
 * machines have; elsewhere this fails loudly instead of passing without testing anything.
 */
function mountSmallDisk(dir: string): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(
      `disk-faults: cannot mount a 2 MiB tmpfs at ${dir} (needs root): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function remount(dir: string, mode: 'ro' | 'rw'): void {
  execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' });
}

/** Writes until the disk refuses; returns the filler's path. */
function fillDisk(dir: string): string {
  const path = join(dir, 'filler.bin');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // Top the last few bytes up too, so even a tiny write fails.
  const small = openSync(join(dir, 'filler-tail.bin'), 'w');
  try {
    for (;;) writeSync(small, Buffer.alloc(512, 1));
  } catch {
    // full
  } finally {
    closeSync(small);
  }
  return path;
}

const isTemp = (path: string) => {
  const base = path.split('/').pop() ?? path;
  return (base.startsWith('.') && base.endsWith('.tmp')) || base.includes('.tmp-');
};

/**
 * Temp files of writes still in flight (a run finishing in real time) are normal for a moment;
 * one that stays means a failed write left half a file behind.
 */
async function lingeringTempFiles(dir: string): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const temps = (await listFiles(dir)).filter(isTemp);
    if (temps.length === 0 || Date.now() > deadline) return temps;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function expectDiskError(envelope: Envelope<unknown>, pattern: RegExp): void {
  expect(envelope.ok).toBe(false);
  if (envelope.ok) return;
  expect(envelope.error.code).toBe('unavailable');
  expect(envelope.error.message).toMatch(pattern);
  expect(envelope.error.message).toMatch(/try again/);
  expect(envelope.error.message).not.toMatch(/\n\s+at /);
}

describe('a full disk and a read-only data folder', () => {
  let mountPoint: string;
  let service: CrontrayService | null = null;

  beforeEach(async () => {
    mountPoint = await makeDataDir('disk');
    mountSmallDisk(mountPoint);
  });

  afterEach(async () => {
    try {
      remount(mountPoint, 'rw');
    } catch {
      // already read-write or already unmounted
    }
    await service?.close().catch(() => undefined);
    service = null;
    execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    await removeDataDir(mountPoint);
  });

  async function openBusyService() {
    const logger = recordingLogger();
    service = await openService(mountPoint, { testMode: true, logger });
    const clock = service.clock as VirtualClock;
    const task = await ok<TaskView>(service, 'tasks:create', {
      name: 'ticker',
      schedule: { kind: 'interval', everyMs: 1000 },
      action: { kind: 'shell', program: 'true' },
    });
    await ok(service, 'scheduler:start');
    await clock.advance(1000);
    await waitForRuns(mountPoint, (runs) => runs.some((r) => r.status === 'succeeded'));
    return { logger, clock, task, service };
  }

  /** After the fault is gone, the scheduler still fires: new runs reach the disk and succeed. */
  async function expectSchedulerAlive(s: CrontrayService, clock: VirtualClock): Promise<void> {
    const status = await ok<SchedulerStatus>(s, 'scheduler:status');
    expect(status.running).toBe(true);
    const before = (await waitForRuns(mountPoint, () => true)).filter(
      (r) => r.status === 'succeeded',
    ).length;
    await clock.advance(1000);
    await waitForRuns(
      mountPoint,
      (runs) => runs.filter((r) => r.status === 'succeeded').length > before,
    );
  }

  it('a full disk gives a clear error, keeps the scheduler running and half-writes nothing', async () => {
    const { logger, clock, service: s } = await openBusyService();
    // config.json's change journal may take the settings change below (it is checked after).
    const journal = (p: string) => p === 'config-changes.jsonl';
    const stored = await hashFiles(mountPoint, (p) => p.startsWith('jobs/') || journal(p));
    const filler = fillDisk(mountPoint);

    const create = await s.call('tasks:create', {
      name: 'wont fit',
      schedule: { kind: 'cron', pattern: '0 0 * * *' },
      action: { kind: 'shell', program: 'echo', args: ['x'.repeat(60_000)] },
    });
    expectDiskError(create, /no space left|ENOSPC|disk is full|Free some disk space/i);
    // A small change may still fit in the page its change journal already holds on disk: then
    // it is kept (durably), else it is refused with the same clear error.
    const settings = await s.call('settings:set', { theme: 'dark', globalConcurrency: 3 });
    if (!settings.ok)
      expectDiskError(settings, /no space left|ENOSPC|disk is full|Free some disk space/i);

    // Runs keep being triggered while nothing can be written; the failures are logged.
    await clock.advance(3000);
    expect((await ok<SchedulerStatus>(s, 'scheduler:status')).running).toBe(true);

    expect(await lingeringTempFiles(mountPoint)).toEqual([]);
    const now = await hashFiles(
      mountPoint,
      (p) => p.startsWith('jobs/') || p.startsWith('filler') || journal(p),
    );
    expect(now).toEqual(stored);
    expect(await unreadableFiles(mountPoint)).toEqual([]);
    expect((await ok<TaskView[]>(s, 'tasks:list')).map((t) => t.name)).toEqual(['ticker']);
    expect((await ok<{ theme: string }>(s, 'settings:get')).theme).toBe(
      settings.ok ? 'dark' : 'system',
    );

    await rm(filler);
    await rm(join(mountPoint, 'filler-tail.bin'));
    await expectSchedulerAlive(s, clock);
    expect(await s.call('settings:set', { theme: 'dark' }).then((e) => e.ok), logger.text()).toBe(
      true,
    );
    expect(await unreadableFiles(mountPoint)).toEqual([]);
  });

  it('a read-only data folder gives a clear error, keeps the scheduler running and half-writes nothing', async () => {
    const { clock, service: s } = await openBusyService();
    const stored = await hashFiles(mountPoint);
    remount(mountPoint, 'ro');

    const create = await s.call('tasks:create', {
      name: 'read only',
      schedule: { kind: 'cron', pattern: '0 0 * * *' },
      action: { kind: 'shell', program: 'echo' },
    });
    expectDiskError(create, /read-only|EROFS|writable/i);
    const disable = await s.call('tasks:disable', {
      id: (await ok<TaskView[]>(s, 'tasks:list'))[0]?.id,
    });
    expectDiskError(disable, /read-only|EROFS|writable/i);

    await clock.advance(3000);
    expect((await ok<SchedulerStatus>(s, 'scheduler:status')).running).toBe(true);
    expect(await hashFiles(mountPoint)).toEqual(stored);

    remount(mountPoint, 'rw');
    await expectSchedulerAlive(s, clock);
    expect(await lingeringTempFiles(mountPoint)).toEqual([]);
    expect(await unreadableFiles(mountPoint)).toEqual([]);
  });
});
