import type { AppInfo } from '../../api/contract.js';
import type { ActionDispatcherOptions } from '../actions/action-runner.js';
import type { SystemConditions } from '../conditions/system-conditions.js';
import type { Logger } from '../log/logger.js';
import type { Cipher } from '../store/vault.js';
import type { Clock } from '../time/clock.js';
import type { UpdateSource } from './update-handlers.js';

/** What a host (headless, the desktop app, tests) gives CrontrayService. */
export interface ServiceOptions {
  /** Where config, vault, jobs, sessions, cache and logs live. */
  dataDir: string;
  /** Which adapter hosts the core; shown in app:info. */
  host: AppInfo['host'];
  /** Virtual clock, plaintext vault and test-only channels. Default false. */
  testMode?: boolean;
  /** Default: systemClock, or a VirtualClock starting now in test mode. */
  clock?: Clock;
  /** Default silent. */
  logger?: Logger;
  /** The app's version, from package.json. */
  version: string;
  /** Electron and Chrome versions when hosted by Electron. */
  versions?: Partial<AppInfo['versions']>;
  /** Encrypts the vault. Default: plaintext in test mode, else AES-256-GCM with a key file. */
  cipher?: Cipher;
  /**
   * How the history view follows the jobs folder for files other programs write; the service's
   * own runs reach it at once through JobCache.put(). Default 'polling' (every 10 s): 'watch'
   * rescans a task folder after each of its writes, our own included, which at hundreds of runs
   * a second lists and stats every run file over and over.
   */
  historyMode?: 'watch' | 'polling';
  /**
   * Replaces action runners by kind, e.g. an in-process no-op for load tests and the soak.
   * Default: the real shell, http and script runners.
   */
  actions?: Pick<ActionDispatcherOptions, 'shell' | 'http' | 'script'>;
  /**
   * Start the scheduler on open when it was running when the app last quit or crashed (the
   * session ledger says so), as a tray app is expected to. Default true.
   */
  resumeScheduler?: boolean;
  /** Answers the updates channels: the desktop app's updater. Default: updates are off. */
  updates?: UpdateSource;
  /**
   * Redis for tasks whose "Run on" is a cluster queue (`--redis URL`); it wins over the URL
   * saved in Settings. Default: the one in Settings, else none (such tasks do not run and a
   * warning says why).
   */
  redisUrl?: string;
  /** Answers tasks' power, network and idle conditions. Default none: conditions count as met. */
  conditions?: SystemConditions;
}
