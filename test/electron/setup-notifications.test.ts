import { describe, expect, it } from 'vitest';
import type { NotificationConstructorOptions } from 'electron';
import type { RunSummary } from '../../main/api/contract.js';
import { EventHub } from '../../main/core/service/event-hub.js';
import { failureNotice } from '../../main/electron/failure-notice.js';
import { setupNotifications } from '../../main/electron/setup-notifications.js';

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

/** Stands in for Electron's Notification: keeps what the desktop would have shown. */
function notificationCentre(supported = true) {
  const shown: NotificationConstructorOptions[] = [];
  class Notification {
    static isSupported = () => supported;
    readonly #options: NotificationConstructorOptions;
    constructor(options: NotificationConstructorOptions) {
      this.#options = options;
    }
    show(): void {
      shown.push(this.#options);
    }
  }
  return { Notification, shown };
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

describe('the desktop shows failure notifications', () => {
  it('for each failed run the service reports, while the user has them on', () => {
    const events = new EventHub();
    const settings = { notifications: true };
    const centre = notificationCentre();
    setupNotifications(events, settings, centre.Notification);
    events.emit('run:finished', run());
    settings.notifications = false;
    events.emit('run:finished', run({ name: 'sync' }));
    expect(centre.shown).toEqual([{ title: 'backup failed', body: 'ops / nightly: exit code 2' }]);
  });

  it('not at all where the desktop has no notification centre, nor after disposal', () => {
    const events = new EventHub();
    const unsupported = notificationCentre(false);
    setupNotifications(events, { notifications: true }, unsupported.Notification);
    events.emit('run:finished', run());
    expect(unsupported.shown).toEqual([]);

    const centre = notificationCentre();
    const dispose = setupNotifications(events, { notifications: true }, centre.Notification);
    dispose();
    events.emit('run:finished', run());
    expect(centre.shown).toEqual([]);
  });
});
