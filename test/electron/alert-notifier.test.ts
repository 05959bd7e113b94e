import type { NotificationConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { desktopAlertNotifier } from '../../main/electron/alert-notifier.js';

/** Electron's Notification as the notifier uses it: shown ones are kept, clicks can be sent. */
class FakeNotification {
  static shown: FakeNotification[] = [];
  static isSupported = () => true;
  readonly options: NotificationConstructorOptions;
  #click: (() => void) | null = null;
  constructor(options: NotificationConstructorOptions) {
    this.options = options;
  }
  on(_event: 'click', listener: () => void) {
    this.#click = listener;
    return this;
  }
  show() {
    FakeNotification.shown.push(this);
  }
  click() {
    this.#click?.();
  }
}

describe('desktop alerts in the Electron app', () => {
  const run = { project: 'home', group: 'backups', name: 'nightly', runId: 'r-42' };

  it('shows the alert, and a click opens the run in the history', async () => {
    FakeNotification.shown = [];
    const opened: string[] = [];
    const notifier = desktopAlertNotifier(FakeNotification, { notifications: true }, (h) =>
      opened.push(h),
    );
    await notifier.show({ title: 'nightly failed', body: 'exit code 2', run });
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([
      { title: 'nightly failed', body: 'exit code 2' },
    ]);
    FakeNotification.shown[0]!.click();
    expect(opened).toEqual(['#/history/run/home/backups/nightly/r-42']);
  });

  it('an alert about no run opens the Alerts view, and nothing shows with notifications off', async () => {
    FakeNotification.shown = [];
    const opened: string[] = [];
    await desktopAlertNotifier(FakeNotification, { notifications: true }, (h) =>
      opened.push(h),
    ).show({ title: 'sync did not run', body: '…', run: null });
    FakeNotification.shown[0]!.click();
    expect(opened).toEqual(['#/alerts']);
    await desktopAlertNotifier(FakeNotification, { notifications: false }, () => undefined).show({
      title: 'x',
      body: 'y',
      run,
    });
    expect(FakeNotification.shown).toHaveLength(1);
  });
});
