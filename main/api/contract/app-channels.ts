import { z } from 'zod';
import type { ClusterStatus } from '../../core/cluster/cluster-status.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';
import { empty } from './request-parts.js';

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'headless';
  testMode: boolean;
  dataDir: string;
  platform: string;
  versions: { node: string; electron: string | null; chrome: string | null };
}

export interface VaultStatus {
  backend: string;
  secure: boolean;
  /** Shown to the user when the backend is not secure or something is locked. */
  warning: string | null;
  entries: number;
  locked: string[];
}

export interface SchedulerStatus {
  running: boolean;
  sessionId: string | null;
  startedAt: number | null;
  /** Paused by the tray's "Pause for 1 hour"; the scheduler resumes on its own at this time. */
  pausedUntil: number | null;
  tasks: number;
  enabledTasks: number;
  activeRuns: number;
  /**
   * The global "Do not run until …" while it lasts (set by `scheduler:until`), or null: runs due
   * before `until` are recorded 'skipped'; Run now still runs.
   */
  doNotRunUntil?: { from: number; until: number } | null;
  /** Runs waiting for their task's conditions ("waiting for AC power"), for the tray. */
  waiting?: { taskId: string; name: string; waitingFor: string }[];
  nextRun: { taskId: string; name: string; at: number } | null;
  lastRunFailed: boolean;
  vault: VaultStatus;
  /** Redis, workers and queues when a Redis URL is set (--redis); absent otherwise. */
  cluster?: ClusterStatus | null;
  testMode: boolean;
  now: number;
}

/** The app, the scheduler's state, the vault, and the test-mode clock. */
export const appChannels = {
  'app:info': channel<AppInfo>()(empty),

  'scheduler:status': channel<SchedulerStatus>()(empty),
  'scheduler:start': channel<SchedulerStatus>()(empty),
  'scheduler:stop': channel<SchedulerStatus>()(empty),
  /** Stops firing until the given time (the tray's "Pause for 1 hour"); 0 resumes now. */
  'scheduler:pause': channel<SchedulerStatus>()(
    z
      .object({
        minutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60),
      })
      .strict(),
  ),

  /**
   * The global "Do not run until …": `until` in epoch ms (in the future, at most a year ahead)
   * sets it; null clears it ("Run now again"). The scheduler keeps running; runs due before then
   * are recorded 'skipped' with the reason, and Run now still runs.
   */
  'scheduler:until': channel<SchedulerStatus>()(
    z
      .object({
        until: z
          .number({ message: 'expected a date and time (epoch milliseconds), or null to clear' })
          .int({ message: 'expected a whole number of milliseconds' })
          .min(0, { message: 'expected a date and time after 1970' })
          .max(8_640_000_000_000_000, {
            message: 'expected a date and time a JavaScript Date can hold',
          })
          .nullable(),
      })
      .strict(),
  ),

  'vault:status': channel<VaultStatus>()(empty),

  /** Moves the engine's virtual clock; exists only in headless --test-mode. */
  'clock:advance': channel<{ now: number }>()(
    z
      .object({
        ms: z
          .number()
          .int()
          .min(0)
          .max(366 * 24 * 3600_000),
      })
      .strict(),
    { testOnly: true },
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
