import type { SchedulerStatus } from '../../main/api/contract.js';

/**
 * A scheduler status as the service reports it: stopped, two enabled tasks, nothing running, a
 * secure vault, at `now`. Tests of the tray and the window override what they are about.
 */
export function schedulerStatus(
  now: number,
  overrides: Partial<SchedulerStatus> = {},
): SchedulerStatus {
  return {
    running: false,
    sessionId: null,
    startedAt: null,
    pausedUntil: null,
    doNotRunUntil: null,
    tasks: 2,
    enabledTasks: 2,
    activeRuns: 0,
    nextRun: null,
    lastRunFailed: false,
    vault: { backend: 'test', secure: true, warning: null, entries: 0, locked: [] },
    testMode: false,
    now,
    ...overrides,
  };
}
