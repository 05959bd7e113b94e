import type { NotificationConstructorOptions } from 'electron';
import type { DesktopNotice, DesktopNotifier } from '../core/alerts/desktop-notifier.js';

/** Electron's Notification class, as far as alerts use it; tests pass a small class. */
export interface ClickableNotificationApi {
  isSupported(): boolean;
  new (options: NotificationConstructorOptions): {
    show(): void;
    on(event: 'click', listener: () => void): unknown;
  };
}

/**
 * The desktop channel of alerts in the Electron app: a native notification whose click opens
 * the window on the run in the history (or the Alerts view when the alert is about no run).
 * Nothing is shown while the user has notifications off in Settings.
 */
export function desktopAlertNotifier(
  Notification: ClickableNotificationApi,
  settings: { readonly notifications: boolean },
  open: (hash: string) => void,
): DesktopNotifier {
  return {
    async show(notice: DesktopNotice) {
      if (!settings.notifications || !Notification.isSupported()) return;
      const n = new Notification({ title: notice.title, body: notice.body });
      const hash = notice.run ? runHash(notice.run) : '#/alerts';
      n.on('click', () => open(hash));
      n.show();
    },
  };
}

/** The renderer's route to one run in the history (renderer/src/routing/route.ts reads it). */
function runHash(run: NonNullable<DesktopNotice['run']>): string {
  const e = encodeURIComponent;
  return `#/history/run/${e(run.project)}/${e(run.group)}/${e(run.name)}/${e(run.runId)}`;
}
