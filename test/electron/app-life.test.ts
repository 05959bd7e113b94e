import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../main/api/contract.js';
import type { Logger } from '../../main/core/log/logger.js';
import type { CrontrayService } from '../../main/core/service/service.js';
import { createService } from '../../main/electron/create-service.js';
import { failureNotice } from '../../main/electron/failure-notice.js';
import { HIDDEN_ARG, launchedHidden, loginItemSettings } from '../../main/electron/login-item.js';
import { handlePowerEvent } from '../../main/electron/power-events.js';
import { QuitSequence } from '../../main/electron/quit-sequence.js';
import { runTrayCommand } from '../../main/electron/tray-commands.js';
import { vaultWarning } from '../../main/electron/vault-warning.js';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return {
    lines,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
  };
}

function run(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'r1',
    taskId: 't1',
    project: 'ops',
    group: 'nightly',
    name: 'backup',
    sessionId: null,
    status: 'failed',
    trigger: 'schedule',
    scheduledFor: 0,
    startedAt: 0,
    endedAt: 1000,
    heartbeatAt: null,
    attempt: 1,
    firstRunId: null,
    exitCode: 2,
    httpStatus: null,
    error: null,
    fromCache: false,
    durationMs: 1000,
    ...overrides,
  };
}

describe('failure notifications', () => {
  it('notify a failed run with its task and exit code', () => {
    expect(failureNotice('run:finished', run(), true)).toEqual({
      title: 'backup failed',
      body: 'ops / nightly: exit code 2',
    });
  });

  it('notify a timed-out run with its error', () => {
    const notice = failureNotice(
      'run:finished',
      run({ status: 'timed-out', error: 'took longer than 30 s' }),
      true,
    );
    expect(notice).toEqual({
      title: 'backup timed out',
      body: 'ops / nightly: took longer than 30 s',
    });
  });

  it('stay quiet for successes, other events, and when the user turned them off', () => {
    expect(failureNotice('run:finished', run({ status: 'succeeded' }), true)).toBeNull();
    expect(failureNotice('run:started', run(), true)).toBeNull();
    expect(failureNotice('run:finished', run(), false)).toBeNull();
  });

  it('cut a long error to fit a notification', () => {
    const notice = failureNotice('run:finished', run({ error: 'x'.repeat(5000) }), true);
    expect(notice?.body.length).toBe(240);
    expect(notice?.body.endsWith('…')).toBe(true);
  });
});

describe('start at login', () => {
  it('registers a hidden login item when on and removes it when off', () => {
    expect(loginItemSettings(true)).toEqual({ openAtLogin: true, args: [HIDDEN_ARG] });
    expect(loginItemSettings(false)).toEqual({ openAtLogin: false, args: [] });
  });

  it('starts in the tray without a window when launched at login', () => {
    expect(launchedHidden(['/opt/Crontray/crontray', HIDDEN_ARG])).toBe(true);
    expect(launchedHidden(['/opt/Crontray/crontray'])).toBe(false);
  });
});

describe('the vault warning', () => {
  it('warns when the keychain is unavailable and when Linux falls back to basic_text', () => {
    expect(vaultWarning({ available: false, linuxBackend: null })).toMatch(
      /keychain is not available/,
    );
    expect(vaultWarning({ available: true, linuxBackend: 'basic_text' })).toMatch(/basic_text/);
  });

  it('says nothing when secrets are protected by the OS', () => {
    expect(vaultWarning({ available: true, linuxBackend: null })).toBeNull();
    expect(vaultWarning({ available: true, linuxBackend: 'gnome_libsecret' })).toBeNull();
  });
});

describe('with a real service', () => {
  let dataDir: string;
  let service: CrontrayService;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crontray-life-'));
    service = createService({ dataDir, version: '1.0.0', testMode: true });
    await service.open();
  });

  afterEach(async () => {
    await service.close('test');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('quits gracefully once however often quit is asked, exiting after the service closed', async () => {
    const exits: number[] = [];
    let closes = 0;
    const quit = new QuitSequence({
      close: async () => {
        closes++;
        await service.close('quit');
      },
      exit: (code) => exits.push(code),
      logger: recordingLogger(),
    });
    await service.call('scheduler:start', undefined);
    expect(quit.quitting).toBe(false);
    const first = quit.request();
    const second = quit.request();
    expect(quit.quitting).toBe(true);
    await Promise.all([first, second]);
    expect(closes).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('exits with 1 and logs when closing fails, without throwing', async () => {
    const exits: number[] = [];
    const logger = recordingLogger();
    const quit = new QuitSequence({
      close: () => Promise.reject(new Error('disk full')),
      exit: (code) => exits.push(code),
      logger,
    });
    await quit.request();
    expect(exits).toEqual([1]);
    expect(logger.lines).toEqual(['error: QuitSequence: closing failed: disk full']);
  });

  it("calls the service's resume hook on wake and tolerates a service without suspend", async () => {
    const logger = recordingLogger();
    await handlePowerEvent(service, 'resume', logger);
    await handlePowerEvent(service, 'suspend', logger);
    expect(logger.lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(logger.lines.some((l) => l.includes('no suspend() hook'))).toBe(true);
  });

  it('logs a failing power hook instead of throwing into Electron', async () => {
    const logger = recordingLogger();
    const failing = { resume: () => Promise.reject(new Error('engine gone')) };
    await handlePowerEvent(failing, 'resume', logger);
    expect(logger.lines).toEqual(['error: Power: resume handling failed: engine gone']);
  });

  it('runs tray commands through the contract: start, pause, resume, stop', async () => {
    const logger = recordingLogger();
    const targets = { service, openWindow: () => undefined, quit: () => undefined, logger };
    await runTrayCommand({ kind: 'start' }, targets);
    expect(await service.call('scheduler:status', undefined)).toMatchObject({
      ok: true,
      value: { running: true },
    });
    await runTrayCommand({ kind: 'pause', minutes: 60 }, targets);
    const paused = await service.call('scheduler:status', undefined);
    expect(paused).toMatchObject({ ok: true, value: { running: false } });
    expect(
      paused.ok && (paused.value as { pausedUntil: number | null }).pausedUntil,
    ).toBeGreaterThan(0);
    await runTrayCommand({ kind: 'resume' }, targets);
    expect(await service.call('scheduler:status', undefined)).toMatchObject({
      ok: true,
      value: { running: true, pausedUntil: null },
    });
    await runTrayCommand({ kind: 'stop' }, targets);
    expect(await service.call('scheduler:status', undefined)).toMatchObject({
      ok: true,
      value: { running: false },
    });
    expect(logger.lines).toEqual([]);
  });

  it('logs a refused tray command, such as Run now for a task that is gone', async () => {
    const logger = recordingLogger();
    let opened = 0;
    const targets = { service, openWindow: () => void opened++, quit: () => undefined, logger };
    await runTrayCommand({ kind: 'runNow', taskId: 'gone' }, targets);
    await runTrayCommand({ kind: 'open' }, targets);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^warn: Tray: tasks:runNow failed: /);
    expect(opened).toBe(1);
  });
});
