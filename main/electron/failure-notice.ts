import type { EventMap, EventName } from '../api/contract.js';

export interface Notice {
  title: string;
  body: string;
}

/** A native notification for a failed or timed-out run, when the user wants notifications. */
export function failureNotice<E extends EventName>(
  event: E,
  payload: EventMap[E],
  notificationsOn: boolean,
): Notice | null {
  if (!notificationsOn || event !== 'run:finished') return null;
  const run = payload as EventMap['run:finished'];
  if (run.status !== 'failed' && run.status !== 'timed-out') return null;
  const what = run.status === 'timed-out' ? 'timed out' : 'failed';
  const detail =
    run.error ??
    (run.exitCode !== null
      ? `exit code ${run.exitCode}`
      : run.httpStatus !== null
        ? `HTTP ${run.httpStatus}`
        : 'no details');
  // Notification centres cut long bodies anyway; the full error is in the history view.
  const body = `${run.project} / ${run.group}: ${detail}`;
  return {
    title: `${run.name} ${what}`,
    body: body.length > 240 ? `${body.slice(0, 239)}…` : body,
  };
}
