import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../main/api/contract.js';
import { recordingLogger } from '../support/recording-logger.js';
import { VirtualClock } from '../../main/core/time/virtual-clock.js';
import { UpdateController } from '../../main/electron/update-controller.js';
import type { UpdateChecker } from '../../main/electron/update-controller.js';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS } from '../../main/electron/update-policy.js';
import type { UpdateAvailability } from '../../main/electron/update-policy.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/**
 * electron-updater's AppUpdater as the controller sees it (it needs the Electron runtime): each
 * check emits its outcome as events (here, calls on the controller) and then settles.
 */
type Outcome =
  { kind: 'none' } | { kind: 'update'; version: string } | { kind: 'error'; message: string };

function setup(availability: UpdateAvailability = { on: true }) {
  const clock = new VirtualClock(T0);
  const logger = recordingLogger();
  const changes: UpdateStatus[] = [];
  const outcomes: Outcome[] = [];
  let checks = 0;
  const checker: UpdateChecker = {
    async checkForUpdates() {
      checks++;
      controller.checking();
      const outcome = outcomes.shift() ?? { kind: 'none' };
      if (outcome.kind === 'none') controller.notAvailable();
      if (outcome.kind === 'update') {
        controller.available(outcome.version);
        controller.progress(50);
        controller.downloaded(outcome.version);
      }
      if (outcome.kind === 'error') {
        const error = new Error(outcome.message);
        controller.failed(error); // the 'error' event…
        throw error; // …and the rejected promise, for the same failure
      }
      return null;
    },
  };
  const controller: UpdateController = new UpdateController({
    availability,
    checker,
    currentVersion: '1.0.0',
    clock,
    logger,
    onChange: (status) => changes.push(status),
  });
  return { clock, logger, changes, outcomes, controller, checks: () => checks };
}

describe('the update schedule', () => {
  it('checks first two minutes after start, then every six hours', async () => {
    const t = setup();
    t.controller.start();
    await t.clock.advance(FIRST_CHECK_DELAY_MS - 1);
    expect(t.checks()).toBe(0);
    await t.clock.advance(1);
    expect(t.checks()).toBe(1);
    expect(t.controller.status()).toMatchObject({
      state: 'up-to-date',
      checkedAt: T0 + FIRST_CHECK_DELAY_MS,
    });
    await t.clock.advance(CHECK_INTERVAL_MS);
    expect(t.checks()).toBe(2);
    t.controller.stop();
    expect(t.clock.pendingTimers()).toBe(0);
  });

  it('never checks when updates are off, even when asked', async () => {
    const t = setup({
      on: false,
      reason: 'Updates are off: this build has no update feed configured.',
    });
    t.controller.start();
    await t.clock.advance(2 * CHECK_INTERVAL_MS);
    expect(await t.controller.check()).toMatchObject({ state: 'off', canCheck: false });
    expect(t.checks()).toBe(0);
  });

  it('stops checking once an update is ready: it installs on quit', async () => {
    const t = setup();
    t.outcomes.push({ kind: 'update', version: '1.1.0' });
    t.controller.start();
    await t.clock.advance(FIRST_CHECK_DELAY_MS);
    expect(t.controller.status()).toMatchObject({
      state: 'ready',
      version: '1.1.0',
      canCheck: false,
    });
    expect(t.clock.pendingTimers()).toBe(0);
    expect(await t.controller.check()).toMatchObject({ state: 'ready' });
    expect(t.checks()).toBe(1);
    expect(t.logger.messages('info')).toContain(
      'Updates: Crontray 1.1.0 is downloaded; it installs on quit.',
    );
  });
});

describe('checking by hand', () => {
  it('reports downloading, then ready, to the listener', async () => {
    const t = setup();
    t.outcomes.push({ kind: 'update', version: '2.0.0' });
    await t.controller.check();
    expect(t.changes.map((s) => s.state)).toEqual([
      'checking',
      'downloading',
      'downloading',
      'ready',
    ]);
    expect(t.changes[2]?.message).toBe('Downloading Crontray 2.0.0 (50 %)…');
  });

  it('a failed check is one quiet log line and a message for Settings, never an exception', async () => {
    const t = setup();
    t.outcomes.push({
      kind: 'error',
      message: 'net::ERR_INTERNET_DISCONNECTED\n    at stack line',
    });
    const status = await t.controller.check();
    expect(status.state).toBe('failed');
    expect(status.message).toContain('net::ERR_INTERNET_DISCONNECTED');
    expect(t.logger.messages()).toEqual(['Updates: check failed: net::ERR_INTERNET_DISCONNECTED']);
    expect(t.logger.lines[0]?.level).toBe('warn');
  });

  it('after a failure, the next check runs and can succeed', async () => {
    const t = setup();
    t.outcomes.push({ kind: 'error', message: 'timeout' }, { kind: 'none' });
    await t.controller.check();
    expect((await t.controller.check()).state).toBe('up-to-date');
  });

  it('a check asked for while one runs does not start a second', async () => {
    const t = setup();
    let release = () => {};
    const slow = new UpdateController({
      availability: { on: true },
      checker: {
        checkForUpdates: () => {
          slow.checking();
          return new Promise<null>((done) => (release = () => done(null)));
        },
      },
      currentVersion: '1.0.0',
      clock: t.clock,
      logger: t.logger,
    });
    const first = slow.check();
    expect(await slow.check()).toMatchObject({ state: 'checking', canCheck: false });
    release();
    expect((await first).state).toBe('up-to-date');
  });

  it('a listener that throws is logged and does not break the updater', async () => {
    const t = setup();
    const controller = new UpdateController({
      availability: { on: true },
      checker: { checkForUpdates: async () => null },
      currentVersion: '1.0.0',
      clock: t.clock,
      logger: t.logger,
      onChange: () => {
        throw new Error('window gone');
      },
    });
    expect((await controller.check()).state).toBe('up-to-date');
    expect(t.logger.messages('warn')[0]).toBe('Updates: listener failed: window gone');
  });
});
