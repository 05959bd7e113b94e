import type { NotificationConstructorOptions } from 'electron';
import type { EventHub } from '../core/service/event-hub.js';
import { failureNotice } from './failure-notice.js';

/** Electron's Notification class, as far as Crontray uses it; tests pass a small class. */
export interface NotificationApi {
  isSupported(): boolean;
  new (options: NotificationConstructorOptions): { show(): void };
}

/** Native notifications for failed runs, while the user has them on. Returns a disposer. */
export function setupNotifications(
  events: Pick<EventHub, 'subscribe'>,
  settings: { readonly notifications: boolean },
  Notification: NotificationApi,
): () => void {
  return events.subscribe((event, payload) => {
    const notice = failureNotice(event, payload, settings.notifications);
    if (notice && Notification.isSupported())
      new Notification({ title: notice.title, body: notice.body }).show();
  });
}
