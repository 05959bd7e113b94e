import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../main/api/contract.js';
import {
  initialUpdaterState,
  mayCheck,
  readyNotice,
  shortReason,
  trayUpdateItems,
  updateAvailability,
  updateStatus,
} from '../../main/electron/update-policy.js';
import type { BuildFacts, UpdaterState } from '../../main/electron/update-policy.js';

const installed: BuildFacts = {
  isPackaged: true,
  platform: 'win32',
  portableDir: undefined,
  appImage: undefined,
  linuxPackageType: null,
  feedConfigured: true,
};
const on = { on: true } as const;
const state = (overrides: Partial<UpdaterState>): UpdaterState => ({
  ...initialUpdaterState,
  ...overrides,
});

describe('which copies of Crontray update themselves', () => {
  it('an installed copy with a release feed does, on every OS', () => {
    expect(updateAvailability(installed)).toEqual({ on: true });
    expect(updateAvailability({ ...installed, platform: 'darwin' })).toEqual({ on: true });
    expect(
      updateAvailability({
        ...installed,
        platform: 'linux',
        appImage: '/home/a/Crontray.AppImage',
      }),
    ).toEqual({ on: true });
    expect(
      updateAvailability({ ...installed, platform: 'linux', linuxPackageType: 'deb' }),
    ).toEqual({ on: true });
  });

  it('a development run, a Windows portable copy and an unpacked tar.gz do not, and say why', () => {
    expect(updateAvailability({ ...installed, isPackaged: false })).toMatchObject({
      on: false,
      reason: expect.stringMatching(/development build/) as string,
    });
    expect(updateAvailability({ ...installed, portableDir: 'D:\\Apps' })).toMatchObject({
      on: false,
      reason: expect.stringMatching(/portable copy does not update itself/) as string,
    });
    expect(updateAvailability({ ...installed, platform: 'linux' })).toMatchObject({
      on: false,
      reason: expect.stringMatching(/tar\.gz/) as string,
    });
  });

  it('a build without a configured feed does not', () => {
    expect(updateAvailability({ ...installed, feedConfigured: false })).toEqual({
      on: false,
      reason: 'Updates are off: this build has no update feed configured.',
    });
  });
});

describe('when a check may run', () => {
  it('never while off, checking, downloading or with an update ready to install', () => {
    expect(mayCheck({ on: false, reason: 'x' }, initialUpdaterState)).toBe(false);
    for (const phase of ['checking', 'downloading', 'ready'] as const)
      expect(mayCheck(on, state({ phase }))).toBe(false);
  });

  it('at any other time, including after a failed check', () => {
    for (const phase of ['idle', 'up-to-date', 'failed'] as const)
      expect(mayCheck(on, state({ phase }))).toBe(true);
  });
});

describe('what the user is told', () => {
  it('says the update installs on quit once it is downloaded', () => {
    const status = updateStatus(on, state({ phase: 'ready', version: '1.2.0' }), '1.1.0');
    expect(status).toMatchObject({ state: 'ready', version: '1.2.0', canCheck: false });
    expect(status.message).toBe('Crontray 1.2.0 is ready: it installs when you quit Crontray.');
  });

  it('says a failed check failed, why, and that it will be tried again', () => {
    const status = updateStatus(
      on,
      state({ phase: 'failed', error: 'net::ERR_NAME_NOT_RESOLVED' }),
      '1.1.0',
    );
    expect(status.state).toBe('failed');
    expect(status.canCheck).toBe(true);
    expect(status.message).toContain('net::ERR_NAME_NOT_RESOLVED');
    expect(status.message).toContain('tries again');
  });

  it('shows download progress and the up-to-date version', () => {
    expect(
      updateStatus(on, state({ phase: 'downloading', version: '2.0.0', percent: 41.7 }), '1.0.0')
        .message,
    ).toBe('Downloading Crontray 2.0.0 (41 %)…');
    expect(updateStatus(on, state({ phase: 'up-to-date' }), '1.0.0').message).toBe(
      'Crontray 1.0.0 is up to date.',
    );
  });

  it('while off, gives the reason and offers no check', () => {
    expect(updateStatus({ on: false, reason: 'No feed.' }, initialUpdaterState, '1.0.0')).toEqual({
      state: 'off',
      message: 'No feed.',
      version: null,
      checkedAt: null,
      canCheck: false,
    });
  });

  it('notifies once when an update becomes ready, never for checks or failures', () => {
    const idle = updateStatus(on, initialUpdaterState, '1.0.0');
    const ready = updateStatus(on, state({ phase: 'ready', version: '1.1.0' }), '1.0.0');
    const failed = updateStatus(on, state({ phase: 'failed', error: 'x' }), '1.0.0');
    expect(readyNotice(idle, ready)).toEqual({
      title: 'Crontray 1.1.0 is ready',
      body: 'The update installs when you quit Crontray.',
    });
    expect(readyNotice(ready, ready)).toBeNull();
    expect(readyNotice(idle, failed)).toBeNull();
  });

  it('logs the first line of a long updater error, cut to fit one line', () => {
    const error = new Error(`HttpError: 404\n${'"body": '.repeat(100)}`);
    expect(shortReason(error)).toBe('HttpError: 404');
    expect(shortReason('y'.repeat(500))).toHaveLength(160);
  });
});

describe('the tray update line', () => {
  const status = (overrides: Partial<UpdateStatus>): UpdateStatus => ({
    state: 'idle',
    message: '',
    version: null,
    checkedAt: null,
    canCheck: true,
    ...overrides,
  });

  it('offers "Check for updates" while a check can run', () => {
    expect(trayUpdateItems(status({}))).toEqual([
      { label: 'Check for updates', enabled: true, checks: true },
    ]);
  });

  it('shows progress or the ready update instead, and nothing while updates are off', () => {
    expect(
      trayUpdateItems(status({ state: 'checking', message: 'Checking for updates…' })),
    ).toEqual([{ label: 'Checking for updates…', enabled: false, checks: false }]);
    expect(trayUpdateItems(status({ state: 'ready', version: '3.0.0' }))).toEqual([
      { label: 'Update 3.0.0 installs on quit', enabled: false, checks: false },
    ]);
    expect(trayUpdateItems(status({ state: 'off' }))).toEqual([]);
    expect(trayUpdateItems(null)).toEqual([]);
  });
});
