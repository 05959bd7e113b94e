import type { AlertMessage } from './alert-message.js';

/** What a desktop notification shows, and the run a click opens in the history. */
export interface DesktopNotice {
  title: string;
  body: string;
  run: { project: string; group: string; name: string; runId: string } | null;
}

/**
 * Implemented by a host that can show notifications (the Electron app); headless mode has none,
 * and desktop deliveries there are recorded as skipped.
 */
export interface DesktopNotifier {
  show(notice: DesktopNotice): Promise<void>;
}

const BODY_LIMIT = 240;

export function desktopNotice(message: AlertMessage, text: string): DesktopNotice {
  return {
    title: message.title,
    // Notification centres cut long bodies anyway; the full text is in the Alerts view.
    body: text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT - 1)}…` : text,
    run:
      message.task && message.run
        ? {
            project: message.task.project,
            group: message.task.group,
            name: message.task.name,
            runId: message.run.runId,
          }
        : null,
  };
}
